package dev.nslab.cli;

import dev.nslab.testkit.Iperf;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.OpenVswitch;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Impairments, cut cables and partitions, from the lab file and at run time, measured on the real kernel: iperf3
 * for rate, 1,000 pings for loss, TCP connects and ping for partitions and cuts; tc(8) and nft(8) as witnesses of
 * what is there, and of what is left after down (nothing).
 */
@ExtendWith(OpenVswitch.class)
@Needs(programs = {"ip", "ping", "tc", "nft", "iperf3"}, openVswitch = true)
class FaultsTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        for (String lab : List.of("f1", "f2", "f3")) Nslab.inState(dir, "down", t.n(lab));
        t.close();
    }

    private Nslab.Out lab(String... args) { return Nslab.inState(dir, args); }

    /** a - b - c, b routing; "@IMP" is replaced by the a-b link's impairments line (or nothing). */
    private static final String CHAIN = """
            name: @f1
            topology:
              nodes:
                a: {kind: linux, interfaces: {eth0: {address: 10.201.0.1/24}}, routes: [{dst: 10.201.1.0/24, via: 10.201.0.2}]}
                b: {kind: linux, interfaces: {eth0: {address: 10.201.0.2/24}, eth1: {address: 10.201.1.1/24}}, forwarding: true}
                c: {kind: linux, interfaces: {eth0: {address: 10.201.1.2/24}}, routes: [{dst: 10.201.0.0/24, via: 10.201.1.1}]}
              links:
                - endpoints: ["a:eth0", "b:eth0"]
            IMP
                - endpoints: ["b:eth1", "c:eth0"]
            """;

    private Path chain(String impairments) throws Exception {
        return t.writeNamed(dir, "chain.yml", CHAIN.replace("IMP\n", impairments.isEmpty() ? "" : "      impairments: " + impairments + "\n"));
    }

    private String ns(String node) { return t.n("f1-" + node); }

    /** Mbit/s of a TCP stream from a to c over 4 seconds (iperf3). */
    private double mbits() { return Iperf.mbits(Iperf.in(ns("c")), ns("c"), Iperf.in(ns("a")), "10.201.1.2", 4); }

    /**
     * The rate measured within 10 % of {@code mbit}. A rate limit is a ceiling: a busy machine can make a measurement
     * fall short of it (CI once measured 8.9 of 10), never exceed it; so a short one is measured again (at most three
     * times, the best kept), and every measurement must stay under the ceiling's 110 %.
     */
    private double rateNear(double mbit) {
        double best = 0;
        for (int i = 0; i < 3 && best <= mbit * 0.9; i++) {
            double m = mbits();
            assertTrue(m < mbit * 1.1, mbit + "mbit: measured " + m + " Mbit/s, above the limit");
            best = Math.max(best, m);
        }
        return best;
    }

    /** Percent of 1,000 pings from a to c that got no answer. */
    private double pingLoss() {
        Sh.Result r = Sh.run("ip", "netns", "exec", ns("a"), "ping", "-q", "-c", "1000", "-i", "0.002", "-W", "1", "10.201.1.2");
        Matcher m = Pattern.compile("([0-9.]+)% packet loss").matcher(r.out());
        assertTrue(m.find(), r.out());
        return Double.parseDouble(m.group(1));
    }

    private boolean ping(String from, String to) {
        return Sh.run("ip", "netns", "exec", ns(from), "ping", "-c", "1", "-W", "1", to).code() == 0;
    }

    private String qdisc(String node, String dev) {
        return TestNet.json(Sh.ok("ip", "netns", "exec", ns(node), "tc", "-j", "qdisc", "show", "dev", dev)).get(0).path("kind").asText();
    }

    private String ruleset(String node) { return Sh.ok("ip", "netns", "exec", ns(node), "nft", "list", "ruleset"); }

    @Test
    void rateAtRunTimeMeasuresTenMegabitsAndClearRestores() throws Exception {
        lab("up", chain("").toString()).ok();
        lab("impair", t.n("f1"), "a:eth0", "--rate", "10mbit").ok();
        assertEquals("tbf", qdisc("a", "eth0"), "a token bucket on the end");
        double rate = rateNear(10);
        assertTrue(rate > 9.0 && rate < 11.0, "10mbit within 10 %: " + rate);
        String status = lab("status", t.n("f1")).ok().out();
        assertTrue(status.contains("impaired a:eth0: rate 10mbit"), status);
        JsonNode js = TestNet.json(lab("status", t.n("f1"), "-j").ok().out());
        assertEquals("10mbit", js.path("faults").path("impairments").path("a:eth0").path("rate").asText(), js.toString());
        lab("impair", t.n("f1"), "a:eth0", "--clear").ok();
        assertEquals("noqueue", qdisc("a", "eth0"), "the veth's own discipline again");
        double free = mbits();
        assertTrue(free > 100, "unimpaired: " + free);
    }

    @Test
    void rateFromTheFileSurvivesASecondUpAndEditsChangeOnlyIt() throws Exception {
        Path f = chain("{rate: 10mbit}");
        lab("up", f.toString()).ok();
        assertEquals("tbf", qdisc("a", "eth0"));
        assertEquals("tbf", qdisc("b", "eth0"), "a link's impairments are both ends'");
        double rate = rateNear(10);
        assertTrue(rate > 9.0 && rate < 11.0, "10mbit within 10 %: " + rate);
        assertTrue(lab("up", f.toString()).ok().out().contains("nothing to change"));
        // a run-time change survives a second up of the same file
        lab("impair", t.n("f1"), "b:eth1", "--loss", "5%").ok();
        assertTrue(lab("up", f.toString()).ok().out().contains("nothing to change"));
        assertTrue(ruleset("c").contains("numgen random mod 1000000 < 50000 drop"), ruleset("c"));
        // editing the impairment changes only it
        Files.writeString(f, Files.readString(f).replace("{rate: 10mbit}", "{\"a:eth0\": {rate: 20mbit}}"));
        String out = lab("up", f.toString(), "-j").ok().out();
        JsonNode js = TestNet.json(out);
        assertEquals(2, js.path("remove").size(), out);
        assertEquals(1, js.path("add").size(), out);
        assertEquals("noqueue", qdisc("b", "eth0"));
        assertTrue(Sh.ok("ip", "netns", "exec", ns("a"), "tc", "qdisc", "show", "dev", "eth0").contains("rate 20Mbit"));
    }

    /** --clear ends run-time impairments: each end goes back to what the file declares, and a second up keeps it so. */
    @Test
    void clearReturnsToTheFilesImpairmentAndASecondUpKeepsIt() throws Exception {
        Path f = chain("{\"a:eth0\": {rate: 20mbit}}");
        lab("up", f.toString()).ok();
        lab("impair", t.n("f1"), "a:eth0", "--rate", "5mbit").ok();
        lab("impair", t.n("f1"), "b:eth1", "--rate", "50mbit").ok();
        assertTrue(Sh.ok("ip", "netns", "exec", ns("a"), "tc", "qdisc", "show", "dev", "eth0").contains("rate 5Mbit"));
        lab("impair", t.n("f1"), "--clear").ok();
        assertTrue(Sh.ok("ip", "netns", "exec", ns("a"), "tc", "qdisc", "show", "dev", "eth0").contains("rate 20Mbit"), "the file's rate again");
        assertEquals("noqueue", qdisc("b", "eth1"), "a run-time impairment the file does not have is gone");
        double rate = rateNear(20);
        assertTrue(rate > 18.0 && rate < 22.0, "20mbit within 10 %: " + rate);
        lab("up", f.toString()).ok();
        assertTrue(Sh.ok("ip", "netns", "exec", ns("a"), "tc", "qdisc", "show", "dev", "eth0").contains("rate 20Mbit"), "after a second up too");
        // one end's --clear: that end back to the file's
        lab("impair", t.n("f1"), "a:eth0", "--loss", "1%").ok();
        assertEquals("noqueue", qdisc("a", "eth0"), "the run-time impairment replaces the file's");
        lab("impair", t.n("f1"), "a:eth0", "--clear").ok();
        assertTrue(Sh.ok("ip", "netns", "exec", ns("a"), "tc", "qdisc", "show", "dev", "eth0").contains("rate 20Mbit"));
    }

    @Test
    void twentyPercentLossLosesTwentyPercentOfAThousandPings() throws Exception {
        lab("up", chain("").toString()).ok();
        // the neighbours are resolved first: the loss drops ARP too, and a lost ARP request holds up (and drops) the
        // pings queued behind it for a second, which is not what the count measures
        assertTrue(ping("a", "10.201.1.2"));
        lab("impair", t.n("f1"), "a:eth0", "--loss", "20%").ok();
        String rules = ruleset("b");
        assertTrue(rules.contains("hook ingress device \"eth0\"") && rules.contains("numgen random mod 1000000 < 200000 drop"),
                "dropped as it arrives at the other end, unknown to the sender: " + rules);
        double lost = pingLoss();
        assertTrue(lost >= 15 && lost <= 25, "20 % loss: " + lost + " % lost");
        lab("impair", t.n("f1"), "--clear").ok();
        assertEquals("", ruleset("b").strip(), "the loss table goes with the impairment");
        assertTrue(pingLoss() < 1, "no loss once cleared");
    }

    @Test
    void partitionDropsBetweenGroupsAndVerifyAgrees() throws Exception {
        lab("up", chain("").toString()).ok();
        Nslab.run("exec", "--state-dir", dir.toString(), t.n("f1"), "c", "-d", "--", "iperf3", "-s", "-B", "10.201.1.2").ok();
        Nslab.run("exec", "--state-dir", dir.toString(), t.n("f1"), "b", "-d", "--", "iperf3", "-s", "-B", "10.201.0.2").ok();
        for (String n : List.of("b", "c")) waitListening(n);
        lab("partition", t.n("f1"), "a,b", "c").ok();
        assertTrue(ping("a", "10.201.0.2"), "a and b are in one group");
        assertTrue(connects("a", "10.201.0.2"));
        assertFalse(ping("a", "10.201.1.2"), "a and c are not");
        assertFalse(connects("a", "10.201.1.2"));
        assertFalse(ping("b", "10.201.1.2"), "b and c are not");
        assertFalse(ping("c", "10.201.1.1"));
        assertTrue(ruleset("c").contains("table inet nslab-" + t.n("f1")), ruleset("c"));
        Nslab.Out v = lab("verify", t.n("f1"));
        assertEquals(0, v.code(), v.out() + v.err());
        assertTrue(lab("verify", t.n("f1"), "-j").out().contains("are in different partition groups"));
        assertTrue(lab("status", t.n("f1")).out().contains("partition: a,b | c"));
        lab("heal", t.n("f1")).ok();
        assertTrue(ping("a", "10.201.1.2"));
        assertTrue(connects("a", "10.201.1.2"));
        assertEquals("", ruleset("c").strip());
        assertEquals(0, lab("verify", t.n("f1")).code());
    }

    private void waitListening(String node) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Sh.run("ip", "netns", "exec", ns(node), "ss", "-ltnH", "sport = :5201").out().contains("5201")) {
            if (System.nanoTime() > deadline) throw new AssertionError("iperf3 server in " + node + " did not listen");
            Thread.onSpinWait();
        }
    }

    private boolean connects(String from, String to) {
        return Sh.run("ip", "netns", "exec", ns(from), "timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + to + "/5201").code() == 0;
    }

    @Test
    void cutAndMendACable() throws Exception {
        lab("up", chain("").toString()).ok();
        lab("cut", t.n("f1"), "c:eth0").ok();
        assertEquals("DOWN", t.link(ns("c"), "eth0").path("operstate").asText());
        assertEquals("DOWN", t.link(ns("b"), "eth1").path("operstate").asText());
        assertFalse(ping("a", "10.201.1.2"));
        Nslab.Out v = lab("verify", t.n("f1"), "-j");
        assertEquals(0, v.code(), v.out());
        assertTrue(v.out().contains("cable b:eth1 - c:eth0 is cut"), v.out());
        lab("cut", t.n("f1"), "b:eth1").ok(); // the same cable by its other end: still one cut
        assertEquals(1, TestNet.json(lab("status", t.n("f1"), "-j").out()).path("faults").path("cuts").size());
        lab("mend", t.n("f1"), "c:eth0").ok();
        assertTrue(ping("a", "10.201.1.2"), "routes through the mended cable are back");
        assertTrue(Sh.ok("ip", "-n", ns("c"), "route").contains("10.201.0.0/24 via 10.201.1.1"));
        lab("mend", t.n("f1"), "c:eth0").fails();
        assertEquals(0, lab("verify", t.n("f1")).code());
    }

    @Test
    void downLeavesNoQdiscTableOrStateEvenOnASwitchPort() throws Exception {
        Path f = t.writeNamed(dir, "sw.yml", """
                name: @f2
                topology:
                  nodes:
                    h1: {kind: linux, interfaces: {eth0: {address: 10.202.0.1/24}}}
                    h2: {kind: linux, interfaces: {eth0: {address: 10.202.0.2/24}}}
                    @sw: {kind: ovs-bridge}
                  links:
                    - endpoints: ["h1:eth0", "@sw:@p1"]
                    - endpoints: ["h2:eth0", "@sw:@p2"]
                """);
        lab("up", f.toString()).ok();
        lab("impair", t.n("f2"), t.n("sw") + ":" + t.n("p1"), "--rate", "50mbit", "--loss", "1%", "-v").ok();
        assertTrue(Sh.ok("tc", "qdisc", "show", "dev", t.n("p1")).contains("tbf"));
        assertTrue(Sh.ok("ip", "netns", "exec", t.n("f2-h1"), "nft", "list", "tables").contains("nslab-" + t.n("f2") + "-eth0"),
                "the port's loss is dropped where h1 receives");
        assertEquals(0, Sh.run("ip", "netns", "exec", t.n("f2-h1"), "ping", "-c", "5", "-i", "0.2", "-W", "1", "10.202.0.2").code(),
                "traffic crosses the impaired switch port");
        lab("down", t.n("f2")).ok();
        assertFalse(Sh.ok("nft", "list", "tables").contains("nslab-" + t.n("f2")), "no table of the lab in the root namespace");
        assertFalse(Sh.ok("tc", "qdisc", "show").contains(t.n("p1")), "no discipline of the lab");
        assertFalse(t.linkNames(null).contains(t.n("p1")));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(t.n("f2"))), "no state of the lab");
        }
    }

    @Test
    void refusalsChangeNothing() throws Exception {
        // the witness for netem is tc itself, in a namespace of this test's own (a module may be built in or loadable)
        String probe = t.n("np");
        Sh.ok("ip", "netns", "add", probe);
        boolean netem = Sh.run("ip", "netns", "exec", probe, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms").code() == 0;
        Sh.ok("ip", "netns", "del", probe);
        // a delay in the file, where the kernel has no netem: refused at the link's line, before anything exists
        Path f = chain("{delay: 40ms}");
        if (!netem) {
            Nslab.Out up = lab("up", f.toString()).fails();
            assertTrue(up.err().contains(f + ":8:") && up.err().contains("CONFIG_NET_SCH_NETEM"), up.err());
            assertTrue(t.ipNetnsList().stream().noneMatch(n -> n.startsWith(t.n("f1"))), "nothing created");
        }
        lab("up", chain("").toString()).ok();
        lab("impair", t.n("f1"), "a:eth0", "--loss", "5%").ok();
        String before = Files.readString(dir.resolve(t.n("f1") + ".json"));
        if (!netem) {
            Nslab.Out o = lab("impair", t.n("f1"), "a:eth0", "--delay", "40ms");
            assertEquals(1, o.code());
            assertTrue(o.err().contains("CONFIG_NET_SCH_NETEM"), o.err());
        }
        Nslab.Out bad = lab("impair", t.n("f1"), "a:eth0", "--rate", "10mbits");
        assertTrue(bad.code() != 0, bad.err());
        assertTrue(bad.err().contains("unknown unit \"mbits\""), bad.err());
        Nslab.Out noEnd = lab("impair", t.n("f1"), "a:eth9", "--rate", "1mbit");
        assertTrue(noEnd.err().contains("\"a:eth9\" is not an end of a cable") && noEnd.err().contains("a:eth0"), noEnd.err());
        Nslab.Out twice = lab("partition", t.n("f1"), "a,b", "b,c");
        assertTrue(twice.err().contains("node b is in two partition groups"), twice.err());
        assertEquals(before, Files.readString(dir.resolve(t.n("f1") + ".json")), "the state is as it was");
        assertTrue(ruleset("b").contains("< 50000 drop"), "the loss in effect stays");
        // bad values in the file are located
        Nslab.Out located = lab("up", chain("{loss: 120%}").toString()).fails();
        assertTrue(located.err().contains(":9:") && located.err().contains("loss 120% is not a percentage"), located.err());
    }
}
