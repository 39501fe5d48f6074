package dev.nslab.lab.model;

import dev.nslab.lab.model.Topology.Endpoint;
import dev.nslab.lab.model.Topology.Kind;
import dev.nslab.lab.model.Topology.LinkDef;
import dev.nslab.lab.model.Topology.NodeDef;
import dev.nslab.lab.model.Topology.RouteDef;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who should reach whom, computed from the lab file alone: layer-2 segments (veth pairs, Linux bridges, Open
 * vSwitch bridges with their access tags, trunks and native VLANs), connected subnets, static and default routes,
 * forwarding on each hop, and the reply's way back. Every verdict keeps its reason.
 */
public final class Reachability {
    /** A prediction for one (source node, destination address). */
    /**
     * Whether a reply should come back and why (not); {@code lossy}: the ends on the way there and back that lose
     * packets on purpose (an impairment), whose outcome is reported rather than predicted.
     */
    public record Verdict(boolean reach, String reason, List<String> lossy, boolean known) {
        public Verdict(boolean reach, String reason) { this(reach, reason, List.of(), true); }

        public Verdict(boolean reach, String reason, List<String> lossy) { this(reach, reason, lossy, true); }

        /** No prediction: the way goes through a node whose routes the file does not hold (its programs may route). */
        static Verdict unknown(String reason) { return new Verdict(false, reason, List.of(), false); }
    }

    /** A walk that stops before it arrives, and whether the file says so ({@code known}) or cannot tell. */
    private record Stop(String why, boolean known) { }

    /**
     * Whether {@code node}'s routes may be more than the file's: it runs programs (exec lines, services), which may
     * add routes or run a routing daemon.
     */
    private boolean learns(String node) {
        if (kernel.containsKey(node)) return false; // the kernel's tables hold what they added
        NodeDef n = nodes.get(node);
        return n != null && (!n.exec().isEmpty() || !n.programs().services().isEmpty() || n.programs().image() != null);
    }

    private final FaultView faults;

    private static final int TTL = 64;

    private record Iface(String node, String name, List<Cidr> addrs) { }

    /** {@code type}: the kernel's RTN_* (1 unicast); {@code metric}: lower wins among routes of one length. */
    private record Route(Cidr dst, InetAddress via, String dev, boolean connected, int type, int metric) {
        Route(Cidr dst, InetAddress via, String dev, boolean connected) { this(dst, via, dev, connected, 1, 0); }
    }

    private final Topology t;
    private final Map<String, NodeDef> nodes = new HashMap<>();
    private final Map<String, Iface> ifaces = new HashMap<>();          // "node:iface"
    private final Map<String, String> parent = new HashMap<>();         // union-find over segment points
    private final Map<String, String> label = new HashMap<>();          // a readable name per segment point
    private final Set<String> cablePoints = new java.util.HashSet<>();  // points named after a cable, not a switch
    private final Map<String, List<Route>> routes = new HashMap<>();
    // indexes, so that each hop of a walk costs a lookup rather than a scan of the whole lab
    private final Map<InetAddress, List<Iface>> holders = new HashMap<>();
    private final Map<String, Set<String>> nodesOnSegment = new HashMap<>();
    private final Map<String, List<Iface>> ifacesOf = new HashMap<>();
    private final Map<String, String> segmentNames = new HashMap<>();

    private final Map<String, NodeTables> kernel;

    public Reachability(Topology t) { this(t, FaultView.NONE); }

    /** A model of {@code t} with the faults in effect: cut cables and partitions stop packets, loss is noted. */
    public Reachability(Topology t, FaultView faults) { this(t, faults, Map.of()); }

