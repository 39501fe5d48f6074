package dev.nslab.lab;

import dev.nslab.net.ChecksumOffload;
import dev.nslab.error.NoSuchObjectException;
import dev.nslab.lab.Resource.End;
import dev.nslab.net.Link;
import dev.nslab.net.NetBatch;
import dev.nslab.net.LinkChange;
import dev.nslab.net.LinkSpec;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NetnsExec;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NsRef;
import dev.nslab.net.RouteSpec;
import dev.nslab.net.Sysctl;
import dev.nslab.ovs.Ovs;
import dev.nslab.ovs.OvsBridge;
import dev.nslab.ovs.OvsDaemons;
import dev.nslab.ovs.OvsState;
import dev.nslab.ovs.OvsTransaction;
import dev.nslab.ovs.PortConfig;
import dev.nslab.error.KernelException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Applies a plan: one run's open sockets (a netlink handle per namespace, one OVSDB connection), the objects it creates
 * and removes, and what it created (for rollback). Labs decides what to do; this class does it, and knows the kernel's
 * and Open vSwitch's ways of doing it.
 */
final class Applier implements AutoCloseable {
    private final Namespaces registry;
    private final Progress progress;
    final String lab;
    final String mark;
    final Map<String, NetHandle> handles = new HashMap<>();
    final List<Resource> created = new ArrayList<>();
    final Sysctl sysctl;
    Ovs ovs;

    private final FaultApplier faults;

    Applier(Namespaces registry, Progress progress, String lab) {
        this.registry = registry;
        this.progress = progress;
        this.lab = lab;
        this.mark = Labs.mark(lab);
        this.sysctl = new Sysctl(registry);
        this.faults = new FaultApplier(registry, lab, this::handle);
    }

    /** What a mended cable gets back (the lab's addresses and routes); set by the engine before removing. */
    List<Resource> labObjects = List.of();


    NetHandle handle(String ns) {
        return handles.computeIfAbsent(ns == null ? "" : ns, k -> NetHandle.open(registry, ns == null ? NsRef.current() : NsRef.named(ns)));
    }

    Ovs ovs() {
        if (ovs == null) {
            OvsDaemons d = new OvsDaemons();
            List<String> started = d.start(msg -> { });
            if (!started.isEmpty()) progress.say("Open vSwitch was not running: started " + String.join(" and ", started));
            ovs = Ovs.connect(d.socket());
        }
        return ovs;
    }

    boolean marked(Optional<Link> l) { return l.isPresent() && mark.equals(l.get().alias()); }

    /** Refuses to start when a name the lab is about to use is taken by something that is not the lab's. */
    void checkOwnership(List<Resource> add, boolean dryRun) {
        // a dry run starts nothing: with Open vSwitch stopped there is no switch to find a clash in
        java.util.function.Supplier<OvsState> switchState = () -> dryRun
                ? new OvsDaemons().stateIfRunning().orElse(new OvsState(null, null, 0, 0, List.of())) : ovs().state();
        OvsState ovsState = null;
        for (Resource r : add) {
            switch (r) {
                case Resource.Namespace n -> {
                    if (registry.exists(n.name()) && !nsMarked(n.name())) {
                        throw new LabException("namespace " + n.name() + " already exists and is not lab " + lab
                                + "'s: remove it (nslab netns del " + n.name() + ") or set another \"prefix\" in the lab file");
                    }
                }
                case Resource.Veth v -> {
                    for (End e : List.of(v.a(), v.b())) {
                        if (e.ns() != null) continue; // inside a lab namespace, checked with it
                        Optional<Link> l = handle(null).findLink(e.iface());
                        if (l.isPresent() && !marked(l)) {
                            throw new LabException("interface " + e.iface() + " already exists in the root namespace and is not lab "
                                    + lab + "'s: rename the interface in the lab file or remove it");
                        }
                    }
                }
                case Resource.OvsBridge b -> {
                    if (ovsState == null) ovsState = switchState.get();
                    Optional<OvsBridge> br = ovsState.bridge(b.name());
                    if (br.isPresent() && !lab.equals(br.get().externalIds().get(Labs.OVS_MARK_KEY))) {
                        throw new LabException("Open vSwitch bridge " + b.name() + " already exists and is not lab " + lab
                                + "'s: rename the node in the lab file or remove the bridge");
                    }
                }
                case Resource.OvsPort p -> {
                    if (ovsState == null) ovsState = switchState.get();
                    Optional<OvsBridge> on = ovsState.bridgeOfPort(p.port());
                    if (on.isPresent() && !lab.equals(on.get().externalIds().get(Labs.OVS_MARK_KEY))) {
                        throw new LabException("Open vSwitch port " + p.port() + " already exists on bridge " + on.get().name()
                                + ", which is not lab " + lab + "'s: rename the interface in the lab file");
                    }
                }
                default -> { }
            }
        }
    }

