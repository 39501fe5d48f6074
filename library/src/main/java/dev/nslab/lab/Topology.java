package dev.nslab.lab;

import dev.nslab.net.Cidr;
import dev.nslab.net.Family;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lab as its file describes it, validated. Node names are the file's; {@link #namespace} adds the prefix.
 * Open vSwitch bridges and switch-side interfaces in the root namespace keep the file's names (they are global).
 */
public record Topology(String name, String prefix, String file, List<NodeDef> nodes, List<LinkDef> links,
                       List<ExpectDef> expects, List<String> warnings) {

    public enum Kind { LINUX, BRIDGE, OVS_BRIDGE }

    /** One node. {@code addresses} maps an interface to its addresses (insertion order kept). */
    public record NodeDef(String name, Kind kind, Map<String, List<Cidr>> addresses, List<RouteDef> routes,
                          boolean forwarding, List<String> exec, int line) {
        public boolean isSwitch() { return kind != Kind.LINUX; }
    }

    /** A static route; {@code dst} null is the default route of {@code family}. */
    public record RouteDef(Family family, Cidr dst, InetAddress via, String dev) {
        public String dstText() { return dst == null ? "default" : dst.toString(); }
    }

    public record Endpoint(String node, String iface) {
        @Override public String toString() { return node + ":" + iface; }
    }

    /**
     * A cable: a veth pair. {@code vlan}/{@code trunks} apply to its ends on Open vSwitch bridges;
     * {@code impairments} are what each end does to the packets it sends (an end not there is not impaired).
     */
    public record LinkDef(Endpoint a, Endpoint b, Integer vlan, List<Integer> trunks, Integer mtu, Map<Endpoint, Impairment> impairments, int line) {
        public LinkDef(Endpoint a, Endpoint b, Integer vlan, List<Integer> trunks, Integer mtu, int line) {
            this(a, b, vlan, trunks, mtu, Map.of(), line);
        }
    }

    /** An intent for verification: {@code to} is a node name or an address. */
    public record ExpectDef(String from, String to, boolean reach, int line) { }

    public Optional<NodeDef> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** The namespace of a linux node or a Linux bridge node. */
    public String namespace(String node) { return prefix + node; }
}
