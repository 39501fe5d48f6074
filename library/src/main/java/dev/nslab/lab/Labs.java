package dev.nslab.lab;

import dev.nslab.engine.Engine;
import dev.nslab.error.LabException;
import dev.nslab.error.MachineAccessException;
import dev.nslab.lab.apply.Applier;
import dev.nslab.lab.apply.HostApplier;
import dev.nslab.lab.apply.HostsFile;
import dev.nslab.lab.apply.NeighbourLimits;
import dev.nslab.lab.apply.NodeProcesses;
import dev.nslab.lab.apply.Observer;
import dev.nslab.lab.apply.ServiceApplier;
import dev.nslab.lab.file.TopologyParser;
import dev.nslab.lab.model.FaultView;
import dev.nslab.lab.model.Faults;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.model.NodeInfo;
import dev.nslab.lab.model.NodeTables;
import dev.nslab.lab.model.Progress;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.FaultPlanner;
import dev.nslab.lab.plan.LabNeeds;
import dev.nslab.lab.plan.MachineAccess;
import dev.nslab.lab.plan.Planner;
import dev.nslab.lab.plan.Preflight;
import dev.nslab.lab.plan.Reconciler;
import dev.nslab.lab.plan.Resource.End;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.LabState;
import dev.nslab.lab.state.Marks;
import dev.nslab.lab.state.MountsFile;
import dev.nslab.lab.state.TablesFile;
import dev.nslab.lab.state.Trusted;
import dev.nslab.lab.verify.KernelTables;
import dev.nslab.lab.verify.Verifier;
import dev.nslab.net.Link;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.Processes;
import dev.nslab.net.Sysctl;
import dev.nslab.ovs.OvsBridge;
import dev.nslab.ovs.OvsDaemons;
import dev.nslab.sys.OwnFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The lab engine: brings a topology up (or to what an edited file says), takes it down, and reports on it. What a
 * lab owns is written in its state file before it is created, and carries a mark in the kernel ("nslab:LAB" as the
 * alias of an interface, of a namespace's loopback; external_ids:nslab-lab on Open vSwitch rows), so that nothing
 * is ever removed on the strength of its name alone.
 */
public final class Labs {
    public static final Path DEFAULT_STATE_DIR = Path.of("/run/nslab");

    private final Namespaces registry;
    private final Path stateDir;
    private final Progress progress;
    private final Preflight.Machine machine;
    private final NeighbourLimits neighbours;

    /**
     * A lab's health: each node with whether its namespace (or bridge) is there, what is missing, and the processes
     * living in each node's namespace (by node).
     */
    public record Status(LabState state, Map<String, Boolean> nodesPresent, int objects, List<String> missing,
                         Map<String, List<Processes.Info>> processes, List<ServiceState> services, Map<String, HostInfo> hosts, String note) {
        public boolean healthy() { return missing.isEmpty() && state.pending().isEmpty(); }
    }

    /**
     * A node that is a host: its init (0: it no longer runs), its namespaces ("net:[4026532...]", by kind: net, mnt, uts,
     * pid, user) and how many bytes its writable layer holds; {@code container} null for a host of nslab's own, else the
     * engine's container, its image and state.
     */
    public record HostInfo(long init, Map<String, String> namespaces, long layerBytes, Container container) { }

    /** A node's container as the engine reports it; {@code health} from its health check run now (null: it has none). */
    public record Container(String name, String image, String state, String health) { }

    /** A service of a node: running (with its process), restarting, or exited with a status; how often it restarted. */
    public record ServiceState(String node, String service, String state, long pid, int restarts, Path log) { }

    /**
     * The logs of a node: its services' (all of them, or {@code service}'s) and, without a service named, the output
     * of the programs started in it in the background ({@code exec -d}), oldest first; none for a container that has
     * nothing else to show ({@link #containerLogs} shows its own output).
     */
    public List<Path> serviceLogs(String lab, String node, String service) {
        LabState st = state(lab);
        if (st.nodes().stream().noneMatch(n -> n.name().equals(node))) {
            throw new LabException("lab " + lab + " has no node " + node + " (nodes: " + String.join(", ", st.nodes().stream().map(NodeInfo::name).toList()) + ")");
        }
        List<Path> out = new ArrayList<>();
        for (Resource r : st.done()) {
            if (r instanceof Resource.Service sv && sv.node().equals(node) && (service == null || sv.def().name().equals(service))) {
                out.add(ServiceApplier.log(stateDir, lab, node, sv.def().name()));
            }
        }
        if (service == null) out.addAll(detachedLogs(lab, node));
        if (out.isEmpty() && (service != null || container(lab, node).isEmpty())) {
            List<String> names = st.done().stream().filter(r -> r instanceof Resource.Service sv && sv.node().equals(node))
                    .map(r -> ((Resource.Service) r).def().name()).toList();
            throw new LabException("node " + node + " of lab " + lab + " has " + (service == null || names.isEmpty()
                    ? "no services and ran nothing in the background"
                    : "no service " + service + " (services: " + String.join(", ", names) + ")"));
        }
        return out;
    }

    /** The container node {@code node} of lab {@code lab} runs as (an image node), or empty. */
    public Optional<String> container(String lab, String node) {
        return state(lab).nodes().stream().filter(n -> n.name().equals(node) && n.ns() != null).findFirst()
                .flatMap(n -> HostApplier.container(stateDir, lab, n.ns()));
    }

    /** What the container node {@code node} runs as ({@link #container}) printed, to {@code out}; {@code follow}: and from then on, until interrupted. */
    public void containerLogs(String lab, String node, boolean follow, java.io.OutputStream out) {
        NodeInfo n = state(lab).nodes().stream().filter(x -> x.name().equals(node) && x.ns() != null).findFirst()
                .orElseThrow(() -> new LabException("lab " + lab + " has no node " + node));
        String container = HostApplier.container(stateDir, lab, n.ns()).orElseThrow(() -> new LabException("node " + node + " of lab " + lab + " is not a container"));
        HostApplier.engineOf(stateDir, lab, n.ns(), "the output of container " + container).logs(container, follow, out);
    }

    /** The output files of what was started in {@code node} in the background ({@link #logFile}), oldest first. */
    private List<Path> detachedLogs(String lab, String node) {
        Path dir = LabState.logDir(stateDir, lab);
        if (!Files.isDirectory(dir)) return List.of();
        java.util.regex.Pattern mine = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(node) + "-([0-9]+)\\.log");
        List<Path> out = new ArrayList<>();
        try (var ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) if (mine.matcher(p.getFileName().toString()).matches()) out.add(p);
        } catch (java.io.IOException e) {
            return List.of();
        }
        out.sort(java.util.Comparator.comparing(p -> Long.parseLong(mine.matcher(p.getFileName().toString()).replaceAll("$1"))));
        return out;
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

    public Path stateDir() { return stateDir; }

    // ---- up ------------------------------------------------------------------------------------------------

    /**
     * Brings the lab to what {@code t} says: plans (pure, {@link Reconciler}), checks (preflight, ownership), then,
     * unless {@code dryRun}, applies. A dry run makes every check a real run makes, so a clean dry run means up will
     * not refuse.
     */
    public Result up(Topology t, boolean dryRun) { return up(t, dryRun, null, false); }

    /** {@link #up(Topology, boolean, String, boolean)}, allowing nothing beyond the lab's own confined nodes. */
    public Result up(Topology t, boolean dryRun, String owner) { return up(t, dryRun, owner, false); }

    /**
     * {@link #up(Topology, boolean)} for a lab owned by a running program ({@code owner}, {@link Owners#token()}, or
     * null): the owner is recorded with the intent, before anything is created, so that a program killed halfway
     * through leaves a lab the next reaper recognises as stale. What the file asks of the machine beyond its confined
     * nodes ({@link MachineAccess}) is refused ({@link MachineAccessException}, nothing made) unless {@code allowHost},
     * or unless the same file, unchanged, was allowed before.
     */
    public Result up(Topology t, boolean dryRun, String owner, boolean allowHost) {
        Topology parsed = t;
        t = withExisting(t);
        LabNeeds needs = Preflight.check(t, machine); // what cannot work at all is said first
        String text = textOf(t); // read once: what is allowed, and what is kept as the lab's file, are the same text
        Access access = access(t, allowHost, text, parsed);
        if (!access.allowed() && !dryRun) throw new MachineAccessException(t.file(), access.words(t));
        if (access.remembered() && !dryRun) {
            progress.say("what " + t.file() + " asks of the machine was allowed before, and the file is unchanged: allowed");
        }
        Topology lab = t;
        // what is remembered of this up is written while the lab's lock is held: another up of the lab cannot come between
        Runnable remember = () -> {
            if (allowHost && !access.reaches().isEmpty() && access.hash() != null) {
                Trusted.allow(stateDir, lab.file(), access.hash());
                progress.say("allowed what " + lab.file() + " asks of the machine; the same file, unchanged, is allowed from now on");
            }
            if (text != null) keepText(lab.name(), text);
            keepTables(lab);
        };
        return upAllowed(t, dryRun, owner, needs, remember).withAccess(access);
    }

    /**
     * Keeps the tables of the nodes that configure themselves (exec lines, services), as they are now that the lab
     * is up: where the file cannot tell, verify predicts from them and names what changed since.
     */
    private void keepTables(Topology t) {
        Map<String, NodeTables> now = new LinkedHashMap<>();
        for (Topology.NodeDef n : t.nodes()) {
            if (n.kind() != Topology.Kind.LINUX || n.isHost() || n.sharesWith() != null) continue;
            if (!n.configuresItself()) continue;
            String ns = t.namespace(n);
            if (registry.exists(ns)) now.put(n.name(), KernelTables.read(registry, ns));
        }
        if (now.isEmpty()) return; // a lab the file predicts alone: nothing to keep, nothing read
        Map<String, NodeTables> kept = tablesAsUp(t.name()); // a node filter's up keeps what the others had
        kept.putAll(now);
        try {
            TablesFile.write(stateDir, t.name(), kept);
        } catch (IOException e) {
            throw new LabException("cannot keep the tables of lab " + t.name() + " in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** The kept tables by the namespace of their node, for a mended cable's ends. */
    private Map<String, NodeTables> keptTablesByNamespace(LabState st) {
        Map<String, NodeTables> out = new HashMap<>();
        Map<String, NodeTables> kept = tablesAsUp(st.lab());
        for (NodeInfo n : st.nodes()) if (n.ns() != null && kept.containsKey(n.name())) out.put(n.ns(), kept.get(n.name()));
        return out;
    }

    /** The tables kept when lab {@code lab} came up (by node); empty when none were. */
    public Map<String, NodeTables> tablesAsUp(String lab) {
        try {
            return TablesFile.read(stateDir, lab);
        } catch (IOException | RuntimeException e) {
            progress.say("the tables kept when lab " + lab + " came up cannot be read (" + e.getMessage() + "): predicting from today's");
            return new LinkedHashMap<>();
        }
    }

    /**
     * Verifies lab {@code t} (it must be up): measured against what the file predicts and, where the file cannot
     * tell, against the kernel's tables as the lab came up ({@link Verifier}).
     */
    public Verifier.Report verify(Topology t, int sample) {
        LabState st = state(t.name());
        return Verifier.run(t, faultView(st), tablesAsUp(t.name()), (node, command) -> capture(t.name(), node, command, progress::say),
                registry, progress, sample);
    }

    /**
     * The images the lab's nodes run: in the engine's local store, or pulled by their pull policy (not in a dry run);
     * one that cannot be had is refused at its {@code image:} in the file, naming how to provide it.
     */
    private void images(Topology t, boolean dryRun) {
        List<Topology.NodeDef> withImage = t.nodes().stream().filter(n -> n.programs().image() != null && t.hosted(n)).toList();
        if (withImage.isEmpty()) return;
        Topology.ImageDef first = withImage.getFirst().programs().image();
        if (!dev.nslab.sys.Privileges.inInitialUserNamespace() && "docker".equals(System.getenv(Engine.CHOICE))) {
            throw new LabException(t.file(), first.line(), first.column(), "node " + withImage.getFirst().name() + " runs image " + first.image()
                    + ", and " + Engine.CHOICE + "=docker: docker's containers are its daemon's, outside your namespaces, where your labs' "
                    + "links cannot reach: use rootless podman (unset " + Engine.CHOICE + ")");
        }
        if (!dev.nslab.sys.Privileges.inInitialUserNamespace() && System.getenv("_CONTAINERS_USERNS_CONFIGURED") == null) {
            // a normal user's containers are rootless podman's, in its user namespace: nslab's must be that one
            throw new LabException(t.file(), first.line(), first.column(), "node " + withImage.getFirst().name() + " runs image " + first.image()
                    + ", and your namespaces are not rootless podman's (podman was not found, or failed, when they were made): install "
                    + "podman, check that `podman unshare true` works for you (a range of yours in /etc/subuid and /etc/subgid), then "
                    + "run nslab again once your labs are down (the namespaces are made again)");
        }
        Engine engine;
        try {
            engine = Engine.need("node " + withImage.getFirst().name() + " (image " + first.image() + ")");
        } catch (dev.nslab.error.NslabException e) {
            throw new LabException(t.file(), first.line(), first.column(), e.getMessage());
        }
        Set<String> checked = new HashSet<>();
        for (Topology.NodeDef n : withImage) {
            Topology.ImageDef im = n.programs().image();
            if (!checked.add(im.image() + " " + im.pullPolicy())) continue;
            boolean here = engine.hasImage(im.image());
            if (here && !im.pullPolicy().equals("Always")) continue;
            if (im.pullPolicy().equals("Never") || dryRun) {
                if (here) continue;
                throw new LabException(t.file(), im.line(), im.column(), "image " + im.image() + " of node " + n.name() + " is not in "
                        + engine.name() + "'s local store" + (dryRun ? "" : " (image-pull-policy Never)") + ": " + engine.name() + " pull " + im.image()
                        + ", " + engine.name() + " load -i FILE, or build it");
            }
            progress.say("pulling image " + im.image() + " for node " + n.name());
            try {
                engine.pull(im.image());
            } catch (dev.nslab.error.ToolException e) {
                if (here) { // Always, and the registry cannot be reached: the local one serves
                    progress.say("could not pull " + im.image() + " (" + e.getMessage() + "): using the one in " + engine.name() + "'s local store");
                    continue;
                }
                throw new LabException(t.file(), im.line(), im.column(), "image " + im.image() + " of node " + n.name() + " is not in "
                        + engine.name() + "'s local store, and pulling it failed (" + e.getMessage() + "): " + engine.name() + " load -i FILE, "
                        + engine.name() + " pull " + im.image() + " where a registry is reachable, or build it");
            }
        }
    }

    private static Topology.ImageDef imageOf(LabState st, String ns) {
        for (Resource r : st.done()) {
            if (r instanceof Resource.Namespace n && n.name().equals(ns) && n.host() != null && n.host().image() != null) return n.host().image();
        }
        return null;
    }

    /** The text of the lab's file as it is now, or null for a lab without one (the Java API's). */
    private static String textOf(Topology t) {
        if (t.file() == null || !t.file().startsWith("/")) return null;
        try {
            return Files.readString(Path.of(t.file()));
        } catch (IOException e) {
            return null;
        }
    }

    /** Keeps the text the lab was brought up from: exec, logs, verify and graph of the lab read it, never the file as edited since. */
    private void keepText(String lab, String text) {
        try {
            OwnFiles.write(LabState.savedFile(LabState.directory(stateDir), lab), text);
        } catch (IOException e) {
            throw new LabException("cannot keep the file of lab " + lab + " in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a command's FILE|LAB word names: the lab file at that path when there is one, else the lab of that name as
     * it was brought up ({@link #topology(String)}).
     */
    public Topology topologyOf(String fileOrLab) {
        Path p = Path.of(fileOrLab);
        return Files.isRegularFile(p) ? TopologyParser.parseFile(p) : topology(fileOrLab);
    }

    /**
     * The topology lab {@code lab} was brought up from: its file's text as it was then (kept beside the state), read as
     * if it were still at its place (relative paths mean the same); the file itself for a lab brought up before nslab
     * kept the text. Named {@code lab} whatever the file's {@code name:} says (it may have been given another).
     */
    public Topology topology(String lab) {
        LabState st = state(lab);
        Path saved = LabState.savedFile(stateDir, lab);
        try {
            if (Files.isRegularFile(saved, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return TopologyParser.parse(st.file(), Files.readString(saved), lab);
        } catch (IOException e) {
            throw new LabException("cannot read the file lab " + lab + " was brought up from (" + saved + "): " + e.getMessage(), e);
        }
        return TopologyParser.parseFile(Path.of(st.file()), lab);
    }

    /**
     * What a lab asks of the machine beyond its own confined nodes, and whether that is allowed: by the caller now, or
     * earlier for the same file with the same text ({@link Trusted}).
     *
     * @param hash the SHA-256 of the file's text as read now, null when there is no file (a lab of the Java API)
     */
    public record Access(List<MachineAccess.Reach> reaches, boolean allowed, boolean remembered, String hash) {
        static final Access NONE = new Access(List.of(), true, false, null);

        /** Each request in the words of a file's place: "file:line: what". */
        public List<String> words(Topology t) { return reaches.stream().map(r -> t.file() + ":" + r.line() + ": " + r.what()).toList(); }
    }

    /** {@code parsed}: the topology as its file was read (before the machine's existing bridges were looked up). */
    private Access access(Topology t, boolean allowHost, String text, Topology parsed) {
        List<MachineAccess.Reach> reaches = MachineAccess.of(t);
        if (reaches.isEmpty()) return Access.NONE;
        // the text hashed must be the text that asks: a file swapped between its reading and now would otherwise have
        // what it asks allowed by the trust of another, harmless text
        if (text != null && !MachineAccess.of(TopologyParser.parse(t.file(), text, t.name())).containsAll(MachineAccess.of(parsed))) {
            throw new LabException(t.file() + " changed while nslab read it: nothing was made; bring it up again");
        }
        String hash = text == null ? null : Trusted.hash(text); // a later edit to the file makes it ask again
        boolean remembered = hash != null && Trusted.allows(stateDir, t.file(), hash);
        return new Access(reaches, allowHost || remembered, remembered && !allowHost, hash);
    }

    /** {@code remember}: run once the lab is as {@code t} says, before its lock is let go (not for a dry run). */
    private Result upAllowed(Topology t, boolean dryRun, String owner, LabNeeds needs, Runnable remember) {
        images(t, dryRun); // an image that is nowhere fails before anything is made
        try (LabState.Lock ignored = lock(t.name())) {
            LabState old;
            String lost = null; // why the state is not there to trust, when it is not
            try {
                old = LabState.load(stateDir, t.name());
                if (old == null) lost = "lab " + t.name() + " has no state file";
            } catch (LabException e) {
                old = null;
                lost = e.getMessage();
            }
            if (old != null && fromAnotherFile(old.file(), t.file())) {
                // a file that merely shares the name (a downloaded one, a copy) must not change or take apart a lab it did not make
                throw new LabException("lab " + t.name() + " is up from another file, " + old.file() + ": take that lab down first, or give "
                        + t.file() + " another name:");
            }
            if (old != null && !old.pending().isEmpty() && !dryRun) {
                progress.say("lab " + t.name() + " was interrupted while being changed: removing what that run had begun");
                try (Applier s = new Applier(registry, progress, t.name(), stateDir)) {
                    s.remove(minus(old.pending(), Reconciler.keys(old.done())), true);
                }
                old = old.withPending(List.of());
                old.save(stateDir);
            }
            Desired want = desired(t, old);
            List<Resource> recorded = old == null ? List.of() : old.done();
            boolean adopted = false;
            if (old == null) {
                // the marks are the last word: what carries the lab's mark is the lab's, whatever happened to its state
                recorded = adopt(t, want.resources());
                adopted = !recorded.isEmpty();
                if (adopted) {
                    progress.say(lost + ": its state is rebuilt from what carries its mark (" + recorded.size() + " objects adopted)");
                }
            }
            Reconciler.Observation seen = observe(t.name(), old == null ? nodeInfos(t) : old.nodes(), recorded);
            Reconciler.Plan plan = Reconciler.plan(t.name(), want.resources(), recorded, seen);
            if (!seen.goneNamespaces().isEmpty()) progress.say("namespaces gone since the last up, to be made again: " + String.join(", ", seen.goneNamespaces()));
            if (!seen.goneOvsBridges().isEmpty()) progress.say("Open vSwitch bridges gone since the last up, to be made again: " + String.join(", ", seen.goneOvsBridges()));
            if (!seen.drifted().isEmpty()) {
                progress.say("the kernel does not hold what lab " + t.name() + " made, to be made again: " + String.join("; ", seen.drifted().values()));
            }
            if (plan.isEmpty()) {
                if (!dryRun) {
                    if (adopted) {
                        new LabState(t.name(), t.file(), t.prefix(), nodeInfos(t), recorded, List.of(), Map.of(), owner, Faults.NONE).save(stateDir);
                        if (owner != null) noteOwner(t.name(), owner);
                    }
                    neighbours.acquire(holder(t.name()), needs.neighbours4(), needs.neighbours6()).forEach(progress::say);
                    remember.run();
                }
                return new Result(plan, List.of());
            }
            try (Applier s = new Applier(registry, progress, t.name(), stateDir)) {
                s.checkOwnership(plan.add(), dryRun);
                if (dryRun) return new Result(plan, List.of());
                if (adopted && old == null) old = new LabState(t.name(), t.file(), t.prefix(), nodeInfos(t), recorded, List.of(), Map.of(), null, Faults.NONE);
                Result r = apply(t, plan, old, want.faults(), needs, s, owner);
                remember.run();
                return r;
            }
        }
    }

    /** Whether a lab's recorded file and a topology's are two different files (labs of Java programs have no file). */
    static boolean fromAnotherFile(String recorded, String file) {
        if (recorded == null || file == null || !recorded.startsWith("/") || !file.startsWith("/")) return false;
        if (recorded.equals(file)) return false;
        try {
            return !Files.isSameFile(Path.of(recorded), Path.of(file)); // the same file by another path (a link) is the same
        } catch (IOException e) {
            return true; // the recorded file is gone or unreadable: it is not this one
        }
    }

    /**
     * containerlab's bridges: a bridge or ovs-bridge node whose bridge already exists in the root namespace and is not
     * the lab's is used as it is (the lab's cables join it; it is never deleted), and said once.
     */
    Topology withExisting(Topology t) {
        if (t.nodes().stream().noneMatch(Topology.NodeDef::isSwitch)) return t;
        List<Topology.NodeDef> nodes = new ArrayList<>();
        boolean changed = false;
        dev.nslab.ovs.OvsState ovs = null;
        try (dev.nslab.net.NetHandle root = dev.nslab.net.NetHandle.open(registry, dev.nslab.net.NsRef.current())) {
            for (Topology.NodeDef n : t.nodes()) {
                boolean existing = false;
                if (n.kind() == Topology.Kind.BRIDGE && n.meta().network() == null) {
                    java.util.Optional<dev.nslab.net.Link> l = root.findLink(n.name());
                    existing = l.isPresent() && "bridge".equals(l.get().kind()) && !Marks.of(t.name()).equals(l.get().alias());
                } else if (n.kind() == Topology.Kind.OVS_BRIDGE) {
                    if (ovs == null) ovs = new dev.nslab.ovs.OvsDaemons().stateIfRunning().orElse(new dev.nslab.ovs.OvsState(null, null, 0, 0, List.of()));
                    java.util.Optional<dev.nslab.ovs.OvsBridge> b = ovs.bridge(n.name());
                    existing = b.isPresent() && !t.name().equals(b.get().externalIds().get(Marks.OVS_KEY));
                }
                if (existing) {
                    progress.say((n.kind() == Topology.Kind.BRIDGE ? "bridge " : "Open vSwitch bridge ") + n.name() + " exists in the root "
                            + "namespace and is not lab " + t.name() + "'s: the lab's cables join it; it is used, never deleted");
                    n = new Topology.NodeDef(n.name(), n.kind(), n.addresses(), n.routes(), n.forwarding(), n.exec(), n.programs(),
                            n.meta().asExisting(), n.line());
                    changed = true;
                }
                nodes.add(n);
            }
        }
        return changed ? t.withNodes(nodes) : t;
    }

    private record Desired(List<Resource> resources, Faults faults) { }

    /** What the file asks for, with the faults done at run time (kept in the old state) over it. */
    private Desired desired(Topology t, LabState old) {
        List<Resource> base = Planner.resources(t);
        Faults faults = old == null ? Faults.NONE : old.faults();
        Map<String, Impairment> fromFile = new java.util.TreeMap<>();
        for (Topology.LinkDef l : t.links()) l.impairments().forEach((e, i) -> fromFile.put(e.toString(), i));
        if (fromFile.isEmpty() && faults.isEmpty()) return new Desired(base, faults);
        FaultPlanner.Wiring w = FaultPlanner.Wiring.of(nodeInfos(t), base, old == null ? Map.of() : old.observed());
        List<String> dropped = new ArrayList<>();
        faults = FaultPlanner.fitting(faults, w, dropped);
        if (!dropped.isEmpty()) progress.say("the file no longer has what these run-time faults were about, so they end: " + String.join("; ", dropped));
        return new Desired(concat(base, FaultPlanner.resources(t.name(), w, fromFile, faults, machine::netem)), faults);
    }

    private static List<NodeInfo> nodeInfos(Topology t) {
        return t.nodes().stream().map(n -> new NodeInfo(n.name(), n.kind().name().toLowerCase().replace('_', '-'),
                n.kind() == Topology.Kind.OVS_BRIDGE ? null : t.namespace(n))).toList();
    }

    /** What {@code up} did (or, for a dry run, would do), and the output of the exec lines it ran. */
    public record Result(Reconciler.Plan plan, List<String> execOutput, Access access) {
        public Result(Reconciler.Plan plan, List<String> execOutput) { this(plan, execOutput, Access.NONE); }

        Result withAccess(Access a) { return new Result(plan, execOutput, a); }

        public List<Resource> add() { return plan.add(); }

        public List<Resource> remove() { return plan.remove(); }

        public boolean isEmpty() { return plan.isEmpty(); }
    }

    private Result apply(Topology t, Reconciler.Plan plan, LabState old, Faults faults, LabNeeds needs, Applier s, String owner) {
        List<NodeInfo> nodes = nodeInfos(t);
        String owned = owner != null ? owner : old == null ? null : old.owner();
        LabState state = new LabState(t.name(), t.file(), t.prefix(), nodes, plan.kept(), plan.add(), Map.of(), owned, faults);
        state.save(stateDir); // the intent, before anything is created (and so before any /etc/netns link to it)
        if (owner != null) noteOwner(t.name(), owner);
        List<String> namespaces = nodes.stream().map(NodeInfo::ns).filter(java.util.Objects::nonNull).distinct().toList();
        s.removeStaleEnds(plan.staleEnds());
        // namespaces planned again that are still named (a host that ended): their names go first
        for (String ns : plan.observation().goneNamespaces()) if (registry.exists(ns)) s.remove(List.of(new Resource.Namespace(ns)), true);
        s.bringUp(plan.upAgain());
        List<Resource> kept = minus(plan.kept(), Reconciler.keys(plan.remove()));
        s.labObjects = concat(kept, plan.add());
        s.remove(plan.remove(), false);
        // namespaces this run removes (a node gone from the file, a node filter) take their /etc/netns entries along
        List<String> goneNamespaces = plan.remove().stream().filter(r -> r instanceof Resource.Namespace)
                .map(r -> ((Resource.Namespace) r).name()).filter(ns -> !namespaces.contains(ns)).toList();
        if (!goneNamespaces.isEmpty()) HostsFile.remove(stateDir, t.name(), goneNamespaces);
        List<Resource> desired = concat(kept, plan.add());
        Map<String, List<String>> observed = new HashMap<>(old == null ? Map.of() : old.observed());
        observed.keySet().removeIf(ns -> desired.stream().noneMatch(r -> r instanceof Resource.Namespace n && n.name().equals(ns)));
        // an address the file no longer has was seen after the exec lines, but it is not theirs: not missed later
        for (Resource r : plan.remove()) {
            if (r instanceof Resource.Address a && observed.containsKey(a.ns())) {
                observed.put(a.ns(), observed.get(a.ns()).stream().filter(x -> !x.equals(a.dev() + " " + a.cidr())).toList());
            }
        }
        List<String> output;
        // the machine's side of a lab (the neighbour thresholds, a locked record and a few sysctls; the hosts file
        // and its /etc/netns links, a metadata write each on /etc's disk) is done on the side while the kernel works,
        // and waited for before anything of the lab can send a packet or run a command. The hosts file has the
        // names first, so that exec lines can use them; it is written again after them, with the addresses they set.
        Map<String, List<String>> seenBefore = Map.copyOf(observed);
        java.util.concurrent.FutureTask<Chores> chores = new java.util.concurrent.FutureTask<>(() -> {
            List<String> said = neighbours.acquire(holder(t.name()), needs.neighbours4(), needs.neighbours6());
            HostsFile.write(stateDir, t, seenBefore);
            return new Chores(said, HostsFile.link(stateDir, t.name(), namespaces));
        });
        Thread.ofPlatform().name("nslab-chores-" + t.name()).start(chores);
        try {
            s.create(plan.add());
            Chores done = joined(chores);
            done.neighbourLines().forEach(progress::say);
            List<String> ownHosts = done.ownHosts();
            if (!ownHosts.isEmpty() && !HostsFile.linkable()) {
                progress.say("/etc/netns cannot be written here (it is the machine's root's): the lab's names resolve in its nodes that are hosts only");
            } else if (!ownHosts.isEmpty()) {
                progress.say("kept the hosts file that /etc/netns has for " + String.join(", ", ownHosts) + ": lab names not linked there");
            }
            Set<String> ran = new HashSet<>();
            output = s.exec(t, plan.add(), plan.rerunExec(), ran, kept.isEmpty());
            for (String ns : ran) observed.put(ns, List.copyOf(observe(ns).addresses()));
            if (!ran.isEmpty()) HostsFile.write(stateDir, t, observed);
            s.startServices(); // once the lab is wired and its exec lines have run; each waits until it is ready
        } catch (RuntimeException e) {
            progress.say("up failed; removing what this run created"); // the failure itself is the caller's to report, once
            endProcesses(t.name(), s.created); // a process left in a namespace of this run would keep it alive
            s.remove(reverse(s.created), true);
            awaitQuietly(chores); // its own failure, if any, is not the one to report
            if (kept.isEmpty()) {
                HostsFile.remove(stateDir, t.name(), namespaces);
                HostApplier.removeAll(stateDir, t.name());
                LabState.remove(stateDir, t.name(), true);
                try {
                    neighbours.release(holder(t.name())).forEach(progress::say);
                } catch (RuntimeException again) { // said, not thrown: the failure to report is the one that stopped up
                    progress.say("could not give the machine's neighbour thresholds back: " + again.getMessage());
                    e.addSuppressed(again);
                }
            } else {
                state.withDone(kept).withPending(List.of()).save(stateDir);
            }
            throw e;
        }
        keepMounts(t.name(), namespaces);
        state.withDone(desired).withPending(List.of()).withObserved(observed).save(stateDir);
        return new Result(plan, output);
    }

    /** The mounts that register the lab's namespaces now, for down ({@link MountsFile}); none kept is no harm. */
    private void keepMounts(String lab, List<String> namespaces) {
        Map<String, Long> ids = new HashMap<>();
        for (String ns : namespaces) ids.put(ns, registry.mountId(ns));
        try {
            MountsFile.write(stateDir, lab, ids);
        } catch (IOException e) {
            // down reads the namespaces' marks instead
        }
    }

    /** What the kernel holds of {@code recorded}: what is gone, what does not hold as it was made, what was set down. */
    private Reconciler.Observation observe(String lab, List<NodeInfo> nodes, List<Resource> recorded) {
        if (recorded.isEmpty()) return Reconciler.Observation.NOTHING_GONE;
        try (Observer o = new Observer(registry, lab, stateDir, nodes, recorded)) {
            Map<String, String> drifted = new LinkedHashMap<>();
            Set<String> down = new HashSet<>();
            Set<String> goneNs = new java.util.TreeSet<>(o.goneNamespaces(recorded));
            o.drifts(recorded).forEach((r, d) -> {
                drifted.put(r.key(), d.why());
                if (d.down()) down.add(r.key());
                // a host whose init ended took the node's programs along: the node is made again, from its namespace on
                if (r instanceof Resource.Namespace n && n.host() != null && registry.exists(n.name())) goneNs.add(n.name());
            });
            return new Reconciler.Observation(goneNs, o.goneOvsBridges(recorded), drifted, down);
        }
    }

    /**
     * A lab's objects found in the kernel when its state is lost: every object the file asks for that holds and carries
     * the lab's mark, and whatever else carries the mark (a node the file no longer has), to be removed.
     */
    private List<Resource> adopt(Topology t, List<Resource> desired) {
        Optional<LabState> marked = StateFromMarks.rebuild(registry, t.name());
        if (marked.isEmpty()) return List.of();
        List<Resource> out = new ArrayList<>();
        try (Observer o = new Observer(registry, t.name(), stateDir, nodeInfos(t), desired)) {
            for (Resource r : desired) if (o.holds(r)) out.add(r);
        }
        Set<String> have = Reconciler.keys(out);
        Set<String> rootEnds = new HashSet<>(), ovsPorts = new HashSet<>();
        for (Resource r : desired) {
            if (r instanceof Resource.Veth v) for (End e : List.of(v.a(), v.b())) if (e.ns() == null) rootEnds.add(e.iface());
            if (r instanceof Resource.LinuxBridge b && b.ns() == null) rootEnds.add(b.name());
            if (r instanceof Resource.OvsPort p) ovsPorts.add(p.bridge() + "/" + p.port());
        }
        for (Resource r : marked.get().done()) {
            boolean wanted = have.contains(r.key()) || (r instanceof Resource.Device d && d.ns() == null && rootEnds.contains(d.iface()))
                    || (r instanceof Resource.OvsPort p && ovsPorts.contains(p.bridge() + "/" + p.port()))
                    || Reconciler.keys(desired).contains(r.key());
            if (!wanted) out.add(r);
        }
        return out;
    }

    // ---- faults at run time -------------------------------------------------------------------------------

    /** What a change of faults did: the objects made and removed. */
    public record FaultChange(List<Resource> added, List<Resource> removed, Faults faults) { }

    private static boolean isFault(Resource r) {
        return r instanceof Resource.Impair || r instanceof Resource.Partition || r instanceof Resource.Cut;
    }

    /** The lab's nodes and cables, as the fault planner reads them. */
    public FaultPlanner.Wiring wiring(LabState st) {
        return FaultPlanner.Wiring.of(st.nodes(), st.done().stream().filter(r -> !isFault(r)).toList(), st.observed());
    }

    /**
     * The impairment in effect on each impaired end ("NODE:IFACE"), with how it is made, as the state records them.
     */
    public Map<String, Resource.Impair> impairments(LabState st) { return impairments(st, wiring(st)); }

    /** The same, with the lab's wiring already read ({@link #wiring}). */
    public static Map<String, Resource.Impair> impairments(LabState st, FaultPlanner.Wiring w) {
        Map<String, Resource.Impair> out = new java.util.TreeMap<>();
        for (Resource r : st.done()) if (r instanceof Resource.Impair i) out.put(w.endpoint(new End(i.ns(), i.dev(), null)), i);
        return out;
    }

    /**
     * Makes the kernel go from fault objects {@code from} to {@code to} for a lab without a state file (a Java
     * program's created lab); {@code labObjects} are what a mended cable gets back. Returns what is in effect.
     */
    public static List<Resource> applyFaults(Namespaces registry, String lab, List<Resource> from, List<Resource> to, List<Resource> labObjects) {
        Reconciler.Plan plan = Reconciler.plan(lab, to, from, Reconciler.Observation.NOTHING_GONE);
        try (Applier s = new Applier(registry, Progress.SILENT, lab, null)) {
            s.labObjects = concat(labObjects, to);
            s.remove(plan.remove(), true);
            s.create(plan.add());
        }
        return List.copyOf(to);
    }

    /** Cuts the cable that ends at {@code end} ("NODE:IFACE"): both its ends go down. */
    public FaultChange cut(String lab, String end) {
        String other = wiring(state(lab)).otherEnd(lab, end);
        return changeFaults(lab, f -> f.withCut(end, other));
    }

    /** Mends the cut cable that ends at {@code end}; refused when it is not cut. */
    public FaultChange mend(String lab, String end) {
        String other = wiring(state(lab)).otherEnd(lab, end);
        return changeFaults(lab, f -> {
            if (!f.isCut(end, other)) throw new LabException("the cable " + end + " - " + other + " of lab " + lab + " is not cut");
            return f.withoutCut(end, other);
        });
    }

    /**
     * Impairs {@code end} ("NODE:IFACE") at run time; {@link Impairment#NONE} gives the end back what its file
     * declares (nothing, or the file's impairment). A null {@code end} ends every run-time impairment.
     */
    public FaultChange impair(String lab, String end, Impairment imp) {
        if (end == null) return changeFaults(lab, f -> f.withImpairments(Map.of()));
        return changeFaults(lab, f -> {
            Map<String, Impairment> m = new java.util.TreeMap<>(f.impairments());
            if (imp.isNone()) m.remove(end);
            else m.put(end, imp);
            return f.withImpairments(m);
        });
    }

    /** Splits the lab's nodes into {@code groups} (the nodes not named form one more); an empty list heals. */
    public FaultChange partition(String lab, List<Set<String>> groups) {
        return changeFaults(lab, f -> f.withPartition(groups));
    }

    /** The cut cables, each as "NODE:IFACE - NODE:IFACE". */
    public List<String> cuts(LabState st) { return cuts(st, wiring(st)); }

    /** The same, with the lab's wiring already read ({@link #wiring}). */
    public static List<String> cuts(LabState st, FaultPlanner.Wiring w) {
        List<String> out = new ArrayList<>();
        for (Resource r : st.done()) if (r instanceof Resource.Cut c) out.add(w.endpoint(c.a()) + " - " + w.endpoint(c.b()));
        return out;
    }

    /** The faults in effect, as verification predicts with them. */
    public FaultView faultView(LabState st) {
        FaultPlanner.Wiring w = wiring(st);
        Map<String, Double> loss = new java.util.TreeMap<>();
        impairments(st, w).forEach((end, i) -> { if (i.impairment().loss() != null) loss.put(end, i.impairment().loss()); });
        List<Set<String>> cuts = new ArrayList<>();
        for (Resource r : st.done()) {
            if (r instanceof Resource.Cut c) cuts.add(new java.util.LinkedHashSet<>(List.of(w.endpoint(c.a()), w.endpoint(c.b()))));
        }
        return new FaultView(loss, cuts, FaultPlanner.groups(st.lab(), w, st.faults().partition()));
    }

    /**
     * Changes what is done to a lab at run time (impairments, cut cables, partition) to what {@code change} makes of
     * the current faults, and makes the kernel follow: only the objects whose key changed are undone and redone.
     * Checked first (endpoints, groups, kernel features): a refused change changes nothing.
     */
    public FaultChange changeFaults(String lab, java.util.function.UnaryOperator<Faults> change) {
        try (LabState.Lock ignored = lock(lab)) {
            LabState st = state(lab);
            if (!st.pending().isEmpty()) throw new LabException("lab " + lab + " was interrupted while being changed: bring it up again from " + st.file() + " first");
            Faults next = change.apply(st.faults());
            FaultPlanner.Wiring w = wiring(st);
            List<Resource> base = st.done().stream().filter(r -> !isFault(r)).toList();
            Map<String, Impairment> fromFile = fileImpairments(lab, st, w);
            List<Resource> desired = concat(base, FaultPlanner.resources(lab, w, fromFile, next, machine::netem));
            Reconciler.Plan plan = Reconciler.plan(lab, desired, st.done(), Reconciler.Observation.NOTHING_GONE);
            st.withPending(plan.add()).save(stateDir);
            try (Applier s = new Applier(registry, progress, lab, stateDir)) {
                s.labObjects = desired;
                s.keptTables = keptTablesByNamespace(st);
                s.remove(plan.remove(), true);
                try {
                    s.create(plan.add());
                } catch (RuntimeException e) {
                    progress.say("the change failed: " + e.getMessage() + "; putting back what was there");
                    s.remove(reverse(s.created), true);
                    s.created.clear();
                    s.create(plan.remove().stream().filter(r -> !Reconciler.keys(s.created).contains(r.key())).toList());
                    st.withPending(List.of()).save(stateDir);
                    throw e;
                }
            }
            st.withDone(desired).withPending(List.of()).withFaults(next).save(stateDir);
            return new FaultChange(plan.add(), plan.remove(), next);
        }
    }

    /**
     * The impairments lab {@code lab}'s file declares, read from the text it was brought up from; for a lab without
     * one, those in effect on ends that no run-time change overrides.
     */
    private Map<String, Impairment> fileImpairments(String lab, LabState st, FaultPlanner.Wiring w) {
        Map<String, Impairment> out = new java.util.TreeMap<>();
        if (Files.exists(LabState.savedFile(stateDir, lab))) {
            for (Topology.LinkDef l : topology(lab).links()) l.impairments().forEach((e, i) -> out.put(e.toString(), i));
            return out;
        }
        impairments(st, w).forEach((end, i) -> { if (!st.faults().impairments().containsKey(end)) out.put(end, i.impairment()); });
        return out;
    }

    // ---- down ----------------------------------------------------------------------------------------------

    /**
     * What {@code down} did: the objects it removed; {@code found} false when there was no such lab (nothing done:
     * taking down a lab twice is not a mistake); {@code note} says when the state was rebuilt from the marks.
     */
    public record Down(List<Resource> removed, boolean found, String note) { }

    /**
     * Removes everything the lab owns and that still carries its mark: what its state says, or, when the state file
     * is missing or unreadable, whatever carries the lab's mark ({@link StateFromMarks}).
     */
    public Down down(String lab) {
        Loaded first = load(lab);
        // asked before taking the lock, so that "down" of a lab that is not there leaves no lock file behind either
        if (first.state() == null && first.note() == null) return new Down(List.of(), false, null);
        try (LabState.Lock ignored = lock(lab)) {
            Loaded l = load(lab);
            if (l.state() == null) { // an unreadable state file, and nothing of the lab's in the kernel: only the file goes
                LabState.remove(stateDir, lab);
                return new Down(List.of(), l.note() != null, l.note() == null ? null : l.note() + ": its state file is removed");
            }
            LabState st = l.state();
            if (l.note() != null) progress.say(l.note());
            List<Resource> all = new ArrayList<>(st.done());
            all.addAll(minus(st.pending(), Reconciler.keys(st.done())));
            endProcesses(lab, all);
            List<Resource> removed;
            try (Applier s = new Applier(registry, progress, lab, stateDir)) {
                s.mountsMade(MountsFile.read(stateDir, lab));
                removed = s.remove(all, true);
            }
            HostsFile.remove(stateDir, lab, st.nodes().stream().map(NodeInfo::ns).filter(java.util.Objects::nonNull).toList());
            HostApplier.removeAll(stateDir, lab);
            LabState.remove(stateDir, lab);
            neighbours.release(holder(lab)).forEach(progress::say);
            return new Down(removed, true, l.note());
        }
    }

    /** A lab's state as it can be had: its file's, or rebuilt from the marks (and {@code note} says so), or none. */
    private record Loaded(LabState state, String note) { }

    private Loaded load(String lab) {
        String why;
        try {
            LabState st = LabState.load(stateDir, lab);
            if (st != null) return new Loaded(st, null);
            why = "lab " + lab + " has no state file in " + stateDir;
        } catch (LabException e) {
            why = e.getMessage();
        }
        Optional<LabState> rebuilt = StateFromMarks.rebuild(registry, lab);
        if (rebuilt.isEmpty()) return new Loaded(null, Files.exists(LabState.path(stateDir, lab)) ? why + "; nothing carries its mark" : null);
        return new Loaded(rebuilt.get(), why + ": its state was rebuilt from what carries its mark (" + StateFromMarks.summary(rebuilt.get()) + ")");
    }

    /** How long the processes of a lab going down get between SIGTERM and SIGKILL. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    /**
     * Ends every process that lives in one of the lab's namespaces (whoever started it: exec lines, nslab exec,
     * ip netns exec), SIGTERM first, SIGKILL after a grace period, and says which: a process left there would keep
     * the namespace alive, unnamed, after down.
     */
    private void endProcesses(String lab, List<Resource> all) {
        // the lab's containers go first, through their engine, at once: their processes are theirs to end
        HostApplier.removeContainers(stateDir, lab);
        Set<Long> inodes = new HashSet<>();
        for (Resource r : all) {
            // a container outside the lab keeps its processes: only its wiring was the lab's
            if (r instanceof Resource.Namespace n && n.outside() == null && registry.exists(n.name())) {
                long ino = Namespaces.inode(registry.path(n.name()));
                if (ino > 0) inodes.add(ino);
            }
        }
        if (inodes.isEmpty()) return;
        // again while something is found: a supervisor may start its service anew between the listing and its end
        for (int round = 0; round < 3 && endProcessesOnce(lab, inodes); round++) { }
    }

    private boolean endProcessesOnce(String lab, Set<Long> inodes) {
        List<Long> found = Processes.inNamespaces(inodes);
        if (found.isEmpty()) return false;
        List<String> names = new ArrayList<>();
        for (long p : found) names.add(p + " (" + ProcessHandle.of(p).flatMap(h -> h.info().command()).orElse("?") + ")");
        Processes.end(found, GRACE);
        progress.say("ended " + found.size() + " processes living in lab " + lab + "'s namespaces: " + String.join(", ", names));
        return true;
    }

    /**
     * Every lab: those with a state file here (readable or not), and those whose mark a namespace carries that no state
     * file accounts for (their state was lost): the marks are the last word.
     */
    public List<String> labs() {
        Set<String> out = new java.util.TreeSet<>(LabState.labs(stateDir));
        Set<String> claimed = new HashSet<>();
        for (String lab : out) {
            try {
                LabState st = LabState.load(stateDir, lab);
                if (st != null) st.nodes().forEach(n -> { if (n.ns() != null) claimed.add(n.ns()); });
            } catch (LabException e) {
                // unreadable: its namespaces are found by their mark below, and it is listed by its file anyway
            }
        }
        out.addAll(StateFromMarks.unclaimed(registry, claimed));
        return List.copyOf(out);
    }

    /** Where the output of a process started in the background in a node goes (kept until the lab goes down). */
    public Path logFile(String lab, String node) {
        return LabState.logDir(stateDir, lab).resolve(node + "-" + System.currentTimeMillis() + ".log");
    }

    /**
     * Records the program that owns a lab (see {@link Owners}): once it is gone, the lab is stale. Also beside the
     * state, as {@code .LAB.owner}, so that finding owned labs reads no state file.
     */
    public void setOwner(String lab, String owner) {
        try (LabState.Lock ignored = lock(lab)) {
            state(lab).withOwner(owner).save(stateDir);
            noteOwner(lab, owner);
        }
    }

    /** The marker beside the state that {@link #ownedLabs()} lists without reading every state file. */
    private void noteOwner(String lab, String owner) {
        try {
            OwnFiles.write(LabState.ownerMarker(LabState.directory(stateDir), lab), owner);
        } catch (java.io.IOException e) {
            throw new LabException("cannot record the owner of lab " + lab + " in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** The labs of this state directory that a program owns, with their owners ("PID:START"). */
    public Map<String, String> ownedLabs() {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isDirectory(stateDir)) return out;
        try (var ds = Files.newDirectoryStream(stateDir, ".*.owner")) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                try {
                    out.put(f.substring(1, f.length() - ".owner".length()), Files.readString(p).strip());
                } catch (java.io.IOException e) {
                    // removed meanwhile
                }
            }
        } catch (java.io.IOException e) {
            // an unreadable directory owns nothing we can see
        }
        return out;
    }

    /**
     * The environment a node's processes get ({@code nslab exec}), as the lab's file said when the lab came up (an
     * edit since changes nothing until the next up); none when it cannot be read.
     */
    public Map<String, String> env(String lab, String node) {
        try {
            Topology t = topology(lab);
            return t.node(node).map(n -> n.programs().env()).orElse(Map.of());
        } catch (LabException e) {
            return Map.of();
        }
    }

    /** The namespace a node of a lab lives in (its own, or the one it shares); refused for a node without one. */
    public String namespaceOf(String lab, String node) {
        LabState st = state(lab);
        NodeInfo n = st.nodes().stream().filter(x -> x.name().equals(node)).findFirst()
                .orElseThrow(() -> new LabException("lab " + lab + " has no node " + node + " (nodes: "
                        + String.join(", ", st.nodes().stream().map(NodeInfo::name).toList()) + ")"));
        if (n.ns() == null) throw new LabException("node " + node + " has no namespace of its own to run programs in (an Open vSwitch bridge, or the machine itself)");
        return n.ns();
    }

    /** How programs run in the nodes of {@code lab}: inside their hosts, or their namespaces. */
    public NodeProcesses processes(String lab) { return new NodeProcesses(registry, stateDir, lab); }

    /** Runs {@code command} in a node with its environment, and waits: its output and status. */
    public dev.nslab.net.NetnsExec.Output capture(String lab, String node, List<String> command, java.util.function.Consumer<String> warnings) {
        return processes(lab).capture(namespaceOf(lab, node), command, env(lab, node), warnings);
    }

    /** Starts {@code command} in a node in the background, output to {@code log}; its process id. */
    public long spawn(String lab, String node, List<String> command, Path log, java.util.function.Consumer<String> warnings) {
        return processes(lab).spawn(namespaceOf(lab, node), command, log, env(lab, node), warnings);
    }

    /** Replaces this process with {@code command} in a node; returns only by throwing. */
    public dev.nslab.error.KernelException exec(String lab, String node, List<String> command, java.util.function.Consumer<String> warnings) {
        return processes(lab).exec(namespaceOf(lab, node), command, env(lab, node), warnings);
    }

    /** Starts {@code command} in a node (a Java program's), and returns the running process. */
    public Process start(String lab, String node, ProcessBuilder command, java.util.function.Consumer<String> warnings) {
        return processes(lab).start(namespaceOf(lab, node), command, warnings);
    }

    /** A lab's state from its file: what the commands that need the lab's file and objects work from. */
    public LabState state(String lab) {
        LabState st = LabState.load(stateDir, lab);
        if (st == null) {
            if (StateFromMarks.rebuild(registry, lab).isPresent()) {
                throw new LabException("lab " + lab + " has lost its state file, but its objects carry its mark: bring it up again from its file "
                        + "(its objects are adopted) or take it down (they are found by their mark)");
            }
            throw new LabException("no lab named " + lab + " in " + stateDir);
        }
        return st;
    }

    /** What a namespace holds now: interface names, and addresses as "DEV CIDR" (global scope only). */
    private record Observed(Set<String> links, Set<String> addresses) { }

    private Observed observe(String ns) {
        try (NetHandle h = NetHandle.open(registry, ns == null ? NsRef.current() : NsRef.named(ns))) {
            Map<Integer, String> names = h.linkNames();
            Set<String> addrs = new java.util.TreeSet<>();
            for (dev.nslab.net.IfAddress a : h.addresses(null)) {
                if (a.isGlobal() && names.containsKey(a.index())) addrs.add(names.get(a.index()) + " " + a.cidr());
            }
            return new Observed(new HashSet<>(names.values()), addrs);
        }
    }

    /**
     * A lab's health: every node there, every interface of its links there, every address of the file there, and
     * every address that its exec lines had set once up finished still there.
     */
    public Status status(String lab) {
        Loaded l = load(lab);
        if (l.state() == null) {
            if (l.note() != null) throw new LabException(l.note());
            throw new LabException("no lab named " + lab + " in " + stateDir);
        }
        LabState st = l.state();
        Map<String, Boolean> present = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        try (Observer o = new Observer(registry, lab, stateDir, st.nodes(), st.done())) {
            Set<String> goneNs = o.goneNamespaces(st.done()), goneOvs = o.goneOvsBridges(st.done());
            for (NodeInfo n : st.nodes()) {
                boolean there = true;
                if (n.ns() != null && goneNs.contains(n.ns())) {
                    there = false;
                    missing.add("namespace " + n.ns() + " of node " + n.name() + " is gone");
                } else if (n.kind().equals("ovs-bridge") && goneOvs.contains(n.name())) {
                    there = false;
                    missing.add("Open vSwitch bridge " + n.name() + " is gone");
                } else if (n.ns() == null && n.kind().equals("bridge") && !o.rootHas(n.name())) { // one that existed before the lab
                    there = false;
                    missing.add("bridge " + n.name() + " of the root namespace is gone");
                }
                present.put(n.name(), there);
            }
            // healthy means the kernel holds every object as it was made
            o.drifts(st.done()).values().forEach(d -> missing.add(d.why()));
            st.observed().forEach((ns, addrs) -> {
                if (!registry.exists(ns)) return;
                Set<String> now = o.addresses(ns);
                for (String a : addrs) {
                    if (!now.contains(a)) {
                        missing.add("address " + a.substring(a.indexOf(' ') + 1) + " on " + a.substring(0, a.indexOf(' ')) + " in " + ns + " (set by an exec line)");
                    }
                }
            });
        }
        Map<Long, String> nodeOfInode = new HashMap<>();
        for (NodeInfo n : st.nodes()) {
            if (n.ns() != null && registry.exists(n.ns())) nodeOfInode.put(Namespaces.inode(registry.path(n.ns())), n.name());
        }
        Map<String, List<Processes.Info>> processes = new LinkedHashMap<>();
        Processes.byNamespace(nodeOfInode.keySet()).forEach((ino, list) -> processes.put(nodeOfInode.get(ino), list));
        List<ServiceState> services = new ArrayList<>();
        Set<Long> ofServices = new HashSet<>();
        for (Resource r : st.done()) {
            if (r instanceof Resource.Service sv) {
                ServiceApplier.State x = ServiceApplier.state(stateDir, lab, sv);
                services.add(new ServiceState(x.node(), x.service(), x.state(), x.pid(), x.restarts(), ServiceApplier.log(stateDir, lab, x.node(), x.service())));
                ofServices.addAll(x.processes());
            }
        }
        Map<String, HostInfo> hosts = new LinkedHashMap<>();
        // the containers of image nodes, their states asked of the engine at once
        Map<String, String> containerOf = new HashMap<>();
        for (NodeInfo n : st.nodes()) if (n.ns() != null) HostApplier.container(stateDir, lab, n.ns()).ifPresent(c -> containerOf.put(n.ns(), c));
        Optional<Engine> engine = Optional.empty();
        if (!containerOf.isEmpty()) {
            try { // a lab's containers are one engine's: the one noted with the first
                engine = Optional.of(HostApplier.engineOf(stateDir, lab, containerOf.keySet().iterator().next(), "the containers of lab " + lab));
            } catch (dev.nslab.error.NslabException e) {
                // the engine is no longer here: its containers are shown as gone
            }
        }
        Map<String, String> states = engine.map(e -> e.states(List.copyOf(containerOf.values()))).orElse(Map.of());
        Optional<Engine> checker = engine;
        for (NodeInfo n : st.nodes()) {
            if (n.ns() == null || !HostApplier.isHost(stateDir, lab, n.ns())) continue;
            java.util.OptionalLong init = HostApplier.init(stateDir, lab, n.ns());
            Map<String, String> ns = new LinkedHashMap<>();
            if (init.isPresent()) {
                for (String kind : List.of("net", "mnt", "uts", "pid", "user")) {
                    try {
                        ns.put(kind, Files.readSymbolicLink(Path.of("/proc", Long.toString(init.getAsLong()), "ns", kind)).toString());
                    } catch (java.io.IOException e) {
                        // gone meanwhile
                    }
                }
                ofServices.add(init.getAsLong());
            }
            String c = containerOf.get(n.ns());
            Container container = null;
            if (c != null) {
                Topology.ImageDef image = imageOf(st, n.ns());
                String state = states.getOrDefault(c, "gone");
                // the file's healthcheck: run now by podman (which runs it on a timer only where systemd runs), docker's last
                String health = image == null || image.health() == null ? null
                        : state.equals("running") && checker.isPresent() ? checker.get().checkHealth(c) : "not running";
                if (health != null && !health.equals("healthy")) missing.add("container " + c + " of node " + n.name() + " is " + health);
                container = new Container(c, image == null ? "?" : image.image(), state, health);
            }
            hosts.putIfAbsent(n.name(), new HostInfo(init.orElse(0), ns, HostApplier.layerSize(stateDir, lab, n.ns()), container));
        }
        // a container outside the lab is a node only while it runs: its namespace, kept by the lab's name, outlives it
        Map<String, String> outside = new LinkedHashMap<>();
        for (NodeInfo n : st.nodes()) if (n.ns() != null) HostApplier.outside(stateDir, lab, n.ns()).ifPresent(c -> outside.put(n.name(), c));
        if (!outside.isEmpty()) {
            Map<String, String> running = Engine.need("the containers outside lab " + lab).states(List.copyOf(outside.values()));
            outside.forEach((node, c) -> {
                String state = running.get(c);
                if (!"running".equals(state)) missing.add("container " + c + " of node " + node + " (outside the lab) " + (state == null ? "is gone" : "is " + state));
            });
        }
        // "every other process": those of the services are shown as services, a host's init as the host
        processes.replaceAll((node, list) -> list.stream().filter(p -> !ofServices.contains(p.pid())).toList());
        processes.values().removeIf(List::isEmpty);
        return new Status(st, present, st.done().size(), missing, processes, services, hosts, l.note());
    }

    private Set<String> ovsBridgeNames() {
        Set<String> out = new HashSet<>();
        new OvsDaemons().stateIfRunning().ifPresent(s -> s.bridges().forEach(b -> out.add(b.name())));
        return out;
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private LabState.Lock lock(String lab) { return LabState.lock(stateDir, lab); }

    private static List<Resource> minus(List<Resource> rs, Set<String> keys) {
        return rs.stream().filter(r -> !keys.contains(r.key())).toList();
    }

    /** What {@link #apply} has done on the side: lines to say about the neighbour table, namespaces not linked in /etc/netns. */
    private record Chores(List<String> neighbourLines, List<String> ownHosts) { }

    private static Chores joined(java.util.concurrent.FutureTask<Chores> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while linking the lab's names into /etc/netns and setting the neighbour thresholds", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new LabException("cannot link the lab's names into /etc/netns or set the neighbour thresholds: " + e.getCause(), e.getCause());
        }
    }

    private static void awaitQuietly(java.util.concurrent.FutureTask<Chores> task) {
        try {
            joined(task);
        } catch (RuntimeException e) {
            // the rollback undoes whatever part of it was done
        }
    }

    private static List<Resource> concat(List<Resource> a, List<Resource> b) {
        List<Resource> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<Resource> reverse(List<Resource> rs) {
        List<Resource> out = new ArrayList<>(rs);
        java.util.Collections.reverse(out);
        return out;
    }
}
