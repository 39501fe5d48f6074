package dev.nslab.lab.file;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parser is pure: what it says depends on the file alone, never on the machine. */
@Tag("unit")
class TopologyParserTest {
    private static final String OVS_LAB = """
            name: t
            topology:
              nodes:
                a: {interfaces: {eth0: {address: 10.0.0.1/24}}}
                sw: {kind: ovs-bridge}
              links:
                - endpoints: ["a:eth0", "sw:p1"]
            """;

    @Test
    void aVlanOnALinuxBridgeIsRefusedWithTheWayOut() {
        String text = OVS_LAB.replace("kind: ovs-bridge", "kind: bridge") + "      vlan: 10\n";
        LabException e = assertThrows(LabException.class, () -> TopologyParser.parse("t.yml", text));
        assertTrue(e.getMessage().startsWith("t.yml:8:13: VLANs on a Linux bridge are not configured by nslab"), e.getMessage());
        assertTrue(e.getMessage().endsWith("use kind: ovs-bridge for the switch"), e.getMessage());
    }

    @Test
    void aLongNameOnTheMachinesSideIsAnAltNameOfAShortOne() {
        // containerlab's tests/08-vxlan/03-vxlan-tools: host interfaces longer than the kernel's 15 bytes
        String text = """
                name: vt
                topology:
                  nodes:
                    some_very_long_node_name_l1: {kind: linux}
                  links:
                    - endpoints: ["some_very_long_node_name_l1:eth1", "host:some_very_long_node_name_l1_eth1"]
                """;
        Topology t = TopologyParser.parse("t.yml", text);
        dev.nslab.lab.plan.Resource.Veth v = dev.nslab.lab.plan.Planner.resources(t).stream()
                .filter(r -> r instanceof dev.nslab.lab.plan.Resource.Veth).map(r -> (dev.nslab.lab.plan.Resource.Veth) r).findFirst().orElseThrow();
        dev.nslab.lab.plan.Resource.End host = v.a().ns() == null ? v.a() : v.b();
        assertTrue(host.iface().matches("na[0-9a-f]{8}"), host.toString());
        assertEquals("some_very_long_node_name_l1_eth1", host.alt());
        // inside a node the name is the kernel's own: too long is refused there, at its place in the file
        LabException e = assertThrows(LabException.class, () -> TopologyParser.parse("t.yml",
                text.replace("\"some_very_long_node_name_l1:eth1\"", "\"some_very_long_node_name_l1:some_very_long_eth1\"")));
        assertTrue(e.getMessage().startsWith("t.yml:6:19: interface name \"some_very_long_eth1\" is 19 bytes"), e.getMessage());
        e = assertThrows(LabException.class, () -> TopologyParser.parse("t.yml", text.replace("host:some_very_long_node_name_l1_eth1", "host:" + "x".repeat(128))));
        assertTrue(e.getMessage().contains("host interface name \"xxx") && e.getMessage().contains("is 128 bytes: Linux alternative interface names have 1 to 127"), e.getMessage());
    }

    @Test
    void generatedSwitchPortNamesAreShortStableAndDistinct() {
        String text = OVS_LAB.replace("\"sw:p1\"", "\"sw\"") + "    - endpoints: [\"b:eth0\", \"sw\"]\n";
        text = text.replace("    sw: {kind: ovs-bridge}", "    sw: {kind: ovs-bridge}\n    b: {}");
        Topology t1 = TopologyParser.parse("t.yml", text);
        Topology t2 = TopologyParser.parse("t.yml", text);
        String p1 = t1.links().get(0).b().iface(), p2 = t1.links().get(1).b().iface();
        assertTrue(p1.matches("nl[0-9a-f]{8}") && p2.matches("nl[0-9a-f]{8}") && !p1.equals(p2), p1 + " " + p2);
        assertEquals(p1, t2.links().get(0).b().iface());
    }

