package dev.nslab.lab.file;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Planner;
import dev.nslab.lab.plan.Resource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** containerlab's levels (node over group over kind over defaults), network modes and node filters, as the parser reads them. */
@Tag("unit")
class ContainerlabInheritanceTest {
    private static Topology parse(String text) { return TopologyParser.parse("t.clab.yml", text, Map.of()); }

    @Test
    void aGroupCarriesKindExecEnvAndBindsAndTheNodeWins() {
        Topology t = parse("""
                name: g
                topology:
                  defaults:
                    env: {A: defaults, B: defaults}
                    exec: ["echo defaults"]
                  kinds:
                    linux:
                      env: {B: kind, C: kind}
                      binds: ["/tmp:/data:ro"]
                  groups:
                    switches: {kind: bridge}
                    hosts:
                      exec: ["echo group"]
                      binds: ["/var:/data"]
                      labels: {role: host}
                  nodes:
                    sw: {group: switches}
                    h1: {group: hosts, env: {C: node}, exec: ["echo node", "echo group"]}
                    h2: {}
                  links:
                    - endpoints: ["h1:eth1", "sw:p1"]
                    - endpoints: ["h2:eth1", "sw:p2"]
                """);
        assertEquals(Topology.Kind.BRIDGE, t.node("sw").orElseThrow().kind(), "a group's kind: bridge makes a bridge");
        Topology.NodeDef h1 = t.node("h1").orElseThrow();
        assertEquals(List.of("echo defaults", "echo group", "echo node"), h1.exec(), "lists join, less specific first, once each");
        assertEquals(Map.of("A", "defaults", "B", "kind", "C", "node"), h1.programs().env());
        assertEquals(1, h1.programs().binds().size(), "the group's bind of /data replaces the kind's");
        assertEquals("/var", h1.programs().binds().getFirst().host());
        assertEquals("hosts", h1.meta().group());
        assertEquals(Map.of("role", "host"), h1.meta().labels());
        Topology.NodeDef h2 = t.node("h2").orElseThrow();
        assertEquals(List.of("echo defaults"), h2.exec());
        assertTrue(h2.programs().binds().getFirst().readOnly(), "the kind's bind");
    }

    @Test
    void theKindComesFromTheDefaultsAndAGroupFromTheKind() {
        Topology t = parse("""
                name: k
                topology:
                  defaults: {kind: linux}
                  kinds:
                    linux: {group: servers}
                  groups:
                    servers: {exec: ["hostname"]}
                  nodes:
                    a: {}
                """);
        assertEquals(List.of("hostname"), t.node("a").orElseThrow().exec());
        assertEquals("servers", t.node("a").orElseThrow().meta().group());
        LabException e = assertThrows(LabException.class, () -> parse("""
                name: k
                topology:
                  defaults: {kind: nokia_srlinux}
                  nodes:
                    a: {}
                """));
        assertTrue(e.getMessage().startsWith("t.clab.yml:3:20: kind \"nokia_srlinux\" of node a needs a container image"), e.getMessage());
    }

    @Test
    void aKeyOfTheDefaultsIsWarnedAboutOnceAndAMistakeThereIsLocatedThere() {
        Topology t = parse("""
                name: w
                topology:
                  defaults: {memory: 1G}
                  nodes: {a: {}, b: {}}
                """);
        assertEquals(1, t.warnings().size(), t.warnings().toString());
        LabException e = assertThrows(LabException.class, () -> parse("""
                name: w
                topology:
                  groups:
                    g: {startup-delay: soon}
                  nodes: {a: {group: g}}
                """));
        assertTrue(e.getMessage().startsWith("t.clab.yml:4:24: startup-delay"), e.getMessage());
    }

    @Test
    void networkModesAndWaitFor() {
        Topology t = parse("""
                name: nm
                topology:
                  nodes:
                    r1: {}
                    side: {network-mode: "container:r1", wait-for: [r1], startup-delay: 1}
                    hostnode: {network-mode: host, exec: ["true"]}
                    quiet: {network-mode: none}
                  links:
                    - endpoints: ["side:eth1", "quiet:eth1"]
                """);
        assertEquals("nm-r1", t.namespace("side"), "container:r1 is r1's namespace");
        assertNull(t.namespace("hostnode"), "host: the root namespace");
        assertEquals("nm-quiet", t.namespace("quiet"));
        assertEquals(1000, t.node("side").orElseThrow().meta().startupDelayMillis());
        List<String> order = Planner.execOrder(t).stream().map(Topology.NodeDef::name).toList();
        assertTrue(order.indexOf("r1") < order.indexOf("side"));
        List<Resource> rs = Planner.resources(t);
        assertEquals(List.of("netns nm-r1", "netns nm-quiet"), rs.stream().filter(r -> r instanceof Resource.Namespace).map(Resource::key).toList());
        assertTrue(rs.stream().anyMatch(r -> r.key().equals("veth nm-r1/eth1=nm-quiet/eth1")), rs.toString());

        // container:NAME naming no node: a container outside the lab, whose namespace the node is (under its own name)
        Topology outside = parse("name: x\ntopology:\n  nodes:\n    a: {network-mode: \"container:nobody\"}\n");
        assertEquals("nobody", outside.node("a").orElseThrow().outside());
        assertNull(outside.node("a").orElseThrow().sharesWith());
        assertEquals("x-a", outside.namespace("a"));
        assertEquals(List.of("netns x-a of container nobody"), Planner.resources(outside).stream().map(Resource::key).toList());
        for (String bad : List.of("{network-mode: \"container:b\"}", "{wait-for: [b]}",
                "{network-mode: host, interfaces: {eth1: 10.0.0.1/24}}")) {
            String text = "name: x\ntopology:\n  nodes:\n    a: " + bad + "\n    b: {wait-for: [a], network-mode: \"container:c\"}\n    c: {}\n";
            assertThrows(LabException.class, () -> parse(text), bad);
        }
    }

