package dev.nslab.lab.apply;

import dev.nslab.error.KernelException;
import dev.nslab.error.LabException;
import dev.nslab.error.NoSuchObjectException;
import dev.nslab.lab.model.Progress;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Planner;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.plan.Resource.End;
import dev.nslab.lab.state.LabState;
import dev.nslab.lab.state.Marks;
import dev.nslab.net.Link;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetBatch;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NetnsExec;
import dev.nslab.net.NsRef;
import dev.nslab.net.Sysctl;
import dev.nslab.ovs.Ovs;
import dev.nslab.ovs.OvsDaemons;

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
 * Applies a plan: one run's open sockets (a netlink handle per namespace, one OVSDB connection), the order in which
 * kinds of objects are made and removed, and what it created (for rollback). Labs decides what to do; the appliers
 * of each kind ({@link NamespaceApplier}, {@link BridgeApplier}, {@link VethApplier}, {@link OvsApplier},
 * {@link AddressApplier}, {@link RouteApplier}, {@link ForwardingApplier}, {@link FaultApplier}) know how; this class
 * holds what they share: handles, the interface indexes of a run, and the pipelined rounds.
 */
public final class Applier implements AutoCloseable {
    private final Namespaces registry;
    private final Progress progress;
    final String lab;
    final String mark;
    final Map<String, NetHandle> handles = new HashMap<>();
    /** Marks of namespaces read ahead for a removal (null: none), the moment before their removal asks. */
    private final Map<String, String> marksRead = new HashMap<>();
    /** The unique ids of the mounts up made for the lab's namespaces ({@link dev.nslab.lab.state.MountsFile}). */
    private Map<String, Long> mountsMade = Map.of();
    public final List<Resource> created = new ArrayList<>();
    final Sysctl sysctl;
    private Ovs ovs;
    private OvsDaemons.Use ovsUse; // a user's own Open vSwitch, held while this run uses it

    private final NamespaceApplier namespaces = new NamespaceApplier(this);
    private final BridgeApplier bridges = new BridgeApplier(this);
    private final VethApplier veths = new VethApplier(this);
    private final DeviceApplier devices = new DeviceApplier(this);
    private final OvsApplier switches = new OvsApplier(this);
    private final AddressApplier addresses = new AddressApplier(this);
    private final RouteApplier routes = new RouteApplier(this);
    private final ForwardingApplier forwarding = new ForwardingApplier(this);
    final HostApplier hosts = new HostApplier(this);
    private final FaultApplier faults = new FaultApplier(this);

    /** What a mended cable gets back (the lab's addresses and routes); set by the engine before removing. */
    public List<Resource> labObjects = List.of();

    /**
     * The tables self-configuring nodes held when the lab came up, by namespace: what exec lines set on a mended
     * cable's ends (routes through it, which the kernel dropped with the link) comes back too; set by the engine.
     */
    public java.util.Map<String, dev.nslab.lab.model.NodeTables> keptTables = java.util.Map.of();

    private final java.nio.file.Path stateDir;
    private final ServiceApplier services = new ServiceApplier(this);
    /** Services of this run, started by {@link #startServices()} once the lab is wired and its exec lines have run. */
    private final List<Resource.Service> newServices = new ArrayList<>();

    /** @param stateDir where service logs and supervisor notes go (null: a lab without a state, which has no services) */
    public Applier(Namespaces registry, Progress progress, String lab, java.nio.file.Path stateDir) {
        this.registry = registry;
        this.progress = progress;
        this.lab = lab;
        this.stateDir = stateDir;
        this.mark = Marks.of(lab);
        this.sysctl = new Sysctl(registry);
    }

    Namespaces registry() { return registry; }

    java.nio.file.Path stateDirOrNull() { return stateDir; }

    java.nio.file.Path stateDir() {
        if (stateDir == null) throw new LabException("lab " + lab + " keeps no state, so it cannot run services");
        return stateDir;
    }

    Progress progress() { return progress; }

    /** How programs run in the lab's nodes (in their hosts, or their namespaces). */
    NodeProcesses processes() { return new NodeProcesses(registry, stateDir, lab); }

    NetHandle handle(String ns) {
        return handles.computeIfAbsent(ns == null ? "" : ns, k -> NetHandle.open(registry, ns == null ? NsRef.current() : NsRef.named(ns)));
    }