    boolean nsMarked(String ns) {
        try {
            return marked(handle(ns).findLink("lo"));
        } catch (KernelException e) {
            return false;
        }
    }

    /**
     * Creates {@code add}: namespaces one by one (each is an unshare and a bind mount), Open vSwitch in one
     * transaction, and the rest as one pipelined batch per namespace and round: first the links made from each
     * namespace (bridges, veth pairs with their peers placed directly in the other namespace), then what each
     * namespace configures on its own (the peer ends up and marked, addresses, routes). Interfaces get indexes
     * chosen here, so that a batch names what it has just created without asking the kernel.
     */
    void create(List<Resource> add) {
        List<Resource.Namespace> namespaces = new ArrayList<>();
        List<Resource> links = new ArrayList<>(), rootVeths = new ArrayList<>(), ovsWork = new ArrayList<>(), config = new ArrayList<>(),
                faultWork = new ArrayList<>();
        for (Resource r : add) {
            switch (r) {
                case Resource.Namespace n -> namespaces.add(n);
                case Resource.LinuxBridge b -> links.add(b);
                case Resource.Veth v -> (v.a().ns() == null || v.b().ns() == null ? rootVeths : links).add(v);
                case Resource.OvsBridge b -> ovsWork.add(b);
                case Resource.OvsPort p -> ovsWork.add(p);
                case Resource.Impair i -> faultWork.add(i);
                case Resource.Partition p -> faultWork.add(p);
                case Resource.Cut c -> faultWork.add(c);
                default -> config.add(r);
            }
        }
        Map<String, Resource.Forwarding> forwardingNs = new HashMap<>();
        for (Resource r : config) if (r instanceof Resource.Forwarding f) forwardingNs.put(f.ns(), f);
        progress.phase("namespaces", namespaces.size());
        for (Resource.Namespace n : namespaces) {
            createNamespace(n, forwardingNs.get(n.name()));
            created.add(n);
            progress.advance();
        }
        // veths with a root-namespace end (switch ports) are born in the lab namespace and moved out, one by one
        progress.phase("switch ports", rootVeths.size());
        for (Resource r : rootVeths) {
            Resource.Veth v = (Resource.Veth) r;
            made.remove(v.a().ns()); // the kernel chose this end's index: not pristine any more
            made.remove(v.b().ns());
            createVeth(v);
            created.add(r);
            progress.advance();
        }
        views.clear(); // the kernel chose the indexes of those: ask again
        Rounds links1 = new Rounds("links");
        for (Resource r : links) {
            if (r instanceof Resource.LinuxBridge b) {
                int ix = view(b.ns()).claim(b.name());
                links1.add(b.ns(), r, nb -> nb.bridge(b.name(), ix, Labs.DEVICE_GROUP));
                links1.add(b.ns(), r, nb -> nb.setLink(ix, b.name(), mark, null, null, null));
            } else if (r instanceof Resource.Veth v) {
                End a = maker(v), b = other(v);
                int master = a.master() == null ? 0 : view(a.ns()).index(a.master());
                int ia = view(a.ns()).claim(a.iface()), ib = view(b.ns()).claim(b.iface());
                int peerFd = a.ns().equals(b.ns()) ? -1 : handle(b.ns()).namespaceFd();
                links1.add(a.ns(), r, nb -> nb.veth(a.iface(), ia, master, Labs.DEVICE_GROUP, v.mtu(), b.iface(), ib, peerFd, Labs.DEVICE_GROUP));
                links1.add(a.ns(), r, nb -> nb.setLink(ia, a.iface(), mark, null, null, null));
            }
        }
        links1.run();
        if (!ovsWork.isEmpty()) {
            progress.phase("Open vSwitch", 1);
            createOvs(ovsWork);
            progress.advance();
        }
        Rounds config2 = new Rounds("addresses and routes");
        for (Resource r : links) {
            if (r instanceof Resource.Veth v) {
                End b = other(v);
                int ib = view(b.ns()).index(b.iface());
                Integer master = b.master() == null ? null : view(b.ns()).index(b.master());
                config2.add(b.ns(), r, nb -> nb.setLink(ib, b.iface(), mark, true, master, null));
            }
        }
        List<Resource.Forwarding> forwarding = new ArrayList<>();
        Set<String> madeHere = new HashSet<>();
        namespaces.forEach(n -> madeHere.add(n.name()));
        for (Resource r : config) {
            switch (r) {
                case Resource.Address a -> {
                    int ix = view(a.ns()).index(a.dev());
                    config2.add(a.ns(), r, nb -> nb.address(ix, a.dev(), a.cidr(), true));
                }
                case Resource.Route rt -> {
                    int oif = rt.route().dev() == null ? 0 : view(rt.ns()).index(rt.route().dev());
                    config2.add(rt.ns(), r, nb -> nb.route(routeSpec(rt.route()), oif, true));
                }
                case Resource.Forwarding f -> {
                    if (madeHere.contains(f.ns())) created.add(f); // set while the namespace was made
                    else forwarding.add(f);
                }
                default -> throw new IllegalStateException(r.key());
            }
        }
        config2.run();
        progress.phase("forwarding", forwarding.size());
        for (Resource.Forwarding f : forwarding) {
            setForwarding(NsRef.named(f.ns()), f.ipv6(), true);
            created.add(f);
            progress.advance();
        }
        progress.phase("impairments, cuts and partitions", faultWork.size());
        for (Resource r : faultWork) {
            faults.create(r);
            created.add(r);
            progress.advance();
        }
    }

