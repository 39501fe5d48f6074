package dev.nslab.lab.plan;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.Kind;
import dev.nslab.lab.model.Topology.NodeDef;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.IfAddress;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.ProcessLimits;
import dev.nslab.net.Route;
import dev.nslab.net.Sysctl;
import dev.nslab.ovs.OvsDaemons;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What must hold before anything of a lab is created, checked against the machine: parts the file uses are installed,
 * the lab fits in the kernel's fixed limits, and the process may hold what building it takes. Every refusal names the
 * limit and what to do; those about the file are located at its {@code file:line}. The neighbour table is not refused
 * but raised ({@link NeighbourLimits}), because nslab can put that right itself.
 */
public final class Preflight {
    /** What the machine offers, as the checks need it (a stand-in answers in unit tests). */
    public interface Machine {
        boolean openVswitchInstalled();

        /** The soft limit of open descriptors of this process. */
        long openFiles();

        /** {@code user.max_net_namespaces}, or Long.MAX_VALUE where the kernel has no such limit. */
        long maxNetNamespaces();

        /** Whether the kernel has netem (asked only when an impairment needs it). */
        default boolean netem() { return false; }

        /** Whether nodes can be made hosts (nslab's helper program is there); asked only when a node is to be one. */
        default boolean hosts() { return true; }

        /** Whether the kernel makes links of {@code kind} (asked only when the file has such a link). */
        default boolean linkKind(String kind) { return true; }

        /**
         * The networks the machine reaches: its routes (main table, default routes left out) and its addresses' subnets;
         * asked only when the lab has a management network.
         */
        default List<MachineRoute> routes() { return List.of(); }
    }

    /** A route of the machine's: where to and through which interface. */
    public record MachineRoute(Cidr dst, String dev) { }

    private Preflight() {}

    /**
     * A management subnet becomes a route of the machine's: one that overlaps a network the machine already reaches
     * (its LAN, a VPN, a container network) would take that traffic into the lab, so it is refused. The routes through
     * the lab's own management bridge are the lab's (a second up, or containerlab's shared network).
     */
    static void checkManagementSubnets(Topology t, List<MachineRoute> routes) {
        Topology.Mgmt m = t.mgmt();
        for (Cidr sub : new Cidr[] {m.ipv4Subnet(), m.ipv6Subnet()}) {
            if (sub == null) continue;
            for (MachineRoute r : routes) {
                if (r.dst() == null || r.dst().family() != sub.family() || r.dev().equals(m.bridge())) continue;
                if (sub.contains(r.dst().network().address()) || r.dst().contains(sub.network().address())) {
                    throw new LabException(t.file(), m.line(), 1, "management subnet " + sub + " overlaps " + r.dst().network() + ", which this machine "
                            + "reaches through " + r.dev() + ": give mgmt an ipv" + (sub.family() == Family.INET ? "4" : "6")
                            + "-subnet of its own");
                }
            }
        }
    }

    public static Machine thisMachine(Sysctl sysctl) {
        return new Machine() {
            private Boolean netem;

            public synchronized boolean netem() {
                if (netem == null) netem = dev.nslab.net.KernelFeatures.hasNetem();
                return netem;
            }

            private final java.util.Map<String, Boolean> kinds = new java.util.HashMap<>();

            public synchronized boolean linkKind(String kind) {
                return kinds.computeIfAbsent(kind, dev.nslab.net.KernelFeatures::hasLinkKind);
            }

            public List<MachineRoute> routes() {
                try (NetHandle h = NetHandle.open(new Namespaces(), NsRef.current())) {
                    Map<Integer, String> names = h.linkNames();
                    List<MachineRoute> out = new ArrayList<>();
                    for (Family f : Family.values()) {
                        for (Route r : h.routes(f)) {
                            if (!r.isDefault() && r.type() == 1) out.add(new MachineRoute(r.dst(), names.getOrDefault(r.oif(), "?")));
                        }
                        // an address whose prefix has no route of its own (noprefixroute) is a network of the machine's too
                        for (IfAddress a : h.addresses(f)) {
                            if (a.isGlobal()) out.add(new MachineRoute(a.cidr().network(), names.getOrDefault(a.index(), "?")));
                        }
                    }
                    return out;
                }
            }

            public boolean openVswitchInstalled() { return new OvsDaemons().status().installed(); }

            public boolean hosts() { return dev.nslab.net.NodeHost.available(); }

            public long openFiles() { return ProcessLimits.openFiles(); }

            public long maxNetNamespaces() {
                try {
                    return Long.parseLong(sysctl.read(NsRef.current(), "user.max_net_namespaces"));
                } catch (RuntimeException e) {
                    return Long.MAX_VALUE; // a kernel without the limit
                }
            }
        };
    }

