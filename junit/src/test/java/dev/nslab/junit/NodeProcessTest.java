package dev.nslab.junit;

import dev.nslab.NetLab;
import dev.nslab.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A process started in a node sees the node as ip netns exec shows it: its /sys lists the node's interfaces. */
@ExtendWith(NetLabExtension.class)
class NodeProcessTest {
    @Test
    void aProcessSeesTheNodesOwnSys(NetLab lab) throws Exception {
        Node a = lab.node("a"), b = lab.node("b");
        lab.link(a, "eth7", b, "eth0");
        Process p = a.start("ls", "/sys/class/net");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals(List.of("eth7", "lo"), Arrays.stream(out.split("\\s+")).filter(s -> !s.isEmpty()).sorted().toList(),
                "the node's interfaces, not the machine's");
        Process ip = new ProcessBuilder("ip", "netns", "exec", lab.name() + "-a", "ls", "/sys/class/net").start();
        String witness = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ip.waitFor());
        assertEquals(out.strip(), witness.strip(), "as ip netns exec shows it");
    }
}
