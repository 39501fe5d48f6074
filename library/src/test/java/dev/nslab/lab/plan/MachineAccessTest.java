package dev.nslab.lab.plan;

import dev.nslab.lab.file.TopologyParser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a file asks of the machine beyond its confined nodes, found from the file alone. */
@Tag("unit")
class MachineAccessTest {
    private static List<String> of(String text) {
        return MachineAccess.of(TopologyParser.parse("t.yml", text)).stream().map(r -> r.line() + ": " + r.what()).toList();
    }

    @Test
    void aLabWithinItsOwnNodesAsksNothing() {
        // programs in nodes, read-only binds, a node that happens to be called host: all the lab's own
        assertEquals(List.of(), of("""
                name: t
                topology:
                  nodes:
                    host: {kind: linux}
                    a: {exec: ["ip addr add 10.0.0.1/24 dev eth1"], binds: ["/etc:/mnt:ro"]}
                  links:
                    - endpoints: ["a:eth1", "host:eth1"]
                """));
    }

    @Test
    void commandsOnTheMachineWritableBindsHostLinksAndTunnelsAreEachNamedAtTheirLine() {
        assertEquals(List.of(
                "4: node h runs 2 exec lines on the machine itself, not in a node (it is the machine: kind: host or network-mode: host)",
                "6: node a runs 1 stage command on the machine itself (target: host)",
                "8: node a may write to the machine's /var/tmp (a bind without :ro)",
                "10: interface veth9 is made in the machine's own network namespace",
                "11: node a sends a VXLAN tunnel out of the machine to 192.0.2.9, UDP port 4789"), of("""
                name: t
                topology:
                  nodes:
                    h: {kind: host, exec: ["true", "true"]}
                    a:
                      stages: {create: {exec: [{command: "true", target: host}]}}
                      binds:
                        - /var/tmp:/data
                  links:
                    - endpoints: ["a:eth1", "host:veth9"]
                    - type: vxlan
                      endpoint: {node: a, interface: vx0}
                      remote: 192.0.2.9
                      vni: 7
                """));
    }
}
