package dev.nslab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lab configured by exec lines only (examples/netns-basics.yml): verify predicts from the tables its kernels held
 * when it came up, agrees with real pings, and when the network is changed by hand (ip and sysctl as the witness
 * and the hand) names the hop where packets stop now and what changed since up.
 */
@Needs(programs = {"ip", "sysctl"})
class KernelPredictionTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;
    String lab;

    @AfterEach
    void cleanUp() {
        if (lab != null) Nslab.inState(dir, "down", lab);
        t.close();
    }

    private Nslab.Out nslab(String... args) { return Nslab.inState(dir, args); }

    @Test
    void aLabOfExecLinesIsJudgedByItsKernelsTablesAndABreakIsNamed() throws Exception {
        lab = t.n("nb");
        Path f = dir.resolve("netns-basics.yml");
        Files.writeString(f, Files.readString(Path.of("examples", "netns-basics.yml")).replaceFirst("(?m)^name: .*$", "name: " + lab));
        nslab("up", f.toString()).ok();

        Nslab.Out v = nslab("-j", "verify", lab);
        assertEquals(0, v.code(), v.out() + v.err());
        JsonNode r = TestNet.json(v.out());
        assertEquals(15, r.path("pairs").size(), v.out());
        for (JsonNode p : r.path("pairs")) {
            assertEquals("kernel-at-up", p.path("basis").asText(), p.toString());
            assertTrue(p.path("agrees").asBoolean() && p.path("measured").asBoolean(), p.toString());
        }

        // forwarding off in the router, by hand: the four pairs across it fail, and the router's forwarding is named
        String router = lab + "-router", host1 = lab + "-host1";
        Sh.ok("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=0");
        Nslab.Out off = nslab("verify", lab);
        assertEquals(1, off.code(), off.out());
        assertTrue(off.out().contains("host1 -> host3 (10.0.2.10): measured no reach (no reply), predicted reach by the kernel's tables "
                + "as the lab came up: routed then; today: router does not forward IPv4 (forwarding is off)"), off.out());
        assertTrue(off.out().contains("router: forwarding (IPv4) is off, was on"), off.out());
        assertTrue(off.out().contains("4 differ from the prediction"), off.out());
        Sh.ok("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1");

        // a route deleted by hand in host1: host1 and the destination are named
        Sh.ok("ip", "-n", host1, "route", "del", "10.0.2.0/24");
        Nslab.Out noRoute = nslab("verify", lab);
        assertEquals(1, noRoute.code(), noRoute.out());
        assertTrue(noRoute.out().contains("host1 -> host3 (10.0.2.10): measured no reach (no route"), noRoute.out());
        assertTrue(noRoute.out().contains("today: no route from host1 to 10.0.2.10"), noRoute.out());
        assertTrue(noRoute.out().contains("host1: lost the route 10.0.2.0/24 via 10.0.1.1 dev eth1"), noRoute.out());

        // put back: it agrees again
        Sh.ok("ip", "-n", host1, "route", "add", "10.0.2.0/24", "via", "10.0.1.1");
        assertEquals(0, nslab("verify", lab).code());
    }
}
