package dev.nslab.lab;

import dev.nslab.net.LinkChange;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.io.IOException;
import java.nio.file.Files;

/** Namespaces of a lab: each made marked from inside before it has a name, removed only when it carries the mark. */
final class NamespaceApplier {
    private final Applier run;

    NamespaceApplier(Applier run) { this.run = run; }

    void checkOwned(Resource.Namespace n) {
        if (run.registry().exists(n.name()) && !run.nsMarked(n.name())) {
            throw new LabException("namespace " + n.name() + " already exists and is not lab " + run.lab
                    + "'s: remove it (nslab netns del " + n.name() + ") or set another \"prefix\" in the lab file");
        }
    }

    /**
     * A namespace, marked (and with forwarding on, if asked) from inside before it gets its name: the mark is
     * there before anyone can see it, and the settings cost no second entry into it.
     */
    void create(Resource.Namespace n, Resource.Forwarding forwarding) {
        if (run.registry().exists(n.name())) { // the lab's already (checked): adopt
            if (forwarding != null) ForwardingApplier.set(run, NsRef.named(n.name()), forwarding.ipv6(), true);
            return;
        }
        run.madeNamespace(n.name());
        run.registry().add(n.name(), () -> {
            NetHandle h = NetHandle.open(run.registry(), NsRef.current());
            try {
                h.setLink(LinkChange.of("lo").up(true).alias(run.mark));
                if (forwarding != null) ForwardingApplier.set(run, NsRef.current(), forwarding.ipv6(), true);
            } catch (RuntimeException e) {
                h.close();
                throw e;
            }
            run.handles.put(n.name(), h);
        });
    }

    boolean remove(Resource.Namespace n) {
        String ns = n.name();
        if (!run.registry().exists(ns)) return false;
        if (!run.nsMarked(ns)) {
            // a registration file without a namespace behind it (a crash between its creation and the mount) is
            // removed; a real namespace without the lab's mark is somebody else's
            boolean stale;
            try {
                stale = !"nsfs".equals(Files.getFileStore(run.registry().path(ns)).type());
            } catch (IOException e) {
                stale = false;
            }
            if (!stale) {
                run.progress().say("left namespace " + ns + " alone: it does not carry the mark of lab " + run.lab);
                return false;
            }
        }
        NetHandle h = run.handles.remove(ns);
        if (h != null) h.close(); // an open socket would keep the namespace alive
        run.registry().delete(ns);
        return true;
    }
}
