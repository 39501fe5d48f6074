package dev.nslab.lab.plan;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Faults;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.model.NodeInfo;
import dev.nslab.lab.plan.Resource.End;
import dev.nslab.net.Cidr;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a lab's impairments, cut cables and partition into the objects that make them, without touching the machine.
 * Endpoints are named as in the lab file ("NODE:IFACE") and must be ends of the lab's cables; partition groups name
 * the lab's linux nodes, and the linux nodes named by no group form one more group.
 */
public final class FaultPlanner {
    private FaultPlanner() {}

    /** A lab's nodes and cables, as the planner needs them. */
    public record Wiring(Map<String, NodeInfo> nodes, List<Resource.Veth> cables, Map<String, List<InetAddress>> addresses,
                         Map<String, String> switchOfPort) {
        /**
         * From a lab's objects: its nodes, the veth pairs and addresses among {@code base}, and the addresses exec
         * lines set ({@code observed}, "DEV CIDR" by namespace).
         */
        public static Wiring of(List<NodeInfo> nodes, List<Resource> base, Map<String, List<String>> observed) {
            Map<String, NodeInfo> byName = new LinkedHashMap<>();
            Map<String, String> nodeOfNs = new HashMap<>();
            for (NodeInfo n : nodes) {
                byName.put(n.name(), n);
                if (n.ns() != null) nodeOfNs.put(n.ns(), n.name());
            }
            List<Resource.Veth> cables = new ArrayList<>();
            Map<String, List<InetAddress>> addrs = new LinkedHashMap<>();
            Map<String, String> ports = new HashMap<>();
            for (Resource r : base) {
                if (r instanceof Resource.OvsPort p) ports.put(p.port(), p.bridge());
                if (r instanceof Resource.Veth v) cables.add(v);
                if (r instanceof Resource.Address a && nodeOfNs.containsKey(a.ns())) {
                    addrs.computeIfAbsent(nodeOfNs.get(a.ns()), k -> new ArrayList<>()).add(a.cidr().address());
                }
            }
            observed.forEach((ns, list) -> {
                if (!nodeOfNs.containsKey(ns)) return;
                for (String devCidr : list) {
                    InetAddress a = Cidr.parse(devCidr.substring(devCidr.indexOf(' ') + 1)).address();
                    List<InetAddress> mine = addrs.computeIfAbsent(nodeOfNs.get(ns), k -> new ArrayList<>());
                    if (!mine.contains(a)) mine.add(a);
                }
            });
            return new Wiring(byName, cables, addrs, ports);
        }

        /** The kernel end of endpoint "NODE:IFACE", or a {@link LabException} naming the lab's ends. */
        End end(String lab, String endpoint) {
            for (Resource.Veth v : cables) {
                for (End e : List.of(v.a(), v.b())) if (endpoint(e).equals(endpoint)) return e;
            }
            throw new LabException("\"" + endpoint + "\" is not an end of a cable of lab " + lab + " (ends: " + String.join(", ", endpoints()) + ")");
        }

        /** "NODE:IFACE" of the other end of the cable that ends at {@code endpoint}. */
        public String otherEnd(String lab, String endpoint) {
            End e = end(lab, endpoint);
            Resource.Veth v = cable(e);
            return endpoint(v.a().equals(e) ? v.b() : v.a());
        }

        /** The cable {@code end} belongs to. */
        Resource.Veth cable(End end) {
            return cables.stream().filter(v -> v.a().equals(end) || v.b().equals(end)).findFirst().orElseThrow();
        }

        /** Every cable end as "NODE:IFACE". */
        public List<String> endpoints() {
            List<String> out = new ArrayList<>();
            for (Resource.Veth v : cables) for (End e : List.of(v.a(), v.b())) out.add(endpoint(e));
            return out;
        }

        /** "NODE:IFACE" of a kernel end. */
        public String endpoint(End e) {
            if (e.ns() == null && switchOfPort.containsKey(e.iface())) return switchOfPort.get(e.iface()) + ":" + e.iface();
            // a port of a bridge node in the machine's namespace: named by the bridge it is enslaved to
            if (e.ns() == null && e.master() != null && nodes.containsKey(e.master())) return e.master() + ":" + e.iface();
            for (NodeInfo n : nodes.values()) {
                if (e.ns() != null && e.ns().equals(n.ns())) return n.name() + ":" + e.iface();
            }
            return (e.ns() == null ? "" : e.ns() + "/") + e.iface();
        }
    }

