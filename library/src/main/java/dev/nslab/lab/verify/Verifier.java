package dev.nslab.lab.verify;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.FaultView;
import dev.nslab.lab.model.NodeTables;
import dev.nslab.lab.model.Progress;
import dev.nslab.lab.model.Reachability;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.ExpectDef;
import dev.nslab.lab.model.Topology.Kind;
import dev.nslab.lab.model.Topology.NodeDef;
import dev.nslab.lab.verify.Prober.Outcome;
import dev.nslab.net.Cidr;
import dev.nslab.net.Namespaces;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * A lab checked three ways: measured (real pings), predicted (from the file), expected (the file's "expect:"
 * list). What is measured is what the kernel has: every address on every node's interfaces (also those that
 * {@code exec:} lines set), plus the file's addresses (one the kernel lost is then measured as missing). One
 * {@link Pair} per ordered (source node, destination address). A pair is judged only when it was measured and the
 * file predicts it; an address the file does not know is measured and marked "not in the file"; a pair that could
 * not be measured (the kernel refused to send) fails the verification, and so does a lab with nothing to measure.
 */
public final class Verifier {
    /** What a prediction was made from. */
    public enum Basis {
        /** the lab file's addresses, routes and forwarding */
        FILE,
        /** the tables the nodes' kernels held when the lab came up (after its exec lines) */
        KERNEL_AT_UP,
        /** the tables the nodes' kernels hold now */
        KERNEL;

        public String words() {
            return switch (this) {
                case FILE -> "the file";
                case KERNEL_AT_UP -> "the kernel's tables as the lab came up";
                case KERNEL -> "the kernel's tables";
            };
        }
    }

    /**
     * @param predicted null when nothing could tell (a node with policy rules on the way)
     * @param basis     what the prediction was made from; null with {@code predicted}
     */
    public record Pair(String from, String to, InetAddress address, Outcome outcome, String detail,
                       Boolean predicted, String reason, Basis basis) {
        /** An echo reply came back. */
        public boolean measured() { return outcome == Outcome.REPLY; }

        public boolean inFile() { return basis == Basis.FILE; }

        public boolean judged() { return outcome != Outcome.UNMEASURED && predicted != null; }

        public boolean agrees() { return judged() && measured() == predicted; }

        public boolean disagrees() { return judged() && measured() != predicted; }
    }

    public record Expectation(ExpectDef expect, boolean holds, String why) { }

    /**
     * @param population     how many pairs there were to measure ({@code pairs} is a sample when it is smaller)
     * @param changes        how the nodes' kernels differ from the lab as it came up (self-configuring nodes) or from
     *                       the file (the others), "node: difference"; a cut cable's ends being down is a fault in
     *                       effect, not listed
     * @param predictSeconds of {@code seconds}, what predicting the pairs took (the file's model and the kernel's tables')
     */
    public record Report(String lab, List<String> nodes, List<Pair> pairs, List<Expectation> expectations, double seconds,
                         long population, List<String> changes, double predictSeconds) {
        public List<Pair> mismatches() { return pairs.stream().filter(Pair::disagrees).toList(); }

        public List<Pair> unmeasured() { return pairs.stream().filter(p -> p.outcome() == Outcome.UNMEASURED).toList(); }

        public List<Pair> notInFile() { return pairs.stream().filter(p -> p.outcome() != Outcome.UNMEASURED && !p.inFile()).toList(); }

        /** Measured pairs nothing could predict. */
        public List<Pair> unpredicted() { return pairs.stream().filter(p -> p.outcome() != Outcome.UNMEASURED && p.predicted() == null).toList(); }

        public boolean sampled() { return pairs.size() < population; }

        /** Something was judged, nothing disagrees, everything was measured, every expectation holds. */
        public boolean ok() {
            return (pairs.stream().anyMatch(Pair::judged) || !expectations.isEmpty()) && mismatches().isEmpty()
                    && unmeasured().isEmpty() && expectations.stream().allMatch(Expectation::holds);
        }

        /** The verdict in words, never better than what was measured. */
        public String verdict() {
            long judged = pairs.stream().filter(Pair::judged).count();
            if (ok()) {
                boolean fileOnly = pairs.stream().filter(Pair::judged).allMatch(Pair::inFile);
                return "the lab agrees with " + (fileOnly ? "its file" : "its prediction") + " (" + judged + " pairs judged"
                        + (expectations.isEmpty() ? "" : ", " + expectations.size() + " expectations hold") + ")";
            }
            if (!unmeasured().isEmpty()) return "INCOMPLETE: " + unmeasured().size() + " pairs could not be measured";
            if (judged == 0 && expectations.isEmpty()) {
                return "NOTHING JUDGED: no pair could be predicted and the file expects nothing; add \"expect:\" entries";
            }
            return "DISAGREEMENT";
        }

        /** The measured cell for (from, to): "all", "none" or "some" of to's addresses answered. */
        public String cell(String from, String to) {
            int yes = 0, n = 0;
            for (Pair p : pairs) {
                if (!p.from().equals(from) || !p.to().equals(to)) continue;
                n++;
                if (p.measured()) yes++;
            }
            return n == 0 ? "" : yes == n ? "all" : yes == 0 ? "none" : "some";
        }

        /** No pair of the cell disagrees with the prediction. */
        public boolean cellAgrees(String from, String to) {
            return pairs.stream().filter(p -> p.from().equals(from) && p.to().equals(to)).noneMatch(Pair::disagrees);
        }

        /** Some pair of the cell could not be measured. */
        public boolean cellUnmeasured(String from, String to) {
            return pairs.stream().anyMatch(p -> p.from().equals(from) && p.to().equals(to) && p.outcome() == Outcome.UNMEASURED);
        }
    }

