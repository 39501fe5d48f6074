package dev.nslab.lab.plan;

import dev.nslab.error.LabException;
import dev.nslab.lab.file.TopologyParser;
import dev.nslab.lab.model.FaultView;
import dev.nslab.lab.model.Faults;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.model.NodeInfo;
import dev.nslab.lab.model.Reachability;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.state.LabState;
import dev.nslab.net.Cidr;
import dev.nslab.net.Qdisc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Impairment words, the fault planner and prediction with faults: pure, no kernel. */
@Tag("unit")
class FaultPlanningTest {
    @TempDir
    Path dir;

    static final String CHAIN = """
            name: c
            topology:
              nodes:
                a: {kind: linux, interfaces: {eth0: 10.1.0.1/24}, routes: [{dst: 10.1.1.0/24, via: 10.1.0.2}]}
                b: {kind: linux, interfaces: {eth0: 10.1.0.2/24, eth1: 10.1.1.1/24}, forwarding: true}
                c: {kind: linux, interfaces: {eth0: 10.1.1.2/24}, routes: [{dst: 10.1.0.0/24, via: 10.1.1.1}]}
                sw: {kind: ovs-bridge}
                d: {kind: linux}
              links:
                - endpoints: ["a:eth0", "b:eth0"]
                  impairments: {rate: 10mbit, loss: 1%}
                - endpoints: ["b:eth1", "c:eth0"]
                  impairments: {"c:eth0": {delay: 40ms, jitter: 5ms}}
                - endpoints: ["d:eth0", "sw:p1"]
            """;