    @Test
    void stagesOrderNodesAndAddTheirCommands() {
        Topology t = parse("""
                name: st
                topology:
                  nodes:
                    a:
                      exec: ["echo exec"]
                      stages:
                        create:
                          wait-for: [{node: b, stage: healthy}]
                          exec: [{command: "echo late", phase: on-exit}, {command: "echo early"}]
                        healthy:
                          exec: [{command: "echo healthy"}, {command: "touch /tmp/x", target: host}]
                        exit:
                          exec: [{command: "echo bye"}]
                    b: {}
                """);
        Topology.NodeDef a = t.node("a").orElseThrow();
        assertEquals(List.of("echo early", "echo late", "echo exec", "echo healthy"), a.exec());
        assertEquals(List.of("touch /tmp/x"), a.meta().hostExec());
        assertEquals(List.of("b"), a.meta().waitFor());
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("stage exit")), t.warnings().toString());
    }

    @Test
    void aBridgeInsideANodeAndManagementLinks() {
        Topology t = parse("""
                name: bn
                mgmt: {ipv4-subnet: 10.50.0.0/24, bridge: bnmgmt}
                topology:
                  nodes:
                    "br01|bp1": {kind: bridge, network-mode: "container:bp1"}
                    bp1: {}
                    c1: {mgmt-ipv4: 10.50.0.9}
                  links:
                    - endpoints: ["c1:eth1", "br01|bp1:c1eth1"]
                    - endpoints: ["c1:eth2", "mgmt-net:c1m"]
                """);
        List<String> keys = Planner.resources(t).stream().map(Resource::key).toList();
        assertTrue(keys.contains("bridge bn-bp1/br01"), keys.toString());
        assertTrue(keys.contains("veth bn-c1/eth1=bn-bp1/c1eth1@br01"), keys.toString());
        assertTrue(keys.contains("bridge bnmgmt"), keys.toString());
        assertTrue(keys.contains("address bnmgmt 10.50.0.1/24"), keys.toString());
        assertTrue(keys.contains("veth c1m@bnmgmt=bn-c1/eth2"), keys.toString());
        assertTrue(keys.contains("address bn-c1/eth0 10.50.0.9/24"), keys.toString());
        assertTrue(keys.contains("address bn-bp1/eth0 10.50.0.2/24"), "the next free address: " + keys);
        LabException e = assertThrows(LabException.class, () -> parse("""
                name: bn
                mgmt: {ipv4-subnet: 10.50.0.0/24}
                topology:
                  nodes: {a: {mgmt-ipv4: 10.60.0.1}}
                """));
        assertTrue(e.getMessage().contains("outside the management subnet 10.50.0.0/24"), e.getMessage());
    }

    @Test
    void addressesOnLinksAndEndpoints() {
        Topology t = parse("""
                name: ad
                topology:
                  nodes: {a: {}, b: {}, c: {}}
                  links:
                    - endpoints: ["a:e1", "b:e1"]
                      ipv4: [10.70.0.1/24, 10.70.0.2/24]
                      ipv6: ["", "fd70::2/64"]
                    - type: veth
                      endpoints: [{node: b, interface: e2, ipv4: 10.71.0.2/24}, {node: c, interface: e1}]
                """);
        assertEquals("{e1=[10.70.0.1/24]}", t.node("a").orElseThrow().addresses().toString());
        assertEquals("{e1=[10.70.0.2/24, fd70::2/64], e2=[10.71.0.2/24]}", t.node("b").orElseThrow().addresses().toString());
    }

    @Test
    void hostEndpointsAreTheMachinesOwnEnd() {
        Topology t = parse("""
                name: h
                topology:
                  nodes:
                    a: {}
                  links:
                    - endpoints: ["a:eth1", "host:h-a1"]
                """);
        assertTrue(t.node("host").orElseThrow().isHost());
        assertTrue(Planner.resources(t).stream().anyMatch(r -> r.key().equals("veth h-a1=h-a/eth1")), Planner.resources(t).toString());
    }

    @Test
    void aNodeFilterKeepsTheNodesNamedAndTheLinksBetweenThem() {
        Topology t = parse("""
                name: f
                topology:
                  nodes: {a: {}, b: {}, c: {}}
                  links:
                    - endpoints: ["a:e1", "b:e1"]
                    - endpoints: ["b:e2", "c:e1"]
                """);
        Topology ab = t.only(Set.of("a", "b"));
        assertEquals(List.of("a", "b"), ab.nodes().stream().map(Topology.NodeDef::name).toList());
        assertEquals(1, ab.links().size());
        assertThrows(LabException.class, () -> t.only(Set.of("z")));
    }

    @Test
    void aSharedDefinitionMultipliedByManyNodesIsRefusedNotCopied() {
        StringBuilder b = new StringBuilder("name: t\ntopology:\n  defaults:\n    env:\n");
        for (int i = 0; i < 3000; i++) b.append("      V").append(i).append(": x\n");
        b.append("  nodes:\n");
        for (int i = 0; i < 1000; i++) b.append("    n").append(i).append(": {}\n");
        dev.nslab.error.LabException e = org.junit.jupiter.api.Assertions.assertThrows(dev.nslab.error.LabException.class,
                () -> TopologyParser.parse("t.yml", b.toString()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("t.yml:5:") && e.getMessage().contains("inherit more than 2,000,000 entries"),
                e.getMessage());
    }
}