    private Verifier() {}

    /** Every pair; see {@link #run(Topology, FaultView, Map, Namespaces, Progress, int)}. */
    public static Report run(Topology t, Namespaces registry, Progress progress) { return run(t, registry, progress, 0); }

    /**
     * {@code sample} > 0: measure that many pairs, chosen at random (the same ones for the same lab) among all, plus
     * those that the file's expectations are about.
     */
    public static Report run(Topology t, Namespaces registry, Progress progress, int sample) {
        return run(t, FaultView.NONE, registry, progress, sample);
    }

    /** The same, for a lab with faults in effect: predicted with them, and loss reported rather than judged. */
    public static Report run(Topology t, FaultView faults, Namespaces registry, Progress progress, int sample) {
        return run(t, faults, Map.of(), registry, progress, sample);
    }

    /**
     * The same, with the tables of the nodes that configure themselves (exec lines, services) as they were when the
     * lab came up ({@code asUp}; empty if not kept). A pair the file can tell is predicted by the file; one it
     * cannot (an address or route an exec line set, a routing daemon's) by the kernel's tables as the lab came up,
     * or else as they are now; a pair the tables of the time of up routed but today's do not is told with the hop
     * where it stops now, and every change since up is listed.
     */
    public static Report run(Topology t, FaultView faults, Map<String, NodeTables> asUp, Namespaces registry, Progress progress, int sample) {
        return run(t, faults, asUp, null, registry, progress, sample);
    }

    /** The same, with a way to run programs in the nodes for the checks that need one (names, commands; null: none). */
    public static Report run(Topology t, FaultView faults, Map<String, NodeTables> asUp, NodeChecks.Shell shell, Namespaces registry,
                             Progress progress, int sample) {
        long t0 = System.nanoTime();
        // the checks first: one that waits (a routing daemon converging) holds before the pairs are measured
        Map<ExpectDef, Expectation> checked = new HashMap<>();
        List<ExpectDef> checks = t.expects().stream().filter(e -> !e.isReach()).toList();
        if (!checks.isEmpty()) progress.phase("checking " + checks.size() + " expectations", checks.size());
        for (ExpectDef e : checks) {
            checked.put(e, NodeChecks.judge(e, t.namespace(t.node(e.from()).orElseThrow()), registry, shell));
            progress.advance();
        }
        Reachability model = new Reachability(t, faults);
        Map<String, List<InetAddress>> fromFile = Reachability.targets(t);
        // then the reach expectations that wait (routes a daemon learns), before the tables are read for prediction
        Map<ExpectDef, String> waited = new HashMap<>();
        List<ExpectDef> waits = t.expects().stream().filter(e -> e.isReach() && e.waitMillis() > 0).toList();
        if (!waits.isEmpty()) progress.phase("waiting for " + waits.size() + " reach expectations", waits.size());
        for (ExpectDef e : waits) {
            waited.put(e, awaitReach(e, t, fromFile, registry));
            progress.advance();
        }
        // a routing daemon still converging changes the tables while the pairs are measured, and a prediction read
        // before the pings then misjudges them: measured again while the tables change, then only the pairs whose
        // prediction held through the measurement are judged
        Round round;
        for (int attempt = 1; ; attempt++) {
            round = round(t, faults, asUp, model, fromFile, registry, progress, sample);
            if (round.moved().isEmpty() || attempt == ROUNDS) break;
            progress.say("the tables of " + String.join(", ", round.moved()) + " changed while they were measured (a routing daemon "
                    + "converging?): measuring again");
        }
        List<Pair> pairs = round.pairs();
        List<Expectation> exps = new ArrayList<>();
        for (ExpectDef e : t.expects()) {
            if (!e.isReach()) {
                exps.add(checked.get(e));
                continue;
            }
            Expectation x = judge(e, pairs);
            exps.add(waited.containsKey(e) ? new Expectation(e, x.holds(), x.why() + "; " + waited.get(e)) : x);
        }
        return new Report(t.name(), round.nodes(), pairs, exps, (System.nanoTime() - t0) / 1e9, round.population(), round.changes(), round.predictSeconds());
    }

