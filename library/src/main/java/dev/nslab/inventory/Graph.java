package dev.nslab.inventory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A picture of a network: namespaces as boxes holding their interfaces, switches as round nodes, cables as edges.
 * Renders to Graphviz DOT, Mermaid or JSON.
 */
public record Graph(String title, List<Box> boxes, List<Switch> switches, List<Edge> edges) {
    public record Port(String id, String name, List<String> addresses) { }

    public record Box(String id, String label, List<Port> ports) { }

    public record Switch(String id, String label) { }

    /** {@code dashed}: membership (a port of a bridge) rather than a cable. */
    public record Edge(String from, String to, String label, boolean dashed) { }

    public String dot() {
        StringBuilder sb = new StringBuilder("graph ").append(q(title)).append(" {\n");
        sb.append("  rankdir=LR;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=9];\n");
        int i = 0;
        for (Box b : boxes) {
            sb.append("  subgraph ").append(q("cluster_" + i++)).append(" {\n    label=").append(q(b.label())).append(";\n");
            if (b.ports().isEmpty()) sb.append("    ").append(q(b.id())).append(" [label=\"(no interfaces)\", shape=plaintext];\n");
            for (Port p : b.ports()) {
                String label = p.name() + (p.addresses().isEmpty() ? "" : "\\n" + String.join("\\n", p.addresses()));
                sb.append("    ").append(q(p.id())).append(" [label=\"").append(label.replace("\"", "'")).append("\"];\n");
            }
            sb.append("  }\n");
        }
        for (Switch s : switches) sb.append("  ").append(q(s.id())).append(" [shape=ellipse, label=").append(q(s.label())).append("];\n");
        for (Edge e : edges) {
            sb.append("  ").append(q(e.from())).append(" -- ").append(q(e.to()));
            List<String> attrs = new ArrayList<>();
            if (e.label() != null) attrs.add("label=" + q(e.label()));
            if (e.dashed()) attrs.add("style=dashed");
            if (!attrs.isEmpty()) sb.append(" [").append(String.join(", ", attrs)).append("]");
            sb.append(";\n");
        }
        return sb.append("}\n").toString();
    }

    public String mermaid() {
        StringBuilder sb = new StringBuilder("flowchart LR\n");
        for (Box b : boxes) {
            sb.append("  subgraph ").append(m(b.id())).append("[\"").append(b.label()).append("\"]\n");
            if (b.ports().isEmpty()) sb.append("    ").append(m(b.id())).append("_empty[\"(no interfaces)\"]\n");
            for (Port p : b.ports()) {
                sb.append("    ").append(m(p.id())).append("[\"").append(p.name());
                for (String a : p.addresses()) sb.append("<br/>").append(a);
                sb.append("\"]\n");
            }
            sb.append("  end\n");
        }
        for (Switch s : switches) sb.append("  ").append(m(s.id())).append("((\"").append(s.label()).append("\"))\n");
        for (Edge e : edges) {
            sb.append("  ").append(m(e.from())).append(e.dashed() ? " -.-" : " ---");
            if (e.label() != null) sb.append("|").append(e.label()).append("|");
            sb.append(" ").append(m(e.to())).append("\n");
        }
        return sb.toString();
    }

    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", title);
        List<Object> bs = new ArrayList<>();
        for (Box b : boxes) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", b.id());
            x.put("label", b.label());
            List<Object> ps = new ArrayList<>();
            for (Port p : b.ports()) {
                Map<String, Object> y = new LinkedHashMap<>();
                y.put("id", p.id());
                y.put("name", p.name());
                y.put("addresses", p.addresses());
                ps.add(y);
            }
            x.put("ports", ps);
            bs.add(x);
        }
        m.put("boxes", bs);
        List<Object> ss = new ArrayList<>();
        for (Switch s : switches) ss.add(Map.of("id", s.id(), "label", s.label()));
        m.put("switches", ss);
        List<Object> es = new ArrayList<>();
        for (Edge e : edges) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("from", e.from());
            x.put("to", e.to());
            x.put("label", e.label());
            x.put("kind", e.dashed() ? "member" : "cable");
            es.add(x);
        }
        m.put("edges", es);
        return m;
    }

    private static String q(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""; }

    private static String m(String id) { return "n_" + id.replaceAll("[^A-Za-z0-9_]", "_"); }

    /** The namespaces, veth pairs, bridge memberships and Open vSwitch ports of a whole machine. */
    public static Graph of(Inventory inv) {
        List<Box> boxes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        Map<String, Switch> switches = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Inventory.Netns n : inv.namespaces()) {
            List<Port> ports = new ArrayList<>();
            for (Inventory.Iface i : n.interfaces()) {
                if (i.name().equals("lo")) continue;
                String id = n.inode() + "/" + i.name();
                List<String> addrs = i.addresses().stream().filter(a -> !a.startsWith("fe80:")).toList();
                ports.add(new Port(id, i.name(), addrs));
                if (i.peer() != null) {
                    String other = i.peer().inode() + "/" + i.peer().iface();
                    String key = id.compareTo(other) < 0 ? id + "|" + other : other + "|" + id;
                    if (seen.add(key)) edges.add(new Edge(id, other, null, false));
                }
                if (i.master() != null) edges.add(new Edge(id, n.inode() + "/" + i.master(), "port of " + i.master(), true));
                if (i.ovsBridge() != null && !i.ovsBridge().equals(i.name())) {
                    Switch s = switches.computeIfAbsent("ovs:" + i.ovsBridge(), k -> new Switch(k, "ovs " + i.ovsBridge()));
                    edges.add(new Edge(id, s.id(), i.ovsTag() == null ? null : "tag " + i.ovsTag(), false));
                }
            }
            String label = n.label() + (n.root() ? "" : " (net:[" + n.inode() + "])")
                    + (n.host() == null ? "" : " host: init " + n.host().init() + " " + String.join(" ", n.host().namespaces()));
            boxes.add(new Box(Long.toString(n.inode()), label, ports));
        }
        return new Graph("nslab", boxes, new ArrayList<>(switches.values()), edges);
    }
}