    Ovs ovs() {
        if (ovs == null) {
            OvsDaemons d = new OvsDaemons();
            if (d.usersOwn() && ovsUse == null) ovsUse = d.use();
            List<String> started = d.start(msg -> { });
            if (!started.isEmpty()) progress.say("Open vSwitch was not running: started " + String.join(" and ", started));
            ovs = Ovs.connect(d.socket());
        }
        return ovs;
    }

    boolean marked(Optional<Link> l) { return l.isPresent() && mark.equals(l.get().alias()); }

    boolean nsMarked(String ns) { return mark.equals(nsMark(ns)); }

    /** The mounts up made for the lab's namespaces: one still there is the lab's namespace, its mark unread. */
    public void mountsMade(Map<String, Long> ids) { mountsMade = Map.copyOf(ids); }

    /** Whether {@code ns} is still registered by the very mount up made for it (a mount's id is never reused). */
    private boolean madeByUp(String ns) {
        Long id = mountsMade.get(ns);
        return id != null && id != 0 && registry.mountId(ns) == id;
    }

    /** The mark a namespace's loopback carries (another lab's, for one), or null. */
    String nsMark(String ns) {
        if (marksRead.containsKey(ns)) return marksRead.get(ns);
        if (madeByUp(ns)) return mark;
        try {
            return handle(ns).findLink("lo").map(Link::alias).orElse(null);
        } catch (KernelException e) {
            return null;
        }
    }

    /**
     * Why an object this lab needs is not to be touched, and what keeps both working: whose it is (another lab's, by
     * its mark, with that lab's file; or nobody's nslab knows) and {@code fix}, a change to this lab's file. Never the
     * advice to remove another lab's object.
     */
    String clash(String otherMark, String fix) {
        String other = Marks.labOf(otherMark);
        if (other != null) {
            String file = null;
            try {
                LabState st = stateDir == null ? null : LabState.load(stateDir, other);
                file = st == null ? null : st.file();
            } catch (LabException e) {
                // its state is unreadable: the lab's name is still known from the mark
            }
            return "it belongs to lab " + other + (file == null ? "" : " (" + file + ")") + ", which is up; to run both, " + fix;
        }
        return "it is not a lab's (made by hand or by another tool); " + fix + ", or remove it first if it is yours and nothing uses it";
    }

    /** Refuses to start when a name the lab is about to use is taken by something that is not the lab's. */
    public void checkOwnership(List<Resource> add, boolean dryRun) {
        for (Resource r : add) {
            switch (r) {
                case Resource.Namespace n -> namespaces.checkOwned(n);
                case Resource.Users u -> { }
                case Resource.Veth v -> veths.checkOwned(v);
                case Resource.Device d -> devices.checkOwned(d);
                case Resource.LinuxBridge b when b.ns() == null -> bridges.checkOwned(b);
                case Resource.OvsBridge b -> switches.checkOwned(b, dryRun);
                case Resource.OvsPort p -> switches.checkOwned(p, dryRun);
                default -> { } // inside the lab's own namespaces (a service's processes are found by their notes)
            }
        }
    }

    /**
     * Creates {@code add}: namespaces one by one on a side thread (each is an unshare and a bind mount) while this
     * thread sends the links made from each namespace (bridges, veth pairs with their peers placed directly in the
     * other namespace) as soon as their namespaces exist; then what has a root-namespace end or an index the kernel
     * chooses (switch ports, macvlan, vxlan, dummy), Open vSwitch in one transaction, and one pipelined batch per
     * namespace of what it configures on its own (loopback and peer ends up, marks, addresses, routes). Interfaces
     * get indexes chosen here, so that a batch names what it has just created without asking the kernel. Faults
     * come last.
     */
    public void create(List<Resource> add) {
        boolean done = false;
        try {
            createAll(add);
            done = true;
        } finally {
            hosts.awaitContainers(done); // image nodes start beside the wiring: each runs before anything runs in it
        }
    }