    /** Measuring rounds at most, while the nodes' tables change under the measurement. */
    private static final int ROUNDS = 3;

    /**
     * One measurement: the nodes' tables read, the pairs pinged, the tables read again. {@code moved}: the nodes whose
     * tables changed meanwhile; where some did, a pair predicted otherwise by the later tables is not judged.
     */
    private record Round(List<String> nodes, List<Pair> pairs, long population, List<String> changes, double predictSeconds, List<String> moved) { }

    private static Round round(Topology t, FaultView faults, Map<String, NodeTables> asUp, Reachability model, Map<String, List<InetAddress>> fromFile,
                               Namespaces registry, Progress progress, int sample) {
        Map<String, NodeTables> tables = new HashMap<>();
        Map<InetAddress, String> kernelOwner = new HashMap<>();
        Map<String, Set<InetAddress>> byNode = new LinkedHashMap<>();
        Map<String, String> namespaceOf = new HashMap<>(); // each measured node's namespace, looked up once
        progress.phase("reading addresses", fromFile.size());
        for (NodeDef n : t.nodes()) {
            // the machine itself is not measured, and a node in another's namespace is measured as that node
            if (n.kind() != Kind.LINUX || n.isHost() || n.sharesWith() != null) continue;
            namespaceOf.put(n.name(), t.namespace(n));
            Set<InetAddress> addrs = new LinkedHashSet<>(fromFile.get(n.name()));
            String ns = namespaceOf.get(n.name());
            if (!registry.exists(ns)) {
                throw new LabException("namespace " + ns + " of node " + n.name() + " is missing: bringing the lab up again from " + t.file() + " makes it again");
            }
            KernelTables.Reading reading = KernelTables.readWithTargets(registry, ns);
            tables.put(n.name(), reading.tables());
            for (InetAddress a : reading.targets()) {
                addrs.add(a);
                kernelOwner.putIfAbsent(a, n.name());
            }
            byNode.put(n.name(), addrs);
            progress.advance();
        }
        Reachability now = new Reachability(t, faults, tables);
        Reachability atUp = asUp.isEmpty() ? null : new Reachability(t, faults, asUp);
        List<String> changes = new ArrayList<>();
        for (String node : new java.util.TreeSet<>(tables.keySet())) {
            Set<String> cut = new java.util.HashSet<>();
            faults.cuts().forEach(c -> c.forEach(end -> { if (end.startsWith(node + ":")) cut.add(end.substring(node.length() + 1) + " is down"); }));
            if (asUp.containsKey(node)) {
                for (String c : tables.get(node).changesSince(asUp.get(node))) if (!cut.contains(c)) changes.add(node + ": " + c);
            } else {
                NodeDef n = t.node(node).orElseThrow();
                if (n.exec().isEmpty() && n.programs().services().isEmpty()) {
                    for (String c : unlikeTheFile(n, t.addresses(n), tables.get(node))) if (!cut.contains(c)) changes.add(node + ": " + c);
                }
            }
        }
        Set<InetAddress> inFile = new java.util.HashSet<>();
        fromFile.values().forEach(inFile::addAll);
        List<String> nodes = new ArrayList<>(byNode.keySet());
        // what each source pings: every address of every other node, and the addresses named by "expect"
        Map<String, List<InetAddress>> extra = new LinkedHashMap<>();
        for (ExpectDef e : t.expects()) {
            if (!e.isReach() || byNode.containsKey(e.to())) continue;
            InetAddress a = Cidr.parseAddress(e.to());
            List<InetAddress> list = extra.computeIfAbsent(e.from(), k -> new ArrayList<>());
            if (!list.contains(a)) list.add(a);
        }
        long addresses = byNode.values().stream().mapToLong(Set::size).sum();
        long population = 0;
        for (String from : nodes) population += addresses - byNode.get(from).size() + extra.getOrDefault(from, List.of()).size();
        if (population == 0 && t.expects().stream().allMatch(ExpectDef::isReach)) {
            throw new LabException("nothing to measure in lab " + t.name() + ": no node has an address, neither in the file nor in the "
                    + "kernel; give interfaces addresses in the file (or with exec lines), then verify again");
        }
        Map<String, List<InetAddress>> probes = sample > 0 && sample < population ? sample(t, nodes, byNode, extra, sample) : every(nodes, byNode, extra);
        int total = probes.values().stream().mapToInt(List::size).sum();
        progress.phase("pinging " + total + " pairs", 1);
        Map<String, List<InetAddress>> byNamespace = new LinkedHashMap<>();
        probes.forEach((from, list) -> byNamespace.put(namespaceOf.get(from), list));
        Map<String, Map<InetAddress, Prober.Result>> measured = new Prober(registry, 1000, 1500).measure(byNamespace);
        progress.advance();
        // the tables again, after the pings, of the nodes whose own programs may change them: what changed meanwhile
        Map<String, NodeTables> after = new HashMap<>(tables);
        namespaceOf.forEach((node, ns) -> {
            if (t.node(node).orElseThrow().configuresItself()) after.put(node, KernelTables.read(registry, ns));
        });
        List<String> moved = new ArrayList<>();
        for (String node : new java.util.TreeSet<>(tables.keySet())) {
            if (after.get(node).equals(tables.get(node))) continue;
            moved.add(node);
            List<String> how = after.get(node).changesSince(tables.get(node));
            if (!how.isEmpty()) changes.add(node + ": while it was measured, " + String.join(", ", how));
        }
        // the later tables predict only where they moved: a settled round (nearly every one) builds nothing more
        Reachability later = moved.isEmpty() ? null : new Reachability(t, faults, after);
        List<Pair> pairs = new ArrayList<>();
        long p0 = System.nanoTime();
        for (String from : nodes) {
            for (Map.Entry<InetAddress, Prober.Result> e : measured.getOrDefault(namespaceOf.get(from), Map.of()).entrySet()) {
                InetAddress a = e.getKey();
                String to = Optional.ofNullable(kernelOwner.get(a)).or(() -> model.owner(a)).orElse(Cidr.format(a));
                Prober.Result m = e.getValue();
                Reachability.Verdict v = null;
                Basis basis = null;
                if (inFile.contains(a) || !kernelOwner.containsKey(a)) {
                    v = model.predict(from, a);
                    basis = Basis.FILE;
                }
                if (v == null || !v.known()) { // the file cannot tell: the kernel's tables, as the lab came up or now
                    Reachability.Verdict current = now.predict(from, a);
                    Reachability.Verdict then = atUp == null ? null : atUp.predict(from, a);
                    // the tables of up are the reference where they routed it (a break since is named by today's), or where
                    // both they and today's say it stops; anything today's tables route, or cannot tell, is theirs to tell
                    if (then != null && then.known() && (then.reach() || (current.known() && !current.reach()))) {
                        v = then.reach() && !current.reach() ? new Reachability.Verdict(true, "routed then; today: " + current.reason(), then.lossy()) : then;
                        basis = Basis.KERNEL_AT_UP;
                    } else {
                        // a route learned since up (a routing daemon converged) is the kernel's to tell
                        v = current;
                        basis = Basis.KERNEL;
                    }
                    Reachability.Verdict afterwards = later == null ? null : later.predict(from, a);
                    if (afterwards != null && (afterwards.known() != current.known() || afterwards.reach() != current.reach())) {
                        pairs.add(new Pair(from, to, a, m.outcome(), m.detail(), null, "the kernel's tables changed while it was measured ("
                                + current.reason() + "; then " + afterwards.reason() + "): verify again once the routes settle", null));
                        continue;
                    }
                } else if (m.outcome() != Outcome.REPLY && v.reach()) {
                    // the file says it should reach: where does it stop in the kernel's tables?
                    Reachability.Verdict current = now.predict(from, a);
                    if (!current.reach()) v = new Reachability.Verdict(true, v.reason() + "; in the kernel's tables it stops: " + current.reason(), v.lossy());
                }
                if (!v.known()) { // nothing can tell (policy rules on the way): measured, not judged
                    pairs.add(new Pair(from, to, a, m.outcome(), m.detail(), null, v.reason(), null));
                    continue;
                }
                if (!v.lossy().isEmpty()) {
                    String lossy = "the path loses packets on purpose (" + String.join(", ", v.lossy()) + ")";
                    if (m.outcome() == Outcome.REPLY) {
                        pairs.add(new Pair(from, to, a, m.outcome(), m.detail(), true, v.reason() + "; " + lossy, basis));
                    } else {
                        // a lost probe on a lossy path says nothing about the network: reported, not judged
                        pairs.add(new Pair(from, to, a, Outcome.UNMEASURED, "no reply, and " + lossy + ": loss is reported, not judged",
                                true, v.reason() + "; " + lossy, basis));
                    }
                    continue;
                }
                pairs.add(new Pair(from, to, a, m.outcome(), m.detail(), v.reach(), v.reason(), basis));
            }
        }
        double predictSeconds = (System.nanoTime() - p0) / 1e9;
        return new Round(nodes, pairs, population, changes, predictSeconds, moved);
    }