    /**
     * A model of the wiring of {@code t} (cables and switches, as nslab made them) with each node of {@code kernel}
     * routing by the tables its kernel holds rather than the file's: addresses, routes, forwarding, interfaces that
     * carry nothing. Nodes not in {@code kernel} route by the file.
     */
    public Reachability(Topology t, FaultView faults, Map<String, NodeTables> kernel) {
        this.t = t;
        this.faults = faults;
        this.kernel = kernel;
        t.nodes().forEach(n -> nodes.put(n.name(), n));
        for (NodeDef n : t.nodes()) {
            if (n.kind() != Kind.LINUX) continue;
            Map<String, List<Cidr>> addrs = kernel.containsKey(n.name()) ? kernel.get(n.name()).addresses() : t.addresses(n);
            addrs.forEach((dev, as) -> ifaces.put(n.name() + ":" + dev, new Iface(n.name(), dev, as)));
        }
        segments();
        for (Iface i : ifaces.values()) {
            for (Cidr c : i.addrs()) holders.computeIfAbsent(c.address(), k -> new ArrayList<>()).add(i);
            nodesOnSegment.computeIfAbsent(segment(i.node(), i.name()), k -> new java.util.HashSet<>()).add(i.node());
            ifacesOf.computeIfAbsent(i.node(), k -> new ArrayList<>()).add(i);
        }
        for (NodeDef n : t.nodes()) {
            if (n.kind() != Kind.LINUX) continue;
            NodeTables k = kernel.get(n.name());
            if (k == null) {
                routes.put(n.name(), table(n));
                continue;
            }
            List<Route> rs = new ArrayList<>();
            for (NodeTables.TableRoute r : k.routes()) rs.add(new Route(r.dst(), r.via(), r.dev(), r.via() == null && r.unicast(), r.type(), r.metric()));
            routes.put(n.name(), rs);
        }
    }

    // ---- layer 2 -------------------------------------------------------------------------------------------

    private String find(String p) {
        parent.putIfAbsent(p, p);
        String r = p;
        while (!parent.get(r).equals(r)) r = parent.get(r);
        parent.put(p, r);
        return r;
    }

    private void union(String a, String b) {
        String ra = find(a), rb = find(b);
        if (!ra.equals(rb)) parent.put(ra, rb);
    }

    /** The VLAN untagged frames on a switch port belong to; 0 is "untagged" on a bridge without VLANs. */
    private static int untagged(LinkDef l) { return l.vlan() == null ? 0 : l.vlan(); }

    /** VLANs a port carries tagged: its trunks; a port with neither tag nor trunks carries all (null). */
    private static Set<Integer> tagged(LinkDef l) {
        if (l.trunks() != null) return new TreeSet<>(l.trunks());
        return l.vlan() == null ? null : Set.of();
    }

    private String point(Endpoint e, LinkDef l, int vlan) {
        NodeDef n = nodes.get(e.node());
        String p = switch (n.kind()) {
            case LINUX -> "if:" + e;
            case BRIDGE -> "br:" + n.name();
            case OVS_BRIDGE -> "ovs:" + n.name() + ":" + vlan;
        };
        if (n.kind() == Kind.LINUX) cablePoints.add(p);
        label.putIfAbsent(p, switch (n.kind()) {
            case LINUX -> "the link " + l.a() + " - " + l.b();
            case BRIDGE -> "bridge " + n.name();
            case OVS_BRIDGE -> vlan == 0 ? n.name() + " (untagged)" : "VLAN " + vlan + " on " + n.name();
        });
        return p;
    }

    private void segments() {
        Set<Integer> allVlans = new TreeSet<>();
        for (LinkDef l : t.links()) {
            if (l.vlan() != null) allVlans.add(l.vlan());
            if (l.trunks() != null) allVlans.addAll(l.trunks());
        }
        for (LinkDef l : t.links()) {
            Kind ka = nodes.get(l.a().node()).kind(), kb = nodes.get(l.b().node()).kind();
            // untagged frames: whatever each end makes of them
            String pa = point(l.a(), l, ka == Kind.OVS_BRIDGE ? untagged(l) : 0);
            String pb = point(l.b(), l, kb == Kind.OVS_BRIDGE ? untagged(l) : 0);
            if (ka == Kind.OVS_BRIDGE && kb == Kind.OVS_BRIDGE) {
                // a cable between two Open vSwitch bridges: both ends have the same settings (the link's)
                union(pa, pb);
                Set<Integer> tg = tagged(l);
                for (int v : tg == null ? allVlans : tg) union(point(l.a(), l, v), point(l.b(), l, v));
            } else {
                union(pa, pb);
            }
        }
        if (t.mgmt() != null) {
            // the management bridge: every node's eth0 on it (and each mgmt-net link's end)
            label.put("mgmt", "the management network " + t.mgmt().bridge());
            for (NodeDef n : t.nodes()) {
                if (n.meta().mgmtIpv4() != null || n.meta().mgmtIpv6() != null) union("if:" + n.name() + ":eth0", "mgmt");
            }
            for (Topology.MgmtLink ml : t.mgmt().links()) union("if:" + ml.end(), "mgmt");
        }
    }


