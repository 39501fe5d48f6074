package dev.nslab.lab.apply;

import dev.nslab.error.KernelException;
import dev.nslab.lab.model.NodeInfo;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.plan.Resource.End;
import dev.nslab.lab.state.Marks;
import dev.nslab.net.Cidr;
import dev.nslab.net.IfAddress;
import dev.nslab.net.Link;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NftTable;
import dev.nslab.net.Nftables;
import dev.nslab.net.NsRef;
import dev.nslab.net.Route;
import dev.nslab.net.Sysctl;
import dev.nslab.ovs.OvsBridge;
import dev.nslab.ovs.OvsDaemons;
import dev.nslab.ovs.OvsPort;
import dev.nslab.ovs.OvsState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel as the reference: whether each object of a lab is there as the lab made it — the namespace and its mark,
 * both ends of a cable (marked, up unless cut, on their bridge), an address, a route, forwarding, an impairment's
 * discipline and table, a partition's table, a cut, an Open vSwitch bridge and port with its VLANs, a service's
 * supervisor — and when not, why, in words that name the node. Each namespace is read once (links, addresses, routes).
 * {@code up} plans against this, so that it re-applies what the kernel dropped; {@code status} reports it.
 */
public final class Observer implements AutoCloseable {
    private final Namespaces registry;
    private final String lab;
    private final String mark;
    private final Path stateDir;
    private final Map<String, String> nodeOf = new HashMap<>();
    private final Map<String, Snapshot> snapshots = new HashMap<>();
    private final Map<String, NetHandle> handles = new HashMap<>();
    private final Map<String, Nftables> tables = new HashMap<>();
    private final Set<String> cutEnds = new HashSet<>();
    private OvsState ovs;
    private boolean ovsRead;

    /** What one namespace holds, read once. */
    private record Snapshot(Map<String, Link> links, Map<Integer, String> names, Set<String> addresses, List<Route> routes) { }

    /**
     * @param nodes    the lab's nodes, to name a namespace by its node in what is said
     * @param recorded the lab's objects, for the cables it cut (an end that is down on purpose)
     */
    public Observer(Namespaces registry, String lab, Path stateDir, List<NodeInfo> nodes, List<Resource> recorded) {
        this.registry = registry;
        this.lab = lab;
        this.mark = Marks.of(lab);
        this.stateDir = stateDir;
        for (NodeInfo n : nodes) if (n.ns() != null) nodeOf.putIfAbsent(n.ns(), n.name());
        for (Resource r : recorded) {
            if (r instanceof Resource.Cut c) {
                cutEnds.add(c.a().toString());
                cutEnds.add(c.b().toString());
            }
        }
    }

    /** Where {@code ns} is, in words: the node it is, or the root namespace. */
    private String where(String ns) {
        if (ns == null) return "the root namespace";
        String node = nodeOf.get(ns);
        return node == null ? "namespace " + ns : node;
    }

    private boolean nsThere(String ns) { return ns == null || registry.exists(ns); }

    private NetHandle handle(String ns) {
        return handles.computeIfAbsent(ns == null ? "" : ns, k -> NetHandle.open(registry, ns == null ? NsRef.current() : NsRef.named(ns)));
    }

    private Snapshot snapshot(String ns) {
        return snapshots.computeIfAbsent(ns == null ? "" : ns, k -> {
            NetHandle h = handle(ns);
            Map<String, Link> links = new LinkedHashMap<>();
            Map<Integer, String> names = new HashMap<>();
            for (Link l : h.links()) {
                links.put(l.name(), l);
                names.put(l.index(), l.name());
            }
            Set<String> addresses = new HashSet<>();
            for (IfAddress a : h.addresses(null)) {
                String dev = names.get(a.index());
                if (dev != null) addresses.add(dev + " " + a.cidr());
            }
            return new Snapshot(links, names, addresses, h.routes(null));
        });
    }

    /**
     * How an object does not hold: {@code why}, in words; {@code down} when it is an interface of the lab's that is
     * there as it was made but was set down (setting it up again repairs it).
     */
    public record Drift(String why, boolean down) { }

