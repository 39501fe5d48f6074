package dev.nslab.lab.plan;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Reachability;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.Kind;
import dev.nslab.lab.model.Topology.LinkDef;
import dev.nslab.lab.model.Topology.NodeDef;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a lab asks of the machine, computed from its file alone: neighbour (ARP/NDP) entries, namespaces, open
 * descriptors while it is built, and ports per Linux bridge. The neighbour table is one for all namespaces, so a lab
 * of n hosts on one segment can hold n(n-1) entries per family at once (every host has talked to every other).
 *
 * @param neighbours4 IPv4 neighbour entries when every host on each segment has talked to every other
 * @param neighbours6 the same for IPv6
 * @param namespaces  namespaces the lab makes
 * @param descriptors descriptors nslab holds while it builds the lab (a netlink socket per namespace, a few more)
 */
public record LabNeeds(long neighbours4, long neighbours6, int namespaces, int descriptors) {
    /** The kernel's BR_MAX_PORTS: a Linux bridge refuses its 1,025th port with "Exchange full" (EBUSY). */
    public static final int LINUX_BRIDGE_MAX_PORTS = 1024;

    public static LabNeeds of(Topology t) {
        Map<String, Integer> bySegment = new HashMap<>();
        Reachability model = new Reachability(t);
        for (LinkDef l : t.links()) {
            for (Topology.Endpoint e : List.of(l.a(), l.b())) {
                if (t.node(e.node()).orElseThrow().kind() == Kind.LINUX) bySegment.merge(model.segment(e.node(), e.iface()), 1, Integer::sum);
            }
        }
        long pairs = 0;
        for (int n : bySegment.values()) pairs += (long) n * (n - 1);
        boolean exec = false, v4 = false, v6 = false;
        int namespaces = 0;
        for (NodeDef n : t.nodes()) {
            if (n.kind() != Kind.OVS_BRIDGE) namespaces++;
            exec |= !n.exec().isEmpty();
            for (List<Cidr> cs : n.addresses().values()) {
                for (Cidr c : cs) {
                    if (c.family() == Family.INET) v4 = true;
                    else v6 = true;
                }
            }
        }
        // addresses that exec lines set are unknown until they run: count both families for such labs
        return new LabNeeds(v4 || exec ? pairs : 0, v6 || exec ? pairs : 0, namespaces, namespaces + 64);
    }

    /**
     * What cannot work whatever the machine: a Linux bridge with more ports than the kernel allows. Located at the
     * link that would be the first port too many.
     */
    public static void checkBuildable(Topology t) {
        Map<String, Integer> ports = new HashMap<>();
        for (LinkDef l : t.links()) {
            for (Topology.Endpoint e : List.of(l.a(), l.b())) {
                NodeDef n = t.node(e.node()).orElseThrow();
                if (n.kind() != Kind.BRIDGE) continue;
                int count = ports.merge(n.name(), 1, Integer::sum);
                if (count == LINUX_BRIDGE_MAX_PORTS + 1) {
                    long total = t.links().stream().filter(x -> x.a().node().equals(n.name()) || x.b().node().equals(n.name())).count();
                    throw new LabException(t.file(), l.line(), 1, String.format(
                            "bridge %s would get %,d ports, but a Linux bridge takes at most %,d (the kernel's BR_MAX_PORTS); this link "
                                    + "is the first too many: spread the hosts over several bridges joined by a link, or make %s "
                                    + "a kind: ovs-bridge (node at line %d)", n.name(), total, LINUX_BRIDGE_MAX_PORTS, n.name(), n.line()));
                }
            }
        }
    }
}