    /** The layer-2 segment an interface of a linux node is on (a name shared by every interface on it). */
    public String segment(String node, String iface) { return find("if:" + node + ":" + iface); }

    private String describe(String node, String iface) {
        return segmentNames.computeIfAbsent(segment(node, iface), root -> {
            // prefer a switch's name over a cable's
            String best = null;
            boolean bestIsCable = false;
            for (Map.Entry<String, String> e : label.entrySet()) {
                if (!find(e.getKey()).equals(root)) continue;
                if (best == null || (bestIsCable && !cablePoints.contains(e.getKey()))) {
                    best = e.getValue();
                    bestIsCable = cablePoints.contains(e.getKey());
                }
            }
            return best == null ? "its link" : best;
        });
    }

    // ---- layer 3 -------------------------------------------------------------------------------------------

    private List<Route> table(NodeDef n) {
        List<Route> out = new ArrayList<>();
        t.addresses(n).forEach((dev, addrs) -> {
            for (Cidr c : addrs) out.add(new Route(c.network(), null, dev, true));
        });
        for (RouteDef r : n.routes()) {
            Cidr dst = r.dst() != null ? r.dst() : new Cidr(r.family() == Family.INET ? Cidr.parseAddress("0.0.0.0") : Cidr.parseAddress("::"), 0);
            String dev = r.dev();
            if (dev == null && r.via() != null) {
                for (Map.Entry<String, List<Cidr>> e : t.addresses(n).entrySet()) {
                    for (Cidr c : e.getValue()) if (c.family() == Cidr.family(r.via()) && c.contains(r.via())) dev = e.getKey();
                }
            }
            out.add(new Route(dst, r.via(), dev, false));
        }
        return out;
    }

    private Optional<Route> lookup(String node, InetAddress dst) {
        Route best = null;
        for (Route r : routes.getOrDefault(node, List.of())) {
            if (r.dst().family() != Cidr.family(dst) || !r.dst().contains(dst)) continue;
            if (best == null || r.dst().prefixLength() > best.dst().prefixLength()
                    || (r.dst().prefixLength() == best.dst().prefixLength() && (r.metric() < best.metric()
                    || (r.metric() == best.metric() && r.connected() && !best.connected())))) best = r;
        }
        return Optional.ofNullable(best);
    }

    private boolean owns(String node, InetAddress a) {
        for (Iface i : holders.getOrDefault(a, List.of())) if (i.node().equals(node)) return true;
        return false;
    }

    /** The node that owns address {@code a}, if any. */
    public Optional<String> owner(InetAddress a) {
        List<Iface> h = holders.getOrDefault(a, List.of());
        return h.isEmpty() ? Optional.empty() : Optional.of(h.getFirst().node());
    }

    /** The source address {@code node} gives a packet to {@code dst} (the outgoing interface's, same family). */
    private Optional<InetAddress> source(String node, InetAddress dst) {
        if (owns(node, dst)) return Optional.of(dst);
        Optional<Route> r = lookup(node, dst);
        if (r.isEmpty() || r.get().dev() == null) return Optional.empty();
        Iface out = ifaces.get(node + ":" + r.get().dev());
        List<Cidr> addrs = out == null ? List.of() : out.addrs();
        InetAddress hop = r.get().via() != null ? r.get().via() : dst;
        InetAddress any = null;
        for (Cidr c : addrs) {
            if (c.family() != Cidr.family(dst)) continue;
            if (c.contains(hop)) return Optional.of(c.address());
            if (any == null) any = c.address();
        }
        return Optional.ofNullable(any);
    }

