package dev.nslab.lab.apply;

import dev.nslab.error.LabException;
import dev.nslab.lab.plan.Resource;
import dev.nslab.net.Cidr;

/** Addresses of the file on nodes' interfaces: in the configuration round, by interface index. */
final class AddressApplier {
    private final Applier run;

    AddressApplier(Applier run) { this.run = run; }

    void schedule(Resource.Address a, Applier.Rounds config) {
        int ix = run.view(a.ns()).index(a.dev());
        config.add(a.ns(), a, nb -> nb.address(ix, a.dev(), a.cidr(), true));
    }

    /**
     * An address of the root namespace (a management network's gateway) must not overlap a subnet the machine already
     * uses elsewhere: the lab would take over part of the machine's own network.
     */
    void checkOwned(Resource.Address a) {
        if (a.ns() != null) return;
        dev.nslab.net.NetHandle root = run.handle(null);
        java.util.Map<Integer, String> names = new java.util.HashMap<>();
        root.links().forEach(l -> names.put(l.index(), l.name()));
        Cidr mine = a.cidr().network();
        for (dev.nslab.net.IfAddress x : root.addresses(a.cidr().family())) {
            String dev = names.get(x.index());
            if (a.dev().equals(dev) || !x.isGlobal()) continue;
            Cidr theirs = x.cidr().network();
            if (mine.contains(theirs.address()) || theirs.contains(mine.address())) {
                throw new LabException("the management subnet " + mine + " overlaps " + x.cidr() + " of " + dev
                        + " in the root namespace: choose another in mgmt.ipv4-subnet / mgmt.ipv6-subnet");
            }
        }
    }

    void remove(Resource.Address a) { run.handle(a.ns()).deleteAddress(a.dev(), a.cidr()); }
}
