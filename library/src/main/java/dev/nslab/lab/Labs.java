package dev.nslab.lab;

import dev.nslab.net.Family;
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
import dev.nslab.net.Processes;
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
import java.nio.file.Path;
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
 * The lab engine: brings a topology up (or to what an edited file says), takes it down, and reports on it. What a
 * lab owns is written in its state file before it is created, and carries a mark in the kernel ("nslab:LAB" as the
 * alias of an interface, of a namespace's loopback; external_ids:nslab-lab on Open vSwitch rows), so that nothing
 * is ever removed on the strength of its name alone.
 */
public final class Labs {
    public static final Path DEFAULT_STATE_DIR = Path.of("/run/nslab");
    static final String OVS_MARK_KEY = "nslab-lab";
    /**
     * The device group of every interface a lab puts inside its own namespaces, so that teardown deletes them all
     * with one request per namespace. Never used in the root namespace, where the group is shared with others.
     */
    static final int DEVICE_GROUP = 0x6e736c62;

    private final Namespaces registry;
    private final Path stateDir;
    private final Progress progress;
    private final Preflight.Machine machine;
    private final NeighbourLimits neighbours;

    /** A lab's health: each node with whether its namespace (or bridge) is there. */
    public record Status(LabState state, Map<String, Boolean> nodesPresent, int objects, List<String> missing) {
        public boolean healthy() { return missing.isEmpty() && state.pending().isEmpty(); }
    }

    public Labs(Namespaces registry, Path stateDir, Progress progress) {
        this.registry = registry;
        this.stateDir = stateDir;
        this.progress = progress;
        Sysctl sysctl = new Sysctl(registry);
        this.machine = Preflight.thisMachine(sysctl);
        this.neighbours = new NeighbourLimits(sysctl, NeighbourLimits.RECORD);
    }

    /** The key under which a lab holds raised kernel limits: its state file, unique on the machine. */
    private String holder(String lab) { return LabState.path(stateDir, lab).toAbsolutePath().normalize().toString(); }

    public static String mark(String lab) { return "nslab:" + lab; }

    public Path stateDir() { return stateDir; }

    // ---- up ------------------------------------------------------------------------------------------------

    /**
     * Brings the lab to what {@code t} says: plans (pure, {@link Reconciler}), checks (preflight, ownership), then,
     * unless {@code dryRun}, applies. A dry run makes every check a real run makes, so a clean dry run means up will
     * not refuse.
     */
    public Result up(Topology t, boolean dryRun) {
        LabNeeds needs = Preflight.check(t, machine);
        try (LabState.Lock ignored = lock(t.name())) {
            LabState old = LabState.load(stateDir, t.name());
            if (old != null && !old.pending().isEmpty() && !dryRun) {
                progress.say("lab " + t.name() + " was interrupted while being changed: removing what that run had begun");
                try (Session s = new Session(t.name())) {
                    s.remove(minus(old.pending(), Reconciler.keys(old.done())), true);
                }
                old = old.withPending(List.of());
                old.save(stateDir);
            }
            List<Resource> recorded = old == null ? List.of() : old.done();
            Reconciler.Plan plan = Reconciler.plan(t.name(), Planner.resources(t), recorded, observe(recorded));
            Reconciler.Observation seen = plan.observation();
            if (!seen.goneNamespaces().isEmpty()) progress.say("namespaces gone since the last up, to be made again: " + String.join(", ", seen.goneNamespaces()));
            if (!seen.goneOvsBridges().isEmpty()) progress.say("Open vSwitch bridges gone since the last up, to be made again: " + String.join(", ", seen.goneOvsBridges()));
            if (plan.isEmpty()) {
                if (!dryRun) neighbours.acquire(holder(t.name()), needs.neighbours4(), needs.neighbours6()).forEach(progress::say);
                return new Result(plan, List.of());
            }
            try (Session s = new Session(t.name())) {
                s.checkOwnership(plan.add(), dryRun);
                if (dryRun) return new Result(plan, List.of());
                return apply(t, plan, old, needs, s);
            }
        }
    }

    /** What {@code up} did (or, for a dry run, would do), and the output of the exec lines it ran. */
    public record Result(Reconciler.Plan plan, List<String> execOutput) {
        public List<Resource> add() { return plan.add(); }

        public List<Resource> remove() { return plan.remove(); }

        public boolean isEmpty() { return plan.isEmpty(); }
    }

    private Result apply(Topology t, Reconciler.Plan plan, LabState old, LabNeeds needs, Session s) {
        List<LabState.NodeInfo> nodes = t.nodes().stream().map(n -> new LabState.NodeInfo(n.name(),
                n.kind().name().toLowerCase().replace('_', '-'), n.kind() == Topology.Kind.OVS_BRIDGE ? null : t.namespace(n.name()))).toList();
        LabState state = new LabState(t.name(), t.file(), t.prefix(), nodes, plan.kept(), plan.add(), Map.of(), old == null ? null : old.owner());
        state.save(stateDir); // the intent, before anything is created
        neighbours.acquire(holder(t.name()), needs.neighbours4(), needs.neighbours6()).forEach(progress::say);
        s.removeStaleEnds(plan.staleEnds());
        s.remove(plan.remove(), false);
        List<Resource> kept = minus(plan.kept(), Reconciler.keys(plan.remove()));
        try {
            s.create(plan.add());
        } catch (RuntimeException e) {
            progress.say("up failed: " + e.getMessage() + "; removing what this run created");
            s.remove(reverse(s.created), true);
            if (kept.isEmpty()) {
                LabState.remove(stateDir, t.name());
                neighbours.release(holder(t.name())).forEach(progress::say);
            } else {
                state.withDone(kept).withPending(List.of()).save(stateDir);
            }
            throw e;
        }
        Set<String> ran = new HashSet<>();
        List<String> output = s.exec(t, plan.add(), plan.rerunExec(), ran);
        List<Resource> desired = new ArrayList<>(kept);
        desired.addAll(plan.add());
        Map<String, List<String>> observed = new HashMap<>(old == null ? Map.of() : old.observed());
        observed.keySet().removeIf(ns -> desired.stream().noneMatch(r -> r instanceof Resource.Namespace n && n.name().equals(ns)));
        for (String ns : ran) observed.put(ns, List.copyOf(observe(ns).addresses()));
        state.withDone(desired).withPending(List.of()).withObserved(observed).save(stateDir);
        return new Result(plan, output);
    }

    /** Which of the recorded namespaces and Open vSwitch bridges are gone (deleted behind nslab's back). */
    private Reconciler.Observation observe(List<Resource> done) {
        Set<String> goneNs = new java.util.TreeSet<>();
        Set<String> goneOvs = new java.util.TreeSet<>();
        Set<String> ovsNames = null;
        for (Resource r : done) {
            if (r instanceof Resource.Namespace n && !registry.exists(n.name())) goneNs.add(n.name());
            if (r instanceof Resource.OvsBridge b) {
                if (ovsNames == null) ovsNames = new OvsDaemons().status().running() ? ovsBridgeNames() : null;
                if (ovsNames != null && !ovsNames.contains(b.name())) goneOvs.add(b.name());
            }
        }
        return goneNs.isEmpty() && goneOvs.isEmpty() ? Reconciler.Observation.NOTHING_GONE : new Reconciler.Observation(goneNs, goneOvs);
    }

    // ---- down ----------------------------------------------------------------------------------------------

    /** Removes everything the lab's state says it owns and that still carries its mark; returns what went. */
    public List<Resource> down(String lab) {
        try (LabState.Lock ignored = lock(lab)) {
            LabState st = LabState.load(stateDir, lab);
            if (st == null) throw new LabException("no lab named " + lab + " (nslab ls lists the labs in " + stateDir + ")");
            List<Resource> all = new ArrayList<>(st.done());
            all.addAll(minus(st.pending(), Reconciler.keys(st.done())));
            endProcesses(lab, all);
            List<Resource> removed;
            try (Session s = new Session(lab)) {
                removed = s.remove(all, true);
            }
            LabState.remove(stateDir, lab);
            neighbours.release(holder(lab)).forEach(progress::say);
            return removed;
        }
    }

    /** How long the processes of a lab going down get between SIGTERM and SIGKILL. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    /**
     * Ends every process that lives in one of the lab's namespaces (whoever started it: exec lines, nslab exec,
     * ip netns exec), SIGTERM first, SIGKILL after a grace period, and says which: a process left there would keep
     * the namespace alive, unnamed, after down.
     */
    private void endProcesses(String lab, List<Resource> all) {
        Set<Long> inodes = new HashSet<>();
        for (Resource r : all) {
            if (r instanceof Resource.Namespace n && registry.exists(n.name())) {
                long ino = Namespaces.inode(registry.path(n.name()));
                if (ino > 0) inodes.add(ino);
            }
        }
        if (inodes.isEmpty()) return;
        List<ProcessHandle> found = new ArrayList<>();
        for (long pid : Processes.inNamespaces(inodes)) ProcessHandle.of(pid).ifPresent(found::add);
        if (found.isEmpty()) return;
        List<String> names = new ArrayList<>();
        for (ProcessHandle p : found) {
            names.add(p.pid() + " (" + p.info().command().orElse("?") + ")");
            p.destroy();
        }
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle p : found) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                try {
                    p.onExit().get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    break; // timed out or interrupted: SIGKILL below
                }
            }
            if (p.isAlive()) p.destroyForcibly();
        }
        progress.say("ended " + found.size() + " processes living in lab " + lab + "'s namespaces: " + String.join(", ", names));
    }

    public List<String> labs() { return LabState.labs(stateDir); }

    /** Records the program that owns a lab (see {@link Owners}): once it is gone, the lab is stale. */
    public void setOwner(String lab, String owner) {
        try (LabState.Lock ignored = lock(lab)) {
            state(lab).withOwner(owner).save(stateDir);
        }
    }

    public LabState state(String lab) {
        LabState st = LabState.load(stateDir, lab);
        if (st == null) throw new LabException("no lab named " + lab + " (nslab ls lists the labs in " + stateDir + ")");
        return st;
    }

    /** What a namespace holds now: interface names, and addresses as "DEV CIDR" (global scope only). */
    private record Observed(Set<String> links, Set<String> addresses) { }

    private Observed observe(String ns) {
        try (NetHandle h = NetHandle.open(registry, ns == null ? NsRef.current() : NsRef.named(ns))) {
            Map<Integer, String> names = new HashMap<>();
            for (Link l : h.links()) names.put(l.index(), l.name());
            Set<String> addrs = new java.util.TreeSet<>();
            for (dev.nslab.net.IfAddress a : h.addresses(null)) {
                if (a.scope() == 0 && names.containsKey(a.index())) addrs.add(names.get(a.index()) + " " + a.cidr());
            }
            return new Observed(new HashSet<>(names.values()), addrs);
        }
    }

    /**
     * A lab's health: every node there, every interface of its links there, every address of the file there, and
     * every address that its exec lines had set once up finished still there.
     */
    public Status status(String lab) {
        LabState st = state(lab);
        Map<String, Boolean> present = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        Set<String> ovsBridges = null;
        for (LabState.NodeInfo n : st.nodes()) {
            boolean there;
            if (n.ns() != null) {
                there = registry.exists(n.ns());
            } else {
                if (ovsBridges == null) ovsBridges = ovsBridgeNames();
                there = ovsBridges.contains(n.name());
            }
            present.put(n.name(), there);
            if (!there) missing.add(n.ns() != null ? "namespace " + n.ns() : "Open vSwitch bridge " + n.name());
        }
        Map<String, Observed> now = new HashMap<>();
        java.util.function.Function<String, Observed> at = ns -> now.computeIfAbsent(ns == null ? "" : ns, k -> observe(ns));
        java.util.function.Predicate<String> here = ns -> ns == null || registry.exists(ns);
        for (Resource r : st.done()) {
            if (r instanceof Resource.Veth v) {
                for (End e : List.of(v.a(), v.b())) {
                    if (here.test(e.ns()) && !at.apply(e.ns()).links().contains(e.iface())) {
                        missing.add("interface " + e.iface() + " in " + (e.ns() == null ? "the root namespace" : e.ns()));
                    }
                }
            } else if (r instanceof Resource.Address a && here.test(a.ns()) && !at.apply(a.ns()).addresses().contains(a.dev() + " " + a.cidr())) {
                missing.add("address " + a.cidr() + " on " + a.dev() + " in " + a.ns());
            }
        }
        st.observed().forEach((ns, addrs) -> {
            if (!here.test(ns)) return;
            for (String a : addrs) {
                if (!at.apply(ns).addresses().contains(a)) {
                    missing.add("address " + a.substring(a.indexOf(' ') + 1) + " on " + a.substring(0, a.indexOf(' ')) + " in " + ns + " (set by an exec line)");
                }
            }
        });
        return new Status(st, present, st.done().size(), missing);
    }

    private Set<String> ovsBridgeNames() {
        Set<String> out = new HashSet<>();
        new OvsDaemons().stateIfRunning().ifPresent(s -> s.bridges().forEach(b -> out.add(b.name())));
        return out;
    }

    /**
     * What a command's FILE|LAB word names: a lab file when one exists at that path, else a lab by name, whose file
     * the state remembers.
     */
    public Path fileOf(String fileOrLab) {
        Path p = Path.of(fileOrLab);
        return Files.isRegularFile(p) ? p : Path.of(state(fileOrLab).file());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private LabState.Lock lock(String lab) { return LabState.lock(stateDir, lab); }

    private static List<Resource> minus(List<Resource> rs, Set<String> keys) {
        return rs.stream().filter(r -> !keys.contains(r.key())).toList();
    }

    private static List<Resource> reverse(List<Resource> rs) {
        List<Resource> out = new ArrayList<>(rs);
        java.util.Collections.reverse(out);
        return out;
    }

    /** One run's open sockets (a netlink handle per namespace, one OVSDB connection) and what it created. */
    private final class Session implements AutoCloseable {
        final String lab;
        final String mark;
        final Map<String, NetHandle> handles = new HashMap<>();
        final List<Resource> created = new ArrayList<>();
        final Sysctl sysctl = new Sysctl(registry);
        Ovs ovs;

        Session(String lab) {
            this.lab = lab;
            this.mark = mark(lab);
        }

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
                        if (br.isPresent() && !lab.equals(br.get().externalIds().get(OVS_MARK_KEY))) {
                            throw new LabException("Open vSwitch bridge " + b.name() + " already exists and is not lab " + lab
                                    + "'s: rename the node in the lab file or remove the bridge");
                        }
                    }
                    case Resource.OvsPort p -> {
                        if (ovsState == null) ovsState = switchState.get();
                        Optional<OvsBridge> on = ovsState.bridgeOfPort(p.port());
                        if (on.isPresent() && !lab.equals(on.get().externalIds().get(OVS_MARK_KEY))) {
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
            List<Resource> links = new ArrayList<>(), rootVeths = new ArrayList<>(), ovsWork = new ArrayList<>(), config = new ArrayList<>();
            for (Resource r : add) {
                switch (r) {
                    case Resource.Namespace n -> namespaces.add(n);
                    case Resource.LinuxBridge b -> links.add(b);
                    case Resource.Veth v -> (v.a().ns() == null || v.b().ns() == null ? rootVeths : links).add(v);
                    case Resource.OvsBridge b -> ovsWork.add(b);
                    case Resource.OvsPort p -> ovsWork.add(p);
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
                    links1.add(b.ns(), r, nb -> nb.bridge(b.name(), ix, DEVICE_GROUP));
                    links1.add(b.ns(), r, nb -> nb.setLink(ix, b.name(), mark, null, null, null));
                } else if (r instanceof Resource.Veth v) {
                    End a = maker(v), b = other(v);
                    int master = a.master() == null ? 0 : view(a.ns()).index(a.master());
                    int ia = view(a.ns()).claim(a.iface()), ib = view(b.ns()).claim(b.iface());
                    int peerFd = a.ns().equals(b.ns()) ? -1 : handle(b.ns()).namespaceFd();
                    links1.add(a.ns(), r, nb -> nb.veth(a.iface(), ia, master, DEVICE_GROUP, v.mtu(), b.iface(), ib, peerFd, DEVICE_GROUP));
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
                LinkChange cb = LinkChange.of(b.iface()).alias(mark).up(true).group(DEVICE_GROUP);
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
            if (a.ns() != null) ca = ca.group(DEVICE_GROUP);
            ha.setLink(a.master() == null ? ca : ca.master(a.master()));
            LinkChange cb = LinkChange.of(b.iface()).alias(mark).up(true);
            if (b.ns() != null) cb = cb.group(DEVICE_GROUP);
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
                    txn.addBridge(b.name(), dp, true, Map.of(OVS_MARK_KEY, lab));
                } else if (r instanceof Resource.OvsPort p) {
                    PortConfig c = PortConfig.NONE;
                    if (p.tag() != null) c = c.withTag(p.tag());
                    if (p.trunks() != null) c = c.withTrunks(p.trunks());
                    if (p.tag() != null && p.trunks() != null) c = c.withVlanMode("native-untagged");
                    txn.addPort(p.bridge(), p.port(), c, true, Map.of(OVS_MARK_KEY, lab));
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

        private RouteSpec routeSpec(Topology.RouteDef d) {
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
                    handle(e.getKey()).deleteGroup(DEVICE_GROUP);
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
                    if (on.isPresent() && lab.equals(on.get().externalIds().get(OVS_MARK_KEY))) txn.delPort(null, p.port(), true);
                } else if (r instanceof Resource.OvsBridge b) {
                    Optional<OvsBridge> br = st.bridge(b.name());
                    if (br.isEmpty()) continue;
                    if (!lab.equals(br.get().externalIds().get(OVS_MARK_KEY))) {
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
            handles.values().forEach(NetHandle::close);
            handles.clear();
            if (ovs != null) ovs.close();
        }
    }
}
