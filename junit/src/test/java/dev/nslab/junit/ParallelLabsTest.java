package dev.nslab.junit;

import dev.nslab.NetLab;
import dev.nslab.Node;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Eight tests at once, each with its own lab and the same node names, interface names and addresses. */
@ExtendWith(NetLabExtension.class)
@Execution(ExecutionMode.CONCURRENT)
class ParallelLabsTest {
    static boolean witnessPing(String namespace, String address) {
        try {
            return new ProcessBuilder("ip", "netns", "exec", namespace, "ping", "-c", "1", "-W", "2", address)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @RepeatedTest(8)
    void sameNamesInParallel(NetLab lab) {
        Node a = lab.node("client"), b = lab.node("server");
        lab.link(a, "eth0", b, "eth0");
        a.address("eth0", "10.77.0.1/24");
        b.address("eth0", "10.77.0.2/24");
        assertTrue(a.ping("10.77.0.2").reachable(), "in " + lab.name());
        // the real ping is the witness, from the node's namespace as ip netns exec enters it
        assertTrue(witnessPing(lab.name() + "-client", "10.77.0.2"), "ping(8) in " + lab.name());
        assertTrue(Files.exists(Path.of("/run/netns", lab.name() + "-server")));
        assertTrue(lab.verify().agrees(), "in " + lab.name());
    }
}
