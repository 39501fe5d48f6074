package dev.nslab.lab.plan;

import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.NodeDef;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a lab file asks of the machine beyond the lab's own confined nodes: commands that run on the machine itself,
 * machine paths a node may write, the machine's bridges and interfaces the lab's cables reach, tunnels out of the
 * machine. A file from elsewhere gets none of it unless the user allows it, having seen this list; the lab's own
 * objects in the root namespace (switch ports, a management network checked against the machine's routes) are not on
 * it: nslab makes them and takes them away.
 */
public final class MachineAccess {
    private MachineAccess() {}

    /** One thing the file asks for, at its line. */
    public record Reach(int line, String what) { }

    /** Everything {@code t} asks of the machine, in file order (an empty list: the lab stays within its own). */
    public static List<Reach> of(Topology t) {
        List<Reach> out = new ArrayList<>();
        Map<String, NodeDef> byName = t.nodes().stream().collect(Collectors.toMap(NodeDef::name, Function.identity(), (a, b) -> a));
        for (NodeDef n : t.nodes()) {
            if (n.isHost() && !n.exec().isEmpty()) {
                out.add(new Reach(n.line(), "node " + n.name() + " runs " + count(n.exec().size(), "exec line") + " on the machine itself, "
                        + "not in a node (it is the machine: kind: host or network-mode: host)"));
            }
            if (!n.meta().hostExec().isEmpty()) {
                out.add(new Reach(n.line(), "node " + n.name() + " runs " + count(n.meta().hostExec().size(), "stage command")
                        + " on the machine itself (target: host)"));
            }
            for (Topology.BindDef b : n.programs().binds()) {
                if (!b.readOnly()) out.add(new Reach(b.line(), "node " + n.name() + " may write to the machine's " + b.host() + " (a bind without :ro)"));
            }
            if (n.outside() != null) {
                out.add(new Reach(n.line(), "node " + n.name() + " is the container " + n.outside() + ", which is outside the lab: "
                        + "its network is wired and its exec lines run in it"));
            }
            if (n.meta().existing()) {
                out.add(new Reach(n.line(), "the lab's cables join the machine's " + (n.kind() == Topology.Kind.OVS_BRIDGE ? "Open vSwitch " : "")
                        + "bridge " + n.bridgeName() + ", which the lab did not make"));
            }
        }
        for (Topology.LinkDef l : t.links()) {
            for (Topology.Endpoint e : List.of(l.a(), l.b())) {
                NodeDef n = byName.get(e.node());
                if (n != null && n.isHost()) {
                    out.add(new Reach(l.line(), "interface " + e.iface() + " is made in the machine's own network namespace"));
                }
            }
        }
        for (Topology.DeviceDef d : t.devices()) {
            switch (d.device()) {
                case Topology.Device.Macvlan m -> out.add(new Reach(d.line(), "node " + d.end().node() + " joins the machine's network through a "
                        + "macvlan on its interface " + m.parent()));
                case Topology.Device.Vxlan v -> out.add(new Reach(d.line(), "node " + d.end().node() + " sends a VXLAN tunnel out of the machine to "
                        + dev.nslab.net.Cidr.format(v.remote()) + ", UDP port " + v.port()));
                case Topology.Device.Dummy x -> { }
            }
        }
        out.sort(Comparator.comparingInt(Reach::line));
        return out;
    }

    private static String count(int n, String what) { return n + " " + what + (n == 1 ? "" : "s"); }
}