    /** What a node configured by the file alone lacks of what the file declares, as its kernel holds it now. */
    static List<String> unlikeTheFile(NodeDef n, Map<String, List<Cidr>> addresses, NodeTables k) {
        List<String> out = new ArrayList<>();
        addresses.forEach((dev, cs) -> {
            if (dev.equals("lo")) return;
            for (Cidr c : cs) {
                if (!k.addresses().getOrDefault(dev, List.of()).contains(c)) out.add("lacks the address " + c + " on " + dev + " that the file declares");
            }
        });
        for (Topology.RouteDef r : n.routes()) {
            Cidr dst = r.dst() != null ? r.dst().network() : Cidr.parse(r.family() == dev.nslab.net.Family.INET6 ? "::/0" : "0.0.0.0/0");
            boolean there = k.routes().stream().anyMatch(x -> x.dst().equals(dst) && (r.via() == null || r.via().equals(x.via()))
                    && (r.dev() == null || r.dev().equals(x.dev())));
            if (!there) out.add("lacks the route " + r.dstText() + (r.via() == null ? "" : " via " + Cidr.format(r.via())) + " that the file declares");
        }
        if (n.forwarding() && !k.forwards4()) out.add("forwarding (IPv4) is off, the file says on");
        for (Map.Entry<String, String> d : k.dead().entrySet()) {
            if (addresses.containsKey(d.getKey())) out.add(d.getKey() + " is " + d.getValue());
        }
        return out;
    }