    /**
     * The end a veth pair is made from: the one joined to a bridge, if only one is, so that it joins at birth
     * (a port that joins later, after its peer came up, costs the bridge a recomputation over all its ports).
     */
    private static End maker(Resource.Veth v) { return v.a().master() == null && v.b().master() != null ? v.b() : v.a(); }

    private static End other(Resource.Veth v) { return maker(v) == v.a() ? v.b() : v.a(); }

    /** What nslab knows of a namespace's interfaces during a run: index by name, and the next index it may give. */
    private final class View {
        final String ns;
        final Map<String, Integer> byName = new HashMap<>();
        int next = 1;

        View(String ns) {
            this.ns = ns;
            if (made.contains(ns) && Boolean.TRUE.equals(freshHasOnlyLo)) {
                byName.put("lo", 1); // what the first namespace made in this run had, so every other has
                next = 2;
                return;
            }
            for (Link l : handle(ns).links()) {
                byName.put(l.name(), l.index());
                next = Math.max(next, l.index() + 1);
            }
            // some kernels give every new namespace fallback tunnels (sit0, gre0...): asked once, of the first
            if (made.contains(ns) && freshHasOnlyLo == null) freshHasOnlyLo = byName.keySet().equals(Set.of("lo"));
        }

        int claim(String name) {
            byName.put(name, next);
            return next++;
        }

        int index(String name) {
            Integer ix = byName.get(name);
            if (ix == null) throw NetHandle.noDevice(name + (ns == null ? "" : " in " + ns));
            return ix;
        }
    }

