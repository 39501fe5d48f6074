package dev.nslab.cli;

import dev.nslab.inventory.Graph;
import dev.nslab.inventory.Inventory;
import dev.nslab.inventory.Inventory.Iface;
import dev.nslab.inventory.Inventory.Netns;
import dev.nslab.inventory.Scanner;
import dev.nslab.lab.Labs;
import dev.nslab.lab.model.Topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab inventory [--find X]} and {@code nslab graph [LAB|FILE|--system] [--format F] [-o FILE]}. */
final class InventoryCmd {
    private final Cli cli;

    InventoryCmd(Cli cli) { this.cli = cli; }

    int inventory(Args a) {
        String find = null;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "-j", "--json" -> cli.json = true;
                case "--find", "-f" -> find = a.value("--find");
                case "help", "-h", "--help" -> {
                    Help.inventory(cli.out);
                    return 0;
                }
                default -> throw new UsageException("nslab inventory: unknown argument \"" + w + "\" (try \"nslab inventory help\")");
            }
        }
        Inventory inv = new Scanner(cli.registry).scan();
        if (find != null) return find(inv, find);
        if (cli.json) {
            cli.printJson(json(inv));
            return 0;
        }
        for (Netns n : inv.namespaces()) print(n);
        inv.notes().forEach(x -> cli.err.println("note: " + x));
        return 0;
    }

    private void print(Netns n) {
        List<String> about = new ArrayList<>();
        if (n.root() || !n.names().isEmpty()) about.add("inode " + n.inode());
        if (n.names().size() > 1) about.add("names " + String.join(", ", n.names()));
        if (n.nsid() != null) about.add("nsid " + n.nsid());
        if (n.names().isEmpty() && !n.root()) about.add("unnamed");
        cli.out.println("netns " + n.label() + " (" + String.join(", ", about) + ")");
        if (!n.mounts().isEmpty()) cli.out.println("  mounted at: " + String.join(", ", n.mounts()));
        if (!n.holders().isEmpty()) cli.out.println("  held open by: " + String.join(", ", n.holders()));
        if (!n.processes().isEmpty()) {
            List<String> ps = n.processes().stream().limit(8).map(Object::toString).toList();
            cli.out.println("  processes: " + n.processes().size() + ": " + String.join(", ", ps) + (n.processes().size() > 8 ? ", ..." : ""));
        }
        if (n.host() != null) {
            Inventory.Host h = n.host();
            cli.out.println("  host: init " + h.init() + ", " + String.join(" ", h.namespaces())
                    + (h.layer() == null ? "" : String.format(", writable layer %,d bytes (%s)", h.layerBytes(), h.layer())));
        }
        if (n.error() != null) cli.out.println("  (interfaces not readable: " + n.error() + ")");
        for (Iface i : n.interfaces()) cli.out.println("  " + iface(i));
    }

    private static String iface(Iface i) {
        StringBuilder sb = new StringBuilder();
        sb.append(i.index()).append(": ").append(i.name()).append("  ").append(i.kind()).append(" ").append(i.state());
        if (i.mac() != null && !i.mac().equals("00:00:00:00:00:00")) sb.append(" ").append(i.mac());
        sb.append(" mtu ").append(i.mtu());
        if (!i.addresses().isEmpty()) sb.append("  ").append(String.join(" ", i.addresses()));
        if (i.master() != null) sb.append("  master ").append(i.master());
        if (i.peer() != null) sb.append("  peer ").append(i.peer().iface()).append(" in netns ").append(i.peer().netns());
        if (i.ovsBridge() != null) sb.append("  ovs ").append(i.ovsBridge()).append(i.ovsTag() == null ? "" : " tag " + i.ovsTag());
        return sb.toString();
    }

    /** Where an interface name, a PID or a namespace inode lives, and what it is connected to. */
    private int find(Inventory inv, String what) {
        List<String> lines = new ArrayList<>();
        List<Object> json = new ArrayList<>();
        boolean number = what.chars().allMatch(Character::isDigit) && !what.isEmpty();
        for (Netns n : inv.namespaces()) {
            if (number) {
                long v = Long.parseLong(what);
                if (n.inode() == v) {
                    lines.add("namespace net:[" + v + "] is netns " + n.label() + " with " + n.interfaces().size() + " interfaces, "
                            + n.processes().size() + " processes");
                    json.add(netnsJson(n));
                }
                for (Inventory.Proc p : n.processes()) {
                    if (p.pid() == v || (p.tid() != null && p.tid() == v)) {
                        lines.add((p.tid() != null && p.tid() == v ? "thread " : "process ") + p + " lives in netns " + n.label()
                                + " (inode " + n.inode() + "); its interfaces: " + String.join(", ", n.interfaces().stream().map(Iface::name).toList()));
                        json.add(Map.of("process", p.toString(), "netns", n.label(), "inode", n.inode()));
                    }
                }
            } else {
                for (Iface i : n.interfaces()) {
                    if (!i.name().equals(what)) continue;
                    String s = what + " is a " + i.kind() + " in netns " + n.label() + " (inode " + n.inode() + ")";
                    if (i.peer() != null) s += "; its peer is " + i.peer().iface() + " in netns " + i.peer().netns();
                    if (i.master() != null) s += "; port of bridge " + i.master();
                    if (i.ovsBridge() != null) s += "; port of Open vSwitch bridge " + i.ovsBridge() + (i.ovsTag() == null ? "" : " (tag " + i.ovsTag() + ")");
                    if (!i.addresses().isEmpty()) s += "; addresses " + String.join(" ", i.addresses());
                    if (!n.processes().isEmpty()) s += "; processes there: " + String.join(", ", n.processes().stream().limit(5).map(Object::toString).toList());
                    lines.add(s);
                    Map<String, Object> m = ifaceJson(i);
                    m.put("netns", n.label());
                    m.put("inode", n.inode());
                    json.add(m);
                }
            }
        }
        if (cli.json) cli.printJson(json);
        else if (lines.isEmpty()) cli.err.println("nslab: nothing named " + what + " (no interface, process or namespace inode)");
        else lines.forEach(cli.out::println);
        return lines.isEmpty() ? 1 : 0;
    }

    private static Map<String, Object> json(Inventory inv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root_inode", inv.rootInode());
        m.put("namespaces", inv.namespaces().stream().map(InventoryCmd::netnsJson).toList());
        m.put("notes", inv.notes());
        return m;
    }

    private static Map<String, Object> netnsJson(Netns n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inode", n.inode());
        m.put("label", n.label());
        m.put("root", n.root());
        m.put("names", n.names());
        m.put("mounts", n.mounts());
        m.put("held_by", n.holders());
        m.put("nsid", n.nsid());
        List<Object> ps = new ArrayList<>();
        for (Inventory.Proc p : n.processes()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("pid", p.pid());
            x.put("tid", p.tid());
            x.put("command", p.command());
            ps.add(x);
        }
        m.put("processes", ps);
        if (n.host() != null) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("init", n.host().init());
            h.put("namespaces", n.host().namespaces());
            h.put("layer", n.host().layer());
            h.put("layer_bytes", n.host().layerBytes());
            m.put("host", h);
        }
        m.put("interfaces", n.interfaces().stream().map(InventoryCmd::ifaceJson).toList());
        m.put("error", n.error());
        return m;
    }

    private static Map<String, Object> ifaceJson(Iface i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ifindex", i.index());
        m.put("ifname", i.name());
        m.put("kind", i.kind());
        m.put("state", i.state());
        m.put("address", i.mac());
        m.put("mtu", i.mtu());
        m.put("addresses", i.addresses());
        m.put("master", i.master());
        if (i.peer() != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("netns", i.peer().netns());
            p.put("inode", i.peer().inode());
            p.put("ifname", i.peer().iface());
            m.put("peer", p);
        } else {
            m.put("peer", null);
        }
        m.put("ovs_bridge", i.ovsBridge());
        m.put("ovs_tag", i.ovsTag());
        return m;
    }

    int graph(Args a) {
        String format = "dot", output = null, what = null;
        boolean system = false;
        Path stateDir = Labs.DEFAULT_STATE_DIR;
        String env = System.getenv("NSLAB_STATE_DIR");
        if (env != null && !env.isEmpty()) stateDir = Path.of(env);
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "--system" -> system = true;
                case "-t", "--topo" -> what = a.value(w); // containerlab's way of naming the file
                case "--format", "-f" -> format = a.value("--format");
                case "-o", "--output" -> output = a.value("-o");
                case "-j", "--json" -> format = "json";
                case "--state-dir" -> stateDir = Path.of(a.value("--state-dir"));
                case "help", "-h", "--help" -> {
                    Help.inventory(cli.out);
                    return 0;
                }
                default -> {
                    if (Args.inline(w, "--format") != null) format = Args.inline(w, "--format");
                    else if (Args.inline(w, "--state-dir") != null) stateDir = Path.of(Args.inline(w, "--state-dir"));
                    else if (what == null && !w.startsWith("-")) what = w;
                    else throw new UsageException("nslab graph: unknown argument \"" + w + "\"");
                }
            }
        }
        if (!List.of("dot", "mermaid", "json", "svg").contains(format)) {
            throw new UsageException("nslab graph: format \"" + format + "\" is not known: use dot, mermaid, json or svg");
        }
        Graph g;
        if (system || what == null) {
            g = Graph.of(new Scanner(cli.registry).scan());
        } else {
            Topology t = new Labs(cli.registry, stateDir, dev.nslab.lab.model.Progress.SILENT).topologyOf(what);
            g = LabGraph.of(t);
        }
        String text = switch (format) {
            case "mermaid" -> g.mermaid();
            case "json" -> Json.write(g.json(), cli.pretty) + "\n";
            case "svg" -> svg(g.dot());
            default -> g.dot();
        };
        if (output == null) {
            cli.out.print(text);
        } else {
            try {
                Files.writeString(Path.of(output), text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageException("nslab graph: cannot write " + output + ": " + e.getMessage());
            }
        }
        return 0;
    }

    /** Graphviz's dot renders the SVG (a program the user installs for pictures; nslab's own work needs none). */
    private static String svg(String dot) {
        try {
            Process p = new ProcessBuilder("dot", "-Tsvg").redirectErrorStream(true).start();
            p.getOutputStream().write(dot.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new UsageException("nslab graph: dot failed: " + out.strip());
            return out;
        } catch (IOException e) {
            throw new UsageException("nslab graph: SVG needs Graphviz, which is not installed: apt-get install graphviz (or use --format dot)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("nslab graph: interrupted");
        }
    }
}
