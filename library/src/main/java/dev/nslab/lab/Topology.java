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

    /**
     * One node. {@code addresses} maps an interface to its addresses (insertion order kept); {@code programs} is what
     * runs in it beyond the exec lines.
     */
    public record NodeDef(String name, Kind kind, Map<String, List<Cidr>> addresses, List<RouteDef> routes,
                          boolean forwarding, List<String> exec, Programs programs, int line) {
        public NodeDef(String name, Kind kind, Map<String, List<Cidr>> addresses, List<RouteDef> routes, boolean forwarding,
                       List<String> exec, int line) {
            this(name, kind, addresses, routes, forwarding, exec, Programs.NONE, line);
        }

        public boolean isSwitch() { return kind != Kind.LINUX; }
    }

    /**
     * What a node's processes get (environment, host paths bound into their view of the file system) and the
     * long-running programs started in it once the lab is wired, in order.
     */
    public record Programs(Map<String, String> env, List<BindDef> binds, List<ServiceDef> services) {
        public static final Programs NONE = new Programs(Map.of(), List.of(), List.of());
    }

    /** A host path ({@code host}, absolute) seen at {@code node} by the node's processes, read-only or not. */
    public record BindDef(String host, String node, boolean readOnly, int line, int column) {
        @Override public String toString() { return host + ":" + node + (readOnly ? ":ro" : ""); }
    }

    /** When a service counts as ready: a TCP port listening in the node, a command that exits 0, or a delay. */
    public sealed interface Ready {
        record Tcp(int port) implements Ready { @Override public String toString() { return "tcp " + port; } }
        record Cmd(String cmd) implements Ready { @Override public String toString() { return "cmd " + cmd; } }
        record After(long millis) implements Ready { @Override public String toString() { return "after " + millis + "ms"; } }
    }

    public enum Restart { NO, ON_FAILURE, ALWAYS;
        public String word() { return name().toLowerCase().replace('_', '-'); }
    }

    /** A long-running program of a node; {@code ready} null: ready once started. */
    public record ServiceDef(String name, String cmd, Ready ready, Restart restart, long timeoutMillis, int line) { }

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
