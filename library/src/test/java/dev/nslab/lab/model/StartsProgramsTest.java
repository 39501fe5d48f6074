package dev.nslab.lab.model;

import dev.nslab.lab.file.TopologyParser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which labs start programs when they come up (a resident JVM leaves those to a process of the user's own): every
 * way a file can ask for one, and the wiring-only labs that ask for none.
 */
@Tag("unit")
class StartsProgramsTest {
    private static Topology lab(String nodes) {
        return TopologyParser.parse("t.yml", "name: t\ntopology:\n  nodes:\n" + nodes.indent(4) + "  links:\n    - endpoints: [\"a:eth0\", \"b:eth0\"]\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "a: {exec: [\"ip link\"]}\nb: {}",
            "a: {kind: host, exec: [\"true\"]}\nb: {}",
            "a: {}\nb: {network-mode: \"container:a\", exec: [\"true\"]}",
            "a: {binds: [\"/etc:/mnt:ro\"]}\nb: {}",
            "a: {hostname: router}\nb: {}",
            "a: {image: busybox:latest}\nb: {}",
            "a: {kind: ovs-bridge}\nb: {}",
            "a: {stages: {create: {exec: [{command: \"true\", target: host}]}}}\nb: {}",
            "a: {services: [{name: web, cmd: \"sleep 1000\"}]}\nb: {}"})
    void thoseThatDo(String nodes) {
        assertTrue(lab(nodes).startsPrograms(), nodes);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "a: {interfaces: {eth0: {address: 10.0.0.1/24}}}\nb: {interfaces: {eth0: {address: 10.0.0.2/24}}, forwarding: true}",
            "a: {kind: bridge}\nb: {routes: [{dst: default, via: 10.0.0.1}], interfaces: {eth0: {address: 10.0.0.2/24}}}"})
    void thoseThatDoNot(String nodes) {
        assertFalse(lab(nodes).startsPrograms(), nodes);
    }
}