    /** Follows the routing from {@code node} to {@code dst}; null when the packet arrives, else why not. */
    private Stop walk(String node, InetAddress dst, Set<String> lossy) {
        String why = walkText(node, dst, lossy);
        if (why == null) return null;
        if (why.startsWith(UNKNOWN)) return new Stop(why.substring(UNKNOWN.length()), false);
        return new Stop(why, true);
    }

    private static final String UNKNOWN = "\0unknown:";

    private String walkText(String node, InetAddress dst, Set<String> lossy) {
        Set<String> seen = new LinkedHashSet<>();
        String at = node;
        int routers = 0;
        while (true) {
            if (owns(at, dst)) return null;
            if (!seen.add(at)) return "routing loop through " + String.join(" -> ", seen) + " -> " + at;
            NodeTables k = kernel.get(at);
            if (k != null && k.unmodelled() != null) return UNKNOWN + at + " has " + k.unmodelled() + ", which the prediction does not follow";
            Optional<Route> r = lookup(at, dst);
            if (r.isEmpty() && learns(at)) {
                return UNKNOWN + at + " has no route to " + Cidr.format(dst) + " in the file, but runs programs that may add one (a routing daemon, exec lines)";
            }
            if (r.isEmpty()) return "no route from " + at + " to " + Cidr.format(dst);
            Route route = r.get();
            if (route.type() != 1) return at + "'s route to " + Cidr.format(dst) + " is " + switch (route.type()) {
                case 6 -> "a blackhole";
                case 7 -> "unreachable";
                case 8 -> "prohibit";
                default -> "of kernel type " + route.type();
            } + " (" + route.dst() + ")";
            if (route.dev() == null && route.via() == null) {
                // a route of several next hops (equal-cost multipath, as OSPF makes in a ring): the kernel hashes each flow
                return UNKNOWN + at + "'s route to " + Cidr.format(dst) + " (" + route.dst() + ") has several next hops, which the prediction does not follow";
            }
            if (route.dev() == null) return "the gateway " + Cidr.format(route.via()) + " of " + at + " is on none of its subnets";
            InetAddress hop = route.via() != null ? route.via() : dst;
            String seg = segment(at, route.dev());
            String cut = cutText(at + ":" + route.dev());
            if (cut != null) return cut;
            String dead = deadText(at, route.dev());
            if (dead != null) return dead;
            Double loss = faults.loss().get(at + ":" + route.dev());
            if (loss != null && loss > 0) lossy.add(at + ":" + route.dev() + " loses " + Impairment.percentText(loss));
            String next = null;
            for (Iface i : holders.getOrDefault(hop, List.of())) {
                if (i.node().equals(at)) continue;
                // IPv4 hosts answer ARP for any of their addresses (the weak host model); IPv6 neighbours only
                // for the addresses of the interface the solicitation arrives on
                boolean answers = Cidr.family(hop) == Family.INET ? nodesOnSegment.getOrDefault(seg, Set.of()).contains(i.node())
                        : segment(i.node(), i.name()).equals(seg);
                if (answers) {
                    String far = cutText(i.node() + ":" + i.name());
                    if (far != null) return far;
                    // an IPv4 neighbour answers on whichever of its interfaces is on the segment
                    String farDead = deadText(i.node(), Cidr.family(hop) == Family.INET6 ? i.name() : onSegment(i.node(), seg));
                    if (farDead != null) return farDead;
                    next = i.node();
                    break;
                }
            }
            if (next == null) {
                Optional<String> owner = owner(hop);
                if (owner.isPresent() && !owner.get().equals(at)) {
                    String where = null;
                    for (Iface i : holders.get(hop)) if (i.node().equals(owner.get())) where = describe(i.node(), i.name());
                    return at + " reaches " + Cidr.format(hop) + " (" + owner.get() + ") only through " + describe(at, route.dev())
                            + ", but " + owner.get() + " is on " + where + ": separate segments";
                }
                return "nothing answers for " + Cidr.format(hop) + " on " + describe(at, route.dev()) + " (from " + at + ")";
            }
            if (owns(next, dst)) return null;
            if (!forwards(next, Cidr.family(dst))) {
                return next + " does not forward" + (kernel.containsKey(next) ? (Cidr.family(dst) == Family.INET6 ? " IPv6" : " IPv4") : "")
                        + " (forwarding is off), so " + Cidr.format(dst) + " is not reached";
            }
            // each router takes one from the packet's TTL (64 when it leaves, as ping and nslab send it)
            if (++routers >= TTL) return "the path from " + node + " to " + Cidr.format(dst) + " crosses more than " + (TTL - 1) + " routers: the TTL of " + TTL + " runs out";
            at = next;
        }
    }

