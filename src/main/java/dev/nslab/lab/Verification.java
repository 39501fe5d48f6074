package dev.nslab.lab;

import dev.nslab.lab.Topology.ExpectDef;
import dev.nslab.net.Cidr;
import dev.nslab.net.Namespaces;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lab checked three ways: measured (real pings), predicted (from the file), expected (the file's "expect:"
 * list). One {@link Pair} per ordered (source node, destination address); a pair disagrees when measurement and
 * prediction differ; an expectation fails when the measurement contradicts it.
 */
public final class Verification {
    public record Pair(String from, String to, InetAddress address, boolean measured, String detail,
                       boolean predicted, String reason) {
        public boolean agrees() { return measured == predicted; }
    }

    public record Expectation(ExpectDef expect, boolean holds, String why) { }

    public record Report(String lab, List<String> nodes, List<Pair> pairs, List<Expectation> expectations, double seconds) {
        public List<Pair> mismatches() { return pairs.stream().filter(p -> !p.agrees()).toList(); }

        public boolean ok() { return mismatches().isEmpty() && expectations.stream().allMatch(Expectation::holds); }

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

        public boolean cellAgrees(String from, String to) {
            return pairs.stream().filter(p -> p.from().equals(from) && p.to().equals(to)).allMatch(Pair::agrees);
        }
    }

    private Verification() {}

    public static Report run(Topology t, Namespaces registry, Progress progress) {
        long t0 = System.nanoTime();
        Reachability model = new Reachability(t);
        Map<String, List<InetAddress>> byNode = Reachability.targets(t);
        List<String> nodes = new ArrayList<>(byNode.keySet());
        // what each source pings: every address of every other node, and the addresses named by "expect"
        Map<String, List<InetAddress>> probes = new LinkedHashMap<>();
        for (String from : nodes) {
            List<InetAddress> list = new ArrayList<>();
            byNode.forEach((to, addrs) -> { if (!to.equals(from)) list.addAll(addrs); });
            probes.put(t.namespace(from), list);
        }
        for (ExpectDef e : t.expects()) {
            if (byNode.containsKey(e.to())) continue;
            InetAddress a = Cidr.parseAddress(e.to());
            List<InetAddress> list = probes.get(t.namespace(e.from()));
            if (!list.contains(a)) list.add(a);
        }
        int total = probes.values().stream().mapToInt(List::size).sum();
        progress.phase("pinging " + total + " pairs", 1);
        Map<String, Map<InetAddress, Prober.Result>> measured = new Prober(registry, 1000, 1500).measure(probes);
        progress.advance();
        List<Pair> pairs = new ArrayList<>();
        for (String from : nodes) {
            for (Map.Entry<InetAddress, Prober.Result> e : measured.getOrDefault(t.namespace(from), Map.of()).entrySet()) {
                InetAddress a = e.getKey();
                String to = model.owner(a).orElse(Cidr.format(a));
                Reachability.Verdict v = model.predict(from, a);
                pairs.add(new Pair(from, to, a, e.getValue().reach(), e.getValue().detail(), v.reach(), v.reason()));
            }
        }
        List<Expectation> exps = new ArrayList<>();
        for (ExpectDef e : t.expects()) {
            List<Pair> about = pairs.stream().filter(p -> p.from().equals(e.from())
                    && (p.to().equals(e.to()) || Cidr.format(p.address()).equals(e.to()))).toList();
            boolean all = !about.isEmpty() && about.stream().allMatch(Pair::measured);
            boolean none = about.stream().noneMatch(Pair::measured);
            boolean holds = e.reach() ? all : none;
            String why;
            if (about.isEmpty()) {
                why = e.to() + " has no address to ping";
                holds = !e.reach();
            } else if (holds) {
                why = e.reach() ? "every address answered" : "no address answered";
            } else {
                Optional<Pair> p = about.stream().filter(x -> x.measured() != e.reach()).findFirst();
                why = e.reach() ? Cidr.format(p.get().address()) + " did not answer (" + p.get().detail() + "); predicted: " + p.get().reason()
                        : Cidr.format(p.get().address()) + " answered (" + p.get().detail() + ")";
            }
            exps.add(new Expectation(e, holds, why));
        }
        return new Report(t.name(), nodes, pairs, exps, (System.nanoTime() - t0) / 1e9);
    }
}
