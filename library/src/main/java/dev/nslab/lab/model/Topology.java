package dev.nslab.lab.model;

import dev.nslab.error.LabException;
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
                       List<ExpectDef> expects, List<String> warnings, List<DeviceDef> devices, Mgmt mgmt) {

    public Topology {
        nodes = NodeList.of(nodes);
    }

    public Topology(String name, String prefix, String file, List<NodeDef> nodes, List<LinkDef> links, List<ExpectDef> expects,
                    List<String> warnings) {
        this(name, prefix, file, nodes, links, expects, warnings, List.of(), null);
    }

    /**
     * A one-ended link (containerlab's macvlan, vxlan and dummy links): an interface of a node that is not a cable
     * to another node of the lab.
     */
    public record DeviceDef(Endpoint end, Device device, Integer mtu, int line) { }

    public sealed interface Device {
        /** An interface that goes nowhere (CONFIG_DUMMY). */
        record Dummy() implements Device { }

        /** A macvlan on {@code parent}, an interface of the root namespace (the machine's network). */
        record Macvlan(String parent, String mode) implements Device { }

        /** A VXLAN tunnel to {@code remote} (reached through the root namespace): how a lab spans two machines. */
        record Vxlan(InetAddress remote, int vni, int port) implements Device { }
    }

    /**
     * A management network (containerlab's {@code mgmt}): a Linux bridge in the root namespace holding the gateway
     * addresses, each linux node's eth0 on it with its management address.
     */
    public record Mgmt(String bridge, Cidr ipv4Subnet, InetAddress ipv4Gateway, Cidr ipv6Subnet, InetAddress ipv6Gateway, Integer mtu,
                       List<MgmtLink> links, int line) { }

    /** containerlab's mgmt-net link: one more interface of a node on the management bridge, {@code hostInterface} its other end. */
    public record MgmtLink(Endpoint end, String hostInterface, int line) { }

    public enum Kind { LINUX, BRIDGE, OVS_BRIDGE }

    /**
     * Whether bringing the lab up runs programs beside the requests to the kernel: hosts (exec lines, services, binds,
     * host names), container images, Open vSwitch, containers outside the lab, stage commands on the machine.
     */
    public boolean startsPrograms() {
        // exec lines and services also of nodes that are no host of their own (the machine's, or sharing another's)
        return nodes.stream().anyMatch(n -> n.needsHost() || !n.exec().isEmpty() || !n.programs().services().isEmpty()
                || n.programs().image() != null || n.kind() == Kind.OVS_BRIDGE || n.outside() != null || !n.meta().hostExec().isEmpty());
    }

    /**
     * One node. {@code addresses} maps an interface to its addresses (insertion order kept); {@code programs} is what
     * runs in it beyond the exec lines.
     */
    public record NodeDef(String name, Kind kind, Map<String, List<Cidr>> addresses, List<RouteDef> routes,
                          boolean forwarding, List<String> exec, Programs programs, Meta meta, int line) {
        public NodeDef(String name, Kind kind, Map<String, List<Cidr>> addresses, List<RouteDef> routes, boolean forwarding,
                       List<String> exec, int line) {
            this(name, kind, addresses, routes, forwarding, exec, Programs.NONE, Meta.NONE, line);
        }

        public boolean isSwitch() { return kind != Kind.LINUX; }

        /** Whether its kernel's tables are the node's own doing (exec lines, services, a container image's programs), not the file's alone. */
        public boolean configuresItself() { return !exec.isEmpty() || !programs.services().isEmpty() || programs.image() != null; }

        /** A Linux bridge's device name: containerlab's "BRIDGE|NODE" names a bridge inside node NODE's namespace. */
        public String bridgeName() { return name.contains("|") ? name.substring(0, name.indexOf('|')) : name; }

        /** Whether the node is the machine itself (containerlab's kind: host, or network-mode: host): no namespace of its own. */
        public boolean isHost() { return Meta.HOST.equals(meta.network()); }

        /** The node whose namespace this one shares (network-mode: container:NODE), or null. */
        public String sharesWith() { return meta.network() == null || isHost() || outside() != null ? null : meta.network(); }

        /**
         * The container outside the lab whose network namespace this node is (containerlab's kind ext-container, or
         * network-mode: container:NAME where NAME is no node of the file), or null.
         */
        public String outside() {
            return meta.network() != null && meta.network().startsWith(Meta.OUTSIDE) ? meta.network().substring(Meta.OUTSIDE.length()) : null;
        }

        /**
         * Whether the node is a small host (a file system, host name and processes of its own, see {@code NodeHost}):
         * when something runs in it — exec lines, services — or it has binds or a host name of its own. A node without
         * any of these stays a bare network namespace, which costs far less.
         */
        public boolean needsHost() {
            return kind == Kind.LINUX && meta.network() == null && !meta.existing() && (!exec.isEmpty() || !programs.services().isEmpty()
                    || !programs.binds().isEmpty() || meta.hostname() != null || programs.image() != null);
        }

        /** The node's host name: containerlab's {@code hostname:}, else its name. */
        public String hostname() { return meta.hostname() != null ? meta.hostname() : name; }

        /** Whether the node has a namespace of its own, made and removed by the lab. */
        public boolean ownsNamespace() { return kind != Kind.OVS_BRIDGE && meta.network() == null && !meta.existing(); }
    }

    /**
     * What containerlab says about a node beyond its wiring: its group and labels (for selecting nodes), where its
     * network stack is ({@code network}: null its own namespace, {@link #HOST} the machine's, else the node whose
     * namespace it shares), when its exec lines run (after a delay, after other nodes'), its management addresses,
     * for a switch, whether it is a bridge that already exists in the root namespace (used, not owned), and the
     * commands its containerlab stages run on the machine itself ({@code target: host}); {@code waitHealthy}: the
     * nodes (of {@code waitFor}) whose healthy stage its exec lines wait for (their container's health check passes).
     */
    public record Meta(String group, Map<String, String> labels, String network, long startupDelayMillis, List<String> waitFor,
                       Cidr mgmtIpv4, Cidr mgmtIpv6, boolean existing, List<String> hostExec, String hostname, List<String> waitHealthy) {
        public static final String HOST = "host";
        /** {@code network} of a node that is a container outside the lab: this, then the container's name. */
        public static final String OUTSIDE = "outside:";
        public static final Meta NONE = new Meta(null, Map.of(), null, 0, List.of(), null, null, false, List.of(), null, List.of());

        public Meta(String group, Map<String, String> labels, String network, long startupDelayMillis, List<String> waitFor,
                    Cidr mgmtIpv4, Cidr mgmtIpv6, boolean existing, List<String> hostExec) {
            this(group, labels, network, startupDelayMillis, waitFor, mgmtIpv4, mgmtIpv6, existing, hostExec, null, List.of());
        }

        public Meta withNetwork(String n) { return new Meta(group, labels, n, startupDelayMillis, waitFor, mgmtIpv4, mgmtIpv6, existing, hostExec, hostname, waitHealthy); }

        public Meta asExisting() { return new Meta(group, labels, network, startupDelayMillis, waitFor, mgmtIpv4, mgmtIpv6, true, hostExec, hostname, waitHealthy); }

        public Meta withMgmt(Cidr v4, Cidr v6) { return new Meta(group, labels, network, startupDelayMillis, waitFor, v4, v6, existing, hostExec, hostname, waitHealthy); }
    }

    /**
     * What a node's processes get (environment, host paths bound into their view of the file system) and the
     * long-running programs started in it once the lab is wired, in order.
     */
    public record Programs(Map<String, String> env, List<BindDef> binds, List<ServiceDef> services, ImageDef image) {
        public static final Programs NONE = new Programs(Map.of(), List.of(), List.of(), null);

        public Programs(Map<String, String> env, List<BindDef> binds, List<ServiceDef> services) { this(env, binds, services, null); }
    }

    /**
     * A container image a node runs as (containerlab's {@code image:}), with what the file says of how: {@code cmd}
     * and {@code entrypoint} (null: the image's), {@code user} (null: the image's), the pull policy (IfNotPresent,
     * Always, Never), the node's {@code env} (the container's environment: a change makes the container again). Where
     * {@code image:} is in the file, for its errors.
     */
    public record ImageDef(String image, List<String> cmd, List<String> entrypoint, String user, String pullPolicy, Map<String, String> env,
                           FrrDef frr, HealthDef health, int line, int column) {
        public ImageDef(String image, List<String> cmd, List<String> entrypoint, String user, String pullPolicy, Map<String, String> env,
                        int line, int column) {
            this(image, cmd, entrypoint, user, pullPolicy, env, null, null, line, column);
        }

        @Override public String toString() {
            return image + (entrypoint == null ? "" : " entrypoint " + entrypoint) + (cmd == null ? "" : " cmd " + cmd) + (user == null ? "" : " user " + user)
                    + (env.isEmpty() ? "" : " env " + new java.util.TreeMap<>(env)) + (frr == null ? "" : " " + frr) + (health == null ? "" : " " + health);
        }
    }

    /**
     * containerlab's {@code healthcheck} of a container: {@code test} as Docker words it (CMD-SHELL and one shell line,
     * or CMD and the program's words), times in seconds (0: the engine's default), retries before it is unhealthy.
     */
    public record HealthDef(List<String> test, int interval, int timeout, int retries, int startPeriod) {
        @Override public String toString() {
            return "healthcheck " + test + " interval " + interval + " timeout " + timeout + " retries " + retries + " start-period " + startPeriod;
        }
    }

    /**
     * containerlab's {@code kind: frr}: the router's /etc/frr made of its {@code startup-config} (null: a minimal one),
     * a daemons file enabling {@code daemons} (empty: every daemon the file can switch on), and an integrated vtysh.conf.
     */
    public record FrrDef(String startupConfig, List<String> daemons) {
        /** The daemons FRR's daemons file switches on and off; zebra, staticd, mgmtd and watchfrr always run. */
        public static final List<String> CONFIGURABLE = List.of("bgpd", "ospfd", "ospf6d", "ripd", "ripngd", "isisd", "pimd", "pim6d",
                "ldpd", "nhrpd", "eigrpd", "babeld", "sharpd", "pbrd", "bfdd", "fabricd", "vrrpd", "pathd");
        public static final List<String> ALWAYS = List.of("zebra", "staticd", "mgmtd", "watchfrr");

        @Override public String toString() { return "frr config " + startupConfig + " daemons " + daemons; }
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

    /**
     * An intent for verification: reachability ({@code to} a node name or an address), or, with {@code check}, a check
     * of node {@code from} ({@code to} null), tried again until it holds or {@code waitMillis} have passed.
     */
    public record ExpectDef(String from, String to, boolean reach, NodeCheck check, long waitMillis, int line) {
        public ExpectDef(String from, String to, boolean reach, int line) { this(from, to, reach, null, 0, line); }

        public boolean isReach() { return check == null; }

        /** The expectation in the file's words. */
        public String words() {
            String w = isReach() ? from + " -> " + to + " reach " + reach : from + " " + check.words();
            return waitMillis > 0 ? w + " (wait " + Impairment.timeText(waitMillis * 1_000_000L) + ")" : w;
        }
    }

    /**
     * The part of the lab made of the nodes named (containerlab's node filter): the links between two of them and the
     * expectations among them. Host nodes (the machine itself) stay, as there is nothing of them to make.
     */
    public Topology only(java.util.Set<String> keep) {
        for (String k : keep) {
            if (node(k).isEmpty()) {
                throw new LabException("node filter: lab " + name + " has no node " + k + " (nodes: "
                        + String.join(", ", nodes.stream().map(NodeDef::name).toList()) + ")");
            }
        }
        java.util.function.Predicate<String> in = n -> keep.contains(n) || node(n).map(NodeDef::isHost).orElse(false);
        for (String k : keep) {
            String other = node(k).orElseThrow().sharesWith();
            if (other != null && !keep.contains(other)) {
                throw new LabException("node filter: " + k + " shares the namespace of " + other + " (network-mode container:" + other + "): select " + other + " too");
            }
        }
        List<LinkDef> kept = links.stream().filter(l -> in.test(l.a().node()) && in.test(l.b().node())).toList();
        java.util.Set<String> ends = new java.util.HashSet<>();
        kept.forEach(l -> { ends.add(l.a().toString()); ends.add(l.b().toString()); });
        devices.forEach(d -> ends.add(d.end().toString()));
        return new Topology(name, prefix, file, nodes.stream().filter(n -> in.test(n.name())).map(n -> withoutDropped(n, ends)).toList(),
                kept,
                expects.stream().filter(e -> in.test(e.from()) && (e.to() == null || node(e.to()).isEmpty() || in.test(e.to()))).toList(), warnings,
                devices.stream().filter(d -> in.test(d.end().node())).toList(), mgmt);
    }

    /** A node without the addresses of interfaces whose links a filter left out, nor the routes that needed them. */
    private static NodeDef withoutDropped(NodeDef n, java.util.Set<String> ends) {
        if (n.isSwitch()) return n;
        Map<String, List<Cidr>> addresses = new java.util.LinkedHashMap<>();
        n.addresses().forEach((dev, list) -> { if (dev.equals("lo") || ends.contains(n.name() + ":" + dev)) addresses.put(dev, list); });
        if (addresses.size() == n.addresses().size()) return n;
        List<RouteDef> routes = n.routes().stream().filter(r -> (r.dev() == null || r.dev().equals("lo") || ends.contains(n.name() + ":" + r.dev()))
                && (r.via() == null || addresses.values().stream().flatMap(List::stream).anyMatch(c -> c.contains(r.via())))).toList();
        return new NodeDef(n.name(), n.kind(), addresses, routes, n.forwarding(), n.exec(), n.programs(), n.meta(), n.line());
    }

    /** The same lab with {@code nodes} instead (their settings as found on the machine). */
    public Topology withNodes(List<NodeDef> changed) {
        return new Topology(name, prefix, file, List.copyOf(changed), links, expects, warnings, devices, mgmt);
    }

    /** A node's addresses by interface: the file's, and its management addresses on eth0 (with the subnet's length). */
    public Map<String, List<Cidr>> addresses(NodeDef n) {
        Meta m = n.meta();
        if (mgmt == null || (m.mgmtIpv4() == null && m.mgmtIpv6() == null)) return n.addresses();
        Map<String, List<Cidr>> out = new java.util.LinkedHashMap<>(n.addresses());
        List<Cidr> eth0 = new java.util.ArrayList<>(out.getOrDefault("eth0", List.of()));
        if (m.mgmtIpv4() != null) eth0.add(new Cidr(m.mgmtIpv4().address(), mgmt.ipv4Subnet().prefixLength()));
        if (m.mgmtIpv6() != null) eth0.add(new Cidr(m.mgmtIpv6().address(), mgmt.ipv6Subnet().prefixLength()));
        out.put("eth0", List.copyOf(eth0));
        return out;
    }

    /**
     * Whether node {@code n} is made a small host: when it needs one, or when a node sharing its namespace
     * ({@code network-mode: container:N}) runs programs, which run in {@code n}'s host.
     */
    public boolean hosted(NodeDef n) {
        if (n.needsHost()) return true;
        if (n.kind() != Kind.LINUX || n.meta().network() != null || n.meta().existing()) return false;
        return ((NodeList) nodes).sharedByRunner(n.name());
    }

    public Optional<NodeDef> node(String name) {
        return Optional.ofNullable(((NodeList) nodes).named(name));
    }

    /**
     * The namespace of a linux node or a Linux bridge node: the lab's own ({@code prefix + node}), the one it shares,
     * or null for the root namespace (a host node, a bridge that existed before the lab).
     */
    public String namespace(String node) {
        Optional<NodeDef> n = node(node);
        return n.isPresent() ? namespace(n.get()) : prefix + node;
    }

    public String namespace(NodeDef n) {
        if (n.meta().network() == null && !n.meta().existing() || n.outside() != null) return prefix + n.name();
        if (n.isHost() || n.meta().existing()) return null;
        return prefix + n.sharesWith();
    }
}