    private static Map<String, List<InetAddress>> every(List<String> nodes, Map<String, Set<InetAddress>> byNode,
                                                       Map<String, List<InetAddress>> extra) {
        Map<String, List<InetAddress>> out = new LinkedHashMap<>();
        for (String from : nodes) {
            List<InetAddress> list = new ArrayList<>();
            byNode.forEach((to, addrs) -> { if (!to.equals(from)) list.addAll(addrs); });
            for (InetAddress a : extra.getOrDefault(from, List.of())) if (!list.contains(a)) list.add(a);
            out.put(from, list);
        }
        return out;
    }

    /**
     * Pings what reach expectation {@code e} is about, again until it holds (every address answers, or none does) or
     * its wait is up ({@link NodeChecks#retry}); the pairs are measured afterwards as always, and judge it. Returns
     * how the waiting ended ("held after 4.5 s, 4 tries").
     */
    private static String awaitReach(ExpectDef e, Topology t, Map<String, List<InetAddress>> fromFile, Namespaces registry) {
        String ns = t.namespace(t.node(e.from()).orElseThrow());
        Optional<NodeDef> to = t.node(e.to());
        return NodeChecks.retry(e.waitMillis(), () -> {
            Set<InetAddress> targets = new LinkedHashSet<>();
            if (to.isEmpty()) {
                targets.add(Cidr.parseAddress(e.to()));
            } else {
                targets.addAll(fromFile.getOrDefault(e.to(), List.of()));
                String toNs = t.namespace(to.get());
                if (registry.exists(toNs)) targets.addAll(KernelTables.readWithTargets(registry, toNs).targets()); // an exec line's, a daemon's
            }
            if (targets.isEmpty() || !registry.exists(ns)) return false;
            Map<InetAddress, Prober.Result> got = new Prober(registry, 1000, 1500).measure(Map.of(ns, List.copyOf(targets))).getOrDefault(ns, Map.of());
            long answered = targets.stream().filter(a -> got.containsKey(a) && got.get(a).outcome() == Outcome.REPLY).count();
            return e.reach() ? answered == targets.size() : answered == 0;
        }, held -> held).after();
    }

