package dev.nslab;

import dev.nslab.error.LabException;
import dev.nslab.error.NslabException;
import dev.nslab.lab.Labs;
import dev.nslab.lab.Owners;
import dev.nslab.lab.apply.NamespaceApplier;
import dev.nslab.lab.apply.VethApplier;
import dev.nslab.lab.file.TopologyParser;
import dev.nslab.lab.model.FaultView;
import dev.nslab.lab.model.Faults;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.model.Names;
import dev.nslab.lab.model.NodeInfo;
import dev.nslab.lab.model.Progress;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.FaultPlanner;
import dev.nslab.lab.plan.Planner;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.Marks;
import dev.nslab.lab.verify.VerifyText;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network lab inside this JVM: nodes (network namespaces), the cables between them (veth pairs), their addresses
 * and routes, and code running inside each node. Closing it removes everything it made: threads, processes,
 * namespaces, interfaces.
 *
 * <pre>{@code
 * try (NetLab lab = NetLab.create()) {
 *     Node a = lab.node("a"), b = lab.node("b");
 *     lab.link(a, "eth0", b, "eth0");
 *     a.address("eth0", "10.9.0.1/24");
 *     b.address("eth0", "10.9.0.2/24");
 *     assertTrue(a.ping("10.9.0.2").reachable());
 * }
 * }</pre>
 *
 * A created lab's name carries its owner (this process) and its objects carry the lab's mark: if the JVM is killed,
 * the next {@link #create()} or {@code nslab down --stale} removes what it left. Not thread-safe: one lab per test.
 */
public final class NetLab implements AutoCloseable {
    private final Namespaces registry;
    private final String name;
    private final Topology file;          // null for a created lab
    private final Labs engine;            // for a lab from a file
    private final Map<String, LabNode> nodes = new LinkedHashMap<>();
    private final List<Topology.LinkDef> links = new ArrayList<>();
    private boolean closed;

    private NetLab(Namespaces registry, String name, Topology file, Labs engine) {
        this.registry = registry;
        this.name = name;
        this.file = file;
        this.engine = engine;
    }

    /**
     * An empty lab with a name of its own, owned by this process. First removes what labs of processes that are
     * gone left behind.
     *
     * @return the new lab, empty
     */
    public static NetLab create() {
        Namespaces registry = new Namespaces();
        requirePrivileges();
        reap(registry);
        return new NetLab(registry, Owners.newLabName(), null, null);
    }

    /**
     * Brings up a lab file, as {@code nslab up FILE} does (same engine, same state); {@link #close()} takes it down.
     *
     * @param labFile a lab file (containerlab's format, see docs/labs.md)
     * @return the lab, up
     */
    public static NetLab fromFile(Path labFile) { return fromFile(labFile, false); }

    /**
     * Brings up a lab file, as {@code nslab up FILE [--allow-host]} does; {@link #close()} takes it down.
     *
     * @param labFile   a lab file (containerlab's format, see docs/labs.md)
     * @param allowHost whether the file may have what it asks of the machine beyond its lab's confined nodes
     *                  (commands on the machine, writable binds, the machine's bridges and interfaces, tunnels out);
     *                  without it such a file is refused ({@link dev.nslab.error.MachineAccessException}, listing each)
     * @return the lab, up
     */
    public static NetLab fromFile(Path labFile, boolean allowHost) {
        Namespaces registry = new Namespaces();
        requirePrivileges();
        reap(registry);
        Topology t = TopologyParser.parseFile(labFile);
        Labs engine = new Labs(registry, Labs.DEFAULT_STATE_DIR, Progress.SILENT);
        String owner = Owners.token();
        // recorded with the intent, so a JVM killed halfway through leaves a lab the next reaper takes down
        if (engine.up(t, false, owner, allowHost).plan().isEmpty()) engine.setOwner(t.name(), owner); // already up: now ours
        NetLab lab = new NetLab(registry, t.name(), t, engine);
        for (Topology.NodeDef n : t.nodes()) {
            // the machine itself (kind: host, network-mode: host) is no node of the lab's to hand out
            if (n.kind() == Topology.Kind.LINUX && !n.isHost()) lab.nodes.put(n.name(), new LabNode(lab, n.name(), t.namespace(n), null));
        }
        return lab;
    }

    /**
     * The capabilities this process lacks for labs (CAP_SYS_ADMIN for namespaces, CAP_NET_ADMIN for interfaces,
     * CAP_NET_RAW for ping); empty when it has them all (as root does).
     *
     * @return the names of the missing capabilities
     */
    public static List<String> missingPrivileges() { return dev.nslab.sys.Privileges.missing(); }

    /** What programs that are gone left behind: their created labs, and the lab files they brought up. */
    private static void reap(Namespaces registry) {
        Owners.reapAll(registry, new Labs(registry, Labs.DEFAULT_STATE_DIR, Progress.SILENT));
    }

    private static void requirePrivileges() {
        List<String> missing = missingPrivileges();
        if (!missing.isEmpty()) {
            throw new LabException("a lab needs " + String.join(", ", missing) + ", which this process lacks: run it as root, or as a normal "
                    + "user in your own namespaces: nslab rootless -- mvn test (or any command that starts this program)");
        }
    }

    /**
     * Returns the lab's name: its namespaces are called NAME-NODE.
     *
     * @return the lab's name: its namespaces are called NAME-NODE
     */
    public String name() { return name; }

    Namespaces registry() { return registry; }

    /**
     * Starts a program in a node: in its host when the node of a lab file is one (its file system, host name and
     * processes), else as ip netns exec would.
     */
    Process start(LabNode n, ProcessBuilder command) {
        if (engine != null) return engine.start(name, n.name(), command, warning -> { });
        return dev.nslab.net.NetnsExec.start(registry, n.namespace(), command, warning -> { });
    }

    String mark() { return Marks.of(name); }

    /**
     * The node called {@code name}: in a created lab, made on first use (an empty namespace with its loopback up);
     * in a lab from a file, one of the file's linux nodes.
     *
     * @param nodeName the node's name: 1 to 63 letters, digits, "-", "_" or ".", beginning with a letter or digit
     * @return the node
     */
    public synchronized Node node(String nodeName) {
        open();
        LabNode n = nodes.get(nodeName);
        if (n != null) return n;
        if (file != null) {
            throw new LabException("lab " + name + " has no linux node " + nodeName + " (nodes: " + String.join(", ", nodes.keySet()) + ")");
        }
        String bad = Names.whyNotNode(nodeName);
        if (bad != null) throw new LabException(bad);
        String ns = name + "-" + nodeName;
        NetHandle handle = NamespaceApplier.makeOne(registry, ns, mark());
        n = new LabNode(this, nodeName, ns, handle);
        nodes.put(nodeName, n);
        return n;
    }

    /**
     * A cable: a veth pair from {@code ifA} in {@code a} to {@code ifB} in {@code b}, both ends up.
     *
     * @param a   a node of this lab
     * @param ifA the name of the cable's end in {@code a}
     * @param b   another node of this lab
     * @param ifB the name of the cable's end in {@code b}
     * @return the cable, to impair, cut or mend
     */
    public synchronized Cable link(Node a, String ifA, Node b, String ifB) {
        open();
        if (file != null) throw new LabException("lab " + name + " comes from a file: change the file and bring it up again");
        LabNode x = own(a), y = own(b);
        if (x == y) throw new LabException("a link joins two different nodes, not " + x.name() + " with itself");
        VethApplier.cableOne(x.handle(), ifA, y.namespace(), y.handle(), ifB, mark());
        links.add(new Topology.LinkDef(new Topology.Endpoint(x.name(), ifA), new Topology.Endpoint(y.name(), ifB), null, null, null, 0));
        return new Cable(this, x, ifA, y, ifB);
    }

    /**
     * The cable one of whose ends is {@code ifname} in {@code node} (in a lab from a file too).
     *
     * @param node   a node of this lab
     * @param ifname the interface of one end of the cable
     * @return the cable
     */
    public synchronized Cable cable(Node node, String ifname) {
        open();
        for (Topology.LinkDef l : topology().links()) {
            for (Topology.Endpoint[] e : List.of(new Topology.Endpoint[] {l.a(), l.b()}, new Topology.Endpoint[] {l.b(), l.a()})) {
                if (e[0].node().equals(node.name()) && e[0].iface().equals(ifname)) {
                    return new Cable(this, node, ifname, nodeOrSwitch(e[1].node()), e[1].iface());
                }
            }
        }
        throw new LabException("no cable of lab " + name + " ends at " + node.name() + ":" + ifname);
    }

    private Node nodeOrSwitch(String n) {
        LabNode ln = nodes.get(n);
        return ln != null ? ln : new SwitchNode(n);
    }

    /** A switch of a lab file, named as an end of a cable; it runs no code. */
    private record SwitchNode(String name) implements Node {
        public String namespace() { return null; }
        public void address(String ifname, String cidr) { throw refused(); }
        public void route(String dst, String via) { throw refused(); }
        public void forwarding(boolean on) { throw refused(); }
        public PingResult ping(String address) { throw refused(); }
        public <T> T call(java.util.concurrent.Callable<T> work) { throw refused(); }
        public Process start(String... command) { throw refused(); }
        public java.util.concurrent.ExecutorService executor() { throw refused(); }
        private LabException refused() { return new LabException(name + " is a switch: it has no addresses and runs no code"); }
    }

    // ---- faults --------------------------------------------------------------------------------------------

    private Faults faults = Faults.NONE;            // of a created lab (a file's lab keeps them in its state)
    private List<Resource> faultObjects = List.of();

    /**
     * Impairs what {@code node} sends through {@code ifname} (replacing what was there).
     *
     * @param node   a node of this lab
     * @param ifname an end of one of its cables
     * @param i      the impairments ({@link Impairments#none()} clears)
     */
    public synchronized void impair(Node node, String ifname, Impairments i) {
        Impairment model = i.toModel();
        String end = node.name() + ":" + ifname;
        changeFaults(f -> {
            Map<String, Impairment> m = new java.util.TreeMap<>(f.impairments());
            m.put(end, model);
            return f.withImpairments(m);
        });
    }

    synchronized void impairCable(Cable c, Impairments i) {
        Impairment model = i.toModel();
        changeFaults(f -> {
            Map<String, Impairment> m = new java.util.TreeMap<>(f.impairments());
            m.put(c.a().name() + ":" + c.ifA(), model);
            m.put(c.b().name() + ":" + c.ifB(), model);
            return f.withImpairments(m);
        });
    }

    /**
     * Cuts the cable that ends at {@code ifname} in {@code node}: both ends go down.
     *
     * @param node   a node of this lab
     * @param ifname an end of one of its cables
     */
    public synchronized void cut(Node node, String ifname) {
        Cable c = cable(node, ifname);
        changeFaults(f -> f.withCut(c.a().name() + ":" + c.ifA(), c.b().name() + ":" + c.ifB()));
    }

    /**
     * Mends a cut cable: both ends up again, with their addresses and routes.
     *
     * @param node   a node of this lab
     * @param ifname an end of the cable
     */
    public synchronized void mend(Node node, String ifname) {
        Cable c = cable(node, ifname);
        changeFaults(f -> f.withoutCut(c.a().name() + ":" + c.ifA(), c.b().name() + ":" + c.ifB()));
    }

    /**
     * Partitions the lab: packets between nodes of different groups are dropped inside the nodes; the nodes of no
     * group form one more group. Replaces a partition in effect.
     *
     * @param groups the groups, each a set of this lab's nodes
     */
    @SafeVarargs
    public final synchronized void partition(Set<Node>... groups) {
        List<Set<String>> named = new ArrayList<>();
        for (Set<Node> g : groups) {
            Set<String> names = new java.util.TreeSet<>();
            for (Node n : g) names.add(own(n).name());
            named.add(names);
        }
        changeFaults(f -> f.withPartition(named));
    }

    /** Ends the partition: every node reaches every other again. */
    public synchronized void heal() { changeFaults(f -> f.withPartition(List.of())); }

    private void changeFaults(java.util.function.UnaryOperator<Faults> change) {
        open();
        try {
            if (engine != null) {
                engine.changeFaults(name, change);
                return;
            }
            Faults next = change.apply(faults);
            Topology t = description();
            List<Resource> base = Planner.resources(t);
            FaultPlanner.Wiring w = FaultPlanner.Wiring.of(nodeInfos(), base, Map.of());
            List<Resource> wanted = FaultPlanner.resources(name, w, Map.of(), next, dev.nslab.net.KernelFeatures::hasNetem);
            faultObjects = Labs.applyFaults(registry, name, faultObjects, wanted, base);
            faults = next;
        } catch (LabException e) {
            throw new LabException(e.getMessage(), e);
        }
    }

    private List<NodeInfo> nodeInfos() {
        return nodes.values().stream().map(n -> new NodeInfo(n.name(), "linux", n.namespace())).toList();
    }

    private Topology topology() { return file != null ? file : description(); }

    private LabNode own(Node n) {
        if (!(n instanceof LabNode ln) || ln.lab() != this) throw new LabException("node " + n.name() + " is not of lab " + name);
        return ln;
    }

    /**
     * Checks the lab as {@code nslab verify} does: every address each node has, from every other node; and, for a lab
     * file, its {@code expect:} entries.
     *
     * @param checks expectations (a node reaching another, checks of single nodes), judged with the rest (and with the file's)
     * @return what was measured, against what the lab's description predicts and expects
     */
    public Verification verify(Expect... checks) {
        open();
        Topology t = topology();
        if (checks.length > 0) {
            List<Topology.ExpectDef> all = new ArrayList<>(t.expects());
            for (Expect e : checks) {
                for (String n : e.to == null ? List.of(e.node) : List.of(e.node, e.to)) {
                    if (!nodes.containsKey(n)) throw new LabException("lab " + name + " has no linux node " + n + " to check");
                }
                all.add(new Topology.ExpectDef(e.node, e.to, e.reach, e.check, e.waitMillis, 0));
            }
            t = new Topology(t.name(), t.prefix(), t.file(), t.nodes(), t.links(), List.copyOf(all), t.warnings(), t.devices(), t.mgmt());
        }
        dev.nslab.lab.verify.Verifier.Report r = engine != null ? engine.verify(t, 0)
                : dev.nslab.lab.verify.Verifier.run(t, createdFaultView(), Map.of(), (node, command) -> dev.nslab.net.NetnsExec.capture(registry,
                        nodes.get(node).namespace(), command, w -> { }), registry, Progress.SILENT, 0);
        List<String> lines = new ArrayList<>();
        r.mismatches().forEach(p -> lines.add(VerifyText.mismatch(p)));
        r.unmeasured().forEach(p -> lines.add(VerifyText.unmeasured(p)));
        r.expectations().stream().filter(e -> !e.holds()).forEach(e -> lines.add(VerifyText.expectation(e)));
        List<String> expectations = r.expectations().stream().map(VerifyText::expectation).toList();
        return new Verification(r.ok(), r.pairs().size(), List.copyOf(lines), r.verdict(), expectations);
    }

    private FaultView createdFaultView() {
        Map<String, Double> loss = new java.util.TreeMap<>();
        faults.impairments().forEach((end, i) -> { if (i.loss() != null) loss.put(end, i.loss()); });
        List<Set<String>> cuts = new ArrayList<>();
        for (String end : faults.cuts()) {
            Cable c = cable(nodes.get(end.substring(0, end.indexOf(':'))), end.substring(end.indexOf(':') + 1));
            cuts.add(new java.util.LinkedHashSet<>(List.of(c.a().name() + ":" + c.ifA(), c.b().name() + ":" + c.ifB())));
        }
        Topology t = description();
        return new FaultView(loss, cuts, FaultPlanner.groups(name, FaultPlanner.Wiring.of(nodeInfos(), Planner.resources(t), Map.of()), faults.partition()));
    }

    /** What a created lab is, as a lab file would say it: the model verify predicts from. */
    private Topology description() {
        List<Topology.NodeDef> defs = new ArrayList<>();
        for (LabNode n : nodes.values()) defs.add(n.definition());
        return new Topology(name, name + "-", name, List.copyOf(defs), List.copyOf(links), List.of(), List.of());
    }

    private void open() {
        if (closed) throw new LabException("lab " + name + " is closed");
    }

    /**
     * Ends every process and thread the lab started, then removes its namespaces (and with them their interfaces);
     * a lab from a file is taken down as {@code nslab down} does.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        NslabException first = null;
        for (LabNode n : nodes.values()) n.stop();
        if (engine != null) {
            try {
                engine.down(name);
            } catch (LabException e) {
                first = e;
            }
        } else {
            for (LabNode n : nodes.values()) {
                try {
                    n.handle().close();
                    registry.delete(n.namespace());
                } catch (NslabException e) {
                    if (first == null) first = e;
                }
            }
        }
        if (first != null) throw first;
    }
}