    private final Map<String, View> views = new HashMap<>();
    /**
     * Namespaces this run made and nothing else has touched (so they hold what the kernel gives a new namespace),
     * and whether that is nothing but a loopback.
     */
    private final Set<String> made = new HashSet<>();
    private Boolean freshHasOnlyLo;
    /** What {@link Rounds} put in {@link #created}: a veth has requests in two rounds and is created once. */
    private final Set<Resource> createdInRounds = new HashSet<>();

    private View view(String ns) { return views.computeIfAbsent(ns == null ? "" : ns, k -> new View(ns)); }

    /**
     * One round of batches, one per namespace, each sent as a whole. A resource counts as created when every
     * request it put in any batch of the round succeeded; the first refusal is thrown after the whole round, so
     * rollback knows everything that exists.
     */
    private final class Rounds {
        private final Map<String, NetBatch> batches = new LinkedHashMap<>();
        private final Map<String, List<Resource>> owners = new HashMap<>();
        private final Set<Resource> all = new java.util.LinkedHashSet<>();
        private final String what;

        Rounds(String what) { this.what = what; }

        void add(String ns, Resource r, java.util.function.Consumer<NetBatch> request) {
            String key = ns == null ? "" : ns;
            request.accept(batches.computeIfAbsent(key, k -> handle(ns).batch()));
            owners.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
            all.add(r);
        }

        void run() {
            Set<Resource> failed = new HashSet<>();
            KernelException first = null;
            progress.phase(what, batches.size());
            for (Map.Entry<String, NetBatch> e : batches.entrySet()) {
                List<KernelException> res = e.getValue().execute();
                List<Resource> own = owners.get(e.getKey());
                for (int i = 0; i < res.size(); i++) {
                    if (res.get(i) == null) continue;
                    failed.add(own.get(i));
                    if (first == null) first = res.get(i);
                }
                progress.advance();
            }
            for (Resource r : all) if (!failed.contains(r) && createdInRounds.add(r)) created.add(r);
            if (first != null) throw first;
        }
    }

    /**
     * A namespace, marked (and with forwarding on, if asked) from inside before it gets its name: the mark is
     * there before anyone can see it, and the settings cost no second entry into it.
     */
    private void createNamespace(Resource.Namespace n, Resource.Forwarding forwarding) {
        if (registry.exists(n.name())) { // the lab's already (checked): adopt
            if (forwarding != null) setForwarding(NsRef.named(n.name()), forwarding.ipv6(), true);
            return;
        }
        made.add(n.name());
        registry.add(n.name(), () -> {
            NetHandle h = NetHandle.open(registry, NsRef.current());
            try {
                h.setLink(LinkChange.of("lo").up(true).alias(mark));
                if (forwarding != null) setForwarding(NsRef.current(), forwarding.ipv6(), true);
            } catch (RuntimeException e) {
                h.close();
                throw e;
            }
            handles.put(n.name(), h);
        });
    }

    /** IPv4 (and IPv6) forwarding, both ways the same rule. */
    private void setForwarding(NsRef ns, boolean ipv6, boolean on) {
        sysctl.write(ns, "net.ipv4.ip_forward", on ? "1" : "0");
        if (ipv6) sysctl.write(ns, "net.ipv6.conf.all.forwarding", on ? "1" : "0");
    }