    private boolean forwards(String node, Family f) {
        NodeTables k = kernel.get(node);
        return k != null ? k.forwards(f) : nodes.get(node).forwarding();
    }

    /** "b:eth0 is down" for an interface that carries nothing, as its kernel says; null otherwise. */
    private String deadText(String node, String dev) {
        NodeTables k = kernel.get(node);
        String why = k == null || dev == null ? null : k.dead().get(dev);
        return why == null ? null : node + ":" + dev + " is " + why;
    }

    /** The interface of {@code node} on segment {@code seg}, or null. */
    private String onSegment(String node, String seg) {
        for (Iface i : ifacesOf.getOrDefault(node, List.of())) if (segment(node, i.name()).equals(seg)) return i.name();
        return null;
    }

    private String cutText(String endpoint) {
        java.util.Set<String> c = faults.cutCable(endpoint);
        return c == null ? null : "cable " + String.join(" - ", c) + " is cut";
    }

    /** Whether {@code from} should get an echo reply from {@code dst}, and why (not). */
    public Verdict predict(String from, InetAddress dst) {
        Set<String> lossy = new LinkedHashSet<>();
        Verdict v = predictPath(from, dst, lossy);
        return lossy.isEmpty() || !v.reach() ? v : new Verdict(true, v.reason(), List.copyOf(lossy));
    }

    /** The prediction; the lossy ends the packet and its reply cross go to {@code lossy}. */
    private Verdict predictPath(String from, InetAddress dst, Set<String> lossy) {
        if (owns(from, dst)) return new Verdict(true, "its own address");
        Optional<String> to = owner(dst);
        if (to.isPresent() && faults.group(from) >= 0 && faults.group(to.get()) >= 0 && faults.group(from) != faults.group(to.get())) {
            return new Verdict(false, from + " and " + to.get() + " are in different partition groups");
        }
        Stop there = walk(from, dst, lossy);
        if (there != null) return there.known() ? new Verdict(false, there.why()) : Verdict.unknown(there.why());
        Optional<InetAddress> src = source(from, dst);
        if (src.isEmpty()) return new Verdict(false, "no source address on " + from + " for " + Cidr.format(dst));
        String target = owner(dst).orElse("?");
        Stop back = walk(target, src.get(), lossy);
        if (back != null) {
            String why = "the request arrives, but the reply does not: " + back.why();
            return back.known() ? new Verdict(false, why) : Verdict.unknown(why);
        }
        return new Verdict(true, "routed");
    }

    /** Every address of the lab's linux nodes that verification aims at (link-local and loopback left out). */
    public static Map<String, List<InetAddress>> targets(Topology t) {
        Map<String, List<InetAddress>> out = new java.util.LinkedHashMap<>();
        for (NodeDef n : t.nodes()) {
            if (n.kind() != Kind.LINUX) continue;
            List<InetAddress> as = new ArrayList<>();
            t.addresses(n).values().forEach(cs -> cs.forEach(c -> {
                if (!c.address().isLinkLocalAddress() && !c.address().isLoopbackAddress()) as.add(c.address());
            }));
            out.put(n.name(), as);
        }
        return out;
    }

}
