package dev.nslab.lab.plan;

import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.RouteDef;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;

import java.util.List;

/**
 * One kernel or Open vSwitch object a lab owns. {@link #key()} identifies it across runs: a second {@code up}
 * compares keys to find what to add and what to remove, so every setting that cannot be changed in place is part
 * of the key (changing it means remove, then add). {@link #phase()} orders creation (removal runs backwards).
 */
public sealed interface Resource {
    String key();

    int phase();

    /**
     * Whether making or removing it takes programs of the machine's (a host's processes, a container engine, Open
     * vSwitch's daemons) rather than requests to the kernel alone.
     */
    default boolean takesPrograms() { return false; }

    /**
     * A network namespace, marked by the alias of its loopback; or, {@code outside} set, the name the lab gives the
     * network namespace of that container outside the lab (containerlab's ext-container): attached, never marked,
     * made or removed, only named and unnamed.
     */
    record Namespace(String name, Host host, String outside) implements Resource {
        public Namespace(String name) { this(name, null, null); }

        public Namespace(String name, Host host) { this(name, host, null); }

        public String key() { return "netns " + name + (host == null ? "" : " " + host.words()) + (outside == null ? "" : " of container " + outside); }
        public int phase() { return 0; }
        @Override public boolean takesPrograms() { return host != null || outside != null; }
    }

    /**
     * What makes a node's namespace a small host ({@code net.NodeHost}): its host name and binds, fixed when the host
     * is made (a change makes the node again).
     */
    record Host(String hostname, List<Topology.BindDef> binds, Topology.ImageDef image) {
        public Host(String hostname, List<Topology.BindDef> binds) { this(hostname, binds, null); }

        String words() { return "host " + hostname + (binds.isEmpty() ? "" : " binds " + binds) + (image == null ? "" : " image " + image); }
    }

    /**
     * The lab's user namespace, whose root the programs of its hosts run as (nobody on the machine); made where nslab
     * runs as root of the machine, pinned in the lab's state directory. Without root, the user's own namespace is it.
     */
    record Users() implements Resource {
        public String key() { return "userns"; }
        public int phase() { return -1; }
        @Override public boolean takesPrograms() { return true; }
    }

    /** A Linux bridge device inside a switch node's namespace ({@code ns} null: the root namespace's, a management network). */
    record LinuxBridge(String ns, String name) implements Resource {
        public String key() { return "bridge " + (ns == null ? "" : ns + "/") + name; }
        public int phase() { return 1; }
    }

    /**
     * One end of a veth: {@code ns} null is the root namespace; {@code master} a Linux bridge to join, or null;
     * {@code alt} the file's name where it is too long for the kernel's (then {@code iface} is a short one made from
     * it, and {@code alt} the interface's alternative name, as containerlab gives it), or null.
     */
    record End(String ns, String iface, String master, String alt) {
        public End(String ns, String iface, String master) { this(ns, iface, master, null); }

        @Override public String toString() {
            return (ns == null ? "" : ns + "/") + iface + (master == null ? "" : "@" + master) + (alt == null ? "" : "~" + alt);
        }
    }

    /** A veth pair; {@code a} is the end that carries the mark from birth (the root-namespace end when there is one). */
    record Veth(End a, End b, Integer mtu) implements Resource {
        public String key() { return "veth " + a + "=" + b + (mtu == null ? "" : " mtu " + mtu); }
        public int phase() { return 2; }
    }

    /**
     * A one-ended interface of a node ({@code ns} its namespace): a dummy, or a macvlan or vxlan made from the root
     * namespace (its parent, its underlay) and born in the node.
     */
    record Device(String ns, String iface, Topology.Device device, Integer mtu) implements Resource {
        public String key() {
            String what = switch (device) {
                case Topology.Device.Dummy d -> "dummy";
                case Topology.Device.Macvlan m -> "macvlan on " + m.parent() + " mode " + m.mode();
                case Topology.Device.Vxlan v -> "vxlan " + v.vni() + " remote " + dev.nslab.net.Cidr.format(v.remote()) + " port " + v.port();
            };
            return "device " + ns + "/" + iface + " " + what + (mtu == null ? "" : " mtu " + mtu);
        }
        public int phase() { return 2; }
    }