    /**
     * A veth pair, both ends marked and up, each joined to its Linux bridge if it has one. An end that belongs in
     * the root namespace (an Open vSwitch port) is born inside the other end's lab namespace, marked there, and
     * only then moved out: the kernel ignores an alias given at creation, and an unmarked root interface left by
     * a crash would belong to nobody.
     */
    private void createVeth(Resource.Veth v) {
        End a = v.a(), b = v.b();
        if (a.ns() == null && b.ns() != null) {
            NetHandle hb = handle(b.ns());
            String tmp = a.iface().equals(b.iface()) ? "nsl" + Integer.toHexString(a.iface().hashCode()) : a.iface();
            LinkSpec spec = LinkSpec.veth(tmp, b.iface()).alias(mark);
            hb.addLink(v.mtu() == null ? spec : spec.mtu(v.mtu()));
            LinkChange cb = LinkChange.of(b.iface()).alias(mark).up(true).group(Labs.DEVICE_GROUP);
            hb.setLink(b.master() == null ? cb : cb.master(b.master()));
            hb.setLink(LinkChange.of(tmp).netns(NsRef.current()));
            LinkChange ca = LinkChange.of(tmp).up(true);
            handle(null).setLink(tmp.equals(a.iface()) ? ca : ca.name(a.iface()));
            return;
        }
        NetHandle ha = handle(a.ns());
        LinkSpec spec = LinkSpec.veth(a.iface(), b.iface());
        if (!java.util.Objects.equals(a.ns(), b.ns())) spec = spec.peerIn(b.ns() == null ? NsRef.current() : NsRef.named(b.ns()));
        if (v.mtu() != null) spec = spec.mtu(v.mtu());
        ha.addLink(spec);
        LinkChange ca = LinkChange.of(a.iface()).alias(mark).up(true);
        if (a.ns() != null) ca = ca.group(Labs.DEVICE_GROUP);
        ha.setLink(a.master() == null ? ca : ca.master(a.master()));
        LinkChange cb = LinkChange.of(b.iface()).alias(mark).up(true);
        if (b.ns() != null) cb = cb.group(Labs.DEVICE_GROUP);
        handle(b.ns()).setLink(b.master() == null ? cb : cb.master(b.master()));
    }

    /**
     * Deletes the lingering survivors of veth pairs whose other end went with a deleted namespace, if they carry
     * the lab's mark: the kernel would remove them too, but asynchronously, and until then their names are taken.
     */
    void removeStaleEnds(List<End> ends) {
        for (End e : ends) removeMarkedLink(e.ns(), e.iface());
    }

    private void createOvs(List<Resource> work) {
        OvsTransaction txn = ovs().begin();
        String dp = null;
        for (Resource r : work) {
            if (r instanceof Resource.OvsBridge b) {
                if (dp == null) dp = Ovs.datapathType(ChecksumOffload.kernelDatapath());
                txn.addBridge(b.name(), dp, true, Map.of(Labs.OVS_MARK_KEY, lab));
            } else if (r instanceof Resource.OvsPort p) {
                PortConfig c = PortConfig.NONE;
                if (p.tag() != null) c = c.withTag(p.tag());
                if (p.trunks() != null) c = c.withTrunks(p.trunks());
                if (p.tag() != null && p.trunks() != null) c = c.withVlanMode("native-untagged");
                txn.addPort(p.bridge(), p.port(), c, true, Map.of(Labs.OVS_MARK_KEY, lab));
            }
        }
        // recorded as created first: if the commit fails half-way for ovs-vswitchd, rollback still removes the rows
        created.addAll(work);
        if (!txn.userspacePorts().isEmpty()) {
            try (ChecksumOffload offload = new ChecksumOffload(registry)) {
                for (String port : txn.userspacePorts()) offload.prepare(port);
            }
        }
        OvsTransaction.Result res = txn.commit(Duration.ofSeconds(60));
        res.warnings().forEach(w -> progress.say("Open vSwitch: " + w));
    }

    static RouteSpec routeSpec(Topology.RouteDef d) {
        RouteSpec s = d.dst() == null ? RouteSpec.defaultRoute(d.family()) : RouteSpec.to(d.dst());
        if (d.via() != null) s = s.via(d.via());
        if (d.dev() != null) s = s.dev(d.dev());
        return s;
    }

