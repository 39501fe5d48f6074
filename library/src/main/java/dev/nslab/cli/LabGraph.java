package dev.nslab.cli;

import dev.nslab.inventory.Graph;
import dev.nslab.lab.Topology;
import dev.nslab.lab.Topology.Endpoint;
import dev.nslab.lab.Topology.LinkDef;
import dev.nslab.lab.Topology.NodeDef;

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
        List<Graph.Box> boxes = new ArrayList<>();
        ports.forEach((node, ps) -> {
            NodeDef n = t.node(node).orElseThrow();
            String label = t.namespace(node) + (n.forwarding() ? " (router)" : "");
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
