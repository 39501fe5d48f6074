package dev.nslab.lab.apply;

import dev.nslab.lab.plan.Resource;
import dev.nslab.net.NsRef;

/** Forwarding inside a node (IPv4, and IPv6 unless the node has none): sysctls of its namespace. */
final class ForwardingApplier {
    private final Applier run;

    ForwardingApplier(Applier run) { this.run = run; }

    void create(Resource.Forwarding f) { set(run, NsRef.named(f.ns()), f.ipv6(), true); }

    void remove(Resource.Forwarding f) { set(run, NsRef.named(f.ns()), f.ipv6(), false); }

    /** IPv4 (and IPv6) forwarding, both ways the same rule; also while a namespace is being made, from inside. */
    static void set(Applier run, NsRef ns, boolean ipv6, boolean on) {
        run.sysctl.write(ns, "net.ipv4.ip_forward", on ? "1" : "0");
        if (ipv6) run.sysctl.write(ns, "net.ipv6.conf.all.forwarding", on ? "1" : "0");
    }
}