    /** Every object of {@code rs} that does not hold, in order; objects in namespaces that are gone are left out. */
    public Map<Resource, Drift> drifts(List<Resource> rs) {
        Map<Resource, Drift> out = new LinkedHashMap<>();
        for (Resource r : rs) {
            try {
                String why = drift(r);
                if (why != null) out.put(r, new Drift(why, downOnly(r)));
            } catch (KernelException e) {
                out.put(r, new Drift(r.key() + " could not be read: " + e.getMessage(), false));
            }
        }
        return out;
    }

    /** Whether every interface of {@code r} is there, the lab's and where it belongs, and some is down that should not be. */
    private boolean downOnly(Resource r) {
        List<String[]> ifs = switch (r) {
            case Resource.Veth v -> List.of(new String[] {v.a().ns(), v.a().iface(), v.a().master(), v.a().toString()},
                    new String[] {v.b().ns(), v.b().iface(), v.b().master(), v.b().toString()});
            case Resource.LinuxBridge b -> List.<String[]>of(new String[] {b.ns(), b.name(), null, ""});
            case Resource.Device d -> List.<String[]>of(new String[] {d.ns(), d.iface(), null, ""});
            default -> List.of();
        };
        boolean someDown = false;
        for (String[] i : ifs) {
            if (!nsThere(i[0])) return false;
            if (link(i[0], i[1], "interface", false, i[2]) != null) return false; // missing, not the lab's, off its bridge
            Link l = snapshot(i[0]).links().get(i[1]);
            if (!l.isUp() && !cutEnds.contains(i[3])) someDown = true;
        }
        return someDown;
    }

    /** Null when {@code r} holds in the kernel; otherwise what is wrong, in words. */
    public String drift(Resource r) {
        return switch (r) {
            case Resource.Namespace n -> !registry.exists(n.name()) || n.outside() != null ? null // a gone namespace is said on its own
                    : !mark.equals(lo(n.name())) ? "namespace " + n.name() + " does not carry the mark of lab " + lab
                    : n.host() != null && stateDir != null && HostApplier.init(stateDir, lab, n.name()).isEmpty()
                    ? "the host of " + where(n.name()) + " no longer runs (its init ended, and every program of the node with it)" : null;
            case Resource.Users u -> !dev.nslab.sys.Privileges.inInitialUserNamespace() || stateDir == null
                    || java.nio.file.Files.exists(HostApplier.userns(stateDir, lab)) ? null : "the user namespace of lab " + lab + " is gone";
            case Resource.LinuxBridge b -> !nsThere(b.ns()) ? null : link(b.ns(), b.name(), "bridge", true, null);
            case Resource.Veth v -> {
                String a = end(v.a()), b = end(v.b());
                yield a != null ? a : b;
            }
            case Resource.Device d -> !nsThere(d.ns()) ? null : link(d.ns(), d.iface(), "interface", true, null);
            case Resource.OvsBridge b -> ovsBridge(b);
            case Resource.OvsPort p -> ovsPort(p);
            case Resource.Address a -> !nsThere(a.ns()) ? null
                    : snapshot(a.ns()).addresses().contains(a.dev() + " " + a.cidr()) ? null
                    : "address " + a.cidr() + " on " + a.dev() + " of " + where(a.ns()) + " is missing";
            case Resource.Route rt -> !nsThere(rt.ns()) || hasRoute(rt) ? null
                    : "route " + words(rt.route()) + " of " + where(rt.ns()) + " is missing";
            case Resource.Forwarding f -> !nsThere(f.ns()) ? null : forwarding(f);
            case Resource.Impair i -> !nsThere(i.ns()) ? null : impairment(i);
            case Resource.Partition p -> !nsThere(p.ns()) ? null
                    : nft(p.ns()).hasTable(NftTable.Kind.INET, FaultApplier.table(lab, null)) ? null
                    : "the partition's packet filter in " + where(p.ns()) + " is missing";
            case Resource.Cut c -> {
                for (End e : List.of(c.a(), c.b())) {
                    if (!nsThere(e.ns())) continue;
                    Link l = snapshot(e.ns()).links().get(e.iface());
                    if (l != null && l.isUp()) yield "the cut cable's end " + e.iface() + " of " + where(e.ns()) + " is up";
                }
                yield null;
            }
            case Resource.Service sv -> {
                ServiceApplier.State st = ServiceApplier.state(stateDir, lab, sv);
                yield st.state().equals("not running") ? "service " + sv.def().name() + " of node " + sv.node() + " is not running" : null;
            }
        };
    }

