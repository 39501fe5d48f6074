package dev.nslab.junit;

import dev.nslab.Cable;
import dev.nslab.Impairments;
import dev.nslab.NetLab;
import dev.nslab.Node;
import dev.nslab.error.LabException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults from Java: a partition of a three-node lab stops TCP connects and pings between groups and verify predicts
 * it; heal restores; a cut cable and its mend; loss on an end, judged by ping(8) as well as by nslab.
 */
@ExtendWith(NetLabExtension.class)
class FaultsApiTest {
    /** a, b and c on one Linux-bridge-free star: a-b and a-c cables, a routing. */
    private static Node[] triangle(NetLab lab) {
        Node a = lab.node("a"), b = lab.node("b"), c = lab.node("c");
        lab.link(a, "eth1", b, "eth0");
        lab.link(a, "eth2", c, "eth0");
        a.address("eth1", "10.61.1.1/24");
        a.address("eth2", "10.61.2.1/24");
        b.address("eth0", "10.61.1.2/24");
        c.address("eth0", "10.61.2.2/24");
        b.route("default", "10.61.1.1");
        c.route("default", "10.61.2.1");
        a.forwarding(true);
        return new Node[] {a, b, c};
    }

    private static boolean connects(Node from, String to) {
        try {
            return from.call(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(to, 7000), 500);
                    return true;
                }
            });
        } catch (LabException e) {
            return false;
        }
    }

    @Test
    void partitionAndHeal(NetLab lab) throws Exception {
        Node[] n = triangle(lab);
        Node a = n[0], b = n[1], c = n[2];
        ServerSocket sb = b.call(() -> new ServerSocket(7000, 50, InetAddress.getByName("10.61.1.2")));
        ServerSocket sc = c.call(() -> new ServerSocket(7000, 50, InetAddress.getByName("10.61.2.2")));
        Thread.ofVirtual().start(() -> acceptAll(sb));
        Thread.ofVirtual().start(() -> acceptAll(sc));
        assertTrue(connects(b, "10.61.2.2"));

        lab.partition(Set.of(a, b), Set.of(c));
        assertTrue(b.ping("10.61.1.1").reachable(), "a and b share a group");
        assertTrue(connects(a, "10.61.1.2"));
        assertFalse(connects(b, "10.61.2.2"), "b and c do not");
        assertFalse(b.ping("10.61.2.2").reachable());
        assertFalse(ParallelLabsTest.witnessPing(lab.name() + "-a", "10.61.2.2"), "ping(8) agrees");
        assertTrue(lab.verify().agrees(), lab.verify().toString());

        lab.heal();
        assertTrue(connects(b, "10.61.2.2"));
        assertTrue(ParallelLabsTest.witnessPing(lab.name() + "-a", "10.61.2.2"));
        assertTrue(lab.verify().agrees());
        sb.close();
        sc.close();
    }

    private static void acceptAll(ServerSocket s) {
        try {
            while (true) s.accept().close();
        } catch (java.io.IOException closed) {
            // the test closed it
        }
    }

    @Test
    void cutMendAndLoss(NetLab lab) {
        Node[] n = triangle(lab);
        Node a = n[0], b = n[1];
        Cable ab = lab.cable(b, "eth0");
        assertEquals("b:eth0 - a:eth1", ab.toString());
        ab.cut();
        assertFalse(b.ping("10.61.1.1").reachable());
        assertTrue(lab.verify().agrees(), "a cut cable is predicted unreachable");
        ab.mend();
        assertTrue(b.ping("10.61.1.1").reachable());
        assertTrue(ParallelLabsTest.witnessPing(lab.name() + "-b", "10.61.2.2"), "routes through the mended cable are back");

        lab.impair(a, "eth1", Impairments.none().loss(100));
        assertFalse(b.ping("10.61.1.1").reachable(), "every reply from a is lost");
        assertFalse(ParallelLabsTest.witnessPing(lab.name() + "-b", "10.61.1.1"));
        lab.impair(a, "eth1", Impairments.none());
        assertTrue(b.ping("10.61.1.1").reachable());
        ab.impair(Impairments.none().rate("50mbit"));
        assertTrue(b.ping("10.61.1.1").reachable(), "a rate limit lets pings through");
        LabException bad = assertThrows(LabException.class, () -> Impairments.none().rate("fast"));
        assertTrue(bad.getMessage().contains("rate \"fast\""), bad.getMessage());
        try {
            lab.impair(a, "eth1", Impairments.none().delay("40ms"));
            // a kernel with netem: the delay is there
            assertTrue(b.ping("10.61.1.1").reachable());
        } catch (LabException e) {
            assertTrue(e.getMessage().contains("CONFIG_NET_SCH_NETEM"), "the missing kernel feature is named: " + e.getMessage());
            assertTrue(b.ping("10.61.1.1").reachable(), "and the rate limit in effect stays");
        }
        assertEquals("rate 50mbit", Impairments.none().rate("50mbit").toString());
    }
}
