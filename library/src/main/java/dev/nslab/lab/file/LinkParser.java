package dev.nslab.lab.file;

import dev.nslab.lab.file.Yaml.Node;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.model.Names;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.Endpoint;
import dev.nslab.lab.model.Topology.Kind;
import dev.nslab.lab.model.Topology.LinkDef;
import dev.nslab.lab.model.Topology.NodeDef;
import dev.nslab.net.Cidr;
import dev.nslab.net.Link;
import dev.nslab.net.Family;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.nslab.lab.file.TopologyParser.CONTAINER_KEYS;
import static dev.nslab.lab.file.TopologyParser.checkIfName;
import static dev.nslab.lab.file.TopologyParser.cidr;
import static dev.nslab.lab.file.TopologyParser.textOf;
import static dev.nslab.lab.file.TopologyParser.unknownKey;

/**
 * The links of a lab file, as containerlab writes them: cables between two nodes (brief or extended endpoints, the
 * addresses given on endpoints, VLANs, MTU, impairments) and one-ended links (host, mgmt-net, macvlan, vxlan, dummy).
 * {@link TopologyParser} hands it the nodes and takes what it read; every mistake is located in the file as there.
 */
final class LinkParser {
    private final String lab;
    private final Map<String, NodeDef> nodes;
    private final TopologyParser.Warner warner;
    /** Cables, including those to the machine itself (type: host). */
    final List<LinkDef> links = new ArrayList<>();
    /** One-ended interfaces of nodes: macvlan, vxlan, dummy. */
    final List<Topology.DeviceDef> devices = new ArrayList<>();
    /** containerlab's mgmt-net links, for the management network. */
    final List<Topology.MgmtLink> mgmtLinks = new ArrayList<>();

    LinkParser(String lab, Map<String, NodeDef> nodes, TopologyParser.Warner warner) {
        this.lab = lab;
        this.nodes = nodes;
        this.warner = warner;
    }

    /** Reads topology.links (absent or empty: nothing). */
    void read(Node linksNode) {
        if (linksNode == null || linksNode.value() == null) return;
        for (Node l : linksNode.list("topology.links")) {
            if (!oneEnded(l)) links.add(link(l));
        }
    }

    boolean hasEndpointAddresses() { return !endpointAddresses.isEmpty(); }

