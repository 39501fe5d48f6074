package dev.nslab.lab.apply;

import dev.nslab.engine.Engine;
import dev.nslab.error.LabException;
import dev.nslab.lab.model.Names;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.LabState;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NodeHost;
import dev.nslab.net.Processes;
import dev.nslab.sys.Privileges;
import dev.nslab.sys.Trees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Nodes as small hosts ({@link NodeHost}): the lab's user namespace (where nslab is root of the machine: a range of
 * ids of the lab's own, pinned in the state directory; without root, the user's namespace is the lab's), and each
 * host: its directory ({@code STATEDIR/LAB.hosts/NAMESPACE}: the writable layer, owned by the node's root, and the
 * init's pid with its start time), made by the helper, its network namespace named and marked like any other.
 */
public final class HostApplier {
    /** The machine's paths a node may not read: its secrets (the rest of the machine's tree it sees, read-only). */
    static final List<String> MASKS = List.of("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/root");

    private final Applier run;
    /** The first id of the lab's range, asked of the machine's record once per run (-1: not yet). */
    private long base = -1;

    HostApplier(Applier run) { this.run = run; }

    private synchronized long base() {
        if (base < 0) base = ranges().acquire(holder(run.stateDir(), run.lab));
        return base;
    }

    /**
     * Where the hosts of a lab keep their layers and notes. As root of the machine, in a directory of the machine's
     * that root of every lab may walk through ({@code /run/nslab/hosts}, 0711): a lab's state directory may be anywhere,
     * behind directories that nobody (what a lab's root is on the machine) may not enter. Without root, beside the
     * state.
     */
    public static Path dir(Path stateDir, String lab) {
        if (!Privileges.inInitialUserNamespace()) return LabState.beside(stateDir, lab, ".hosts");
        return HOSTS.resolve(Names.stable("", stateDir.toAbsolutePath().normalize().toString(), lab) + "-" + lab);
    }

    private static final Path HOSTS = Path.of("/run/nslab/hosts");
    private static final java.nio.file.attribute.FileAttribute<?> WALK_THROUGH =
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));

    /** Where the lab's user namespace is pinned. */
    public static Path userns(Path stateDir, String lab) { return LabState.beside(stateDir, lab, ".userns"); }

    /** The key under which a lab holds an id range: its state file, unique on the machine. */
    private static String holder(Path stateDir, String lab) { return LabState.path(stateDir, lab).toAbsolutePath().normalize().toString(); }

    private static IdRanges ranges() { return new IdRanges(IdRanges.RECORD); }

    /** Makes the lab's user namespace, where nslab is root of the machine; nothing to make where it is not. */
    void create(Resource.Users u) {
        if (!Privileges.inInitialUserNamespace()) return; // a user's labs: the user's own namespace is the lab's
        Path pin = userns(run.stateDir(), run.lab);
        if (isPinned(pin)) return;
        long base = base();
        try {
            Files.createDirectories(pin.getParent());
            if (!Files.exists(pin, LinkOption.NOFOLLOW_LINKS)) Files.createFile(pin);
        } catch (IOException e) {
            throw new LabException("cannot make " + pin + " for the user namespace of lab " + run.lab + ": " + e.getMessage(), e);
        }
        NodeHost.pinUserNamespace(pin, base, IdRanges.SIZE);
    }

    boolean remove(Resource.Users u) {
        Path pin = userns(run.stateDir(), run.lab);
        boolean was = isPinned(pin);
        NodeHost.unpin(pin);
        try {
            Files.deleteIfExists(pin);
        } catch (IOException e) {
            run.progress().say("could not remove " + pin + ": " + e.getMessage());
        }
        ranges().release(holder(run.stateDir(), run.lab));
        return was;
    }

    private static boolean isPinned(Path pin) {
        try {
            return Files.exists(pin) && "nsfs".equals(Files.getFileStore(pin).type());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes namespace {@code n} a host: the helper makes its namespaces and file system; here its network namespace
     * is marked (and forwarding set) from inside and named, then the host is let go. Returns the rtnetlink handle opened
     * inside it.
     */
    NetHandle create(Resource.Namespace n, Resource.Forwarding forwarding, Namespaces.Adder adder) {
        if (n.host().image() != null) return createContainer(n, forwarding, adder);
        Path stateDir = run.stateDir();
        Path dir = dir(stateDir, run.lab).resolve(n.name());
        boolean root = Privileges.inInitialUserNamespace();
        Path pin = root ? userns(stateDir, run.lab) : null;
        long owner = root ? base() : -1;
        try {
            endInit(stateDir, run.lab, n.name()); // a host made before whose namespace went (deleted by hand) still runs: it goes first
            Trees.delete(dir); // what a host that was made before left: this one starts clean
            if (root) {
                for (Path p : List.of(HOSTS, dir.getParent(), dir)) {
                    if (!Files.exists(p)) Files.createDirectories(p, WALK_THROUGH);
                    Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
                }
            }
            for (String d : List.of("upper", "work", "lower", "merged")) Files.createDirectories(dir.resolve(d));
            if (owner >= 0) {
                for (String d : List.of("upper", "work")) {
                    Files.setAttribute(dir.resolve(d), "unix:uid", (int) owner);
                    Files.setAttribute(dir.resolve(d), "unix:gid", (int) owner);
                }
            }
            Files.createDirectories(HostsFile.dir(stateDir, run.lab));
        } catch (IOException e) {
            throw new LabException("cannot prepare " + dir + " for the host of " + n.name() + ": " + e.getMessage(), e);
        }
        List<NodeHost.Bind> binds = new ArrayList<>();
        for (Topology.BindDef b : n.host().binds()) binds.add(new NodeHost.Bind(b.host(), b.node(), b.readOnly()));
        NodeHost.Spec spec = new NodeHost.Spec(n.host().hostname(), dir, pin, root, HostsFile.dir(stateDir, run.lab), binds, MASKS);
        try (NodeHost.Pending host = NodeHost.start(spec)) {
            NetHandle made = NamespaceApplier.adopt(run, n.name(), host.pid(), forwarding, adder);
            try {
                Files.writeString(dir.resolve("init"), host.pid() + " " + Processes.startTime(host.pid()).orElse(0) + "\n");
            } catch (IOException e) {
                made.close();
                throw new LabException("cannot note the init of " + n.name() + ": " + e.getMessage(), e);
            }
            host.go();
            return made;
        }
    }

    /**
     * A node that runs as a container of an image: with podman, its network namespace is made, marked and named as any
     * node's, and the container joins it; with docker, the container (started early) makes its own, which is then
     * adopted. The container's first process is the host's init (exec lines, services and {@code exec} enter it as
     * they enter a host), and its name and engine are noted beside for down.
     */
    private NetHandle createContainer(Resource.Namespace n, Resource.Forwarding forwarding, Namespaces.Adder adder) {
        java.util.concurrent.FutureTask<Long> early = adopting.remove(n.name());
        if (early != null) return adoptContainer(n, forwarding, adder, early);
        Prepared p = prepare(n);
        if (!p.engine().joinsNamespaceByPath()) return adoptContainer(n, forwarding, adder, startBeside(p));
        NetHandle made = NamespaceApplier.add(run, n.name(), forwarding, adder);
        // started beside the run (the engine takes a few tenths of a second a container): the run goes on wiring
        // and waits for every container before anything runs in them ({@link #awaitContainers})
        startBeside(p);
        started.add(new Started(n.name(), p.spec().name(), p.spec().image(), p.dir(), p.engine()));
        return made;
    }

    /** A container about to be started: its engine, what it is made of, and its host's directory (its notes). */
    private record Prepared(Engine engine, Engine.Spec spec, Path dir) { }

    /** Notes the container of {@code n} (before it exists: a run killed while the engine starts it leaves its name for down) and says what it is. */
    private Prepared prepare(Resource.Namespace n) {
        Topology.ImageDef image = n.host().image();
        Engine engine = engine("node " + n.name() + " (image " + image.image() + ")");
        Path dir = dir(run.stateDir(), run.lab).resolve(n.name());
        String name = containerName(run.stateDir(), run.lab, n.name());
        List<Engine.Bind> binds = new ArrayList<>();
        try {
            endInit(run.stateDir(), run.lab, n.name());
            removeContainer(dir);
            Trees.delete(dir);
            if (Privileges.inInitialUserNamespace()) {
                for (Path p : List.of(HOSTS, dir.getParent())) if (!Files.exists(p)) Files.createDirectories(p, WALK_THROUGH);
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("container"), name + " " + engine.name() + "\n");
            for (Topology.BindDef b : n.host().binds()) binds.add(new Engine.Bind(b.host(), b.node(), b.readOnly()));
            if (image.frr() != null) binds.addAll(FrrFiles.write(image.frr(), n.host().hostname(), dir.resolve("etc-frr")));
        } catch (IOException e) {
            throw new LabException("cannot prepare " + dir + " for the container of " + n.name() + ": " + e.getMessage(), e);
        }
        Engine.Spec spec = new Engine.Spec(name, run.registry().path(n.name()).toString(), n.host().hostname(), image.image(), image.entrypoint(),
                image.cmd(), image.user(), image.env(), binds, java.util.Map.of(Engine.LAB_LABEL, run.lab, Engine.NODE_LABEL, n.name(),
                Engine.HOSTS_LABEL, dir.getParent().getFileName().toString()), image.health() == null ? null
                : new Engine.Health(image.health().test(), image.health().interval(), image.health().timeout(), image.health().retries(),
                        image.health().startPeriod()));
        return new Prepared(engine, spec, dir);
    }

    /**
     * Starts {@code p}'s container on a thread of its own (at most two at once: the engine does much of its work one
     * container at a time; four were no faster on two cores); the task's value is the container's first process
     * where the engine makes the container's namespace (it is then adopted), else 0. Every task is awaited by
     * {@link #awaitContainers}, also by a run that fails, so that its rollback finds every container.
     */
    private java.util.concurrent.FutureTask<Long> startBeside(Prepared p) {
        java.util.concurrent.FutureTask<Long> task = new java.util.concurrent.FutureTask<>(() -> {
            startPermits.acquireUninterruptibly();
            try {
                p.engine().run(p.spec());
                if (p.engine().joinsNamespaceByPath()) return 0L;
                long pid = p.engine().pids(List.of(p.spec().name())).getOrDefault(p.spec().name(), 0L);
                if (pid <= 0) {
                    throw new LabException("the container of node " + p.spec().labels().get(Engine.NODE_LABEL) + " (image " + p.spec().image() + ") ended at once: "
                            + lastWords(p.engine(), p.spec().name()) + "; its entrypoint and cmd must keep running (a node's programs live in it)");
                }
                Files.writeString(p.dir().resolve("init"), pid + " " + Processes.startTime(pid).orElse(0) + "\n");
                return pid;
            } finally {
                startPermits.release();
            }
        });
        starting.add(task);
        Thread.ofVirtual().name("nslab-container-" + p.spec().name()).start(task);
        return task;
    }

    /**
     * Docker's containers of the namespaces this run makes, started now, beside each other, before the namespaces are
     * made one after the other: each must run before its namespace can be named and wired ({@link #adoptContainer}).
     */
    void startEarly(List<Resource.Namespace> newNs) {
        for (Resource.Namespace n : newNs) {
            if (n.host() == null || n.host().image() == null || run.registry().exists(n.name())) continue;
            Engine engine = engine("node " + n.name() + " (image " + n.host().image().image() + ")");
            if (engine.joinsNamespaceByPath()) return; // one engine for the run: podman's join the namespaces nslab makes
            adopting.put(n.name(), startBeside(prepare(n)));
        }
    }

    /** The engine of this run's containers, chosen once (asking whether Docker's daemon answers takes a process). */
    private Engine engine;

    private synchronized Engine engine(String forWhat) {
        if (engine == null) engine = Engine.need(forWhat);
        return engine;
    }

    /** Docker's containers started early, by namespace, until their namespaces are made. */
    private final java.util.Map<String, java.util.concurrent.FutureTask<Long>> adopting = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A container of an engine that makes its network namespace itself (docker), once it runs: its namespace (only a
     * loopback so far) is named, marked and set up as the node's, as a host's is, and then wired like any.
     */
    private NetHandle adoptContainer(Resource.Namespace n, Resource.Forwarding forwarding, Namespaces.Adder adder, java.util.concurrent.Future<Long> start) {
        long pid;
        try {
            pid = start.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new LabException("cannot note the init of " + n.name() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while the container of " + n.name() + " started", e);
        }
        return NamespaceApplier.adopt(run, n.name(), pid, forwarding, adder);
    }

    /**
     * containerlab's {@code wait-for: {node: OTHER, stage: healthy}}: waits until OTHER's container passes its health
     * check (run here every second: podman's own timer needs systemd), for as long as the check's own times allow
     * (start period, then its retries at its interval, at least a minute). A node without a health check is healthy
     * once it runs.
     */
    void awaitHealthy(String waiter, Topology.NodeDef other, String ns) {
        Topology.ImageDef image = other.programs().image();
        if (image == null || image.health() == null || ns == null) return;
        String name = container(run.stateDir(), run.lab, ns).orElse(null);
        if (name == null) return;
        Topology.HealthDef h = image.health();
        long seconds = Math.max(60, h.startPeriod() + (long) (Math.max(h.interval(), 1) + Math.max(h.timeout(), 1)) * (Math.max(h.retries(), 3) + 1));
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Engine engine = engineOf(run.stateDir(), run.lab, ns, "the health check of " + other.name());
        run.progress().say(waiter + ": waiting for " + other.name() + " to be healthy");
        String last;
        while (!(last = engine.checkHealth(name)).equals("healthy")) {
            if (System.nanoTime() > deadline) {
                throw new LabException("node " + waiter + " waits for " + other.name() + " to be healthy, and its health check " + h.test()
                        + " has not passed in " + seconds + " s (" + last + ")");
            }
            try {
                Thread.sleep(1000); // the check is a program run in the container: there is nothing to be woken by
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while " + waiter + " waited for " + other.name() + " to be healthy");
            }
        }
    }

    private static String lastWords(Engine engine, String name) {
        try {
            String l = engine.logs(name);
            return l.isBlank() ? "it printed nothing" : "it printed \"" + (l.length() > 300 ? l.substring(l.length() - 300) : l) + "\"";
        } catch (RuntimeException e) {
            return "its output cannot be read (" + e.getMessage() + ")";
        }
    }

    /** Containers being started by this run; at most two at once (the engine does much of its work one container at a time; four were no faster on two cores). */
    private final List<java.util.concurrent.Future<Long>> starting = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.Semaphore startPermits = new java.util.concurrent.Semaphore(2);
    /** What the run started, for the one question of their process ids once all are started. */
    private final List<Started> started = new java.util.concurrent.CopyOnWriteArrayList<>();

    private record Started(String ns, String name, String image, Path dir, Engine engine) { }

    /**
     * Waits until every container this run started runs (its init noted); with {@code report}, the first that failed
     * is thrown (without: a run failing for another reason waits, so that its rollback finds them all).
     */
    void awaitContainers(boolean report) {
        RuntimeException first = null;
        for (java.util.concurrent.Future<Long> f : starting) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null) first = e.getCause() instanceof RuntimeException r ? r
                        : new LabException("cannot note the init of a container: " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (first == null) first = new LabException("interrupted while containers started", e);
            }
        }
        starting.clear();
        // docker's containers started early for namespaces this run never made (it failed first): nothing else knows them
        for (String ns : adopting.keySet()) removeOne(run.stateDir(), run.lab, ns);
        adopting.clear();
        List<Started> these = List.copyOf(started);
        started.clear();
        if (report && first != null) throw first;
        if (these.isEmpty()) return;
        // each container's first process is its host's init: asked of the engine once for all of them
        java.util.Map<String, Long> pids = these.getFirst().engine().pids(these.stream().map(Started::name).toList());
        for (Started s : these) {
            long pid = pids.getOrDefault(s.name(), 0L);
            if (pid <= 0) {
                if (!report) continue;
                throw new LabException("the container of node " + s.ns() + " (image " + s.image() + ") ended at once: " + lastWords(s.engine(), s.name())
                        + "; its entrypoint and cmd must keep running (a node's programs live in it)");
            }
            try {
                Files.writeString(s.dir().resolve("init"), pid + " " + Processes.startTime(pid).orElse(0) + "\n");
            } catch (IOException e) {
                throw new LabException("cannot note the init of " + s.ns() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The engine's name of a node's container: unique on the machine (the hosts directory's name carries state directory and lab). */
    static String containerName(Path stateDir, String lab, String ns) {
        return "nslab-" + Names.stable("", stateDir.toAbsolutePath().normalize().toString(), lab).replace("-", "") + "-" + ns;
    }

    /** A container nslab started for a host, as noted in the host's directory: its name and the engine that runs it. */
    private record Noted(String name, String engine) { }

    /** The container noted in a host's directory (a name nslab gave and noted before starting it), if any. */
    private static java.util.Optional<Noted> noted(Path hostDir) {
        Path note = hostDir.resolve("container");
        try {
            if (!Files.exists(note)) return java.util.Optional.empty();
            String[] f = Files.readString(note).strip().split(" ");
            return java.util.Optional.of(new Noted(f[0], f.length > 1 ? f[1] : ""));
        } catch (IOException e) {
            throw new LabException("cannot read " + note + ": " + e.getMessage(), e);
        }
    }

    /** Removes containers {@code names} of {@code hostDirs} and then their notes: a later clean-up finds nothing to ask again. */
    private static void removeContainers(Engine engine, List<Path> hostDirs, List<String> names) {
        if (names.isEmpty()) return;
        engine.remove(names);
        for (Path h : hostDirs) {
            try {
                Files.deleteIfExists(h.resolve("container"));
            } catch (IOException e) {
                // the container is gone; a note left is removed with the host's directory
            }
        }
    }

    private static void removeContainer(Path hostDir) {
        noted(hostDir).ifPresent(c -> removeContainers(Engine.of(c.engine(), "removing the container noted in " + hostDir), List.of(hostDir), List.of(c.name())));
    }

    /** Removes every container the lab's hosts noted (and nothing else), in one call per engine: their engine ends their processes at once. */
    public static void removeContainers(Path stateDir, String lab) {
        Path d = dir(stateDir, lab);
        java.util.Map<String, List<Path>> dirs = new java.util.TreeMap<>();
        java.util.Map<String, List<String>> names = new java.util.TreeMap<>();
        try (var hosts = Files.isDirectory(d) ? Files.list(d) : java.util.stream.Stream.<Path>empty()) {
            for (Path h : hosts.toList()) {
                noted(h).ifPresent(c -> {
                    dirs.computeIfAbsent(c.engine(), k -> new ArrayList<>()).add(h);
                    names.computeIfAbsent(c.engine(), k -> new ArrayList<>()).add(c.name());
                });
            }
        } catch (IOException e) {
            return; // nothing to remove that can be seen; the hosts' own clean-up tries again
        }
        names.forEach((engine, these) -> removeContainers(Engine.of(engine, "removing the containers of lab " + lab), dirs.get(engine), these));
    }

    /** The engine that runs the container of namespace {@code ns}'s host (one nslab started), or a failure naming {@code forWhat}. */
    public static Engine engineOf(Path stateDir, String lab, String ns, String forWhat) {
        return Engine.of(noted(dir(stateDir, lab).resolve(ns)).map(Noted::engine).orElse(""), forWhat);
    }

    /** The engine's name of the container namespace {@code ns}'s host is, when it is one. */
    public static java.util.Optional<String> container(Path stateDir, String lab, String ns) {
        try {
            return noted(dir(stateDir, lab).resolve(ns)).map(Noted::name);
        } catch (LabException e) {
            return java.util.Optional.empty();
        }
    }

    /** The init of namespace {@code ns}'s host, when it is a host whose init runs. */
    public static OptionalLong init(Path stateDir, String lab, String ns) {
        Path note = dir(stateDir, lab).resolve(ns).resolve("init");
        try {
            if (!Files.exists(note)) return OptionalLong.empty();
            String[] f = Files.readString(note).strip().split(" ");
            long pid = Long.parseLong(f[0]), start = Long.parseLong(f[1]);
            return Processes.alive(pid, start) ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Notes that namespace {@code ns} of the lab is that of {@code container}, outside the lab, whose first process
     * is {@code pid} (its programs run there: noted with its start time, so that running one asks no engine), or,
     * {@code container} null, another lab's namespace (its programs run in the namespace alone).
     */
    static void noteOutside(Path stateDir, String lab, String ns, String container, long pid) {
        Path d = dir(stateDir, lab).resolve(ns);
        try {
            if (Privileges.inInitialUserNamespace()) {
                for (Path p : List.of(HOSTS, d.getParent())) if (!Files.exists(p)) Files.createDirectories(p, WALK_THROUGH);
            }
            Files.createDirectories(d);
            Files.writeString(d.resolve("outside"), container == null ? "\n" : container + " " + pid + " " + Processes.startTime(pid).orElse(0) + "\n");
        } catch (IOException e) {
            throw new LabException("cannot note the container of " + ns + " in " + d + ": " + e.getMessage(), e);
        }
    }

    /** The note's words: the container, its first process and that process's start time; empty for another lab's namespace. */
    private static String[] outsideNote(Path stateDir, String lab, String ns) {
        Path note = dir(stateDir, lab).resolve(ns).resolve("outside");
        try {
            String text = Files.exists(note) ? Files.readString(note).strip() : "";
            return text.isEmpty() ? new String[0] : text.split(" ");
        } catch (IOException e) {
            return new String[0];
        }
    }

    /** The container outside the lab whose network namespace {@code ns} is, when it is one (not another lab's namespace). */
    public static java.util.Optional<String> outside(Path stateDir, String lab, String ns) {
        String[] f = outsideNote(stateDir, lab, ns);
        return f.length == 0 ? java.util.Optional.empty() : java.util.Optional.of(f[0]);
    }

    /** The first process of that container, when the one noted still runs (a restarted container has another). */
    static OptionalLong outsideInit(Path stateDir, String lab, String ns) {
        String[] f = outsideNote(stateDir, lab, ns);
        try {
            long pid = Long.parseLong(f[1]), start = Long.parseLong(f[2]);
            return Processes.alive(pid, start) ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether namespace {@code ns} of the lab was made a host (its note is there, whether its init runs or not). */
    public static boolean isHost(Path stateDir, String lab, String ns) { return Files.exists(dir(stateDir, lab).resolve(ns).resolve("init")); }

    /** What a host's writable layer holds, in bytes. */
    public static long layerSize(Path stateDir, String lab, String ns) { return Trees.bytes(dir(stateDir, lab).resolve(ns).resolve("upper")); }

    /**
     * Ends the init of namespace {@code ns}'s host, and with it every process of that host, when it still runs: also
     * a host whose network namespace lost its name (deleted by hand), which no search by namespace finds any more.
     */
    static void endInit(Path stateDir, String lab, String ns) {
        init(stateDir, lab, ns).ifPresent(pid -> Processes.end(List.of(pid), java.time.Duration.ofSeconds(5)));
    }

    /** Removes what the lab's hosts kept (their layers), after ending any init still running. */
    public static void removeAll(Path stateDir, String lab) {
        Path d = dir(stateDir, lab);
        try (var hosts = Files.isDirectory(d) ? Files.list(d) : java.util.stream.Stream.<Path>empty()) {
            for (Path h : hosts.toList()) {
                endInit(stateDir, lab, h.getFileName().toString());
                removeContainer(h);
            }
        } catch (IOException e) {
            // nothing to end that can be seen
        }
        try {
            Trees.delete(d);
        } catch (IOException e) {
            throw new LabException("cannot remove " + d + ": " + e.getMessage(), e);
        }
    }

    /** Removes the host directory of one namespace (a node that went). */
    static void removeOne(Path stateDir, String lab, String ns) {
        Path d = dir(stateDir, lab).resolve(ns);
        if (!Files.exists(d)) return; // a bare namespace: it had no host
        endInit(stateDir, lab, ns);
        removeContainer(d);
        try {
            Trees.delete(d);
        } catch (IOException e) {
            // the lab's own clean-up at down takes what is left
        }
    }
}
