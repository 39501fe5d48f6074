package dev.nslab.lab.file;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.NodeCheck;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.ExpectDef;
import dev.nslab.net.Cidr;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The checks of "expect:" beyond reach: read as written, and every mistake refused at its file:line:column. */
@Tag("unit")
class ExpectChecksTest {
    static final String LAB = """
            name: x
            topology:
              nodes:
                a: {}
                b: {}
                sw: {kind: bridge}
              links:
                - endpoints: ["a:eth0", "b:eth0"]
            expect:
            """;

    static List<ExpectDef> parse(String expects) { return TopologyParser.parse("x.yml", LAB + expects).expects(); }

    static String refusal(String expects) {
        return assertThrows(LabException.class, () -> TopologyParser.parse("x.yml", LAB + expects)).getMessage();
    }

    @Test
    void eachCheckIsReadAsWritten() {
        List<ExpectDef> e = parse("""
                  - {from: a, to: b, reach: true}
                  - {node: a, route: {dst: 10.45.0.0/24, dev: eth0}}
                  - {node: a, route: {dst: default, via: 10.45.1.1}}
                  - {node: b, address: {dev: eth0, cidr: 10.45.0.2/24}}
                  - {node: b, listening: {tcp: 8045}}
                  - {node: b, listening: {udp: 53}}
                  - {node: a, resolves: b}
                  - {node: a, command: "vtysh -c 'show ip ospf neighbor'", output: "Full", wait: 60s}
                """);
        assertEquals(new ExpectDef("a", "b", true, 10), e.get(0));
        assertEquals(new NodeCheck.HasRoute(Cidr.parse("10.45.0.0/24"), null, "eth0"), e.get(1).check());
        assertEquals(new NodeCheck.HasRoute(Cidr.parse("0.0.0.0/0"), Cidr.parseAddress("10.45.1.1"), null), e.get(2).check());
        assertEquals(new NodeCheck.HasAddress("eth0", Cidr.parse("10.45.0.2/24")), e.get(3).check());
        assertEquals(new NodeCheck.Listening("tcp", 8045), e.get(4).check());
        assertEquals(new NodeCheck.Listening("udp", 53), e.get(5).check());
        assertEquals(new NodeCheck.Resolves("b"), e.get(6).check());
        assertEquals(new ExpectDef("a", null, true, new NodeCheck.CommandOutput("vtysh -c 'show ip ospf neighbor'", "Full"), 60_000, 17), e.get(7));
        assertEquals("a command \"vtysh -c 'show ip ospf neighbor'\" output /Full/ (wait 60s)", e.get(7).words());
        assertEquals("a route default via 10.45.1.1", e.get(2).words());
    }

    @Test
    void mistakesAreRefusedWhereTheyAre() {
        assertEquals("x.yml:10:23: unknown key \"listen\" here (known: address, command, listening, node, output, "
                + "resolves, route, wait)", refusal("  - {node: a, listen: {tcp: 80}}\n"));
        assertEquals("x.yml:10:5: a check of node a needs exactly one of route, address, listening, resolves, command (it has listening, resolves)",
                refusal("  - {node: a, listening: {tcp: 80}, resolves: b}\n"));
        assertEquals("x.yml:10:12: \"node: sw\" must name a linux node", refusal("  - {node: sw, resolves: b}\n"));
        assertEquals("x.yml:10:45: \"output\" goes with \"command\"", refusal("  - {node: a, listening: {tcp: 80}, output: x}\n"));
        assertEquals("x.yml:10:5: a command check needs \"output\": a regular expression its output must match (e.g. output: \"Full\")",
                refusal("  - {node: a, command: ls}\n"));
        assertEquals("x.yml:10:36: \"output\" is not a regular expression: Unclosed group", refusal("  - {node: a, command: ls, output: \"(x\"}\n"));
        assertEquals("x.yml:10:32: port 70000 is not from 1 to 65535", refusal("  - {node: a, listening: {tcp: 70000}}\n"));
        assertEquals("x.yml:10:26: a listening check is {tcp: PORT} or {udp: PORT}", refusal("  - {node: a, listening: {sctp: 80}}\n"));
        assertEquals("x.yml:10:34: wait \"soon\" is not a non-negative number with a unit (e.g. 60s)",
                refusal("  - {node: a, resolves: b, wait: soon}\n"));
        assertEquals("x.yml:10:28: \"dst: 10.1/x\" is not a prefix (e.g. 10.45.0.0/24) nor default", refusal("  - {node: a, route: {dst: 10.1/x}}\n"));
        assertEquals("x.yml:10:32: \"resolves\" is a check of one node: it goes with \"node:\", not \"from:\"",
                refusal("  - {from: a, to: b, resolves: b}\n"));
    }

    @Test
    void aReachExpectationMayWait() {
        ExpectDef e = parse("  - {from: a, to: b, reach: true, wait: 30s}\n").getFirst();
        assertEquals(new ExpectDef("a", "b", true, null, 30_000, 10), e);
        assertEquals("a -> b reach true (wait 30s)", e.words());
        assertEquals("x.yml:10:41: wait \"later\" is not a non-negative number with a unit (e.g. 60s)",
                refusal("  - {from: a, to: b, reach: true, wait: later}\n"));
        assertEquals("x.yml:10:43: unknown key \"within\" here (known: from, reach, to, wait)",
                refusal("  - {from: a, to: b, reach: true, within: 3s}\n"));
    }
}