    private void createAll(List<Resource> add) {
        List<Resource.Namespace> newNs = new ArrayList<>();
        List<Resource.Veth> rootVeths = new ArrayList<>(), nsVeths = new ArrayList<>();
        List<Resource.LinuxBridge> newBridges = new ArrayList<>(), rootBridges = new ArrayList<>();
        List<Resource.Device> newDevices = new ArrayList<>();
        List<Resource> ovsWork = new ArrayList<>(), faultWork = new ArrayList<>();
        List<Resource.Address> newAddresses = new ArrayList<>();
        List<Resource.Route> newRoutes = new ArrayList<>();
        Map<String, Resource.Forwarding> forwardingNs = new LinkedHashMap<>();
        for (Resource r : add) {
            switch (r) {
                case Resource.Users u -> {
                    hosts.create(u); // before the namespaces: the hosts' programs run as its root
                    created.add(u);
                }
                case Resource.Namespace n -> newNs.add(n);
                case Resource.LinuxBridge b -> (b.ns() == null ? rootBridges : newBridges).add(b);
                case Resource.Veth v -> (VethApplier.hasRootEnd(v) ? rootVeths : nsVeths).add(v);
                case Resource.Device d -> newDevices.add(d);
                case Resource.OvsBridge b -> ovsWork.add(b);
                case Resource.OvsPort p -> ovsWork.add(p);
                case Resource.Address a -> newAddresses.add(a);
                case Resource.Route rt -> newRoutes.add(rt);
                case Resource.Forwarding f -> forwardingNs.put(f.ns(), f);
                case Resource.Impair i -> faultWork.add(i);
                case Resource.Partition p -> faultWork.add(p);
                case Resource.Cut c -> faultWork.add(c);
                case Resource.Service sv -> newServices.add(sv);
            }
        }
        Map<String, Resource.Forwarding> atBirth = new HashMap<>(); // set while the namespace is made
        for (Resource.Namespace n : newNs) {
            Resource.Forwarding f = forwardingNs.remove(n.name());
            if (f != null) atBirth.put(n.name(), f);
        }
        hosts.startEarly(newNs); // docker's containers: each must run before its namespace is named and wired
        Rounds links = new Rounds("links");
        try (Namespaces.Adder adder = registry.adder()) {
            NamespaceMaker maker = new NamespaceMaker((n, f) -> namespaces.create(n, f, adder), lab, newNs, atBirth);
            try {
                makeAndLink(newNs, maker, newBridges, nsVeths, links);
            } finally {
                maker.stop().forEach(this::took); // made while this thread failed: the rollback must know them
            }
        }
        // a bridge of the root namespace (a management network) first: root ends of veths join it as they are made
        for (Resource.LinuxBridge b : rootBridges) {
            bridges.createInRoot(b);
            created.add(b);
        }
        // the kernel chooses the indexes of what follows: the views of the namespaces they touch are asked again
        Set<String> touched = new HashSet<>();
        // veths with a root-namespace end (switch ports) are born in the lab namespace and moved out, one by one
        progress.phase("switch ports", rootVeths.size());
        for (Resource.Veth v : rootVeths) {
            touched.add(v.a().ns());
            touched.add(v.b().ns());
            veths.createWithRootEnd(v);
            created.add(v);
            progress.advance();
        }
        progress.phase("macvlan, vxlan and dummy interfaces", newDevices.size());
        for (Resource.Device d : newDevices) {
            touched.add(d.ns());
            devices.create(d);
            created.add(d);
            progress.advance();
        }
        for (String ns : touched) {
            made.remove(ns); // not pristine any more
            views.remove(ns == null ? "" : ns);
        }
        if (!ovsWork.isEmpty()) {
            progress.phase("Open vSwitch", 1);
            switches.create(ovsWork);
            progress.advance();
        }
        Rounds config = new Rounds("addresses and routes");
        born.forEach(n -> config.add(n.name(), n, nb -> nb.setLink(view(n.name()).index("lo"), "lo", null, true, null, null)));
        nsVeths.forEach(v -> veths.schedulePeer(v, config));
        newAddresses.forEach(a -> addresses.schedule(a, config));
        newRoutes.forEach(rt -> routes.schedule(rt, config));
        config.run();
        List<End> comingUp = new ArrayList<>();
        for (List<Resource.Veth> vs : List.of(nsVeths, rootVeths)) for (Resource.Veth v : vs) comingUp.addAll(VethApplier.awaited(v));
        for (List<Resource.LinuxBridge> bs : List.of(newBridges, rootBridges)) for (Resource.LinuxBridge b : bs) comingUp.add(new End(b.ns(), b.name(), null));
        new LinksComingUp(this).await(comingUp); // before faults: a cut's links stay down
        progress.phase("forwarding", forwardingNs.size());
        for (Resource.Forwarding f : forwardingNs.values()) {
            forwarding.create(f);
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
     * Namespaces and the links between them, overlapped: while {@code maker} makes the namespaces one after the
     * other on its thread, this one sends each bridge and veth pair as soon as the namespaces it needs exist, with
     * whatever else is ready at that moment (so the kernel gets batches, not single requests, once it falls behind).
     * A refusal stops both; everything made up to then is in {@link #created}.
     */
    private void makeAndLink(List<Resource.Namespace> newNs, NamespaceMaker maker, List<Resource.LinuxBridge> newBridges,
                             List<Resource.Veth> nsVeths, Rounds links) {
        Map<String, Integer> order = new HashMap<>();
        for (Resource.Namespace n : newNs) order.put(n.name(), order.size());
        record Work(int after, Runnable schedule) { } // sendable once `after` + 1 namespaces are made
        List<Work> work = new ArrayList<>();
        for (Resource.LinuxBridge b : newBridges) work.add(new Work(order.getOrDefault(b.ns(), -1), () -> bridges.schedule(b, links)));
        for (Resource.Veth v : nsVeths) {
            int after = Math.max(order.getOrDefault(v.a().ns(), -1), order.getOrDefault(v.b().ns(), -1));
            work.add(new Work(after, () -> veths.schedule(v, links)));
        }
        work.sort(Comparator.comparingInt(Work::after)); // stable: a bridge before the veths that join it
        progress.phase("namespaces and links", newNs.size() + work.size());
        int madeCount = 0, next = 0;
        while (madeCount < newNs.size() || next < work.size()) {
            int from = next;
            while (next < work.size() && work.get(next).after() < madeCount) work.get(next++).schedule().run();
            if (next > from) {
                links.send();
                for (int i = from; i < next; i++) progress.advance();
                if (links.refused()) break;
            }
            // take what is made by now; wait for one more only when nothing could be sent
            NamespaceMaker.Made m = next > from ? maker.poll() : maker.take();
            for (; m != null; m = maker.poll()) {
                took(m);
                madeCount++;
                progress.advance();
            }
        }
        links.run();
    }

    /** A namespace the maker made (or adopted), recorded by this thread. */
    private void took(NamespaceMaker.Made m) {
        if (recorded.add(m.ns())) created.add(m.ns());
        if (m.forwarding() != null) created.add(m.forwarding());
        if (m.handle() != null) {
            made.add(m.ns().name());
            born.add(m.ns());
            handles.put(m.ns().name(), m.handle());
        }
    }

    /** Starts the services {@link #create} was given, in order, each once the one before is ready. */
    public void startServices() {
        progress.phase("services", newServices.size());
        for (Resource.Service s : newServices) {
            created.add(s); // before it is ready: a service that fails to get ready is stopped by the rollback
            services.create(s);
            progress.advance();
        }
        newServices.clear();
    }

    /** What nslab knows of a namespace's interfaces during a run: index by name, and the next index it may give. */
    final class View {
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
    /**
     * What is in {@link #created} of what has requests in rounds: a veth has requests in two rounds, a namespace is
     * made and then its loopback brought up, and each is recorded once.
     */
    private final Set<Resource> recorded = new HashSet<>();
    /** Namespaces this run made, whose loopback the configuration round brings up. */
    private final List<Resource.Namespace> born = new ArrayList<>();

    View view(String ns) { return views.computeIfAbsent(ns == null ? "" : ns, k -> new View(ns)); }

    /**
     * One round of batches, one per namespace, each sent as a whole. A resource counts as created when every
     * request it put in any batch of the round succeeded; the first refusal is thrown after the whole round, so
     * rollback knows everything that exists.
     */
    final class Rounds {
        private final Map<String, NetBatch> batches = new LinkedHashMap<>();
        private final Map<String, List<Resource>> owners = new HashMap<>();
        private final Set<Resource> all = new java.util.LinkedHashSet<>();
        private final String what;
        private KernelException first;

        Rounds(String what) { this.what = what; }

        void add(String ns, Resource r, java.util.function.Consumer<NetBatch> request) {
            String key = ns == null ? "" : ns;
            request.accept(batches.computeIfAbsent(key, k -> handle(ns).batch()));
            owners.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
            all.add(r);
        }

        /** Sends what was added since the last send; a refusal is kept for {@link #run}, after which nothing is sent. */
        void send() { send(() -> { }); }

        private void send(Runnable perBatch) {
            Set<Resource> failed = new HashSet<>();
            for (Map.Entry<String, NetBatch> e : batches.entrySet()) {
                List<KernelException> res = e.getValue().execute();
                List<Resource> own = owners.get(e.getKey());
                for (int i = 0; i < res.size(); i++) {
                    if (res.get(i) == null) continue;
                    failed.add(own.get(i));
                    if (first == null) first = res.get(i);
                }
                perBatch.run();
            }
            for (Resource r : all) if (!failed.contains(r) && recorded.add(r)) created.add(r);
            batches.clear();
            owners.clear();
            all.clear();
        }

        boolean refused() { return first != null; }

        /** Sends what is left and throws the round's first refusal, if any. */
        void run() {
            progress.phase(what, batches.size());
            send(progress::advance);
            if (first != null) throw first;
        }
    }

    /** Sets up again interfaces of the lab that were set down behind its back. */
    public void bringUp(List<End> ends) {
        List<End> present = ends.stream().filter(e -> e.ns() == null || registry.exists(e.ns())).toList();
        for (End e : present) quietly(() -> handle(e.ns()).setUp(e.iface(), true));
        new LinksComingUp(this).await(LinksComingUp.withMasters(present));
    }

    /**
     * Deletes the lingering survivors of veth pairs whose other end went with a deleted namespace, if they carry
     * the lab's mark: the kernel would remove them too, but asynchronously, and until then their names are taken.
     */
    public void removeStaleEnds(List<End> ends) {
        for (End e : ends) removeMarkedLink(e.ns(), e.iface());
    }

    /**
     * Removes {@code rs} (any order given; removal runs by phase, last first). Objects inside a namespace that
     * goes too are left to it, except veths: deleting them first spares the kernel's slow namespace cleanup.
     * {@code quiet}: objects already gone are fine. Returns what was removed.
     */
    public List<Resource> remove(List<Resource> rs, boolean quiet) {
        List<Resource> sorted = new ArrayList<>(rs);
        sorted.sort(Comparator.comparingInt(Resource::phase).reversed());
        Set<String> goingNs = new HashSet<>();
        Set<String> goingOvs = new HashSet<>();
        for (Resource r : rs) {
            // a namespace that is another's (a container's outside the lab, another lab's node) loses only its name
            // here and lives on: what the lab made in it is removed one by one, its cables too (their other end's
            // namespace going would take them only when the kernel's cleanup gets to it, after down has returned)
            if (r instanceof Resource.Namespace n && n.outside() == null) goingNs.add(n.name());
            if (r instanceof Resource.OvsBridge b) goingOvs.add(b.name());
        }
        Predicate<String> inGoing = ns -> ns != null && goingNs.contains(ns);
        List<Resource> removed = new ArrayList<>();
        List<Resource> ovsWork = new ArrayList<>();
        progress.phase("removing", sorted.size());
        // a switch's ports go with its namespace: the kernel's cleanup of dying namespaces unregisters all their
        // interfaces in one batch, after down has returned (deleting them first made down wait for that work)
        readMarksAhead(goingNs);
        for (Resource r : sorted) {
            try {
                boolean did = switch (r) {
                    // what lives in a namespace that goes, goes with it: counted as removed, as up counted it made
                    case Resource.Service sv -> services.remove(sv) || inGoing.test(sv.ns());
                    case Resource.Impair i -> inGoing.test(i.ns()) || quietly(() -> faults.remove(i, labObjects));
                    case Resource.Partition p -> inGoing.test(p.ns()) || quietly(() -> faults.remove(p, labObjects));
                    case Resource.Cut c -> inGoing.test(c.a().ns()) || inGoing.test(c.b().ns()) || quietly(() -> faults.remove(c, labObjects));
                    case Resource.Route rt -> inGoing.test(rt.ns()) || quietly(() -> routes.remove(rt));
                    case Resource.Forwarding f -> inGoing.test(f.ns()) || quietly(() -> forwarding.remove(f));
                    case Resource.Address a -> inGoing.test(a.ns()) || quietly(() -> addresses.remove(a));
                    case Resource.OvsPort p -> {
                        if (!goingOvs.contains(p.bridge())) ovsWork.add(p);
                        yield true;
                    }
                    case Resource.OvsBridge b -> {
                        ovsWork.add(b);
                        yield true;
                    }
                    case Resource.Veth v -> (inGoing.test(v.a().ns()) && inGoing.test(v.b().ns())) || veths.remove(v);
                    case Resource.Device d -> inGoing.test(d.ns()) || devices.remove(d);
                    case Resource.LinuxBridge b -> inGoing.test(b.ns()) || bridges.remove(b);
                    case Resource.Namespace n -> namespaces.remove(n);
                    case Resource.Users u -> hosts.remove(u);
                };
                if (did) removed.add(r);
            } catch (RuntimeException e) {
                if (!quiet) throw e;
                progress.say("could not remove " + r.key() + ": " + e.getMessage());
            }
            progress.advance();
        }
        if (!ovsWork.isEmpty()) {
            switches.remove(ovsWork); // bridges and ports of the lab: one transaction
            letOwnSwitchGo();
        }
        return removed;
    }

    /**
     * Reads the marks of the namespaces that go before they are removed one by one: those up made are known by their
     * mounts; the others, when many, are read two at a time (opening a socket in each and asking for its loopback is
     * most of a large lab's down, and the other core is idle then). A namespace whose mark cannot be read here is
     * asked again when its turn comes.
     */
    private void readMarksAhead(Set<String> going) {
        List<String> todo = new ArrayList<>();
        for (String ns : going) {
            if (handles.containsKey(ns) || marksRead.containsKey(ns)) continue;
            if (madeByUp(ns)) marksRead.put(ns, mark); // known by its mount: asked once, here
            else todo.add(ns);
        }
        if (todo.size() < 32) return; // a small lab: the threads would cost more than they save
        Map<String, NetHandle> opened = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Optional<String>> marks = new java.util.concurrent.ConcurrentHashMap<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().factory())) {
            for (String ns : todo) {
                pool.submit(() -> {
                    if (!registry.exists(ns)) return;
                    try {
                        NetHandle h = NetHandle.open(registry, NsRef.named(ns));
                        opened.put(ns, h);
                        marks.put(ns, h.findLink("lo").map(Link::alias));
                    } catch (RuntimeException e) {
                        // asked again, on this thread, when the namespace's turn comes
                    }
                });
            }
        }
        handles.putAll(opened);
        marks.forEach((ns, m) -> marksRead.put(ns, m.orElse(null)));
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

    /** Deletes an interface only if it carries this lab's mark; one that is not ours is reported and left. */
    boolean removeMarkedLink(String ns, String iface) {
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

    /** Runs the file's exec commands in the nodes this run created; returns their output, labelled. */
    /**
     * Runs the file's exec commands in the nodes this run created (a host node's when the lab is made from nothing),
     * a node's after those of the nodes it waits for and after its startup delay; returns their output, labelled.
     */
    public List<String> exec(Topology t, List<Resource> add, Set<String> touched, Set<String> ran, boolean newLab) {
        Set<String> fresh = new HashSet<>(touched);
        add.forEach(r -> { if (r instanceof Resource.Namespace n) fresh.add(n.name()); });
        List<String> out = new ArrayList<>();
        for (Topology.NodeDef n : Planner.execOrder(t)) {
            String ns = t.namespace(n);
            if (n.exec().isEmpty() && n.meta().hostExec().isEmpty() || (ns == null ? !newLab : !fresh.contains(ns))) continue;
            if (ns != null) ran.add(ns);
            if (n.meta().startupDelayMillis() > 0) {
                progress.say(n.name() + ": startup-delay " + n.meta().startupDelayMillis() / 1000 + " s");
                try {
                    Thread.sleep(n.meta().startupDelayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LabException("interrupted during the startup delay of " + n.name());
                }
            }
            for (String w : n.meta().waitHealthy()) {
                t.node(w).ifPresent(other -> hosts.awaitHealthy(n.name(), other, t.namespace(other)));
            }
            record Command(String ns, String cmd) { }
            List<Command> commands = new ArrayList<>();
            n.meta().hostExec().forEach(c -> commands.add(new Command(null, c))); // containerlab's stage commands with target: host
            n.exec().forEach(c -> commands.add(new Command(ns, c)));
            for (Command c : commands) {
                String cmd = c.cmd();
                NetnsExec.Output o = processes().capture(c.ns(), List.of("sh", "-c", cmd), n.programs().env(), progress::say);
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

    /**
     * A user's own Open vSwitch runs while the user's labs have bridges in it: once the last is removed (and no other
     * run of the user's is using it), its daemons stop, so that the user's namespaces can end.
     */
    private void letOwnSwitchGo() {
        if (ovsUse == null || ovs == null) return;
        List<String> stopped = new OvsDaemons().stopUnused(ovsUse, ovs);
        ovs = null;
        if (!stopped.isEmpty()) progress.say("stopped the user's own Open vSwitch (" + String.join(", ", stopped) + "): no bridge is left in it");
    }

    @Override
    public void close() {
        faults.close();
        handles.values().forEach(NetHandle::close);
        handles.clear();
        if (ovs != null) ovs.close();
        if (ovsUse != null) ovsUse.close();
    }
}
