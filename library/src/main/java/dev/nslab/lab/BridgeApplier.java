package dev.nslab.lab;

/** Linux bridges inside switch nodes' namespaces: made in the first round of a run, removed only when marked. */
final class BridgeApplier {
    private final Applier run;

    BridgeApplier(Applier run) { this.run = run; }

    /** Up, in the lab's device group, and marked, in the namespace's batch of the links round. */
    void schedule(Resource.LinuxBridge b, Applier.Rounds links) {
        int ix = run.view(b.ns()).claim(b.name());
        links.add(b.ns(), b, nb -> nb.bridge(b.name(), ix, Labs.DEVICE_GROUP));
        links.add(b.ns(), b, nb -> nb.setLink(ix, b.name(), run.mark, null, null, null));
    }

    boolean remove(Resource.LinuxBridge b) { return run.removeMarkedLink(b.ns(), b.name()); }
}
