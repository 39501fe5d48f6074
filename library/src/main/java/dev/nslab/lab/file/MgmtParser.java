package dev.nslab.lab.file;

import dev.nslab.error.LabException;
import dev.nslab.lab.file.Yaml.Node;
import dev.nslab.lab.model.Names;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.Endpoint;
import dev.nslab.lab.model.Topology.Kind;
import dev.nslab.lab.model.Topology.LinkDef;
import dev.nslab.lab.model.Topology.NodeDef;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.nslab.lab.file.TopologyParser.checkIfName;
import static dev.nslab.lab.file.TopologyParser.textOf;
import static dev.nslab.lab.file.TopologyParser.unknownKey;

/**
 * containerlab's management network, as a lab file asks for it ({@code mgmt:}, a node's mgmt-ipv4/-ipv6, mgmt-net
 * links): its bridge, subnets and gateways, and an address on eth0 for every linux node with a namespace of its own.
 * {@link TopologyParser} hands it the nodes and links; every mistake is located in the file as there.
 */
final class MgmtParser {
    private final String file;
    private final TopologyParser.Warner warner;
    private final List<Topology.MgmtLink> mgmtLinks;
    /** Nodes of network-mode none: no management interface. */
    private final Set<String> noMgmt;

    MgmtParser(String file, TopologyParser.Warner warner, List<Topology.MgmtLink> mgmtLinks, Set<String> noMgmt) {
        this.file = file;
        this.warner = warner;
        this.mgmtLinks = mgmtLinks;
        this.noMgmt = noMgmt;
    }

    private static final Set<String> MGMT_KEYS = Set.of("network", "bridge", "ipv4-subnet", "ipv6-subnet", "ipv4-gw", "ipv6-gw",
            "ipv4-range", "ipv6-range", "mtu", "external-access", "driver-opts", "mac", "skip-when-unused");
    /** Management addresses given or chosen, by node. */
    private final Map<String, Cidr[]> mgmtAddresses = new HashMap<>();

    /**
     * containerlab's management network, when the file asks for one ({@code mgmt:} or a node's mgmt-ipv4/-ipv6): its
     * bridge, subnets and gateways, and an address for every linux node with a namespace of its own (its
     * mgmt-ipv4, else the next free one of the subnet or of ipv4-range), on eth0, which data links must leave free.
     */
    Topology.Mgmt read(Node mgmtN, List<NodeDef> nodes, Map<String, Node> nodeMap, List<LinkDef> links, String lab) {
        boolean asked = mgmtN != null || !mgmtLinks.isEmpty() || nodes.stream().anyMatch(n -> n.meta().mgmtIpv4() != null || n.meta().mgmtIpv6() != null);
        if (!asked) return null;
        Map<String, Node> m = mgmtN == null || mgmtN.value() == null ? Map.of() : mgmtN.map("mgmt");
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (!MGMT_KEYS.contains(e.getKey())) throw unknownKey(e.getValue(), e.getKey(), MGMT_KEYS);
            if (Set.of("network", "external-access", "driver-opts", "mac", "skip-when-unused").contains(e.getKey())) {
                warner.warn(e.getValue(), "\"" + e.getKey() + "\" of mgmt is about container networks: ignored (nslab's management network is the bridge "
                        + "in mgmt.bridge)");
            }
        }
        String bridge = textOf(m.get("bridge"));
        if (bridge == null) {
            bridge = Names.stable("br-", "mgmt", lab);
        } else {
            checkIfName(m.get("bridge"), bridge, "bridge name");
        }
        boolean v6 = m.containsKey("ipv6-subnet") || nodes.stream().anyMatch(n -> n.meta().mgmtIpv6() != null);
        Cidr sub4 = MgmtAddresses.subnet(m.get("ipv4-subnet"), "172.20.20.0/24", Family.INET);
        Cidr sub6 = v6 ? MgmtAddresses.subnet(m.get("ipv6-subnet"), "3fff:172:20:20::/64", Family.INET6) : null;
        InetAddress gw4 = MgmtAddresses.gateway(m.get("ipv4-gw"), sub4), gw6 = v6 ? MgmtAddresses.gateway(m.get("ipv6-gw"), sub6) : null;
        Cidr range4 = MgmtAddresses.range(m.get("ipv4-range"), sub4), range6 = v6 ? MgmtAddresses.range(m.get("ipv6-range"), sub6) : null;
        Integer mtu = m.containsKey("mtu") && m.get("mtu").value() != null ? m.get("mtu").integer("mtu") : null;
        List<NodeDef> members = nodes.stream().filter(n -> n.kind() == Kind.LINUX && n.meta().network() == null && !noMgmt.contains(n.name())).toList();
        for (LinkDef l : links) {
            for (Endpoint e : List.of(l.a(), l.b())) {
                if (e.iface().equals("eth0") && members.stream().anyMatch(n -> n.name().equals(e.node()))) {
                    throw new LabException(file, l.line(), 1, "interface " + e + " is the node's management interface (the file has a "
                            + "management network): give the link another interface, e.g. eth1");
                }
            }
        }
        for (Topology.MgmtLink ml : mgmtLinks) {
            if (ml.end().iface().equals("eth0") && members.stream().anyMatch(n -> n.name().equals(ml.end().node()))) {
                throw new LabException(file, ml.line(), 1, "interface " + ml.end() + " is the node's management interface already: "
                        + "give the mgmt-net link another interface, e.g. eth1");
            }
        }
        Set<InetAddress> taken = new java.util.HashSet<>();
        taken.add(gw4);
        if (gw6 != null) taken.add(gw6);
        for (NodeDef n : members) {
            for (Cidr c : new Cidr[] {n.meta().mgmtIpv4(), n.meta().mgmtIpv6()}) {
                if (c == null) continue;
                Node at = nodeMap.get(n.name()).map("node").getOrDefault(c.family() == Family.INET ? "mgmt-ipv4" : "mgmt-ipv6", nodeMap.get(n.name()));
                Cidr sub = c.family() == Family.INET ? sub4 : sub6;
                if (!sub.contains(c.address())) throw at.error("management address " + Cidr.format(c.address()) + " of " + n.name() + " is outside the management subnet " + sub);
                if (!taken.add(c.address())) throw at.error("management address " + Cidr.format(c.address()) + " of " + n.name() + " is taken (by the gateway or another node)");
            }
        }
        for (NodeDef n : members) {
            Cidr a4 = n.meta().mgmtIpv4() != null ? n.meta().mgmtIpv4() : MgmtAddresses.next(range4, sub4, taken, nodeMap.get(n.name()));
            Cidr a6 = !v6 ? null : n.meta().mgmtIpv6() != null ? n.meta().mgmtIpv6() : MgmtAddresses.next(range6, sub6, taken, nodeMap.get(n.name()));
            mgmtAddresses.put(n.name(), new Cidr[] {a4, a6});
        }
        return new Topology.Mgmt(bridge, sub4, gw4, sub6, gw6, mtu, List.copyOf(mgmtLinks), mgmtN == null ? 0 : mgmtN.line());
    }

    /** {@code n} with the management addresses {@link #read} gave it. */
    NodeDef withAddresses(NodeDef n) {
        Cidr[] a = mgmtAddresses.get(n.name());
        if (a == null) return n;
        Topology.Meta x = n.meta();
        Topology.Meta meta = x.withMgmt(a[0], a[1]);
        return new NodeDef(n.name(), n.kind(), n.addresses(), n.routes(), n.forwarding(), n.exec(), n.programs(), meta, n.line());
    }
}
