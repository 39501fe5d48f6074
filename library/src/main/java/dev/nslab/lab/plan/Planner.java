package dev.nslab.lab.plan;

import dev.nslab.lab.model.Names;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.Endpoint;
import dev.nslab.lab.model.Topology.Kind;
import dev.nslab.lab.model.Topology.LinkDef;
import dev.nslab.lab.model.Topology.NodeDef;
import dev.nslab.lab.plan.Resource.End;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a topology into the objects that make it, in creation order. */
public final class Planner {
    private Planner() {}

    public static List<Resource> resources(Topology t) {
        List<Resource> out = new ArrayList<>();
        for (NodeDef n : t.nodes()) {
            // a node in another's namespace or the machine's, and a bridge that existed before the lab, are used, not made
            if (n.kind() == Kind.BRIDGE && n.sharesWith() != null) { // containerlab's "BRIDGE|NODE": a bridge in NODE's namespace
                out.add(new Resource.LinuxBridge(t.namespace(n), n.bridgeName()));
                continue;
            }
            if (n.outside() != null) {
                out.add(new Resource.Namespace(t.namespace(n), null, n.outside()));
                continue;
            }
            if (n.meta().network() != null || n.meta().existing()) continue;
            switch (n.kind()) {
                case LINUX -> out.add(new Resource.Namespace(t.namespace(n), t.hosted(n)
                        ? new Resource.Host(n.hostname(), n.programs().binds(), n.programs().image()) : null));
                case BRIDGE -> {
                    out.add(new Resource.Namespace(t.namespace(n)));
                    out.add(new Resource.LinuxBridge(t.namespace(n), n.name()));
                }
                case OVS_BRIDGE -> out.add(new Resource.OvsBridge(n.name()));
            }
        }
        for (LinkDef l : t.links()) {
            End a = end(t, l.a()), b = end(t, l.b());
            if (a.ns() != null && b.ns() == null) {
                End x = a;
                a = b;
                b = x;
            }
            out.add(new Resource.Veth(a, b, l.mtu()));
            for (Endpoint e : List.of(l.a(), l.b())) {
                if (t.node(e.node()).orElseThrow().kind() == Kind.OVS_BRIDGE) {
                    out.add(new Resource.OvsPort(e.node(), e.iface(), l.vlan(), l.trunks()));
                }
            }
        }
        for (Topology.DeviceDef d : t.devices()) {
            out.add(new Resource.Device(t.namespace(d.end().node()), d.end().iface(), d.device(), d.mtu()));
        }
        if (t.mgmt() != null) out.addAll(mgmt(t));
        for (NodeDef n : t.nodes()) {
            if (n.kind() != Kind.LINUX || n.isHost()) continue;
            String ns = t.namespace(n);
            for (Map.Entry<String, List<Cidr>> e : n.addresses().entrySet()) {
                for (Cidr c : e.getValue()) out.add(new Resource.Address(ns, e.getKey(), c));
            }
            if (n.forwarding()) {
                // IPv6 forwarding unless the node is known to be IPv4 only (exec lines may give it IPv6 addresses)
                boolean v6 = !n.exec().isEmpty() || n.routes().stream().anyMatch(r -> r.family() == Family.INET6)
                        || n.addresses().values().stream().flatMap(List::stream).anyMatch(c -> c.family() == Family.INET6);
                out.add(new Resource.Forwarding(ns, v6));
            }
            for (Topology.RouteDef r : n.routes()) out.add(new Resource.Route(ns, r));
            for (Topology.ServiceDef s : n.programs().services()) {
                out.add(new Resource.Service(ns, n.name(), s, n.programs().env(), n.programs().binds()));
            }
        }
        if (out.stream().anyMatch(r -> r instanceof Resource.Namespace ns && ns.host() != null)) out.add(new Resource.Users());
        out.sort(Comparator.comparingInt(Resource::phase));
        return out;
    }

    /** The management bridge with the gateway addresses, and each node's eth0 on it with its management addresses. */
    private static List<Resource> mgmt(Topology t) {
        Topology.Mgmt m = t.mgmt();
        List<Resource> out = new ArrayList<>();
        out.add(new Resource.LinuxBridge(null, m.bridge()));
        if (m.ipv4Gateway() != null) out.add(new Resource.Address(null, m.bridge(), new Cidr(m.ipv4Gateway(), m.ipv4Subnet().prefixLength())));
        if (m.ipv6Gateway() != null) out.add(new Resource.Address(null, m.bridge(), new Cidr(m.ipv6Gateway(), m.ipv6Subnet().prefixLength())));
        for (Topology.MgmtLink l : m.links()) {
            out.add(new Resource.Veth(new End(null, l.hostInterface(), m.bridge()), new End(t.namespace(l.end().node()), l.end().iface(), null), m.mtu()));
        }
        for (NodeDef n : t.nodes()) {
            Topology.Meta meta = n.meta();
            if (meta.mgmtIpv4() == null && meta.mgmtIpv6() == null) continue;
            String ns = t.namespace(n);
            out.add(new Resource.Veth(new End(null, mgmtPortName(t.name(), n.name()), m.bridge()), new End(ns, "eth0", null), m.mtu()));
            if (meta.mgmtIpv4() != null) out.add(new Resource.Address(ns, "eth0", new Cidr(meta.mgmtIpv4().address(), m.ipv4Subnet().prefixLength())));
            if (meta.mgmtIpv6() != null) out.add(new Resource.Address(ns, "eth0", new Cidr(meta.mgmtIpv6().address(), m.ipv6Subnet().prefixLength())));
        }
        return out;
    }

    /** The root-namespace end of a node's management cable: short, stable, distinct per lab and node. */
    static String mgmtPortName(String lab, String node) { return Names.stable("nm", lab, "mgmt", node); }

    private static End end(Topology t, Endpoint e) {
        NodeDef n = t.node(e.node()).orElseThrow();
        return switch (n.kind()) {
            case LINUX -> {
                String kernel = Names.kernelIfName(t.name(), n.name(), e.iface());
                yield new End(t.namespace(n), kernel, null, kernel.equals(e.iface()) ? null : e.iface());
            }
            case BRIDGE -> new End(t.namespace(n), e.iface(), n.bridgeName());
            case OVS_BRIDGE -> new End(null, e.iface(), null);
        };
    }

    /** The file's nodes, each after the nodes it waits for (the parser refused cycles), otherwise in file order. */
    public static List<NodeDef> execOrder(Topology t) {
        Map<String, NodeDef> byName = new java.util.LinkedHashMap<>();
        t.nodes().forEach(n -> byName.put(n.name(), n));
        List<NodeDef> out = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        for (NodeDef n : t.nodes()) place(n, byName, placed, out);
        return out;
    }

    private static void place(NodeDef n, Map<String, NodeDef> byName, Set<String> placed, List<NodeDef> out) {
        if (!placed.add(n.name())) return;
        for (String w : n.meta().waitFor()) if (byName.containsKey(w)) place(byName.get(w), byName, placed, out);
        out.add(n);
    }
}