    /**
     * Removes {@code rs} (any order given; removal runs by phase, last first). Objects inside a namespace that
     * goes too are left to it, except veths: deleting them first spares the kernel's slow namespace cleanup.
     * {@code quiet}: objects already gone are fine. Returns what was removed.
     */
    List<Resource> remove(List<Resource> rs, boolean quiet) {
        List<Resource> sorted = new ArrayList<>(rs);
        sorted.sort(Comparator.comparingInt(Resource::phase).reversed());
        Set<String> goingNs = new HashSet<>();
        Set<String> goingOvs = new HashSet<>();
        for (Resource r : rs) {
            if (r instanceof Resource.Namespace n) goingNs.add(n.name());
            if (r instanceof Resource.OvsBridge b) goingOvs.add(b.name());
        }
        Predicate<String> inGoing = ns -> ns != null && goingNs.contains(ns);
        List<Resource> removed = new ArrayList<>();
        List<Resource> ovsWork = new ArrayList<>();
        progress.phase("removing", sorted.size());
        deleteHubInterfaces(rs, goingNs);
        for (Resource r : sorted) {
            try {
                boolean did = switch (r) {
                    case Resource.Impair i -> !inGoing.test(i.ns()) && quietly(() -> faults.remove(i, labObjects));
                    case Resource.Partition p -> !inGoing.test(p.ns()) && quietly(() -> faults.remove(p, labObjects));
                    case Resource.Cut c -> !(inGoing.test(c.a().ns()) || inGoing.test(c.b().ns())) && quietly(() -> faults.remove(c, labObjects));
                    case Resource.Route rt -> !inGoing.test(rt.ns()) && quietly(() -> handle(rt.ns()).deleteRoute(routeSpec(rt.route())));
                    case Resource.Forwarding f -> !inGoing.test(f.ns()) && quietly(() -> setForwarding(NsRef.named(f.ns()), f.ipv6(), false));
                    case Resource.Address a -> !inGoing.test(a.ns()) && quietly(() -> handle(a.ns()).deleteAddress(a.dev(), a.cidr()));
                    case Resource.OvsPort p -> {
                        if (!goingOvs.contains(p.bridge())) ovsWork.add(p);
                        yield true;
                    }
                    case Resource.OvsBridge b -> {
                        ovsWork.add(b);
                        yield true;
                    }
                    case Resource.Veth v -> (inGoing.test(v.a().ns()) && inGoing.test(v.b().ns())) || removeVeth(v);
                    case Resource.LinuxBridge b -> !inGoing.test(b.ns()) && removeMarkedLink(b.ns(), b.name());
                    case Resource.Namespace n -> removeNamespace(n.name());
                };
                if (did) removed.add(r);
            } catch (RuntimeException e) {
                if (!quiet) throw e;
                progress.say("could not remove " + r.key() + ": " + e.getMessage());
            }
            progress.advance();
        }
        if (!ovsWork.isEmpty()) removeOvs(ovsWork); // bridges and ports of the lab: one transaction
        return removed;
    }

    /**
     * Namespaces that go and hold many of the lab's interfaces (a switch's ports) get them deleted with one
     * request each (the device group): the kernel then unregisters them, and their peers, in one batch instead of
     * one by one during its namespace cleanup. Namespaces with a few interfaces are left to that cleanup, which is
     * cheaper than a request (and a wait for readers) per namespace.
     */
    private void deleteHubInterfaces(List<Resource> rs, Set<String> goingNs) {
        Map<String, Integer> ends = new HashMap<>();
        for (Resource r : rs) {
            if (r instanceof Resource.Veth v) {
                for (End e : List.of(v.a(), v.b())) if (e.ns() != null && goingNs.contains(e.ns())) ends.merge(e.ns(), 1, Integer::sum);
            }
        }
        for (Map.Entry<String, Integer> e : ends.entrySet()) {
            if (e.getValue() < 8 || !registry.exists(e.getKey()) || !nsMarked(e.getKey())) continue;
            try {
                handle(e.getKey()).deleteGroup(Labs.DEVICE_GROUP);
            } catch (KernelException ex) {
                if (!(ex instanceof NoSuchObjectException)) progress.say("could not delete the interfaces of " + e.getKey() + ": " + ex.getMessage());
            }
        }
    }

    private boolean quietly(Runnable r) {
        try {
            r.run();
            return true;
        } catch (KernelException e) {
            if (e instanceof NoSuchObjectException) return false;
            throw e;
        }
    }

