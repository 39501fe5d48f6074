package dev.nslab.cli;

import dev.nslab.inventory.Graph;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.Endpoint;
import dev.nslab.lab.model.Topology.LinkDef;
import dev.nslab.lab.model.Topology.NodeDef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A lab drawn from its file: linux nodes as boxes with their interfaces, switches with their VLANs on the cables. */
final class LabGraph {
    private LabGraph() {}

    static Graph of(Topology t) {
        Map<String, List<Graph.Port>> ports = new LinkedHashMap<>();
        List<Graph.Switch> switches = new ArrayList<>();
        for (NodeDef n : t.nodes()) {
            if (n.isSwitch()) {
                String kind = n.kind() == Topology.Kind.OVS_BRIDGE ? "ovs-bridge" : "bridge";
                switches.add(new Graph.Switch("sw:" + n.name(), n.name() + " (" + kind + ")"));
            } else {
                ports.put(n.name(), new ArrayList<>());
            }
        }
        List<Graph.Edge> edges = new ArrayList<>();
        for (LinkDef l : t.links()) {
            String a = end(t, l.a(), ports), b = end(t, l.b(), ports);
            List<String> label = new ArrayList<>();
            boolean aSw = t.node(l.a().node()).orElseThrow().isSwitch(), bSw = t.node(l.b().node()).orElseThrow().isSwitch();
            if (aSw) label.add(l.a().iface());
            if (bSw) label.add(l.b().iface());
            if (l.vlan() != null) label.add("vlan " + l.vlan());
            if (l.trunks() != null) label.add("trunks " + l.trunks());
            edges.add(new Graph.Edge(a, b, label.isEmpty() ? null : String.join(", ", label), false));
        }
        for (Topology.DeviceDef d : t.devices()) {
            // one-ended interfaces: a port of the node whose label says what is behind it
            NodeDef n = t.node(d.end().node()).orElseThrow();
            String what = switch (d.device()) {
                case Topology.Device.Dummy x -> "dummy";
                case Topology.Device.Macvlan m -> "macvlan on " + m.parent();
                case Topology.Device.Vxlan v -> "vxlan " + v.vni() + " to " + dev.nslab.net.Cidr.format(v.remote());
            };
            List<String> addrs = new ArrayList<>(n.addresses().getOrDefault(d.end().iface(), List.of()).stream().map(Object::toString).toList());
            addrs.addFirst(what);
            ports.get(n.name()).add(new Graph.Port(n.name() + "/" + d.end().iface(), d.end().iface(), addrs));
        }
        if (t.mgmt() != null) {
            switches.add(new Graph.Switch("sw:mgmt", t.mgmt().bridge() + " (management, " + t.mgmt().ipv4Subnet() + ")"));
            for (NodeDef n : t.nodes()) {
                if (n.meta().mgmtIpv4() == null && n.meta().mgmtIpv6() == null) continue;
                List<String> addrs = new ArrayList<>();
                if (n.meta().mgmtIpv4() != null) addrs.add(dev.nslab.net.Cidr.format(n.meta().mgmtIpv4().address()));
                if (n.meta().mgmtIpv6() != null) addrs.add(dev.nslab.net.Cidr.format(n.meta().mgmtIpv6().address()));
                ports.get(n.name()).add(new Graph.Port(n.name() + "/eth0", "eth0", addrs));
                edges.add(new Graph.Edge(n.name() + "/eth0", "sw:mgmt", null, false));
            }
        }
        List<Graph.Box> boxes = new ArrayList<>();
        ports.forEach((node, ps) -> {
            NodeDef n = t.node(node).orElseThrow();
            String ns = t.namespace(n);
            String label = (n.isHost() ? "the machine" : n.sharesWith() != null ? n.name() + " (in " + ns + ")" : ns)
                    + (n.forwarding() ? " (router)" : "");
            if (n.addresses().containsKey("lo")) ps.add(new Graph.Port(node + "/lo", "lo", n.addresses().get("lo").stream().map(Object::toString).toList()));
            boxes.add(new Graph.Box(node, label, ps));
        });
        return new Graph(t.name(), boxes, switches, edges);
    }

    private static String end(Topology t, Endpoint e, Map<String, List<Graph.Port>> ports) {
        NodeDef n = t.node(e.node()).orElseThrow();
        if (n.isSwitch()) return "sw:" + n.name();
        String id = n.name() + "/" + e.iface();
        List<Graph.Port> ps = ports.get(n.name());
        if (ps.stream().noneMatch(p -> p.id().equals(id))) {
            List<String> addrs = n.addresses().getOrDefault(e.iface(), List.of()).stream().map(Object::toString).toList();
            ps.add(new Graph.Port(id, e.iface(), addrs));
        }
        return id;
    }
}
