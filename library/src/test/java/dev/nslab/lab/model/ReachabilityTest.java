package dev.nslab.lab.model;

import dev.nslab.lab.file.TopologyParser;
import dev.nslab.net.Cidr;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Predictions from the file alone, with their reasons (the kernel tests check them against real pings). */
@Tag("unit")
class ReachabilityTest {
    static Reachability.Verdict predict(String text, String from, String to) {
        return new Reachability(TopologyParser.parse("t.yml", text)).predict(from, Cidr.parseAddress(to));
    }

    static final String VLANS = """
            name: v
            topology:
              nodes:
                sw: {kind: ovs-bridge}
                a: {interfaces: {eth0: 10.0.0.1/24}}
                b: {interfaces: {eth0: 10.0.0.2/24}}
                c: {interfaces: {eth0: 10.0.0.3/24}}
              links:
                - {endpoints: ["a:eth0", "sw:pa"], vlan: 100}
                - {endpoints: ["b:eth0", "sw:pb"], vlan: 100}
                - {endpoints: ["c:eth0", "sw:pc"], vlan: 200}
            """;

    @Test
    void accessTagsMakeSegments() {
        assertTrue(predict(VLANS, "a", "10.0.0.2").reach());
        Reachability.Verdict v = predict(VLANS, "a", "10.0.0.3");
        assertFalse(v.reach());
        assertEquals("a reaches 10.0.0.3 (c) only through VLAN 100 on sw, but c is on VLAN 200 on sw: separate segments", v.reason());
    }

    static final String CHAIN = """
            name: c
            topology:
              nodes:
                h1: {interfaces: {eth0: 10.1.1.2/24}, routes: [{dst: default, via: 10.1.1.1}]}
                r: {forwarding: FWD, interfaces: {eth0: 10.1.1.1/24, eth1: 10.1.2.1/24}}
                h2: {interfaces: {eth0: 10.1.2.2/24}ROUTE}
              links:
                - endpoints: ["h1:eth0", "r:eth0"]
                - endpoints: ["r:eth1", "h2:eth0"]
            """;

    @Test
    void routingForwardingAndTheWayBackEachHaveTheirReason() {
        String ok = CHAIN.replace("FWD", "true").replace("ROUTE", ", routes: [{dst: default, via: 10.1.2.1}]");
        assertEquals(new Reachability.Verdict(true, "routed"), predict(ok, "h1", "10.1.2.2"));
        assertEquals("r does not forward (forwarding is off), so 10.1.2.2 is not reached",
                predict(CHAIN.replace("FWD", "false").replace("ROUTE", ", routes: [{dst: default, via: 10.1.2.1}]"), "h1", "10.1.2.2").reason());
        assertEquals("the request arrives, but the reply does not: no route from h2 to 10.1.1.2",
                predict(CHAIN.replace("FWD", "true").replace("ROUTE", ""), "h1", "10.1.2.2").reason());
        assertEquals("no route from h2 to 10.1.1.2", predict(CHAIN.replace("FWD", "true").replace("ROUTE", ""), "h2", "10.1.1.2").reason());
        assertEquals(new Reachability.Verdict(true, "its own address"), predict(ok, "r", "10.1.2.1"));
    }
}
