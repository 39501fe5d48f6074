package dev.nslab.junit;

import dev.nslab.Expect;
import dev.nslab.NetLab;
import dev.nslab.Node;
import dev.nslab.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expectations from Java: reach (waited for), a route, an address, a socket opened in a node, a command's output; one that fails names why. */
@ExtendWith(NetLabExtension.class) // skipped, with the missing privileges named, where labs cannot be made
class ExpectApiTest {
    @Test
    void checksOfNodesAreJudgedWithTheRest() throws Exception {
        try (NetLab lab = NetLab.create()) {
            Node a = lab.node("a"), b = lab.node("b");
            lab.link(a, "eth0", b, "eth0");
            a.address("eth0", "10.43.0.1/24");
            b.address("eth0", "10.43.0.2/24");
            a.route("10.44.0.0/16", "10.43.0.2");
            try (ServerSocket server = b.call(() -> new ServerSocket(8045, 5, InetAddress.getByName("10.43.0.2")))) {
                Verification ok = lab.verify(Expect.route(a, "10.44.0.0/16").via("10.43.0.2").dev("eth0"), Expect.address(b, "eth0", "10.43.0.2/24"),
                        Expect.listening(b, "tcp", server.getLocalPort()), Expect.command(a, "cat /sys/class/net/eth0/operstate", "up")
                                .within(Duration.ofSeconds(5)));
                assertTrue(ok.agrees(), ok.toString());
                assertEquals(4, ok.expectations().size(), ok.toString());
                assertTrue(ok.expectations().get(2).equals("expect b listening tcp 8045: holds (a socket listens on tcp port 8045)"), ok.toString());

                Verification reach = lab.verify(Expect.reaches(a, b).within(Duration.ofSeconds(10)), Expect.reachesNot(b, a));
                assertFalse(reach.agrees(), reach.toString()); // b does reach a: they share a subnet
                assertTrue(reach.expectations().stream().anyMatch(x -> x.startsWith(
                        "expect a -> b reach true (wait 10s): holds (every address answered; held after")), reach.toString());
                assertTrue(reach.disagreements().stream().anyMatch(x -> x.startsWith("expect b -> a reach false: FAILS (10.43.0.1 answered")),
                        reach.toString());

                Verification bad = lab.verify(Expect.listening(b, "udp", 8045));
                assertFalse(bad.agrees());
                assertTrue(bad.disagreements().getFirst().startsWith("expect b listening udp 8045: FAILS (nothing listens on udp port 8045"),
                        bad.toString());
            }
        }
    }
}