    /**
     * The objects for the impairments in effect (the file's, {@code fromFile}, with the run-time ones of {@code faults}
     * over them), the cut cables and the partition.
     *
     * @param netem whether the kernel has netem; asked only when an impairment needs it (null: not known yet)
     */
    public static List<Resource> resources(String lab, Wiring w, Map<String, Impairment> fromFile, Faults faults,
                                           java.util.function.BooleanSupplier netem) {
        List<Resource> out = new ArrayList<>();
        Map<String, Impairment> effective = new java.util.TreeMap<>(fromFile);
        effective.putAll(faults.impairments());
        for (Map.Entry<String, Impairment> e : effective.entrySet()) {
            Impairment imp = e.getValue();
            if (imp.isNone()) continue;
            End end = w.end(lab, e.getKey());
            Resource.Mechanism how = Resource.Mechanism.TBF_NFTABLES;
            if (imp.needsNetem()) {
                if (!netem.getAsBoolean()) throw new LabException(missingNetem(e.getKey(), imp));
                how = Resource.Mechanism.NETEM;
            }
            Resource.Veth cable = w.cable(end);
            out.add(new Resource.Impair(end.ns(), end.iface(), imp, how, cable.a().equals(end) ? cable.b() : cable.a()));
        }
        for (String cut : faults.cuts()) {
            Resource.Veth v = w.cable(w.end(lab, cut));
            out.add(new Resource.Cut(v.a(), v.b()));
        }
        out.addAll(partition(lab, w, faults.partition()));
        return out;
    }

    /**
     * The faults that still fit a lab whose file changed: impairments and cuts of ends that still exist, the
     * partition if all its nodes still do. {@code dropped} receives what was left out, in words.
     */
    public static Faults fitting(Faults f, Wiring w, List<String> dropped) {
        Set<String> ends = new java.util.HashSet<>(w.endpoints());
        Map<String, Impairment> imp = new java.util.TreeMap<>();
        f.impairments().forEach((e, i) -> { if (ends.contains(e)) imp.put(e, i); else dropped.add("impairment of " + e); });
        Set<String> cuts = new TreeSet<>();
        f.cuts().forEach(c -> { if (ends.contains(c)) cuts.add(c); else dropped.add("cut of " + c); });
        List<Set<String>> part = f.partition();
        boolean allThere = part.stream().flatMap(Set::stream).allMatch(n -> w.nodes().containsKey(n) && w.nodes().get(n).kind().equals("linux"));
        if (!allThere) {
            dropped.add("partition " + part);
            part = List.of();
        }
        return new Faults(imp, cuts, part);
    }

    /** The refusal when an impairment needs netem and the kernel has none. */
    public static String missingNetem(String where, Impairment imp) {
        List<String> need = new ArrayList<>();
        imp.map().keySet().forEach(k -> { if (!k.equals("rate") && !k.equals("loss")) need.add(k); });
        return "the impairment of " + where + " (" + imp.words() + ") needs netem for " + String.join(", ", need)
                + ", which this kernel lacks (CONFIG_NET_SCH_NETEM; modprobe sch_netem where it is a module): rate and loss work without it";
    }

    /** Checks partition groups against the lab's linux nodes; returns them with the group of the nodes not named. */
    public static List<Set<String>> groups(String lab, Wiring w, List<Set<String>> named) {
        if (named.isEmpty()) return List.of();
        Set<String> linux = new TreeSet<>();
        w.nodes().values().forEach(n -> { if (n.kind().equals("linux")) linux.add(n.name()); });
        Set<String> seen = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        for (Set<String> g : named) {
            if (g.isEmpty()) throw new LabException("an empty partition group: name its nodes, separated by commas (a,b)");
            for (String n : g) {
                if (!linux.contains(n)) {
                    throw new LabException("\"" + n + "\" is not a linux node of lab " + lab + " (nodes: " + String.join(", ", linux) + ")");
                }
                if (!seen.add(n)) throw new LabException("node " + n + " is in two partition groups: a node belongs to one group");
            }
            out.add(g);
        }
        Set<String> rest = new TreeSet<>(linux);
        rest.removeAll(seen);
        if (!rest.isEmpty()) out.add(rest);
        if (out.size() < 2) throw new LabException("a partition needs at least two groups: here every node is in one group");
        return out;
    }

    private static List<Resource> partition(String lab, Wiring w, List<Set<String>> named) {
        List<Resource> out = new ArrayList<>();
        List<Set<String>> groups = groups(lab, w, named);
        for (Set<String> g : groups) {
            for (String node : g) {
                Set<String> blocked = new TreeSet<>();
                for (Set<String> other : groups) {
                    if (other == g) continue;
                    for (String o : other) for (InetAddress a : w.addresses().getOrDefault(o, List.of())) blocked.add(Cidr.format(a));
                }
                if (!blocked.isEmpty()) out.add(new Resource.Partition(w.nodes().get(node).ns(), List.copyOf(blocked)));
            }
        }
        return out;
    }
}
