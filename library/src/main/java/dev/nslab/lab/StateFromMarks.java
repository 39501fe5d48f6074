package dev.nslab.lab;

import dev.nslab.error.KernelException;
import dev.nslab.lab.model.Faults;
import dev.nslab.lab.model.NodeInfo;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.LabState;
import dev.nslab.lab.state.Marks;
import dev.nslab.net.Link;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.ovs.OvsBridge;
import dev.nslab.ovs.OvsDaemons;
import dev.nslab.ovs.OvsPort;
import dev.nslab.ovs.OvsState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The marks are the last word: when a lab's state file is missing, cut short or unreadable, what the lab owns is found
 * by the mark its objects carry — namespaces whose loopback says "nslab:LAB", interfaces of the root namespace with
 * that alias, Open vSwitch bridges and ports with external_ids:nslab-lab=LAB — and a state is rebuilt from them, enough
 * to list the lab and take it down (the namespaces take their interfaces, addresses, routes and processes along).
 */
final class StateFromMarks {
    private StateFromMarks() {}

    /** The state of {@code lab} as its marks say, or empty when nothing carries its mark. */
    static Optional<LabState> rebuild(Namespaces registry, String lab) {
        String mark = Marks.of(lab);
        List<NodeInfo> nodes = new ArrayList<>();
        List<Resource> done = new ArrayList<>();
        for (String ns : registry.list()) {
            if (!mark.equals(loMark(registry, ns))) continue;
            nodes.add(new NodeInfo(ns, "linux", ns)); // the node's own name went with the state: its namespace names it
            done.add(new Resource.Namespace(ns));
        }
        try (NetHandle root = NetHandle.open(registry, NsRef.current())) {
            for (Link l : root.links()) {
                // a switch port or a management bridge of the lab's: removed by its mark, as a device of the root namespace
                if (mark.equals(l.alias())) done.add(new Resource.Device(null, l.name(), new Topology.Device.Dummy(), null));
            }
        }
        OvsState ovs = new OvsDaemons().stateIfRunning().orElse(null);
        if (ovs != null) {
            for (OvsBridge b : ovs.bridges()) {
                if (lab.equals(b.externalIds().get(Marks.OVS_KEY))) {
                    nodes.add(new NodeInfo(b.name(), "ovs-bridge", null));
                    done.add(new Resource.OvsBridge(b.name()));
                    continue;
                }
                for (OvsPort p : b.ports()) {
                    if (lab.equals(p.externalIds().get(Marks.OVS_KEY))) done.add(new Resource.OvsPort(b.name(), p.name(), null, null));
                }
            }
        }
        if (done.isEmpty()) return Optional.empty();
        done.sort(java.util.Comparator.comparingInt(Resource::phase));
        return Optional.of(new LabState(lab, "", "", nodes, done, List.of(), Map.of(), null, Faults.NONE));
    }

    /**
     * The labs whose mark a namespace carries that none of {@code known} claims (their state file is gone): what
     * {@code nslab ls} lists beside the state files. Only namespaces no known lab names are opened, so a machine whose
     * labs all have their state pays nothing; labs of Java programs are the reaper's and are left out.
     */
    static Set<String> unclaimed(Namespaces registry, Set<String> claimedNamespaces) {
        Set<String> out = new java.util.TreeSet<>();
        for (String ns : registry.list()) {
            if (claimedNamespaces.contains(ns)) continue;
            String lab = Marks.labOf(loMark(registry, ns));
            if (lab != null && Owners.labOf(ns).isEmpty()) out.add(lab);
        }
        return out;
    }

    private static String loMark(Namespaces registry, String ns) {
        if (Namespaces.inode(registry.path(ns)) < 0) return null; // a name with no namespace behind it
        try (NetHandle h = NetHandle.open(registry, NsRef.named(ns))) {
            return h.findLink("lo").map(Link::alias).orElse(null);
        } catch (KernelException e) {
            return null; // gone meanwhile
        }
    }

    /** What a rebuilt state holds, counted by kind, for what is said about it. */
    static String summary(LabState st) {
        Map<String, Integer> n = new TreeMap<>();
        for (Resource r : st.done()) {
            String kind = switch (r) {
                case Resource.Namespace x -> "namespaces";
                case Resource.Device x -> "interfaces of the root namespace";
                case Resource.OvsBridge x -> "Open vSwitch bridges";
                case Resource.OvsPort x -> "Open vSwitch ports";
                default -> "other objects";
            };
            n.merge(kind, 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        n.forEach((k, v) -> parts.add(v + " " + k));
        return String.join(", ", parts);
    }
}