    /** An expectation against the measurement; {@code to: NODE} means every address the node really has. */
    private static Expectation judge(ExpectDef e, List<Pair> pairs) {
        List<Pair> about = pairs.stream().filter(p -> p.from().equals(e.from())
                && (p.to().equals(e.to()) || Cidr.format(p.address()).equals(e.to()))).toList();
        if (about.isEmpty()) return new Expectation(e, !e.reach(), e.to() + " has no address to ping");
        Optional<Pair> unmeasured = about.stream().filter(p -> p.outcome() == Outcome.UNMEASURED).findFirst();
        if (unmeasured.isPresent()) {
            return new Expectation(e, false, Cidr.format(unmeasured.get().address()) + " could not be measured (" + unmeasured.get().detail() + ")");
        }
        Optional<Pair> against = about.stream().filter(p -> p.measured() != e.reach()).findFirst();
        if (against.isEmpty()) return new Expectation(e, true, e.reach() ? "every address answered" : "no address answered");
        Pair p = against.get();
        String why = e.reach()
                ? Cidr.format(p.address()) + " did not answer (" + p.detail() + ")" + (p.inFile() ? "; predicted: " + p.reason() : "")
                : Cidr.format(p.address()) + " answered (" + p.detail() + ")";
        return new Expectation(e, false, why);
    }

    /**
     * {@code n} pairs at random, the same for the same lab, plus every pair an expectation is about; drawn one by one,
     * so that a lab of thousands of nodes never lists its millions of pairs.
     */
    private static Map<String, List<InetAddress>> sample(Topology t, List<String> nodes, Map<String, Set<InetAddress>> byNode,
                                                        Map<String, List<InetAddress>> extra, int n) {
        record P(String from, InetAddress to) { }
        Random random = new Random(t.name().hashCode());
        List<String> holders = nodes.stream().filter(x -> !byNode.get(x).isEmpty()).toList();
        Map<String, List<InetAddress>> addrs = new HashMap<>();
        byNode.forEach((k, v) -> addrs.put(k, new ArrayList<>(v)));
        Set<P> chosen = new LinkedHashSet<>();
        for (int tries = 0; chosen.size() < n && tries < 20L * n; tries++) {
            String from = nodes.get(random.nextInt(nodes.size()));
            String to = holders.get(random.nextInt(holders.size()));
            if (to.equals(from)) continue;
            List<InetAddress> as = addrs.get(to);
            chosen.add(new P(from, as.get(random.nextInt(as.size()))));
        }
        for (ExpectDef e : t.expects()) {
            if (!e.isReach()) continue;
            Set<InetAddress> targets = byNode.containsKey(e.to()) ? byNode.get(e.to()) : Set.of(Cidr.parseAddress(e.to()));
            for (InetAddress a : targets) chosen.add(new P(e.from(), a));
        }
        Map<String, List<InetAddress>> out = new LinkedHashMap<>();
        for (P p : chosen) out.computeIfAbsent(p.from(), k -> new ArrayList<>()).add(p.to());
        return out;
    }
}