    private static Map<String, String> m(String... kv) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) out.put(kv[i], kv[i + 1]);
        return out;
    }

    @Test
    void wordsInTcsUnitsRoundTrip() {
        Impairment i = Impairment.parse(m("rate", "10mbit", "delay", "40ms", "jitter", "5ms", "loss", "1%", "duplicate", "0.1%", "corrupt", "0.05"));
        assertEquals(10_000_000L, i.rate());
        assertEquals(40_000_000L, i.delay());
        assertEquals("rate 10mbit delay 40ms jitter 5ms loss 1% duplicate 0.1% corrupt 0.05%", i.words());
        assertEquals(i, Impairment.parseWords(i.words()));
        assertEquals(8_000_000L, Impairment.parse(m("rate", "1mbps")).rate(), "bps is bytes per second, as in tc");
        assertEquals(1_500_000L, Impairment.parse(m("delay", "1.5ms")).delay());
        assertEquals("none", Impairment.NONE.words());
        assertTrue(Impairment.parse(m("delay", "1ms")).needsNetem());
        assertFalse(Impairment.parse(m("rate", "1mbit", "loss", "3%")).needsNetem());
        for (String[] bad : new String[][] {{"rate", "10mbits", "unknown unit \"mbits\""}, {"delay", "40", "needs a unit"},
                {"loss", "120%", "not a percentage"}, {"loss", "x", "not a non-negative number"}, {"speed", "1", "unknown impairment \"speed\""},
                {"jitter", "5ms", "give a delay too"}}) {
            Impairment.BadValue e = assertThrows(Impairment.BadValue.class, () -> Impairment.parse(m(bad[0], bad[1])));
            assertTrue(e.getMessage().contains(bad[2]), e.getMessage());
        }
    }

    @Test
    void netemProbabilitiesAndTicksAreIproute2s() {
        assertEquals(42949673, Qdisc.probability(1.0));
        assertEquals(-1, Qdisc.probability(100.0), "all ones");
        assertEquals(625_000, Qdisc.Netem.ticks(40_000_000L), "64 ns ticks");
    }

    private FaultPlanner.Wiring wiring(Topology t) {
        List<NodeInfo> nodes = t.nodes().stream().map(n -> new NodeInfo(n.name(),
                n.kind().name().toLowerCase().replace('_', '-'), n.kind() == Topology.Kind.OVS_BRIDGE ? null : t.namespace(n.name()))).toList();
        return FaultPlanner.Wiring.of(nodes, Planner.resources(t), Map.of("c-d", List.of("eth0 10.1.9.4/24")));
    }

    @Test
    void fileImpairmentsAndRunTimeFaultsBecomeObjects() {
        Topology t = TopologyParser.parse("c.yml", CHAIN);
        FaultPlanner.Wiring w = wiring(t);
        assertEquals(List.of("a:eth0", "b:eth0", "b:eth1", "c:eth0", "d:eth0", "sw:p1"), w.endpoints().stream().sorted().toList());
        Map<String, Impairment> fromFile = new java.util.TreeMap<>();
        t.links().forEach(l -> l.impairments().forEach((e, i) -> fromFile.put(e.toString(), i)));
        assertEquals(Set.of("a:eth0", "b:eth0", "c:eth0"), fromFile.keySet(), "both ends, or the end named");
        Faults f = new Faults(Map.of("b:eth0", Impairment.NONE, "sw:p1", Impairment.parse(m("loss", "2%"))), Set.of("c:eth0"),
                List.of(Set.of("a", "b")));
        List<Resource> rs = FaultPlanner.resources("c", w, fromFile, f, () -> true);
        List<String> keys = rs.stream().map(Resource::key).toList();
        assertTrue(keys.contains("impair c-a/eth0 rate 10mbit loss 1% by TBF_NFTABLES"), keys.toString());
        assertTrue(keys.stream().noneMatch(k -> k.startsWith("impair c-b/eth0")), "cleared at run time: " + keys);
        assertTrue(keys.contains("impair c-c/eth0 delay 40ms jitter 5ms by NETEM"), keys.toString());
        assertTrue(keys.contains("impair p1 loss 2% by TBF_NFTABLES"), "a switch port's end lives in the root namespace: " + keys);
        Resource.Impair port = (Resource.Impair) rs.stream().filter(r -> r.key().startsWith("impair p1")).findFirst().orElseThrow();
        assertEquals("c-d", port.peer().ns(), "its loss is dropped where d receives");
        assertTrue(keys.contains("cut c-b/eth1=c-c/eth0"), keys.toString());
        // a and b against c and d (the nodes no group names), with the addresses exec lines set
        assertTrue(keys.contains("partition c-a 10.1.1.2,10.1.9.4"), keys.toString());
        assertTrue(keys.contains("partition c-d 10.1.0.1,10.1.0.2,10.1.1.1"), keys.toString());
        // without netem, what needs it is refused, naming the kernel option
        LabException e = assertThrows(LabException.class, () -> FaultPlanner.resources("c", w, fromFile, Faults.NONE, () -> false));
        assertTrue(e.getMessage().contains("c:eth0") && e.getMessage().contains("CONFIG_NET_SCH_NETEM"), e.getMessage());
    }

    @Test
    void badEndpointsAndGroupsAreRefusedWithWhatExists() {
        Topology t = TopologyParser.parse("c.yml", CHAIN.replace("impairments: {\"c:eth0\": {delay: 40ms, jitter: 5ms}}", "mtu: 1500"));
        FaultPlanner.Wiring w = wiring(t);
        LabException e = assertThrows(LabException.class, () -> FaultPlanner.resources("c", w, Map.of(),
                new Faults(Map.of("a:eth7", Impairment.parse(m("rate", "1mbit"))), Set.of(), List.of()), () -> false));
        assertTrue(e.getMessage().contains("\"a:eth7\" is not an end of a cable of lab c") && e.getMessage().contains("a:eth0"), e.getMessage());
        e = assertThrows(LabException.class, () -> FaultPlanner.groups("c", w, List.of(Set.of("a"), Set.of("a", "b"))));
        assertTrue(e.getMessage().contains("node a is in two partition groups"), e.getMessage());
        e = assertThrows(LabException.class, () -> FaultPlanner.groups("c", w, List.of(Set.of("sw"))));
        assertTrue(e.getMessage().contains("\"sw\" is not a linux node"), e.getMessage());
        e = assertThrows(LabException.class, () -> FaultPlanner.groups("c", w, List.of(Set.of("a", "b", "c", "d"))));
        assertTrue(e.getMessage().contains("at least two groups"), e.getMessage());
        // faults of ends an edited file no longer has end, and say so
        List<String> dropped = new java.util.ArrayList<>();
        Faults kept = FaultPlanner.fitting(new Faults(Map.of("a:eth7", Impairment.NONE), Set.of("b:eth1"), List.of(Set.of("zz"))), w, dropped);
        assertEquals(new Faults(Map.of(), Set.of("b:eth1"), List.of()), kept);
        assertEquals(2, dropped.size(), dropped.toString());
    }

    @Test
    void predictionKnowsPartitionsCutsAndLoss() {
        Topology t = TopologyParser.parse("c.yml", CHAIN);
        FaultView none = FaultView.NONE;
        assertTrue(new Reachability(t, none).predict("a", Cidr.parseAddress("10.1.1.2")).reach());
        FaultView part = new FaultView(Map.of(), List.of(), List.of(Set.of("a", "b"), Set.of("c", "d")));
        Reachability.Verdict v = new Reachability(t, part).predict("a", Cidr.parseAddress("10.1.1.2"));
        assertFalse(v.reach());
        assertEquals("a and c are in different partition groups", v.reason());
        assertTrue(new Reachability(t, part).predict("a", Cidr.parseAddress("10.1.1.1")).reach(), "b is in a's group");
        FaultView cut = new FaultView(Map.of(), List.of(new java.util.LinkedHashSet<>(List.of("b:eth1", "c:eth0"))), List.of());
        v = new Reachability(t, cut).predict("a", Cidr.parseAddress("10.1.1.2"));
        assertFalse(v.reach());
        assertEquals("cable b:eth1 - c:eth0 is cut", v.reason());
        FaultView lossy = new FaultView(Map.of("c:eth0", 20.0), List.of(), List.of());
        v = new Reachability(t, lossy).predict("a", Cidr.parseAddress("10.1.1.2"));
        assertTrue(v.reach());
        assertEquals(List.of("c:eth0 loses 20%"), v.lossy(), "the reply leaves c through its lossy end");
    }

    @Test
    void faultsSurviveTheStateFile() {
        Topology t = TopologyParser.parse("c.yml", CHAIN);
        Faults f = new Faults(Map.of("a:eth0", Impairment.parse(m("loss", "20%"))), Set.of("c:eth0"), List.of(Set.of("a"), Set.of("b", "c")));
        List<Resource> rs = new java.util.ArrayList<>(Planner.resources(t));
        Map<String, Impairment> fromFile = new java.util.TreeMap<>();
        t.links().forEach(l -> l.impairments().forEach((e, i) -> fromFile.put(e.toString(), i)));
        rs.addAll(FaultPlanner.resources("c", wiring(t), fromFile, f, () -> true));
        LabState st = new LabState("c", "/x/c.yml", "c-", List.of(new NodeInfo("a", "linux", "c-a")), rs, List.of(), Map.of(), null, f);
        st.save(dir);
        assertEquals(st, LabState.load(dir, "c"));
    }
}
