package dev.nslab.lab.apply;

import dev.nslab.error.LabException;
import dev.nslab.lab.plan.Resource;
import dev.nslab.net.LinkChange;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.io.IOException;
import java.nio.file.Files;

/** Namespaces of a lab: each made marked from inside before it has a name, removed only when it carries the mark. */
public final class NamespaceApplier {
    private final Applier run;

    NamespaceApplier(Applier run) { this.run = run; }

    /**
     * One namespace made on its own (a node of a lab built from Java), the engine's way: marked with {@code mark} from
     * inside, its loopback up, before it has its name. Returns the rtnetlink handle opened inside it.
     */
    public static NetHandle makeOne(Namespaces registry, String name, String mark) {
        NetHandle[] made = new NetHandle[1];
        try {
            registry.add(name, () -> {
                made[0] = NetHandle.open(registry, NsRef.current());
                made[0].setLink(LinkChange.of("lo").up(true).alias(mark));
            });
            return made[0];
        } catch (RuntimeException e) {
            if (made[0] != null) made[0].close(); // an open socket would keep the namespace alive
            throw e;
        }
    }

    void checkOwned(Resource.Namespace n) {
        if (n.outside() != null) return; // checked when it is attached: the name must be the container's namespace's
        if (run.registry().exists(n.name()) && !run.nsMarked(n.name())) {
            throw new LabException("namespace " + n.name() + " already exists: " + run.clash(run.nsMark(n.name()), "set another \"prefix\" in the lab file"));
        }
    }

    /**
     * A namespace, marked (and with forwarding on, if asked) from inside before it gets its name: the mark is
     * there before anyone can see it, and the settings cost no second entry into it. Its loopback is left down: the
     * run brings it up in the configuration round, pipelined with the namespace's other requests (up, it costs the
     * kernel its local routes and addresses under the lock every link change takes). Returns the rtnetlink handle
     * opened inside it, or null when the namespace was there already (the lab's, checked) and is adopted. Touches
     * nothing of the run but the kernel, so that {@link NamespaceMaker} may call it on a thread of its own. The
     * registration files of one run's namespaces are names of one file ({@code adder}).
     */
    NetHandle create(Resource.Namespace n, Resource.Forwarding forwarding, Namespaces.Adder adder) {
        if (n.outside() != null) {
            attach(n);
            return null;
        }
        if (n.host() != null && !run.registry().exists(n.name())) return run.hosts.create(n, forwarding, adder);
        if (run.registry().exists(n.name())) {
            if (forwarding != null) ForwardingApplier.set(run, NsRef.named(n.name()), forwarding.ipv6(), true);
            return null;
        }
        return add(run, n.name(), forwarding, adder);
    }

    /**
     * A namespace made by {@code adder}, marked (and with forwarding on, if asked) from inside before it gets its
     * name; the rtnetlink handle opened inside it. Also where an image node's podman container is to live.
     */
    static NetHandle add(Applier run, String name, Resource.Forwarding forwarding, Namespaces.Adder adder) {
        return marked(run, forwarding, prepare -> adder.add(name, prepare));
    }

    /** The same for the namespace of process {@code pid} (a node's host, a docker container): named as the node's. */
    static NetHandle adopt(Applier run, String name, long pid, Resource.Forwarding forwarding, Namespaces.Adder adder) {
        return marked(run, forwarding, prepare -> adder.adopt(name, pid, prepare));
    }

    /** Runs {@code register} with the work done inside the namespace before it is named: the mark, forwarding, the handle. */
    private static NetHandle marked(Applier run, Resource.Forwarding forwarding, java.util.function.Consumer<Runnable> register) {
        NetHandle[] made = new NetHandle[1];
        try {
            register.accept(() -> {
                made[0] = NetHandle.open(run.registry(), NsRef.current());
                made[0].setLink(LinkChange.of("lo").alias(run.mark));
                if (forwarding != null) ForwardingApplier.set(run, NsRef.current(), forwarding.ipv6(), true);
            });
            return made[0];
        } catch (RuntimeException e) {
            // failed after it was opened (the mark, the mount): an open socket would keep the namespace alive
            if (made[0] != null) made[0].close();
            throw e;
        }
    }

    /**
     * Names the network namespace of the container outside the lab that {@code n} is (the engine says which process
     * is its first), and notes the container for the node's programs; where no container has that name but a
     * namespace does (a node of another lab whose prefix is "", as containerlab names its containers), that namespace.
     * Nothing of it is changed: no mark, no loopback; a name already there is kept only when it is that namespace.
     */
    private void attach(Resource.Namespace n) {
        String ns = n.name(), other = n.outside();
        java.util.Optional<dev.nslab.engine.Engine> engine = dev.nslab.engine.Engine.find();
        String state = engine.map(e -> e.states(java.util.List.of(other)).get(other)).orElse(null);
        long pid = "running".equals(state) ? engine.get().pids(java.util.List.of(other)).getOrDefault(other, 0L) : 0;
        boolean namespace = pid <= 0 && state == null && Namespaces.isValidName(other) && run.registry().exists(other);
        if (pid <= 0 && !namespace) {
            throw new LabException("container " + other + " (outside the lab, whose network namespace is " + ns + ") "
                    + (state != null ? "is " + state : engine.isEmpty() ? "cannot be looked for: neither podman nor docker is here" : "does not exist")
                    + ": start it first (" + engine.map(dev.nslab.engine.Engine::name).orElse("podman") + " ps lists the running ones), or name a running one");
        }
        long want = Namespaces.inode(namespace ? run.registry().path(other) : java.nio.file.Path.of("/proc/" + pid + "/ns/net"));
        if (run.registry().exists(ns)) {
            if (Namespaces.inode(run.registry().path(ns)) != want) {
                throw new LabException("namespace " + ns + " already exists and is not the network namespace of " + other
                        + ": " + run.clash(run.nsMark(ns), "set another \"prefix\" in the lab file"));
            }
        } else if (namespace) {
            run.registry().alias(ns, other);
        } else {
            run.registry().attach(ns, (int) pid);
        }
        if (run.stateDirOrNull() != null) HostApplier.noteOutside(run.stateDirOrNull(), run.lab, ns, namespace ? null : other, pid);
    }

    boolean remove(Resource.Namespace n) {
        String ns = n.name();
        if (!run.registry().exists(ns)) return false;
        if (n.outside() != null) {
            // the name only: the namespace is the container's, and lives on with it
            NetHandle h = run.handles.remove(ns);
            if (h != null) h.close();
            run.registry().delete(ns);
            if (run.stateDirOrNull() != null) HostApplier.removeOne(run.stateDirOrNull(), run.lab, ns);
            return true;
        }
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
        endHost(ns);
        run.registry().delete(ns);
        if (run.stateDirOrNull() != null) HostApplier.removeOne(run.stateDirOrNull(), run.lab, ns);
        return true;
    }

    /** Ends the init of the namespace's host (and with it every process of the node), when it is one. */
    private void endHost(String ns) {
        if (run.stateDirOrNull() == null) return;
        java.util.OptionalLong init = HostApplier.init(run.stateDirOrNull(), run.lab, ns);
        if (init.isEmpty()) return;
        dev.nslab.net.Processes.end(java.util.List.of(init.getAsLong()), java.time.Duration.ofSeconds(5));
    }
}