    private boolean removeVeth(Resource.Veth v) {
        for (End e : List.of(v.a(), v.b())) {
            if (e.ns() != null && !registry.exists(e.ns())) continue;
            if (removeMarkedLink(e.ns(), e.iface())) return true;
        }
        return false;
    }

    /** Deletes an interface only if it carries this lab's mark; one that is not ours is reported and left. */
    private boolean removeMarkedLink(String ns, String iface) {
        if (ns != null && !registry.exists(ns)) return false;
        NetHandle h = handle(ns);
        Optional<Link> l = h.findLink(iface);
        if (l.isEmpty()) return false;
        if (!marked(l)) {
            progress.say("left interface " + iface + (ns == null ? "" : " in " + ns) + " alone: it does not carry the mark of lab " + lab);
            return false;
        }
        return quietly(() -> h.deleteLink(iface));
    }

    private boolean removeNamespace(String ns) {
        if (!registry.exists(ns)) return false;
        if (!nsMarked(ns)) {
            // a registration file without a namespace behind it (a crash between its creation and the mount) is
            // removed; a real namespace without the lab's mark is somebody else's
            boolean stale;
            try {
                stale = !"nsfs".equals(Files.getFileStore(registry.path(ns)).type());
            } catch (IOException e) {
                stale = false;
            }
            if (!stale) {
                progress.say("left namespace " + ns + " alone: it does not carry the mark of lab " + lab);
                return false;
            }
        }
        NetHandle h = handles.remove(ns);
        if (h != null) h.close(); // an open socket would keep the namespace alive
        registry.delete(ns);
        return true;
    }

    private void removeOvs(List<Resource> work) {
        // Open vSwitch keeps its bridges across restarts: if it is stopped, it is started to remove them
        OvsState st = ovs().state();
        OvsTransaction txn = ovs().begin();
        for (Resource r : work) {
            if (r instanceof Resource.OvsPort p) {
                Optional<OvsBridge> on = st.bridgeOfPort(p.port());
                if (on.isPresent() && lab.equals(on.get().externalIds().get(Labs.OVS_MARK_KEY))) txn.delPort(null, p.port(), true);
            } else if (r instanceof Resource.OvsBridge b) {
                Optional<OvsBridge> br = st.bridge(b.name());
                if (br.isEmpty()) continue;
                if (!lab.equals(br.get().externalIds().get(Labs.OVS_MARK_KEY))) {
                    progress.say("left Open vSwitch bridge " + b.name() + " alone: it does not carry the mark of lab " + lab);
                    continue;
                }
                txn.delBridge(b.name(), true);
            }
        }
        txn.commit(Duration.ofSeconds(60));
    }

    /** Runs the file's exec commands in the nodes this run created; returns their output, labelled. */
    List<String> exec(Topology t, List<Resource> add, Set<String> touched, Set<String> ran) {
        Set<String> fresh = new HashSet<>(touched);
        add.forEach(r -> { if (r instanceof Resource.Namespace n) fresh.add(n.name()); });
        List<String> out = new ArrayList<>();
        for (Topology.NodeDef n : t.nodes()) {
            if (n.exec().isEmpty() || !fresh.contains(t.namespace(n.name()))) continue;
            ran.add(t.namespace(n.name()));
            for (String cmd : n.exec()) {
                NetnsExec.Output o = NetnsExec.capture(registry, t.namespace(n.name()), List.of("sh", "-c", cmd));
                String head = n.name() + "$ " + cmd + (o.status() == 0 ? "" : "   (exit " + o.status() + ")");
                out.add(head);
                progress.say(head);
                o.text().lines().forEach(line -> {
                    out.add("  " + line);
                    progress.say("  " + line);
                });
            }
        }
        return out;
    }

    @Override
    public void close() {
        faults.close();
        handles.values().forEach(NetHandle::close);
        handles.clear();
        if (ovs != null) ovs.close();
    }
}