    /** Throws the first problem found: {@link LabException} when it is the file's, {@link LabException} else. */
    public static LabNeeds check(Topology t, Machine machine) {
        LabNeeds.checkBuildable(t);
        for (NodeDef n : t.nodes()) {
            if (t.hosted(n) && !machine.hosts()) {
                throw new LabException(t.file(), n.line(), 1, "node " + n.name() + " runs programs (or binds, or names its host), which makes it a "
                        + "host, and this build of nslab has no helper program for hosts (nslab-host, compiled with the jar where a C compiler is): "
                        + "install gcc and build nslab again");
            }
            if (n.kind() == Kind.OVS_BRIDGE && !machine.openVswitchInstalled()) {
                throw new LabException(t.file(), n.line(), 1, "node " + n.name()
                        + " is an ovs-bridge but Open vSwitch is not installed: apt-get install openvswitch-switch, or use kind: bridge");
            }
        }
        if (t.mgmt() != null) checkManagementSubnets(t, machine.routes());
        for (Topology.LinkDef l : t.links()) {
            for (var e : l.impairments().entrySet()) {
                if (e.getValue().needsNetem() && !machine.netem()) {
                    throw new LabException(t.file(), l.line(), 1, FaultPlanner.missingNetem(e.getKey().toString(), e.getValue()));
                }
            }
        }
        for (Topology.DeviceDef d : t.devices()) {
            String kind = switch (d.device()) {
                case Topology.Device.Dummy x -> "dummy";
                case Topology.Device.Macvlan x -> "macvlan";
                case Topology.Device.Vxlan x -> "vxlan";
            };
            if (!machine.linkKind(kind)) {
                throw new LabException(t.file(), d.line(), 1, kind + " links need the " + kind + " kernel module (CONFIG_"
                        + kind.toUpperCase() + "), which this kernel lacks: use a veth link (type: veth, or the brief form) instead");
            }
        }
        for (NodeDef n : t.nodes()) {
            for (Topology.BindDef b : n.programs().binds()) {
                if (!java.nio.file.Files.exists(java.nio.file.Path.of(b.host()))) {
                    throw new LabException(t.file(), b.line(), b.column(), "bind " + b + " of node " + n.name() + ": the host path "
                            + b.host() + " does not exist (relative paths are relative to the lab file)");
                }
            }
        }
        LabNeeds needs = LabNeeds.of(t);
        long files = machine.openFiles();
        if (files < needs.descriptors()) {
            throw new LabException(String.format("lab %s has %,d namespaces, and building it holds a descriptor for each: this "
                    + "process may open only %,d (RLIMIT_NOFILE); raise it (ulimit -n %d) and run again", t.name(),
                    needs.namespaces(), files, needs.descriptors()));
        }
        long maxNs = machine.maxNetNamespaces();
        if (needs.namespaces() > maxNs) {
            throw new LabException(String.format("lab %s needs %,d network namespaces, but user.max_net_namespaces allows %,d: "
                    + "raise it (sysctl -w user.max_net_namespaces=%d)", t.name(), needs.namespaces(), maxNs, needs.namespaces() * 2L));
        }
        return needs;
    }
}
