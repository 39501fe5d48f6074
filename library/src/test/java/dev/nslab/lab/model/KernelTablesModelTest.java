package dev.nslab.lab.model;

import dev.nslab.lab.file.TopologyParser;
import dev.nslab.lab.model.NodeTables.TableRoute;
import dev.nslab.net.Cidr;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Predictions from tables as a kernel holds them (the wiring from the file): each way of stopping has its reason. */
@Tag("unit")
class KernelTablesModelTest {
    static final Topology CHAIN = TopologyParser.parse("t.yml", """
            name: c
            topology:
              nodes:
                h1: {exec: ["true"]}
                r: {exec: ["true"]}
                h2: {exec: ["true"]}
              links:
                - endpoints: ["h1:eth0", "r:eth0"]
                - endpoints: ["r:eth1", "h2:eth0"]
            """);

    static TableRoute route(String dst, String via, String dev) {
        return new TableRoute(Cidr.parse(dst), via == null ? null : Cidr.parseAddress(via), dev, 1, 0);
    }

    /** h1 - r - h2 as ip would leave them: connected routes, defaults through r, r forwarding. */
    static Map<String, NodeTables> tables() {
        Map<String, NodeTables> m = new HashMap<>();
        m.put("h1", new NodeTables(Map.of("eth0", List.of(Cidr.parse("10.1.1.2/24"))),
                List.of(route("10.1.1.0/24", null, "eth0"), route("0.0.0.0/0", "10.1.1.1", "eth0")), false, false, Map.of(), null));
        m.put("r", new NodeTables(Map.of("eth0", List.of(Cidr.parse("10.1.1.1/24")), "eth1", List.of(Cidr.parse("10.1.2.1/24"))),
                List.of(route("10.1.1.0/24", null, "eth0"), route("10.1.2.0/24", null, "eth1")), true, false, Map.of(), null));
        m.put("h2", new NodeTables(Map.of("eth0", List.of(Cidr.parse("10.1.2.2/24"))),
                List.of(route("10.1.2.0/24", null, "eth0"), route("0.0.0.0/0", "10.1.2.1", "eth0")), false, false, Map.of(), null));
        return m;
    }

    static Reachability.Verdict predict(Map<String, NodeTables> tables, String from, String to) {
        return new Reachability(CHAIN, FaultView.NONE, tables).predict(from, Cidr.parseAddress(to));
    }

    static NodeTables with(NodeTables t, Boolean forwards, Map<String, String> dead, List<TableRoute> routes, String unmodelled) {
        return new NodeTables(t.addresses(), routes == null ? t.routes() : routes, forwards == null ? t.forwards4() : forwards, t.forwards6(),
                dead == null ? t.dead() : dead, unmodelled);
    }

    @Test
    void theKernelsTablesRouteWhereTheFileSaysNothing() {
        assertEquals(new Reachability.Verdict(true, "routed"), predict(tables(), "h1", "10.1.2.2"));
        // the file alone cannot tell: its nodes run exec lines
        assertFalse(new Reachability(CHAIN).predict("h1", Cidr.parseAddress("10.1.2.2")).known());
    }

    @Test
    void eachWayOfStoppingIsNamed() {
        Map<String, NodeTables> m = tables();
        m.put("r", with(m.get("r"), false, null, null, null));
        assertEquals("r does not forward IPv4 (forwarding is off), so 10.1.2.2 is not reached", predict(m, "h1", "10.1.2.2").reason());

        m = tables();
        m.put("h1", with(m.get("h1"), null, null, List.of(route("10.1.1.0/24", null, "eth0")), null));
        assertEquals("no route from h1 to 10.1.2.2", predict(m, "h1", "10.1.2.2").reason());
        assertEquals("the request arrives, but the reply does not: no route from h1 to 10.1.2.2", predict(m, "h2", "10.1.1.2").reason());

        m = tables();
        m.put("h2", with(m.get("h2"), null, Map.of("eth0", "down"), null, null));
        assertEquals("h2:eth0 is down", predict(m, "h1", "10.1.2.2").reason());

        m = tables();
        m.put("h1", with(m.get("h1"), null, null, List.of(route("10.1.1.0/24", null, "eth0"),
                new TableRoute(Cidr.parse("10.1.2.0/24"), null, null, 6, 0)), null));
        assertEquals("h1's route to 10.1.2.2 is a blackhole (10.1.2.0/24)", predict(m, "h1", "10.1.2.2").reason());

        m = tables();
        m.put("r", with(m.get("r"), null, null, null, "policy rules (ip rule) besides the standard three"));
        Reachability.Verdict v = predict(m, "h1", "10.1.2.2");
        assertFalse(v.known(), "a walk through rules the model does not follow predicts nothing");
        assertTrue(v.reason().contains("r has policy rules"), v.reason());
    }

    @Test
    void whatChangedSinceUpIsListed() {
        NodeTables before = tables().get("h1");
        NodeTables after = with(before, true, Map.of("eth0", "down"), List.of(route("10.1.1.0/24", null, "eth0")), null);
        assertEquals(List.of("forwarding (IPv4) is on, was off", "lost the route default via 10.1.1.1 dev eth0", "eth0 is down"),
                after.changesSince(before));
        assertEquals(List.of(), before.changesSince(before));
    }
}
