package dev.nslab.cli;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Labs from topology files: the examples come up, answer pings as their "expect" lists say (judged by the real
 * ping), come up a second time without change, and go down leaving nothing; edits change only the difference;
 * a kill -9 during up is cleaned by down; foreign objects are never adopted or removed; bad files give located
 * errors and create nothing. Each test has its own state directory and name prefix.
 */
@ExtendWith(OpenVswitch.class)
@Needs(programs = {"ip", "ping"}, openVswitch = true)
class LabTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        for (String lab : List.of("lab", "seed001", "seed002", "seed003", "vlan-demo", "routers3", "star", "bad")) {
            Nslab.inState(dir, "down", t.n(lab));
        }
        t.close();
    }

    private Nslab.Out lab(String... args) { return Nslab.inState(dir, args); }

    /** Writes a lab file; "@x" becomes this run's name for x. */
    private Path file(String name, String text) throws Exception { return t.writeNamed(dir, name, text); }

    /** An example with its names made this run's: the lab name gets the prefix, root-namespace names too. */
    private Path example(String file, Map<String, String> rootNames) throws Exception {
        String text = Files.readString(Path.of("examples", file));
        text = text.replaceFirst("(?m)^name: (.*)$", "name: " + t.prefix + "$1").replaceFirst("(?m)^prefix: \"\"\\n", "");
        for (Map.Entry<String, String> e : rootNames.entrySet()) text = text.replace(e.getKey(), t.n(e.getValue()));
        return file(file, text);
    }

    private List<String> ourNamespaces() {
        return t.ipNetnsList().stream().filter(n -> n.startsWith(t.prefix)).toList();
    }

    private List<String> ourRootLinks() {
        return t.linkNames(null).stream().filter(n -> n.startsWith(t.prefix)).toList();
    }

    private static boolean ping(String ns, String addr) {
        return Sh.run("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "1", addr).code() == 0
                || Sh.run("ip", "netns", "exec", ns, "ping", "-c", "2", "-W", "1", addr).code() == 0;
    }

    /** Checks every "expect" of the file with the real ping; the target's first address is read with ip. */
    private void checkExpectations(Path file, String lab) throws Exception {
        String prefix = lab + "-";
        Matcher m = Pattern.compile("\\{from: (\\S+), to: (\\S+), reach: (true|false)}").matcher(Files.readString(file));
        int n = 0;
        while (m.find()) {
            String to = m.group(2);
            String addr = null;
            for (JsonNode l : t.ipj(prefix + to, "-4 address show")) {
                for (JsonNode a : l.path("addr_info")) if (!a.path("local").asText().startsWith("127.")) addr = a.path("local").asText();
            }
            assertEquals(Boolean.parseBoolean(m.group(3)), ping(prefix + m.group(1), addr), m.group() + " in " + file);
            n++;
        }
        assertTrue(n > 0, "the example states what it expects");
    }

    private void upPingTwiceDown(Path file, String lab) throws Exception {
        Nslab.Out up = lab("up", file.toString()).ok();
        assertTrue(up.out().contains("lab " + lab + " is up"), up.out());
        checkExpectations(file, lab);
        assertEquals("lab " + lab + " is up to date: nothing to change\n", lab("up", file.toString()).ok().out());
        assertEquals(0, lab("status", lab).code(), "healthy");
        lab("down", file.toString()).ok();
        assertEquals(List.of(), ourNamespaces());
        assertEquals(List.of(), ourRootLinks());
        assertFalse(TestNet.ovsBridges().stream().anyMatch(b -> b.startsWith(t.prefix)));
        assertFalse(Files.exists(dir.resolve(lab + ".json")));
    }

    @Test
    void switchlessExamplesComeUpPingAndGoDownLeavingNothing() throws Exception {
        upPingTwiceDown(example("seed001-two-namespaces.yml", Map.of()), t.n("seed001"));
        upPingTwiceDown(example("seed003-routing-via-host.yml", Map.of()), t.n("seed003"));
        upPingTwiceDown(example("routers3.yml", Map.of()), t.n("routers3"));
    }

    @Test
    void openVswitchExamplesComeUpPingAndGoDownLeavingNothing() throws Exception {
        upPingTwiceDown(example("vlan-demo.yml", Map.of("OVS-1", "O1", "veth-ns1", "vn1", "veth-ns2", "vn2")), t.n("vlan-demo"));
        upPingTwiceDown(example("seed002-mario-luigi.yml", Map.of("my_switch", "msw", "mario-ovs", "mo", "luigi-ovs", "lo")), t.n("seed002"));
    }

    @Test
    void aSecondUpOfAnEditedFileChangesOnlyTheDifference() throws Exception {
        String v1 = """
                name: @lab
                topology:
                  nodes:
                    sw: {kind: bridge}
                    h1: {interfaces: {eth0: {address: 10.61.0.1/24}}, exec: ["ip -br link show dev eth0"]}
                    h2: {interfaces: {eth0: {address: 10.61.0.2/24}}}
                  links:
                    - endpoints: ["h1:eth0", "sw:p1"]
                    - endpoints: ["h2:eth0", "sw:p2"]
                """;
        Path f = file("lab.yml", v1);
        Nslab.Out up = lab("up", f.toString()).ok();
        assertTrue(up.err().contains("h1$ ip -br link show dev eth0"), "exec output: " + up.err());
        String lab = t.n("lab");
        int h1Index = t.link(lab + "-h1", "eth0").path("ifindex").asInt();
        assertTrue(t.ipNetnsList().contains(lab + "-sw"), "the Linux bridge has a namespace of its own");
        assertEquals("sw", t.link(lab + "-sw", "p1").path("master").asText());
        assertTrue(ping(lab + "-h1", "10.61.0.2"));

        Files.writeString(f, Files.readString(f).replace("10.61.0.2/24", "10.61.0.22/24")
                .replace("    h2:", "    h3: {interfaces: {eth0: {address: 10.61.0.3/24}}}\n    h2:")
                + "    - endpoints: [\"h3:eth0\", \"sw:p3\"]\n");
        String plan = lab("up", f.toString(), "--dry-run").ok().out();
        assertTrue(plan.contains("- address " + lab + "-h2/eth0 10.61.0.2/24"), plan);
        assertTrue(plan.contains("+ netns " + lab + "-h3"), plan);
        assertFalse(plan.contains("h1"), "h1 is untouched: " + plan);
        lab("up", f.toString()).ok();
        assertEquals(h1Index, t.link(lab + "-h1", "eth0").path("ifindex").asInt(), "h1's link was not re-made");
        String h2 = t.ipj(lab + "-h2", "-4 address show dev eth0").toString();
        assertTrue(h2.contains("10.61.0.22") && !h2.contains("\"10.61.0.2\""), h2);
        assertTrue(ping(lab + "-h3", "10.61.0.22"));

        JsonNode status = TestNet.json(lab("-j", "status", lab).ok().out());
        assertEquals(true, status.path("healthy").asBoolean());
        assertEquals(4, status.path("nodes").size());
        String inside = Nslab.process(null, "exec", lab, "h3", "--state-dir", dir.toString(), "--", "cat", "/proc/net/dev").ok().out();
        assertTrue(inside.contains("eth0:"), inside);
    }

    /**
     * When up returns, every link carries: the kernel's link watch has handled each carrier change that traffic waits
     * for (a veth end that came up before its peer gets its queue only then, a bridge port its forwarding state), which
     * a dump taken at once shows, since a dump does not wait for it. Then the first ping passes with a short timeout.
     * (An end that came up after its peer carries at once; its state may read UNKNOWN a moment longer.)
     */
    @Test
    void everyLinkCarriesTheMomentUpReturns() throws Exception {
        StringBuilder sb = new StringBuilder("name: @star\ntopology:\n  nodes:\n    sw: {kind: bridge}\n");
        for (int i = 1; i <= 40; i++) sb.append("    h").append(i).append(": {interfaces: {eth0: {address: 10.63.0.").append(i).append("/24}}}\n");
        sb.append("    r: {interfaces: {eth0: {address: 10.63.1.1/24}}}\n    s: {interfaces: {eth0: {address: 10.63.1.2/24}}}\n");
        sb.append("  links:\n    - endpoints: [\"r:eth0\", \"s:eth0\"]\n");
        for (int i = 1; i <= 40; i++) sb.append("    - endpoints: [\"h").append(i).append(":eth0\", \"sw:p").append(i).append("\"]\n");
        Path f = file("star.yml", sb.toString());
        for (int round = 0; round < 3; round++) {
            lab("up", f.toString()).ok();
            List<String> notUp = new ArrayList<>();
            dev.nslab.net.Namespaces reg = new dev.nslab.net.Namespaces();
            for (String ns : ourNamespaces()) {
                try (dev.nslab.net.NetHandle h = dev.nslab.net.NetHandle.open(reg, dev.nslab.net.NsRef.named(ns))) {
                    for (dev.nslab.net.Link l : h.links()) {
                        boolean awaited = l.master() != 0 || "bridge".equals(l.kind()) || (ns.endsWith("-r") && !l.name().equals("lo")); // r's end is made first
                        if (awaited && !l.operStateName().equals("UP")) notUp.add(ns + "/" + l.name() + " " + l.operStateName());
                    }
                }
            }
            assertEquals(List.of(), notUp, "round " + round);
            assertEquals(0, Sh.run("ip", "netns", "exec", t.n("star-h40"), "ping", "-c", "1", "-W", "1", "10.63.0.1").code());
            assertEquals(0, Sh.run("ip", "netns", "exec", t.n("star-r"), "ping", "-c", "1", "-W", "1", "10.63.1.2").code());
            lab("down", t.n("star")).ok();
        }
    }

    @Test
    void killDuringUpOfAHundredHostStarThenDownLeavesNothing() throws Exception {
        StringBuilder sb = new StringBuilder("name: @star\ntopology:\n  nodes:\n    sw: {kind: bridge}\n");
        for (int i = 1; i <= 100; i++) sb.append("    h").append(i).append(": {interfaces: {eth0: {address: 10.62.0.").append(i).append("/24}}}\n");
        sb.append("  links:\n");
        for (int i = 1; i <= 100; i++) sb.append("    - endpoints: [\"h").append(i).append(":eth0\", \"sw:p").append(i).append("\"]\n");
        Path f = file("star.yml", sb.toString());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.nslab.cli.Main",
                "up", f.toString(), "--state-dir", dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (ourNamespaces().size() < 30 && p.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(5);
        assertTrue(p.isAlive(), "the run was still building when it was killed");
        p.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs
        p.waitFor();
        assertFalse(ourNamespaces().isEmpty(), "it had created something");
        Nslab.Out status = lab("status", t.n("star"));
        assertEquals(1, status.code());
        assertTrue(status.out().contains("INTERRUPTED"), status.out());
        lab("down", t.n("star")).ok();
        assertEquals(List.of(), ourNamespaces());
        assertEquals(List.of(), ourRootLinks());
        assertFalse(Files.exists(dir.resolve(t.n("star") + ".json")));
    }

    @Test
    void upNeverAdoptsAndDownNeverRemovesWhatIsNotTheLabs() throws Exception {
        String text = """
                name: @lab
                topology:
                  nodes:
                    a: {interfaces: {eth0: {address: 10.63.0.1/24}}}
                    b: {interfaces: {eth0: {address: 10.63.0.2/24}}}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """;
        Path f = file("lab.yml", text);
        String lab = t.n("lab");
        Sh.run("ip", "netns", "add", lab + "-b").ok(); // somebody else's namespace with the node's name
        Nslab.Out dry = lab("up", "--dry-run", f.toString()).fails(); // a dry run makes the same check as up
        assertTrue(dry.err().contains("namespace " + lab + "-b already exists: it is not a lab's"), dry.err());
        Nslab.Out r = lab("up", f.toString()).fails();
        assertTrue(r.err().contains("namespace " + lab + "-b already exists: it is not a lab's"), r.err());
        assertEquals(List.of(lab + "-b"), ourNamespaces(), "nothing was created, the foreign one is still there");
        Sh.run("ip", "netns", "del", lab + "-b").ok();

        lab("up", f.toString()).ok();
        // replace a node's namespace by a foreign one of the same name: down must leave it
        Sh.run("ip", "netns", "del", lab + "-a").ok();
        Sh.run("ip", "netns", "add", lab + "-a").ok();
        Nslab.Out down = lab("down", lab).ok();
        assertTrue(down.err().contains("left namespace " + lab + "-a alone"), down.err());
        assertEquals(List.of(lab + "-a"), ourNamespaces());
    }

    @Test
    void aFailureHalfwayRollsBackWhatTheRunCreated() throws Exception {
        Path f = file("lab.yml", """
                name: @lab
                topology:
                  nodes:
                    a: {interfaces: {eth0: {address: 10.64.0.1/24}}, routes: [{dst: 10.65.0.0/24, via: 10.99.0.1}]}
                    b: {interfaces: {eth0: {address: 10.64.0.2/24}}}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """);
        Nslab.Out r = lab("up", f.toString()).fails();
        assertTrue(r.err().toLowerCase().contains("unreachable"), r.err());
        assertTrue(r.err().contains("removing what this run created"), r.err());
        assertEquals(List.of(), ourNamespaces());
        assertFalse(Files.exists(dir.resolve(t.n("lab") + ".json")), "no lab is left recorded");
    }

    @Test
    void aCableRefusedWhileNamespacesAreStillBeingMadeRollsBackEverything() throws Exception {
        // the kernel refuses the third cable (an MTU over the veth maximum) while later namespaces are being made on
        // the side: those, the cables before it and the bridge all go again
        StringBuilder nodes = new StringBuilder("    sw: {kind: bridge}\n"), links = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            nodes.append("    h").append(i).append(": {interfaces: {eth0: 10.67.0.").append(i).append("/24}}\n");
            links.append("    - endpoints: [\"h").append(i).append(":eth0\", \"sw:p").append(i).append("\"]\n");
            if (i == 3) links.append("      mtu: 70000\n");
        }
        Path f = file("lab.yml", "name: @lab\ntopology:\n  nodes:\n" + nodes + "  links:\n" + links);
        Nslab.Out r = lab("up", f.toString()).fails();
        assertTrue(r.err().contains("Invalid argument (p3|eth0)"), r.err());
        assertTrue(r.err().contains("removing what this run created"), r.err());
        assertEquals(List.of(), ourNamespaces());
        assertFalse(Files.exists(dir.resolve(t.n("lab") + ".json")), "no lab is left recorded");
        assertFalse(Files.exists(Path.of("/etc/netns", t.n("lab") + "-h12")), "no name is left in /etc/netns");
        // the same again meets nothing left in its way, only the MTU
        assertTrue(lab("up", f.toString()).fails().err().contains("Invalid argument (p3|eth0)"));
        assertEquals(List.of(), ourNamespaces());
    }

    @Test
    void badFilesGiveLocatedErrorsAndCreateNothing() throws Exception {
        String ok = """
                name: @bad
                topology:
                  nodes:
                    a: {interfaces: {eth0: {address: 10.66.0.1/24}}}
                    sw: {kind: bridge}
                  links:
                    - endpoints: ["a:eth0", "sw:p1"]
                """;
        String[][] cases = {
                {ok.replace("\"sw:p1\"", "\"nosuch:p1\""), ":7:", "names node \"nosuch\", which is not under topology.nodes"},
                {ok.replace("    sw: {kind: bridge}", "    sw: {kind: bridge}\n    a: {}"), ":6:", "duplicate key \"a\""},
                {ok.replace("a:eth0", "a:averyverylongname0"), ":7:", "Linux interface names have 1 to 15"},
                {ok.replace("10.66.0.1/24", "10.66.0.300/24"), ":4:", "not a valid IPv4 or IPv6 address"},
                {ok + "    - endpoints: [\"a:eth0\", \"sw:p2\"]\n", ":8:", "interface a:eth0 is used by two links"},
                {ok.replace("\"sw:p1\"]", "\"sw:p1\"]\n      vlan: 100"), ":8:", "ovs-bridge"},
                {ok.replace("sw: {kind: bridge}", "sw: {kind: bridge"), ":", "YAML syntax"},
                {ok.replace("kind: bridge", "kind: bridge, colour: red"), ":5:", "unknown key \"colour\""},
                {ok.replace("kind: bridge", "kind: srl"), ":5:", "needs a container image"},
                {ok.replace("a: {interfaces", "b: {interfaces"), ":7:", "node \"a\""},
        };
        for (String[] c : cases) {
            Path f = file("bad.yml", c[0]);
            Nslab.Out r = lab("up", f.toString());
            assertEquals(1, r.code(), c[2] + ": " + r.err());
            assertTrue(r.err().startsWith(f + c[1]), "located " + c[1] + ": " + r.err());
            assertTrue(r.err().contains(c[2]), r.err());
            assertEquals(List.of(), ourNamespaces(), "nothing created for: " + c[2]);
        }
        Path warn = file("warn.yml", ok.replace("a: {interfaces", "a: {memory: 1G, interfaces"));
        Nslab.Out r = lab("up", warn.toString()).ok();
        assertTrue(r.err().contains(":4:") && r.err().contains("\"memory\" of node a means nothing without containers: ignored"), r.err());
        lab("down", t.n("bad")).ok();
    }

    @Test
    void upMakesAgainWhatWasDeletedBehindItsBack() throws Exception {
        Path f = example("routers3.yml", Map.of());
        String lab = t.n("routers3");
        lab("up", f.toString()).ok();
        Sh.run("ip", "netns", "del", lab + "-r2").ok();
        assertEquals(1, lab("status", lab).code(), "status sees the hole");
        Nslab.Out up = lab("up", f.toString()).ok();
        assertTrue(up.err().contains("namespaces gone since the last up, to be made again: " + lab + "-r2"), up.err());
        assertTrue(ping(lab + "-h1", "10.10.2.2"), "the chain works again, addresses and routes of r1 and r3 included");
        assertEquals(0, lab("status", lab).code());
        assertEquals("lab " + lab + " is up to date: nothing to change\n", lab("up", f.toString()).ok().out());
    }

    @Test
    void downAllRemovesEveryLabOfTheStateDirectory() throws Exception {
        lab("up", example("seed001-two-namespaces.yml", Map.of()).toString()).ok();
        lab("up", example("routers3.yml", Map.of()).toString()).ok();
        assertEquals(7, ourNamespaces().size());
        String ls = lab("ls").ok().out();
        assertTrue(ls.contains("lab " + t.n("seed001")) && ls.contains("lab " + t.n("routers3")), ls);
        lab("down", "--all").ok();
        assertEquals(List.of(), ourNamespaces());
        assertEquals("no labs (state directory " + dir + ")\n", lab("ls").ok().out());
    }
}