    private String lo(String ns) {
        try {
            return handle(ns).findLink("lo").map(Link::alias).orElse(null);
        } catch (KernelException e) {
            return null;
        }
    }

    /** A link that must exist with the lab's mark, up ({@code up}), on bridge {@code master} (null: on none in particular). */
    private String link(String ns, String name, String what, boolean up, String master) {
        Snapshot s = snapshot(ns);
        Link l = s.links().get(name);
        if (l == null) return what + " " + name + " of " + where(ns) + " is missing";
        if (!mark.equals(l.alias())) return what + " " + name + " of " + where(ns) + " does not carry the mark of lab " + lab;
        if (up && !l.isUp()) return what + " " + name + " of " + where(ns) + " is down";
        if (master != null) {
            Link m = s.links().get(master);
            if (m == null || l.master() != m.index()) return what + " " + name + " of " + where(ns) + " is not a port of bridge " + master;
        }
        return null;
    }

    private String end(End e) {
        if (!nsThere(e.ns())) return null;
        return link(e.ns(), e.iface(), "interface", !cutEnds.contains(e.toString()), e.master());
    }

    private boolean hasRoute(Resource.Route rt) {
        Topology.RouteDef d = rt.route();
        Snapshot s = snapshot(rt.ns());
        for (Route k : s.routes()) {
            if (k.table() != 254 || k.family() != d.family()) continue;
            boolean dst = d.dst() == null ? k.dst() == null || k.dst().prefixLength() == 0 : d.dst().network().equals(k.dst() == null ? null : k.dst().network());
            if (!dst) continue;
            if (d.via() != null && !d.via().equals(k.gateway())) continue;
            if (d.dev() != null && !d.dev().equals(s.names().get(k.oif()))) continue;
            return true;
        }
        return false;
    }

    private static String words(Topology.RouteDef d) {
        return d.dstText() + (d.via() == null ? "" : " via " + Cidr.format(d.via())) + (d.dev() == null ? "" : " dev " + d.dev());
    }

    private String forwarding(Resource.Forwarding f) {
        Sysctl sysctl = new Sysctl(registry);
        NsRef ns = NsRef.named(f.ns());
        if (!"1".equals(sysctl.read(ns, "net.ipv4.ip_forward"))) return "IPv4 forwarding of " + where(f.ns()) + " is off";
        if (f.ipv6() && !"1".equals(sysctl.read(ns, "net.ipv6.conf.all.forwarding"))) return "IPv6 forwarding of " + where(f.ns()) + " is off";
        return null;
    }

    private String impairment(Resource.Impair i) {
        boolean netem = i.mechanism() == Resource.Mechanism.NETEM;
        if (netem || i.impairment().rate() != null) {
            Optional<String> kind = handle(i.ns()).rootQdiscKind(i.dev());
            String want = netem ? "netem" : "tbf";
            if (kind.isEmpty() || !kind.get().equals(want)) {
                return "the impairment of " + i.dev() + " of " + where(i.ns()) + " (" + i.impairment().words() + ") is not in the kernel";
            }
        }
        if (!netem && i.impairment().loss() != null && nsThere(i.peer().ns())
                && !nft(i.peer().ns()).hasTable(NftTable.Kind.NETDEV, FaultApplier.table(lab, i.peer().iface()))) {
            return "the loss of " + i.dev() + " of " + where(i.ns()) + " (its filter at " + i.peer().iface() + " of " + where(i.peer().ns())
                    + ") is not in the kernel";
        }
        return null;
    }

    private Nftables nft(String ns) {
        return tables.computeIfAbsent(ns == null ? "" : ns, k -> Nftables.open(registry, ns == null ? NsRef.current() : NsRef.named(ns)));
    }

    private OvsState ovs() {
        if (!ovsRead) {
            ovsRead = true;
            ovs = new OvsDaemons().stateIfRunning().orElse(null);
        }
        return ovs;
    }

