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
@Needs(programs = {"ip", "sysctl", "iperf3", "getent"})
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

    /**
     * A node whose routes change all the time (a service adding one every 20 ms, as a routing daemon converging does for
     * a while): verify measures again while the tables change under it, lists the change as happening during the
     * measurement, and judges the pairs whose prediction held through it (here all: the new routes are elsewhere).
     * a reaches c only through b, which does not forward: those probes wait out their second, so every measurement
     * sees the tables move.
     */
    @Test
    void tablesChangingWhileMeasuredAreMeasuredAgainAndNamed() throws Exception {
        lab = t.n("ch");
        Path f = dir.resolve("churn.yml");
        Files.writeString(f, """
                name: %s
                topology:
                  nodes:
                    a: {interfaces: {eth0: 10.71.0.1/24}, routes: [{dst: 10.76.0.0/24, via: 10.71.0.2}]}
                    b:
                      interfaces: {eth0: 10.71.0.2/24, eth1: 10.76.0.2/24}
                      services:
                        - name: churn
                          cmd: sh -c 'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); ip route add blackhole 10.201.$((i/250)).$((i%%250))/32; sleep 0.02; done'
                    c: {interfaces: {eth0: 10.76.0.3/24}, routes: [{dst: 10.71.0.0/24, via: 10.76.0.2}]}
                  links:
                    - endpoints: [a:eth0, b:eth0]
                    - endpoints: [b:eth1, c:eth0]
                """.formatted(lab));
        nslab("up", f.toString()).ok();
        Nslab.Out v = nslab("-j", "verify", lab);
        assertEquals(0, v.code(), v.out() + v.err());
        assertTrue(v.err().contains("measuring again"), v.err());
        JsonNode r = TestNet.json(v.out());
        assertTrue(r.path("changes").toString().contains("b: while it was measured, has a new route blackhole 10.201."), r.path("changes").toString());
        boolean across = false;
        for (JsonNode p : r.path("pairs")) {
            assertTrue(p.path("agrees").asBoolean(), p.toString());
            if (p.path("from").asText().equals("a") && p.path("address").asText().equals("10.76.0.3")) {
                assertEquals(false, p.path("measured").asBoolean(), p.toString());
                across = true;
            }
        }
        assertTrue(across, "a to c was judged: " + v.out());
        // the human form lists ten changes a node, not a daemon's hundreds of routes
        Nslab.Out human = nslab("verify", lab);
        assertEquals(0, human.code(), human.out() + human.err());
        assertTrue(human.out().lines().filter(l -> l.startsWith("    b: ")).count() <= 11, human.out());
        assertTrue(human.out().contains("more changes (-j lists every one)"), human.out());
    }

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

        // a cut cable is predicted as cut; mended, the routes exec lines had set through it are back (the kernel drops
        // them with the link), and the lab agrees again
        nslab("cut", lab, "router:eth2").ok();
        Nslab.Out cut = nslab("verify", lab);
        assertEquals(0, cut.code(), cut.out());
        assertTrue(Sh.ok("ip", "-n", lab + "-host3", "route", "show").lines().noneMatch(l -> l.startsWith("10.0.1.0/24")), "the kernel dropped it");
        nslab("mend", lab, "router:eth2").ok();
        assertTrue(Sh.ok("ip", "-n", lab + "-host3", "route", "show").contains("10.0.1.0/24 via 10.0.2.1 dev eth1"));
        Nslab.Out mended = nslab("verify", lab);
        assertEquals(0, mended.code(), mended.out());
    }

    /** Checks beyond reach: each holds on the lab, each broken on purpose fails with its own words, and --junit says so per check. */
    @Test
    void checksBeyondReachAndAJunitReport() throws Exception {
        lab = t.n("nc");
        String text = Files.readString(Path.of("examples", "netns-basics.yml")).replaceFirst("(?m)^name: .*$", "name: " + lab)
                .replace("        - ip addr add 10.0.2.10/24 dev eth1\n", "        - ip addr add 10.0.2.10/24 dev eth1\n        - iperf3 -s -D -p 8045\n")
                + """
                expect:
                  - {node: host1, route: {dst: 10.0.2.0/24, via: 10.0.1.1}}
                  - {node: host3, address: {dev: eth1, cidr: 10.0.2.10/24}}
                  - {node: host3, listening: {tcp: 8045}}
                  - {node: host1, resolves: host3}
                  - {node: router, command: "sysctl net.ipv4.ip_forward", output: "= 1$", wait: 5s}
                  - {node: host1, route: {dst: 10.9.0.0/24}}
                  - {node: host3, address: {dev: eth1, cidr: 10.0.2.11/24}}
                  - {node: host3, listening: {udp: 8045}}
                  - {node: host1, resolves: nosuch-name}
                  - {node: router, command: "echo Init", output: "Full", wait: 1s}
                """;
        Path f = dir.resolve("checks.yml");
        Files.writeString(f, text);
        nslab("up", f.toString()).ok();
        Path junit = dir.resolve("report.xml");
        Nslab.Out v = nslab("verify", lab, "--junit", junit.toString());
        assertEquals(1, v.code(), v.out());
        for (String line : new String[] {
                "expect host1 route 10.0.2.0/24 via 10.0.1.1: holds (10.0.2.0/24 via 10.0.1.1 dev eth1 is in the main table)",
                "expect host3 address 10.0.2.10/24 on eth1: holds (eth1 has 10.0.2.10/24)",
                "expect host3 listening tcp 8045: holds (a socket listens on tcp port 8045)",
                "expect host1 resolves host3: holds (host3 is 10.0.2.10 in host1)",
                "expect router command \"sysctl net.ipv4.ip_forward\" output /= 1$/ (wait 5s): holds (its output matches /= 1$/; held after",
                "expect host1 route 10.9.0.0/24: FAILS (no route to 10.9.0.0/24 in the main table (10.0.1.0/24 dev eth1; 10.0.2.0/24 via 10.0.1.1 dev eth1))",
                "expect host3 address 10.0.2.11/24 on eth1: FAILS (eth1 has 10.0.2.10/24)",
                "expect host3 listening udp 8045: FAILS (nothing listens on udp port 8045",
                "expect host1 resolves nosuch-name: FAILS (nosuch-name does not resolve in host1 (getent hosts nosuch-name: exit 2))",
                "expect router command \"echo Init\" output /Full/ (wait 1s): FAILS (its output (exit 0) does not match /Full/: \"Init\"; still not after"}) {
            assertTrue(v.out().contains(line), line + "\n" + v.out());
        }
        // the witness: a JUnit XML parser, one test case per check and per pair
        org.w3c.dom.Document d = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        org.w3c.dom.Element suite = (org.w3c.dom.Element) d.getElementsByTagName("testsuite").item(0);
        assertEquals(String.valueOf(10 + 15), suite.getAttribute("tests"));
        assertEquals("5", suite.getAttribute("failures"));
        assertEquals(25, d.getElementsByTagName("testcase").getLength());
        assertEquals(5, d.getElementsByTagName("failure").getLength());
    }

    /**
     * A reach expectation with {@code wait:} is tried until it holds: the router starts forwarding three seconds after
     * verify starts (as a routing daemon converges), and the pairs are measured after it held; one that never holds
     * fails once its wait is up.
     */
    @Test
    void aReachExpectationWaitsForTheNetworkToConverge() throws Exception {
        lab = t.n("nw");
        Path f = dir.resolve("wait.yml");
        Files.writeString(f, Files.readString(Path.of("examples", "netns-basics.yml")).replaceFirst("(?m)^name: .*$", "name: " + lab) + """
                expect:
                  - {from: host1, to: host3, reach: true, wait: 30s}
                  - {from: host1, to: 10.0.2.99, reach: true, wait: 2s}
                """);
        nslab("up", f.toString()).ok();
        String router = lab + "-router";
        Sh.ok("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=0");
        // the network converges by itself a while after verify has started
        Process later = new ProcessBuilder("ip", "netns", "exec", router, "sh", "-c", "sleep 3; sysctl -qw net.ipv4.ip_forward=1")
                .redirectErrorStream(true).start();
        try {
            Nslab.Out v = nslab("verify", lab);
            assertEquals(1, v.code(), v.out()); // the address no one has never answers
            assertTrue(v.out().contains("expect host1 -> host3 reach true (wait 30s): holds (every address answered; held after"), v.out());
            assertTrue(v.out().contains("expect host1 -> 10.0.2.99 reach true (wait 2s): FAILS (10.0.2.99 did not answer"), v.out());
            assertTrue(v.out().matches("(?s).*10\\.0\\.2\\.99 did not answer.*; still not after [2-9]\\.\\d s, \\d+ tr(y|ies)\\).*"), v.out());
            // the witness: forwarding is on again, as the router set it
            assertEquals("net.ipv4.ip_forward = 1", Sh.ok("ip", "netns", "exec", router, "sysctl", "net.ipv4.ip_forward").strip());
        } finally {
            if (!later.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) later.destroyForcibly().waitFor();
        }
    }
}
