package dev.nslab.lab;

import dev.nslab.lab.apply.NeighbourLimits;
import dev.nslab.testkit.LabTexts;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Labs at the kernel's limits, judged by the kernel: the shared neighbour table is raised for a lab that needs it
 * and put back afterwards (read from /proc/sys), verify measures what the kernel really has (addresses from exec
 * lines included) and never agrees by default, a bridge the kernel cannot build is refused before anything exists,
 * and a namespace deleted by hand is repaired race-free, exec lines included (judged by the real ping and ip).
 */
@Needs(programs = {"ip", "ping", "stat", "sysctl"})
class TrustAtScaleTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        for (String lab : List.of("star", "execlab", "bare", "big", "chainx", "procs", "names", "own")) Nslab.inState(dir, "down", t.n(lab));
        t.close();
    }

    private Nslab.Out lab(String... args) { return Nslab.inState(dir, args); }

    private Path file(String name, String text) throws Exception { return t.writeNamed(dir, name, text); }

    private List<String> ourNamespaces() {
        return t.ipNetnsList().stream().filter(n -> n.startsWith(t.prefix)).toList();
    }

    private static Map<String, String> neighbourThresholds() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String fam : List.of("ipv4", "ipv6")) {
            for (String k : List.of("gc_thresh1", "gc_thresh2", "gc_thresh3")) {
                String key = "net." + fam + ".neigh.default." + k;
                out.put(key, Sh.run("sysctl", "-n", key).ok().out().strip());
            }
        }
        return out;
    }

    private static boolean ping(String ns, String addr) {
        return Sh.run("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "1", addr).code() == 0
                || Sh.run("ip", "netns", "exec", ns, "ping", "-c", "2", "-W", "1", addr).code() == 0;
    }

    @Test
    void aHundredHostStarVerifiesFiveTimesInARowAndTheNeighbourLimitsComeBack() throws Exception {
        Map<String, String> before = neighbourThresholds();
        String text = Files.readString(Path.of("examples/star100.yml")).replaceFirst("(?m)^name: .*$", "name: @star");
        Path f = file("star.yml", text);
        Nslab.Out up = lab("up", f.toString()).ok();
        long hard = Long.parseLong(Sh.run("sysctl", "-n", "net.ipv4.neigh.default.gc_thresh3").ok().out().strip());
        long was = Long.parseLong(before.get("net.ipv4.neigh.default.gc_thresh3"));
        if (2L * 9900 > was) { // more than half of what the machine allows: raised, and said so
            assertTrue(hard >= was + 9900, "gc_thresh3 raised for 9,900 entries: " + hard + "\n" + up.err());
            assertTrue(up.err().contains("raised net.ipv4.neigh.default.gc_thresh3 from " + was), up.err());
        }
        for (int i = 0; i < 5; i++) {
            Nslab.Out v = lab("verify", t.n("star"));
            assertEquals(0, v.code(), "run " + (i + 1) + ":\n" + v.out());
            assertTrue(v.out().contains("9900 pairs in"), v.out());
            assertTrue(v.out().contains("verify: the lab agrees with its file (9900 pairs judged)"), v.out());
        }
        Nslab.Out sample = lab("verify", t.n("star"), "--sample", "500");
        assertEquals(0, sample.code(), sample.out());
        assertTrue(sample.out().contains("500 pairs (a sample of 9900) in"), sample.out());
        lab("down", t.n("star")).ok();
        assertEquals(before, neighbourThresholds(), "the machine's neighbour thresholds are back");
        assertFalse(Files.exists(NeighbourLimits.RECORD) && Files.readString(NeighbourLimits.RECORD).contains(dir.toString()),
                "the lab holds nothing any more");
    }

    /** Containerlab style: two bridges and a router, every address and route set by exec lines; h3 has no way back. */
    static final String EXEC_LAB = """
            name: @execlab
            topology:
              nodes:
                sw1: {kind: bridge}
                sw2: {kind: bridge}
                r: {exec: ["sysctl -qw net.ipv4.ip_forward=1", "ip addr add 10.77.1.1/24 dev eth1", "ip addr add 10.77.2.1/24 dev eth2"]}
                h1: {exec: ["ip addr add 10.77.1.11/24 dev eth0", "ip route add default via 10.77.1.1"]}
                h2: {exec: ["ip addr add 10.77.1.12/24 dev eth0", "ip route add default via 10.77.1.1"]}
                h3: {exec: ["ip addr add 10.77.2.13/24 dev eth0"]}
              links:
                - endpoints: ["r:eth1", "sw1:p1"]
                - endpoints: ["r:eth2", "sw2:p1"]
                - endpoints: ["h1:eth0", "sw1:p2"]
                - endpoints: ["h2:eth0", "sw1:p3"]
                - endpoints: ["h3:eth0", "sw2:p2"]
            expect:
              - {from: h1, to: h2, reach: true}
              - {from: h1, to: r, reach: true}
            """;

    @Test
    void aLabWhoseAddressesComeFromExecLinesIsMeasuredPairByPair() throws Exception {
        Path f = file("exec.yml", EXEC_LAB);
        lab("up", f.toString()).ok();
        Nslab.Out v = lab("verify", t.n("execlab"), "-j");
        assertEquals(0, v.code(), v.out());
        JsonNode r = TestNet.json(v.out());
        // 4 nodes, 5 addresses: each node pings every address of the others (h1: 3 + 1 + 1...), 15 pairs in all
        assertEquals(15, r.path("pairs").size(), v.out());
        int answered = 0;
        for (JsonNode p : r.path("pairs")) {
            assertFalse(p.path("in_file").asBoolean(), p.toString());
            // predicted from the tables the exec lines left, kept when the lab came up, and agreeing with the ping
            assertEquals("kernel-at-up", p.path("basis").asText(), p.toString());
            assertEquals(p.path("measured").asBoolean(), p.path("predicted").asBoolean(), p.toString());
            if (p.path("measured").asBoolean()) answered++;
            else assertTrue(p.path("reason").asText().contains("no route from h3 to"), p.toString());
            // the real ping is the witness, pair by pair
            String from = t.n("execlab") + "-" + p.path("from").asText();
            assertEquals(ping(from, p.path("address").asText()), p.path("measured").asBoolean(), p.toString());
        }
        assertTrue(answered > 0 && answered < 15, "some pairs answer (h1, h2, r), some do not (h3 has no way back): " + answered);
        for (JsonNode e : r.path("expectations")) assertTrue(e.path("holds").asBoolean(), e.toString());

        // an expectation the kernel contradicts fails verify
        Path broken = file("exec.yml", EXEC_LAB + "  - {from: h1, to: h3, reach: true}\n");
        Nslab.Out b = lab("verify", broken.toString());
        assertEquals(1, b.code(), b.out());
        assertTrue(b.out().contains("expect " + "h1 -> h3 reach true: FAILS (10.77.2.13 did not answer"), b.out());
    }

    @Test
    void nothingToMeasureIsAnErrorNeverAgreement() throws Exception {
        Path f = file("bare.yml", """
                name: @bare
                topology:
                  nodes:
                    a: {}
                    b: {}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """);
        lab("up", f.toString()).ok();
        Nslab.Out v = lab("verify", t.n("bare"));
        assertEquals(1, v.code(), v.out() + v.err());
        assertTrue(v.err().contains("nothing to measure in lab " + t.n("bare")), v.err());
        assertFalse(v.out().contains("agrees"), v.out());
    }

    @Test
    void aLinuxBridgeOfMorePortsThanTheKernelTakesIsRefusedBeforeAnythingExists() throws Exception {
        Path f = file("big.yml", LabTexts.star(1100, "bridge").replaceFirst("name: star", "name: @big"));
        Nslab.Out r = lab("up", f.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(":2130:1: bridge sw would get 1,100 ports, but a Linux bridge takes at most 1,024"), r.err());
        assertEquals(List.of(), ourNamespaces(), "nothing was created");
        assertEquals(1, lab("up", "--dry-run", f.toString()).code(), "a dry run refuses it too");
        assertFalse(Files.exists(dir.resolve(t.n("big") + ".json")), "no state either");
    }

    @Test
    void aNamespaceDeletedByHandAndUpAtOnceTwentyTimesEndsWithAWorkingLab() throws Exception {
        Path f = file("exec.yml", EXEC_LAB);
        String lab = t.n("execlab");
        lab("up", f.toString()).ok();
        for (int i = 0; i < 20; i++) {
            String victim = lab + "-" + List.of("r", "sw1", "h1", "sw2").get(i % 4);
            Sh.run("ip", "netns", "del", victim).ok();
            Nslab.Out up = lab("up", f.toString());
            assertEquals(0, up.code(), "round " + (i + 1) + " (" + victim + "): " + up.err());
            Nslab.Out st = lab("status", lab);
            assertEquals(0, st.code(), "round " + (i + 1) + ": " + st.out());
        }
        assertTrue(ping(lab + "-h1", "10.77.1.12"), "h1 -> h2 across sw1");
        assertTrue(ping(lab + "-h1", "10.77.2.1"), "h1 -> r's other side, routed");
        assertTrue(ping(lab + "-h2", "10.77.1.11"), "h2 -> h1");
        assertEquals(0, lab("verify", lab).code());

        // an address an exec line set, removed by hand: status is no longer healthy, and says which
        Sh.run("ip", "-n", lab + "-r", "addr", "del", "10.77.2.1/24", "dev", "eth2").ok();
        Nslab.Out st = lab("status", lab);
        assertEquals(1, st.code(), st.out());
        assertTrue(st.out().contains("address 10.77.2.1/24 on eth2 in " + lab + "-r (set by an exec line)"), st.out());
    }

    @Test
    void sysctlReadsWholeValuesFromProcfs() {
        // procfs reports a size of 0; a reader that trusts it returned "1" for 1024
        String key = "net.ipv4.neigh.default.gc_thresh3";
        assertEquals(key + " = " + Sh.run("sysctl", "-n", key).ok().out(), Nslab.run("sysctl", key).ok().out());
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // an exec line's background process holding the output once made up wait for it
    void downEndsEveryProcessLivingInTheLabsNamespacesAndSaysSo() throws Exception {
        Path f = file("procs.yml", """
                name: @procs
                topology:
                  nodes:
                    a: {exec: ["sh -c 'sleep 901 &'", "echo done"]}
                    b: {}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """);
        String lab = t.n("procs");
        Nslab.Out up = lab("up", f.toString()).ok();
        assertTrue(up.err().contains("a$ echo done\n  done"), "the exec lines ran, and up did not wait for the background sleep: " + up.err());
        long inoA = dev.nslab.net.Namespaces.inode(Path.of("/run/netns", lab + "-a"));
        long inoB = dev.nslab.net.Namespaces.inode(Path.of("/run/netns", lab + "-b"));
        Process byHand = new ProcessBuilder("ip", "netns", "exec", lab + "-b", "sleep", "902").start(); // as a user would
        Nslab.Out detached = Nslab.run("exec", lab, "b", "-d", "--state-dir", dir.toString(), "--", "sleep", "903").ok();
        assertTrue(detached.out().startsWith("started process ") && detached.out().contains(" in node b of lab " + lab), detached.out());
        java.util.Set<Long> ours = java.util.Set.of(inoA, inoB);
        java.util.function.Supplier<Long> sleeps = () -> dev.nslab.net.Processes.byNamespace(ours).values().stream().flatMap(List::stream)
                .filter(p -> p.command().startsWith("sleep 90")).count();
        for (int i = 0; i < 200 && sleeps.get() < 3; i++) Thread.sleep(10);
        assertEquals(3, sleeps.get(), "the exec line's sleep, one by hand, one by exec -d (node a's host has its init besides)");
        // status shows each node's processes; the witness is /proc (ps would do as well)
        Nslab.Out st = lab("status", lab);
        assertTrue(st.out().contains("sleep 901") && st.out().contains("sleep 902") && st.out().contains("sleep 903"), st.out());
        JsonNode sj = TestNet.json(lab("status", lab, "-j").out());
        int listed = 0;
        for (JsonNode n : sj.path("nodes")) listed += n.path("processes").size();
        assertEquals(3, listed, sj.toString());
        Nslab.Out down = lab("down", lab).ok();
        // the three sleeps and node a's host's init (a's exec lines make it a host)
        assertTrue(down.err().contains("ended 4 processes living in lab " + lab + "'s namespaces"), down.err());
        assertFalse(Files.exists(dir.resolve(lab + ".logs")), "the lab's logs went with it");
        assertTrue(byHand.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the process started by hand has ended");
        assertEquals(List.of(), dev.nslab.net.Processes.inNamespaces(ours), "nothing lives on in the lab's namespaces, named or not");
        // and the JDK's own view of the processes agrees: none of the three sleeps is left
        assertEquals(List.of(), ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").matches("(?:\\S*/)?sleep 90[123]"))
                .map(ProcessHandle::pid).toList());
    }

    @Test
    void everyNodeResolvesEveryOtherByNameInsideTheLab() throws Exception {
        Path f = file("names.yml", """
                name: @names
                topology:
                  nodes:
                    srv: {interfaces: {eth0: 10.81.0.2/24}}
                    cli: {interfaces: {eth0: 10.81.0.1/24}, exec: ["getent hosts srv"]}
                  links:
                    - endpoints: ["cli:eth0", "srv:eth0"]
                """);
        String lab = t.n("names");
        Nslab.Out up = lab("up", f.toString()).ok();
        assertTrue(up.err().matches("(?s).*10\\.81\\.0\\.2\\s+srv.*"), "an exec line resolves a node by name: " + up.err());
        // iproute2 is the witness: ip netns exec binds /etc/netns/NAME/hosts over /etc/hosts
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-cli", "ping", "-c", "1", "-W", "2", "srv").code(), "ping srv from cli");
        // the nodes' entries are names of one symbolic link (one new inode on /etc's disk per lab, not per node)
        String entries = Sh.ok("stat", "-c", "%F %i %h %N", "/etc/netns/" + lab + "-cli", "/etc/netns/" + lab + "-srv");
        List<String> two = entries.lines().map(l -> l.substring(0, l.indexOf(" '"))).toList();
        assertEquals(two.get(0), two.get(1), entries);
        assertTrue(two.get(0).startsWith("symbolic link ") && two.get(0).endsWith(" 2"), entries);
        assertTrue(Sh.run("ip", "netns", "exec", lab + "-srv", "getent", "hosts", "cli").ok().out().startsWith("10.81.0.1"));
        lab("down", lab).ok();
        assertFalse(Files.exists(Path.of("/etc/netns", lab + "-cli")), "the lab's /etc/netns entries went with it");
        assertFalse(Files.exists(dir.resolve(lab + ".etc")));
    }

    @Test
    void anEtcNetnsDirectoryOfSomebodyElsesIsUsedOrKept() throws Exception {
        Path f = file("own.yml", """
                name: @own
                topology:
                  nodes:
                    a: {interfaces: {eth0: 10.82.0.1/24}}
                    b: {interfaces: {eth0: 10.82.0.2/24}}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """);
        String lab = t.n("own");
        Path aDir = Path.of("/etc/netns", lab + "-a"), bDir = Path.of("/etc/netns", lab + "-b");
        Files.createDirectories(aDir);
        Files.createDirectories(bDir);
        try {
            Files.writeString(aDir.resolve("resolv.conf"), "nameserver 10.82.0.53\n");  // a directory without hosts: a link joins it
            Files.writeString(bDir.resolve("hosts"), "10.82.0.1 mine\n");              // one with hosts: kept
            Nslab.Out up = lab("up", f.toString()).ok();
            assertTrue(up.err().contains("kept the hosts file that /etc/netns has for " + lab + "-b"), up.err());
            assertTrue(Sh.run("ip", "netns", "exec", lab + "-a", "getent", "hosts", "b").ok().out().startsWith("10.82.0.2"));
            assertTrue(Sh.run("ip", "netns", "exec", lab + "-b", "getent", "hosts", "mine").ok().out().startsWith("10.82.0.1"));
            lab("down", lab).ok();
            assertFalse(Files.exists(aDir.resolve("hosts"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "the lab's link went");
            assertTrue(Files.exists(aDir.resolve("resolv.conf")) && Files.exists(bDir.resolve("hosts")), "what was there stays");
        } finally {
            for (Path d : List.of(aDir, bDir)) {
                try (var files = Files.list(d)) {
                    for (Path x : files.toList()) Files.deleteIfExists(x);
                }
                Files.deleteIfExists(d);
            }
        }
    }
}