    /** An Open vSwitch bridge, marked by external_ids:nslab-lab. */
    record OvsBridge(String name) implements Resource {
        public String key() { return "ovs-bridge " + name; }
        public int phase() { return 3; }
        @Override public boolean takesPrograms() { return true; }
    }

    /** A port on a lab's Open vSwitch bridge, with its access tag or trunks. */
    record OvsPort(String bridge, String port, Integer tag, List<Integer> trunks) implements Resource {
        public String key() {
            return "ovs-port " + bridge + "/" + port + (tag == null ? "" : " tag " + tag) + (trunks == null ? "" : " trunks " + trunks);
        }
        public int phase() { return 4; }
        @Override public boolean takesPrograms() { return true; }
    }

    record Address(String ns, String dev, Cidr cidr) implements Resource {
        public String key() { return "address " + (ns == null ? "" : ns + "/") + dev + " " + cidr; }
        public int phase() { return 5; }
    }

    /**
     * Forwarding on inside a node: IPv4, and IPv6 too unless the node is known to have no IPv6 (entering a namespace's
     * /proc/sys costs a quarter of a millisecond per file, which a thousand-router lab notices).
     */
    record Forwarding(String ns, boolean ipv6) implements Resource {
        public String key() { return "forwarding " + ns + (ipv6 ? "" : " ipv4"); }
        public int phase() { return 6; }
    }

    record Route(String ns, RouteDef route) implements Resource {
        public String key() {
            return "route " + ns + " " + route.dstText() + (route.family() == Family.INET6 && route.dst() == null ? "6" : "")
                    + (route.via() == null ? "" : " via " + Cidr.format(route.via())) + (route.dev() == null ? "" : " dev " + route.dev());
        }
        public int phase() { return 7; }
    }

    /** How an end's impairment is made, by what the kernel has. */
    enum Mechanism {
        /** one netem discipline does it all */
        NETEM,
        /** rate by a token bucket (tbf), loss by nftables' random numbers at the device's egress */
        TBF_NFTABLES
    }

    /**
     * What an end does to the packets it sends ({@link Impairment}); {@code ns} null: a switch port's end. {@code peer}
     * is the cable's other end, where loss without netem is made: dropped as it arrives, the sender never knows,
     * as on a wire (a drop at the sender's own egress is reported to it, and ping or TCP send again at once).
     */
    record Impair(String ns, String dev, Impairment impairment, Mechanism mechanism, End peer) implements Resource {
        public String key() { return "impair " + (ns == null ? "" : ns + "/") + dev + " " + impairment.words() + " by " + mechanism; }
        public int phase() { return 8; }
    }

    /** Inside a node: packets from and to the addresses of nodes in other partition groups are dropped. */
    record Partition(String ns, List<String> blocked) implements Resource {
        public String key() { return "partition " + ns + " " + String.join(",", blocked); }
        public int phase() { return 8; }
    }

    /** A cut cable: both ends of the veth pair down. */
    record Cut(End a, End b) implements Resource {
        public String key() { return "cut " + a + "=" + b; }
        public int phase() { return 9; }
    }

    /**
     * A long-running program of a node, under a supervisor that restarts it by its policy, with the node's
     * environment and binds. Every setting is in the key: an edited service is restarted, an unchanged one kept.
     */
    record Service(String ns, String node, Topology.ServiceDef def, java.util.Map<String, String> env, List<Topology.BindDef> binds)
            implements Resource {
        public String key() {
            return "service " + ns + "/" + def.name() + " cmd " + def.cmd() + (def.ready() == null ? "" : " ready " + def.ready())
                    + " restart " + def.restart().word() + (env.isEmpty() ? "" : " env " + new java.util.TreeMap<>(env))
                    + (binds.isEmpty() ? "" : " binds " + binds);
        }
        public int phase() { return 10; }
    }

    /** The namespace this object lives in (null: the root namespace or Open vSwitch). */
    default String namespace() {
        return switch (this) {
            case Namespace n -> n.name();
            case Users u -> null;
            case LinuxBridge b -> b.ns();
            case Veth v -> v.a().ns();
            case Device d -> d.ns();
            case OvsBridge o -> null;
            case OvsPort p -> null;
            case Address a -> a.ns();
            case Forwarding f -> f.ns();
            case Route r -> r.ns();
            case Impair i -> i.ns();
            case Partition p -> p.ns();
            case Cut c -> c.a().ns();
            case Service s -> s.ns();
        };
    }
}