    private LinkDef link(Node l) {
        Map<String, Node> m = l.map("a link (e.g. {endpoints: [\"ns1:eth1\", \"sw:p1\"]})");
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (CONTAINER_KEYS.contains(e.getKey()) && !LINK_KEYS.contains(e.getKey())) {
                warner.warn(e.getValue(), "\"" + e.getKey() + "\" of a link means nothing without containers: ignored");
            } else if (!LINK_KEYS.contains(e.getKey())) {
                throw unknownKey(e.getValue(), e.getKey(), LINK_KEYS);
            }
        }
        for (String k : List.of("vars", "labels")) if (m.containsKey(k)) warner.warn(m.get(k), "\"" + k + "\" of a link means nothing to nslab: ignored");
        Node epN = m.get("endpoints");
        if (epN == null || epN.value() == null) throw l.error("a link needs \"endpoints: [NODE:IFACE, NODE:IFACE]\"");
        List<Node> eps = epN.list("endpoints");
        if (eps.size() != 2) throw epN.error("a link has exactly two endpoints, not " + eps.size());
        Endpoint a = endpoint(eps.get(0), eps.get(1));
        Endpoint b = endpoint(eps.get(1), eps.get(0));
        if (a.equals(b)) throw eps.get(1).error("both endpoints are " + a + ": a link joins two different interfaces");
        for (String k : List.of("ipv4", "ipv6")) {
            // containerlab's per-endpoint addresses of a link, in the order of its endpoints ("" for none)
            Node an = m.get(k);
            if (an == null || an.value() == null) continue;
            List<Node> list = an.list(k + " (one address per endpoint, e.g. [10.0.0.1/24, 10.0.0.2/24])");
            if (list.size() > 2) throw an.error(k + " has one address per endpoint: two at most");
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).value() == null || list.get(i).text(k).isEmpty()) continue;
                Cidr c = cidr(list.get(i), true);
                if ((c.family() == Family.INET) != k.equals("ipv4")) throw list.get(i).error("\"" + list.get(i).text(k) + "\" is not an " + (k.equals("ipv4") ? "IPv4" : "IPv6") + " address");
                Endpoint end = i == 0 ? a : b;
                if (nodes.get(end.node()).isSwitch()) throw list.get(i).error("an address belongs on a linux node's interface, not on the switch " + end.node());
                endpointAddresses.computeIfAbsent(end, x -> new ArrayList<>()).add(c);
            }
        }
        Integer vlan = null;
        if (m.containsKey("vlan") && m.get("vlan").value() != null) {
            Node v = m.get("vlan");
            vlan = v.integer("vlan");
            if (vlan < 1 || vlan > 4094) throw v.error("vlan " + vlan + " is out of range: use 1 to 4094");
        }
        List<Integer> trunks = null;
        if (m.containsKey("trunks") && m.get("trunks").value() != null) {
            trunks = new ArrayList<>();
            Node tn = m.get("trunks");
            for (Node x : tn.isList() ? tn.list("trunks") : List.of(tn)) {
                int v = x.integer("a trunk VLAN");
                if (v < 1 || v > 4094) throw x.error("trunk VLAN " + v + " is out of range: use 1 to 4094");
                trunks.add(v);
            }
        }
        Integer mtu = m.containsKey("mtu") && m.get("mtu").value() != null ? m.get("mtu").integer("mtu") : null;
        if (vlan != null || trunks != null) {
            Kind ka = nodes.get(a.node()).kind(), kb = nodes.get(b.node()).kind();
            if (ka != Kind.OVS_BRIDGE && kb != Kind.OVS_BRIDGE) {
                Node at = m.containsKey("vlan") ? m.get("vlan") : m.get("trunks");
                if (ka == Kind.BRIDGE || kb == Kind.BRIDGE) {
                    throw at.error("VLANs on a Linux bridge are not configured by nslab (they need bridge VLAN filtering, which not "
                            + "every kernel has): use kind: ovs-bridge for the switch");
                }
                throw at.error("vlan/trunks apply to a link's end on a switch; this link joins two linux nodes");
            }
        }
        Map<Endpoint, Impairment> imp = m.containsKey("impairments") && m.get("impairments").value() != null
                ? impairments(m.get("impairments"), a, b) : Map.of();
        return new LinkDef(a, b, vlan, trunks == null ? null : List.copyOf(trunks), mtu, imp, l.line());
    }

    private static final Set<String> LINK_KEYS = Set.of("endpoints", "vlan", "trunks", "mtu", "impairments", "type", "vars", "labels", "ipv4", "ipv6");
    private static final Set<String> ONE_ENDED_KEYS = Set.of("type", "endpoint", "host-interface", "mode", "remote", "vni", "dst-port",
            "udp-port", "src-port", "mtu", "vars", "labels");
    private static final Set<String> LINK_TYPES = Set.of("veth", "host", "mgmt-net", "macvlan", "vxlan", "vxlan-stitch", "dummy");

    /** Addresses given on link endpoints (containerlab's endpoint ipv4/ipv6), added to the nodes' interfaces. */
    private final Map<Endpoint, List<Cidr>> endpointAddresses = new LinkedHashMap<>();

    /** {@code n} with the addresses the links gave its interfaces (containerlab's endpoint ipv4/ipv6). */
    NodeDef withEndpointAddresses(NodeDef n) {
        Map<String, List<Cidr>> a = new LinkedHashMap<>(n.addresses());
        boolean changed = false;
        for (Map.Entry<Endpoint, List<Cidr>> e : endpointAddresses.entrySet()) {
            if (!e.getKey().node().equals(n.name())) continue;
            List<Cidr> list = new ArrayList<>(a.getOrDefault(e.getKey().iface(), List.of()));
            for (Cidr c : e.getValue()) if (!list.contains(c)) list.add(c);
            a.put(e.getKey().iface(), List.copyOf(list));
            changed = true;
        }
        return changed ? new NodeDef(n.name(), n.kind(), a, n.routes(), n.forwarding(), n.exec(), n.programs(), n.meta(), n.line()) : n;
    }

    /**
     * containerlab's one-ended links: {@code type: macvlan|vxlan|dummy} with one {@code endpoint}, and the brief
     * {@code ["macvlan:HOSTIF", "node:eth1"]} go to {@code devices}; {@code type: host} is a cable to the machine (to
     * {@code links}), mgmt-net one to the management bridge. False: a cable between two nodes, for {@link #link}.
     */
    private boolean oneEnded(Node l) {
        Map<String, Node> m = l.map("a link (e.g. {endpoints: [\"ns1:eth1\", \"sw:p1\"]})");
        String type = textOf(m.get("type"));
        if (type == null) {
            Node eps = m.get("endpoints");
            if (eps == null || !eps.isList() || eps.list("endpoints").size() != 2) return false;
            List<Node> two = eps.list("endpoints");
            for (int i = 0; i < 2; i++) {
                Node e = two.get(i);
                if (!e.isMap() && !e.isList() && e.value() != null && String.valueOf(e.value()).startsWith("mgmt-net:") && !nodes.containsKey("mgmt-net")) {
                    String hostIf = String.valueOf(e.value()).substring("mgmt-net:".length());
                    checkIfName(e, hostIf, "host interface name");
                    mgmtLinks.add(new Topology.MgmtLink(endpoint(two.get(1 - i), e), hostIf, l.line()));
                    return true;
                }
                if (e.isMap() || e.isList() || e.value() == null || !String.valueOf(e.value()).startsWith("macvlan:") || nodes.containsKey("macvlan")) continue;
                Endpoint end = endpoint(two.get(1 - i), e);
                String parent = String.valueOf(e.value()).substring("macvlan:".length());
                checkIfName(e, parent, "host interface name");
                Integer mtu = m.containsKey("mtu") && m.get("mtu").value() != null ? m.get("mtu").integer("mtu") : null;
                devices.add(device(two.get(1 - i), end, new Topology.Device.Macvlan(parent, "bridge"), mtu, l));
                return true;
            }
            return false;
        }
        Node typeN = m.get("type");
        if (!LINK_TYPES.contains(type)) {
            throw typeN.error("link type \"" + type + "\" is not one of containerlab's (" + String.join(", ", new java.util.TreeSet<>(LINK_TYPES)) + ")");
        }
        if (type.equals("veth")) return false;
        if (type.equals("vxlan-stitch")) {
            // containerlab gives the node a veth whose machine end tc redirects to and from a vxlan in the machine; what
            // the node sees of it is the same tunnel: frames to the remote, in the VNI, on the port
            warner.warn(typeN, "a vxlan-stitch link is made as a vxlan interface in the node itself (type: vxlan): the same tunnel, "
                    + "without containerlab's veth and tc redirects in the machine; its MTU is the vxlan's");
            type = "vxlan";
        }

        if (m.containsKey("endpoints")) {
            throw m.get("endpoints").error("a " + type + " link has one end, given as \"endpoint: {node: NODE, interface: IFACE}\""
                    + (type.equals("host") ? " with \"host-interface\" for the machine's end" : ""));
        }
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (!ONE_ENDED_KEYS.contains(e.getKey())) throw unknownKey(e.getValue(), e.getKey(), ONE_ENDED_KEYS);
        }
        for (String k : List.of("vars", "labels", "src-port")) if (m.containsKey(k)) warner.warn(m.get(k), "\"" + k + "\" of a link means nothing to nslab: ignored");
        Node epN = m.get("endpoint");
        if (epN == null || epN.value() == null) throw l.error("a " + type + " link needs \"endpoint: {node: NODE, interface: IFACE}\"");
        if (!epN.isMap()) throw epN.error("the endpoint of a " + type + " link is a mapping: {node: NODE, interface: IFACE}");
        Endpoint end = endpoint(epN, epN);
        Integer mtu = m.containsKey("mtu") && m.get("mtu").value() != null ? m.get("mtu").integer("mtu") : null;
        Topology.Device device = switch (type) {
            case "host", "mgmt-net" -> null;
            case "dummy" -> new Topology.Device.Dummy();
            case "macvlan" -> {
                Node hi = m.get("host-interface");
                if (hi == null || hi.value() == null) throw l.error("a macvlan link needs \"host-interface\": the machine's interface it sits on");
                checkIfName(hi, hi.text("host-interface"), "host interface name");
                String mode = m.containsKey("mode") && m.get("mode").value() != null ? m.get("mode").text("mode") : "bridge";
                if (!Set.of("private", "vepa", "bridge", "passthru", "source").contains(mode)) {
                    throw m.get("mode").error("macvlan mode \"" + mode + "\": use bridge, private, vepa, passthru or source");
                }
                yield new Topology.Device.Macvlan(hi.text("host-interface"), mode);
            }
            default -> { // vxlan
                Node rn = m.get("remote"), vn = m.get("vni");
                if (rn == null || rn.value() == null || vn == null || vn.value() == null) throw l.error("a vxlan link needs \"remote\" (an IP address) and \"vni\"");
                InetAddress remote;
                try {
                    remote = Cidr.parseAddress(rn.text("remote"));
                } catch (RuntimeException e) {
                    throw rn.error("remote \"" + rn.text("remote") + "\" is not an IP address");
                }
                int vni = vn.integer("vni");
                if (vni < 0 || vni > 16_777_215) throw vn.error("vni " + vni + " is out of range: use 0 to 16777215");
                Node pn = m.containsKey("dst-port") ? m.get("dst-port") : m.get("udp-port");
                int port = pn == null || pn.value() == null ? 4789 : pn.integer("dst-port");
                if (port < 1 || port > 65535) throw pn.error("UDP port " + port + " is out of range: use 1 to 65535");
                yield new Topology.Device.Vxlan(remote, vni, port);
            }
        };
        if (type.equals("mgmt-net")) { // one more cable to the management bridge
            Node hi = m.get("host-interface");
            if (hi == null || hi.value() == null) throw l.error("a mgmt-net link needs \"host-interface\": the name of its end on the management bridge");
            checkIfName(hi, hi.text("host-interface"), "host interface name");
            mgmtLinks.add(new Topology.MgmtLink(end, hi.text("host-interface"), l.line()));
            return true;
        }
        if (device == null) { // type: host: a cable to an end in the root namespace
            Node hi = m.get("host-interface");
            if (hi == null || hi.value() == null) throw l.error("a host link needs \"host-interface\": the name of its end in the root namespace");
            checkIfName(hi, hi.text("host-interface"), "host interface name");
            links.add(new LinkDef(end, new Endpoint("host", hi.text("host-interface")), null, null, mtu, Map.of(), l.line()));
            return true;
        }
        devices.add(device(epN, end, device, mtu, l));
        return true;
    }

    private Topology.DeviceDef device(Node at, Endpoint end, Topology.Device device, Integer mtu, Node l) {
        NodeDef n = nodes.get(end.node());
        if (n.isSwitch() || n.isHost()) {
            throw at.error("a " + (device instanceof Topology.Device.Dummy ? "dummy" : device instanceof Topology.Device.Macvlan ? "macvlan" : "vxlan")
                    + " interface belongs in a linux node with a namespace, not in " + (n.isHost() ? "the machine itself" : "the switch " + n.name()));
        }
        return new Topology.DeviceDef(end, device, mtu, l.line());
    }

    /**
     * {@code impairments: {rate: 10mbit, loss: 1%}} for both ends (each end's sending), or, keyed by endpoint,
     * {@code impairments: {"a:eth1": {delay: 40ms}}} for the ends named.
     */
    private Map<Endpoint, Impairment> impairments(Node n, Endpoint a, Endpoint b) {
        Map<String, Node> m = n.map("impairments (e.g. {rate: 10mbit, delay: 40ms, loss: 1%}, or {\"" + a + "\": {delay: 40ms}})");
        Map<Endpoint, Impairment> out = new LinkedHashMap<>();
        boolean byEnd = m.keySet().stream().anyMatch(k -> k.contains(":"));
        if (!byEnd) {
            Impairment i = impairment(n, m);
            out.put(a, i);
            out.put(b, i);
            return out;
        }
        for (Map.Entry<String, Node> e : m.entrySet()) {
            Endpoint end = e.getKey().equals(a.toString()) ? a : e.getKey().equals(b.toString()) ? b : null;
            if (end == null) throw e.getValue().error("\"" + e.getKey() + "\" is not an end of this link (its ends: " + a + ", " + b + ")");
            out.put(end, impairment(e.getValue(), e.getValue().map("the impairments of " + end + " (e.g. {delay: 40ms, loss: 1%})")));
        }
        return out;
    }

    private static Impairment impairment(Node at, Map<String, Node> m) {
        Map<String, String> values = new LinkedHashMap<>();
        m.forEach((k, v) -> values.put(k, v.value() == null ? "" : String.valueOf(v.value())));
        try {
            return Impairment.parse(values);
        } catch (Impairment.BadValue e) {
            Node where = m.getOrDefault(e.key, at);
            throw where.error(e.getMessage());
        }
    }

    private Endpoint endpoint(Node e, Node other) {
        String text = endpointText(e);
        int colon = text.indexOf(':');
        String node = colon < 0 ? text : text.substring(0, colon);
        String iface = colon < 0 ? null : text.substring(colon + 1);
        NodeDef n = nodes.get(node);

        if (n == null) {
            throw e.error("endpoint \"" + text + "\" names node \"" + node + "\", which is not under topology.nodes (nodes: "
                    + String.join(", ", nodes.keySet().stream().sorted().toList()) + ")");
        }
        if (iface == null || iface.isEmpty()) {
            if (!n.isSwitch()) throw e.error("endpoint \"" + text + "\" needs an interface name: \"" + node + ":eth1\"");
            iface = generatedName(lab, node, endpointText(other));
        }
        if (n.isHost() && !Link.isValidName(iface)) {
            // containerlab's long names on the machine's side: a short kernel name, the file's as its altname
            String why = Link.whyInvalidAltName(iface);
            if (why != null) throw e.error("host interface name \"" + iface + "\" " + why + "; choose another");
            return new Endpoint(node, iface);
        }
        checkIfName(e, iface, "interface name");
        return new Endpoint(node, iface);
    }

    /** "NODE:IFACE", from the brief form or from containerlab's extended one ({node: ..., interface: ...}). */
    private String endpointText(Node e) {
        if (!e.isMap()) return e.text("an endpoint");
        Map<String, Node> m = e.map("an endpoint");
        for (Map.Entry<String, Node> x : m.entrySet()) {
            if (x.getKey().equals("mac") || x.getKey().equals("vars")) warner.warn(x.getValue(), "\"" + x.getKey() + "\" of an endpoint is not set by nslab: ignored");
            else if (!Set.of("node", "interface", "ipv4", "ipv6").contains(x.getKey())) {
                throw unknownKey(x.getValue(), x.getKey(), Set.of("node", "interface", "mac", "ipv4", "ipv6", "vars"));
            }
        }
        if (!m.containsKey("node")) throw e.error("an endpoint needs its node ({node: a, interface: eth1})");
        String node = m.get("node").text("node");
        String iface = m.containsKey("interface") ? m.get("interface").text("interface") : null;
        for (String k : List.of("ipv4", "ipv6")) {
            Node a = m.get(k);
            if (a == null || a.value() == null) continue;
            if (iface == null) throw a.error("an address on an endpoint needs its interface");
            Cidr c = cidr(a, true);
            if ((c.family() == Family.INET) != k.equals("ipv4")) throw a.error("\"" + a.text(k) + "\" is not an " + (k.equals("ipv4") ? "IPv4" : "IPv6") + " address");
            endpointAddresses.computeIfAbsent(new Endpoint(node, iface), x -> new ArrayList<>()).add(c);
        }
        return node + (iface != null ? ":" + iface : "");
    }

    /** A switch-side name the file left out: short, the same on every run, different for every cable. */
    static String generatedName(String lab, String node, String otherEnd) { return Names.stable("nl", lab, node, otherEnd); }
}