    @Test
    void everyNodeKeyOfContainerlabsSchemaIsAcceptedWithAWarning() {
        // the node properties of containerlab's schemas/clab.schema.json; kind, exec, env, binds and image are honoured
        List<String> keys = List.of("aliases", "auto-remove", "binds", "cap-add", "certificate", "cgroup-parent", "cgroupns-mode",
                "cmd", "components", "config", "cpu", "cpu-set", "credentials", "devices", "dns", "enforce-startup-config",
                "entrypoint", "env", "env-files", "exec", "extras", "group", "healthcheck", "hostname", "image",
                "image-pull-policy", "kind", "labels", "license", "link-apply-mode", "memory", "mgmt-ipv4", "mgmt-ipv6",
                "network-mode", "pid-mode", "ports", "privileged", "restart-policy", "runtime", "security-opts", "shm-size",
                "stages", "startup-config", "startup-delay", "suppress-startup-config", "sysctls", "tmpfs", "type", "user",
                "volumes");
        // image is honoured (a container of it); cmd, entrypoint, user and image-pull-policy are warned about without one
        Set<String> honoured = Set.of("kind", "exec", "env", "binds", "group", "labels", "network-mode", "startup-delay", "wait-for",
                "mgmt-ipv4", "mgmt-ipv6", "stages", "hostname", "image");
        for (String k : keys) {
            String value = switch (k) {
                case "kind" -> "linux";
                case "exec", "binds", "wait-for" -> "[]";
                case "env", "labels", "stages" -> "{}";
                case "network-mode" -> "none";
                case "startup-delay" -> "0";
                case "mgmt-ipv4" -> "172.20.20.2";
                case "mgmt-ipv6" -> "\"3fff:172:20:20::2\"";
                case "hostname" -> "router-1";
                default -> "x";
            };
            Topology t = TopologyParser.parse("k.yml", "name: k\ndebug: true\ntopology:\n  nodes:\n    a: {" + k + ": " + value + "}\n  links: []\n");
            boolean warned = t.warnings().stream().anyMatch(w -> w.contains("\"" + k + "\" of node a"));
            assertEquals(!honoured.contains(k), warned, k + ": " + t.warnings());
        }
    }

    @Test
    void aHealthcheckIsReadAsContainerlabWritesItAndMistakesAreLocated() {
        Topology t = TopologyParser.parse("h.yml", """
                name: h
                topology:
                  nodes:
                    a:
                      image: alpine:3
                      healthcheck: {test: [CMD-SHELL, "ping -c1 10.0.0.1"], interval: 2, timeout: 1, retries: 3, start-period: 5}
                    b: {image: alpine:3, healthcheck: {test: [CMD, cat, /tmp/ok]}}
                """);
        assertEquals(new Topology.HealthDef(List.of("CMD-SHELL", "ping -c1 10.0.0.1"), 2, 1, 3, 5),
                t.node("a").orElseThrow().programs().image().health());
        assertEquals(new Topology.HealthDef(List.of("CMD", "cat", "/tmp/ok"), 0, 0, 0, 0), t.node("b").orElseThrow().programs().image().health());
        String form = assertThrows(LabException.class, () -> TopologyParser.parse("h.yml",
                "name: h\ntopology:\n  nodes:\n    a: {image: x, healthcheck: {test: [ping, x]}}\n")).getMessage();
        assertTrue(form.contains("h.yml:4:39: test [ping, x] is not [CMD-SHELL, \"a shell line\"] nor [CMD, program, args...]"), form);
        String time = assertThrows(LabException.class, () -> TopologyParser.parse("h.yml",
                "name: h\ntopology:\n  nodes:\n    a: {image: x, healthcheck: {test: [CMD, true], interval: 2s}}\n")).getMessage();
        assertTrue(time.contains("h.yml:4:62: interval \"2s\" is not a whole number of seconds"), time);
    }

    @Test
    void prefixNamesNamespacesAsContainerlabNamesContainers() {
        String body = "topology:\n  nodes:\n    a: {}\n  links: []\n";
        assertEquals("lab1-a", TopologyParser.parse("p.yml", "name: lab1\n" + body).namespace("a"), "no prefix: LAB-NODE");
        assertEquals("a", TopologyParser.parse("p.yml", "name: lab1\nprefix: \"\"\n" + body).namespace("a"));
        assertEquals("lab1-a", TopologyParser.parse("p.yml", "name: lab1\nprefix: __lab-name\n" + body).namespace("a"));
        assertEquals("pp-lab1-a", TopologyParser.parse("p.yml", "name: lab1\nprefix: pp\n" + body).namespace("a"));
    }

