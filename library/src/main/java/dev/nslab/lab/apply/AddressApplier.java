package dev.nslab.lab.apply;

import dev.nslab.lab.plan.Resource;

/** Addresses of the file on nodes' interfaces: in the configuration round, by interface index. */
final class AddressApplier {
    private final Applier run;

    AddressApplier(Applier run) { this.run = run; }

    void schedule(Resource.Address a, Applier.Rounds config) {
        int ix = run.view(a.ns()).index(a.dev());
        config.add(a.ns(), a, nb -> nb.address(ix, a.dev(), a.cidr(), true));
    }

    void remove(Resource.Address a) { run.handle(a.ns()).deleteAddress(a.dev(), a.cidr()); }
}