    private String ovsBridge(Resource.OvsBridge b) {
        if (ovs() == null) return null; // Open vSwitch stopped: the bridge is said gone on its own
        Optional<OvsBridge> br = ovs().bridge(b.name());
        if (br.isEmpty()) return null;
        return lab.equals(br.get().externalIds().get(Marks.OVS_KEY)) ? null : "Open vSwitch bridge " + b.name() + " does not carry the mark of lab " + lab;
    }

    private String ovsPort(Resource.OvsPort p) {
        if (ovs() == null || ovs().bridge(p.bridge()).isEmpty()) return null;
        Optional<OvsPort> port = ovs().bridge(p.bridge()).get().port(p.port());
        if (port.isEmpty()) return "port " + p.port() + " of Open vSwitch bridge " + p.bridge() + " is missing";
        if (p.tag() != null && !p.tag().equals(port.get().tag())) return "port " + p.port() + " of " + p.bridge() + " is not in VLAN " + p.tag();
        if (p.trunks() != null && !p.trunks().equals(port.get().trunks())) return "port " + p.port() + " of " + p.bridge() + " does not trunk " + p.trunks();
        return null;
    }

    /**
     * Whether {@code r} is in the kernel as the lab makes it, carrying the lab's mark where it carries one: what is
     * adopted when a lab's state was lost and its file is brought up again.
     */
    public boolean holds(Resource r) {
        try {
            return switch (r) {
                case Resource.Namespace n -> registry.exists(n.name()) && (n.outside() != null || mark.equals(lo(n.name())))
                        && (n.host() == null || (stateDir != null && HostApplier.init(stateDir, lab, n.name()).isPresent()));
                case Resource.OvsBridge b -> ovs() != null && ovs().bridge(b.name()).isPresent() && ovsBridge(b) == null;
                case Resource.OvsPort p -> ovs() != null && ovs().bridge(p.bridge()).isPresent() && ovsPort(p) == null;
                case Resource.Service sv -> {
                    String st = ServiceApplier.state(stateDir, lab, sv).state();
                    yield st.equals("running") || st.equals("restarting");
                }
                case Resource.Veth v -> nsThere(v.a().ns()) && nsThere(v.b().ns()) && drift(r) == null;
                case Resource.Impair i -> nsThere(i.ns()) && nsThere(i.peer().ns()) && drift(r) == null;
                case Resource.Cut c -> nsThere(c.a().ns()) && nsThere(c.b().ns()) && drift(r) == null;
                default -> nsThere(r.namespace()) && drift(r) == null;
            };
        } catch (KernelException e) {
            return false;
        }
    }

    /** The namespaces of {@code rs} that are gone. */
    public Set<String> goneNamespaces(List<Resource> rs) {
        Set<String> out = new java.util.TreeSet<>();
        for (Resource r : rs) if (r instanceof Resource.Namespace n && !registry.exists(n.name())) out.add(n.name());
        return out;
    }

    /** The Open vSwitch bridges of {@code rs} that are gone (none when Open vSwitch is stopped: its database is not asked). */
    public Set<String> goneOvsBridges(List<Resource> rs) {
        Set<String> out = new java.util.TreeSet<>();
        for (Resource r : rs) {
            if (r instanceof Resource.OvsBridge b && ovs() != null && ovs().bridge(b.name()).isEmpty()) out.add(b.name());
        }
        return out;
    }

    /** Whether the root namespace has an interface called {@code name}. */
    public boolean rootHas(String name) { return snapshot(null).links().containsKey(name); }

    /** What a lab's namespaces hold of interfaces: names by namespace (for what exec lines set). */
    public Set<String> addresses(String ns) { return Set.copyOf(snapshot(ns).addresses()); }

    @Override
    public void close() {
        handles.values().forEach(NetHandle::close);
        handles.clear();
        tables.values().forEach(Nftables::close);
        tables.clear();
    }

    /** Objects in {@code rs} that live in {@code ns}. */
    static List<Resource> in(String ns, List<Resource> rs) {
        List<Resource> out = new ArrayList<>();
        for (Resource r : rs) if (ns.equals(r.namespace())) out.add(r);
        return out;
    }
}
