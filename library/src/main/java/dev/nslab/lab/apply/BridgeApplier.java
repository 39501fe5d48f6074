package dev.nslab.lab.apply;

import dev.nslab.error.LabException;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.Marks;

/** Linux bridges inside switch nodes' namespaces: made in the first round of a run, removed only when marked. */
final class BridgeApplier {
    private final Applier run;

    BridgeApplier(Applier run) { this.run = run; }

    /** Up, in the lab's device group, and marked, in the namespace's batch of the links round. */
    void schedule(Resource.LinuxBridge b, Applier.Rounds links) {
        int ix = run.view(b.ns()).claim(b.name());
        links.add(b.ns(), b, nb -> nb.bridge(b.name(), ix, Marks.DEVICE_GROUP));
        links.add(b.ns(), b, nb -> nb.setLink(ix, b.name(), run.mark, null, null, null));
    }

    /** A bridge of the root namespace must not be somebody else's. */
    void checkOwned(Resource.LinuxBridge b) {
        java.util.Optional<dev.nslab.net.Link> l = run.handle(null).findLink(b.name());
        if (l.isPresent() && !run.marked(l)) {
            throw new LabException("interface " + b.name() + " already exists in the root namespace: "
                    + run.clash(l.get().alias(), "name another bridge in mgmt.bridge"));
        }
    }

    /** A bridge of the root namespace (a management network), marked and up, made before the veths that join it. */
    void createInRoot(Resource.LinuxBridge b) {
        dev.nslab.net.NetHandle h = run.handle(null);
        if (h.findLink(b.name()).isEmpty()) h.addLink(dev.nslab.net.LinkSpec.bridge(b.name()).alias(run.mark));
        h.setLink(dev.nslab.net.LinkChange.of(b.name()).alias(run.mark).up(true));
    }

    boolean remove(Resource.LinuxBridge b) { return run.removeMarkedLink(b.ns(), b.name()); }
}