    @Test
    void containerlabsExtendedVethLinksReadAndOtherFormsRefusedByName() {
        String nodes = "name: x\ntopology:\n  nodes:\n    a: {}\n    b: {}\n  links:\n";
        Topology t = TopologyParser.parse("x.yml", nodes + "    - type: veth\n      endpoints:\n        - {node: a, interface: eth1, mac: 02:00:00:00:00:01}\n"
                + "        - node: b\n          interface: eth2\n");
        assertEquals("a:eth1", t.links().getFirst().a().toString());
        assertEquals("b:eth2", t.links().getFirst().b().toString());
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("\"mac\" of an endpoint")), t.warnings().toString());
        String[][] refused = {
                {"    - {type: vxlan, endpoints: [\"a:eth1\"]}\n", "a vxlan link has one end, given as \"endpoint: {node: NODE, interface: IFACE}\""},
                {"    - {type: vxlan-stitch, endpoint: {node: a, interface: e1}}\n", "a vxlan link needs \"remote\""},
                {"    - {type: mgmt-net, endpoint: {node: a, interface: e1}}\n", "needs \"host-interface\""},
                {"    - {type: tunnel, endpoint: {node: a, interface: e1}}\n", "link type \"tunnel\" is not one of containerlab's"},
                {"    - endpoints: [\"mgmt-net:x\", \"a:eth0\"]\n", "is the node's management interface"},
                {"    - {type: macvlan, endpoint: {node: a, interface: e1}}\n", "needs \"host-interface\""},
                {"    - {type: vxlan, endpoint: {node: a, interface: e1}, vni: 5}\n", "needs \"remote\""},
        };
        for (String[] r : refused) {
            LabException e = assertThrows(LabException.class, () -> TopologyParser.parse("x.yml", nodes + r[0]));
            assertTrue(e.getMessage().contains(r[1]), e.getMessage());
        }
        // containerlab's vxlan-stitch: the same tunnel, as a vxlan interface of the node, said once
        Topology st = TopologyParser.parse("x.yml", nodes + "    - {type: vxlan-stitch, endpoint: {node: a, interface: eth1}, remote: 192.0.2.9, vni: 200, dst-port: 14792}\n");
        assertEquals(new Topology.Device.Vxlan(dev.nslab.net.Cidr.parseAddress("192.0.2.9"), 200, 14792), st.devices().getFirst().device());
        assertEquals("a:eth1", st.devices().getFirst().end().toString());
        assertTrue(st.warnings().stream().anyMatch(w -> w.contains("vxlan-stitch link is made as a vxlan interface in the node itself")), st.warnings().toString());
        LabException tpl = assertThrows(LabException.class, () -> TopologyParser.parse("x.yml", "name: x\n{{ if .a }}\n"));
        assertTrue(tpl.getMessage().startsWith("x.yml:2:1: Go template syntax"), tpl.getMessage());
    }

    @Test
    void variablesExpandAsContainerlabsDo() {
        String text = "name: ${LAB_NAME:=v1}\ntopology:\n  nodes:\n    a: {interfaces: {eth0: ${ADDR}}}\n    b: {}\n"
                + "  links:\n    - endpoints: [\"a:eth0\", \"b:eth0\"]\n";
        Topology t = TopologyParser.parse("v.yml", text, java.util.Map.of("ADDR", "10.4.0.1/24"));
        assertEquals("v1", t.name(), "the default of an unset variable");
        assertEquals("10.4.0.1/24", t.nodes().getFirst().addresses().get("eth0").getFirst().toString());
        assertEquals("v2", TopologyParser.parse("v.yml", text, java.util.Map.of("ADDR", "10.4.0.1/24", "LAB_NAME", "v2")).name());
        // unset without a default: left as written, as containerlab leaves it (here it is then a bad address, located)
        LabException e = assertThrows(LabException.class, () -> TopologyParser.parse("v.yml", text, java.util.Map.of()));
        assertTrue(e.getMessage().startsWith("v.yml:4:"), e.getMessage());
        Topology kept = TopologyParser.parse("v.yml", text.replace("    b: {}", "    b: {exec: [\"echo ${HOME_OF_NOBODY}\"]}"),
                java.util.Map.of("ADDR", "10.4.0.1/24"));
        assertEquals("echo ${HOME_OF_NOBODY}", kept.node("b").orElseThrow().exec().getFirst());
    }

    private static String error(String text) {
        return assertThrows(LabException.class, () -> TopologyParser.parse("t.yml", text)).getMessage();
    }

    @Test
    void aMisspeltKindOrKeyIsAnsweredWithWhatWasMeant() {
        assertTrue(error("name: x\ntopology:\n  nodes:\n    a: {kind: linx}\n").startsWith(
                "t.yml:4:15: kind \"linx\" of node a is not a kind nslab knows (did you mean linux?)"), "kind");
        assertTrue(error("name: x\ntopology:\n  nodez:\n    a: {}\n").contains("unknown key \"nodez\" here: did you mean \"nodes\"?"), "key");
        assertTrue(error("name: x\ntopology:\n  nodes:\n    a: {interface: {eth0: 10.0.0.1/24}}\n").contains("did you mean \"interfaces\"?"));
        String far = error("name: x\ntopology:\n  nodes:\n    a: {colour: blue}\n");
        assertTrue(far.contains("unknown key \"colour\" here (known:"), "no guess when nothing is near: " + far);
    }

    @Test
    void aYamlSyntaxErrorKeepsWhatTheParserExpected() {
        String e = error("name: x\ntopology:\n  nodes:\n    a: {kind: linux, interfaces: {eth0: 10.0.0.1/24}\n");
        assertTrue(e.startsWith("t.yml:4:"), e);
        assertTrue(e.contains("while parsing a flow mapping") && e.contains("expected ',' or '}'"), e);
    }

    /** One name rule whatever the mode: what reaches paths, host names and shells is refused where it is written. */
    @Test
    void namesThatWouldReachPathsOrShellsAreRefusedWhateverTheMode() {
        for (String bad : List.of("\"../../etc/x\"", "\"a$(id)\"", "\"a;b\"", "\"a b\"", "\"a\\nb\"", "\".hidden\"", "\"a/b\"")) {
            String text = "name: x\ntopology:\n  nodes:\n    r1: {}\n    " + bad + ": {network-mode: \"container:r1\"}\n";
            String e = error(text);
            assertTrue(e.contains("node name") && e.contains("is not valid"), bad + ": " + e);
        }
        assertTrue(error("name: \"../x\"\ntopology:\n  nodes:\n    a: {}\n").contains("lab name"));
        assertTrue(error("name: x\nprefix: \"../../tmp\"\ntopology:\n  nodes:\n    a: {}\n").contains("prefix"));
        assertTrue(error("name: x\ntopology:\n  nodes:\n    a: {services: [{name: \"w;x\", cmd: \"true\"}]}\n").contains("service name"));
    }

    @Test
    void aCircleOfWaitsIsNamedAndALongChainIsCheap() {
        StringBuilder chain = new StringBuilder("name: t\ntopology:\n  nodes:\n");
        int n = 3000;
        for (int i = 0; i < n; i++) {
            chain.append("    n").append(i).append(": {");
            if (i > 0) chain.append("wait-for: [n").append(i - 1).append("]");
            chain.append("}\n");
        }
        assertEquals(n, TopologyParser.parse("t.yml", chain.toString()).nodes().size()); // no deep recursion, no blow-up
        String circle = chain.toString().replace("    n0: {}", "    n0: {wait-for: [n" + (n - 1) + "]}");
        LabException e = assertThrows(LabException.class, () -> TopologyParser.parse("t.yml", circle));
        assertTrue(e.getMessage().startsWith("t.yml:4:") && e.getMessage().contains("wait-for goes round in a circle: n0 -> n2999 -> "),
                e.getMessage());
    }

    @Test
    void aFileLargerThanALabFileIsRefusedBeforeItIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path big = dir.resolve("big.yml");
        try (var out = new java.io.RandomAccessFile(big.toFile(), "rw")) { out.setLength(TopologyParser.MAX_FILE_BYTES + 1); }
        LabException e = assertThrows(LabException.class, () -> TopologyParser.parseFile(big));
        assertTrue(e.getMessage().contains("more than a lab file may be"), e.getMessage());
    }
}
