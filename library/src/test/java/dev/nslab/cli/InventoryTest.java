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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nslab inventory against objects nslab did not make, judged by iproute2 and /proc: namespaces and veths made with
 * plain ip, an unnamed namespace held by a process, one held only by a bind mount outside /run/netns, a veth whose
 * peer moved twice, and Open vSwitch ports.
 */
@ExtendWith(OpenVswitch.class)
@Needs(programs = {"ip", "stat", "mount", "umount"}, openVswitch = true)
class InventoryTest {
    final TestNet t = new TestNet();
    final List<Process> started = new ArrayList<>();
    final List<Path> mounts = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.destroyForcibly(); // only processes this test started, by their handle
            p.waitFor();
        }
        for (Path m : mounts) Sh.run("umount", m.toString());
        t.close();
    }

    private static JsonNode inventory() { return TestNet.json(Nslab.run("-j", "inventory").ok().out()); }

    private static JsonNode netns(JsonNode inv, long inode) {
        for (JsonNode n : inv.path("namespaces")) if (n.path("inode").asLong() == inode) return n;
        throw new AssertionError("namespace " + inode + " not in the inventory");
    }

    private static JsonNode iface(JsonNode ns, String name) {
        for (JsonNode i : ns.path("interfaces")) if (i.path("ifname").asText().equals(name)) return i;
        throw new AssertionError(name + " not in " + ns.path("label"));
    }

    private static long inode(String path) { return Long.parseLong(Sh.ok("stat", "-L", "-c", "%i", path).trim()); }

    @Test
    void namespacesAndVethsMadeWithIpWithAPeerThatMovedTwice() {
        for (String n : List.of("a", "b", "c", "d")) Sh.run("ip", "netns", "add", t.n(n)).ok();
        Sh.run("ip", "-n", t.n("a"), "link", "add", t.n("x"), "type", "veth", "peer", "name", t.n("y"), "netns", t.n("b")).ok();
        Sh.run("ip", "-n", t.n("b"), "link", "set", t.n("y"), "netns", t.n("c")).ok();
        Sh.run("ip", "-n", t.n("c"), "link", "set", t.n("y"), "netns", t.n("d")).ok();
        Sh.run("ip", "-n", t.n("a"), "address", "add", "10.71.0.1/24", "dev", t.n("x")).ok();
        JsonNode inv = inventory();
        JsonNode a = netns(inv, inode("/run/netns/" + t.n("a")));
        assertEquals(t.n("a"), a.path("names").get(0).asText());
        JsonNode x = iface(a, t.n("x"));
        assertEquals("veth", x.path("kind").asText());
        assertEquals(t.n("d"), x.path("peer").path("netns").asText(), "the peer's namespace after two moves");
        assertEquals(t.n("y"), x.path("peer").path("ifname").asText());
        assertTrue(x.path("addresses").toString().contains("10.71.0.1/24"));
        JsonNode y = iface(netns(inv, inode("/run/netns/" + t.n("d"))), t.n("y"));
        assertEquals(t.n("a"), y.path("peer").path("netns").asText());

        Nslab.Out f = Nslab.run("inventory", "--find", t.n("y")).ok();
        assertTrue(f.out().contains(t.n("y") + " is a veth in netns " + t.n("d")), f.out());
        assertTrue(f.out().contains("its peer is " + t.n("x") + " in netns " + t.n("a")), f.out());
    }

    @Test
    void anUnnamedNamespaceHeldByAProcessAndOneHeldOnlyByABindMount() throws Exception {
        Process p = new ProcessBuilder("unshare", "--net", "sleep", "60").start();
        started.add(p);
        long pidNs = -1;
        for (int i = 0; i < 200 && pidNs < 0; i++) {
            long ns = inode("/proc/" + p.pid() + "/ns/net");
            if (ns != inode("/proc/self/ns/net")) pidNs = ns;
            else Thread.sleep(10);
        }
        // a namespace kept alive only by a bind mount outside /run/netns
        Sh.run("ip", "netns", "add", t.n("m")).ok();
        long mountedNs = inode("/run/netns/" + t.n("m"));
        Path target = dir.resolve("held");
        Files.createFile(target);
        Sh.run("mount", "--bind", "/run/netns/" + t.n("m"), target.toString()).ok();
        mounts.add(target);
        Sh.run("ip", "netns", "del", t.n("m")).ok();

        JsonNode inv = inventory();
        JsonNode held = netns(inv, pidNs);
        assertEquals(0, held.path("names").size());
        assertTrue(held.path("processes").toString().contains("\"pid\":" + p.pid()), held.toString());
        assertEquals("lo", held.path("interfaces").get(0).path("ifname").asText());
        JsonNode mounted = netns(inv, mountedNs);
        assertTrue(mounted.path("mounts").toString().contains(target.toString()), mounted.toString());
        assertEquals(0, mounted.path("names").size());

        Nslab.Out f = Nslab.run("inventory", "--find", Long.toString(p.pid())).ok();
        assertTrue(f.out().contains("lives in netns inode " + pidNs), f.out());
        String text = Nslab.run("inventory").ok().out();
        assertTrue(text.contains("netns inode " + mountedNs) && text.contains("mounted at: " + target), text);
    }

    /** Names left without their mount (a crash between file and mount), two of them names of one file as a lab's are. */
    @Test
    void namesWithoutANamespaceAreNotesNotNamespaces() throws Exception {
        Path one = Path.of("/run/netns", t.n("s1")), two = Path.of("/run/netns", t.n("s2"));
        Sh.run("ip", "netns", "add", t.n("real")).ok(); // makes sure /run/netns is there
        try {
            Files.createFile(one);
            Files.createLink(two, one);
            JsonNode inv = TestNet.json(Nslab.run("inventory", "-j").ok().out());
            for (JsonNode n : inv.path("namespaces")) {
                for (JsonNode name : n.path("names")) {
                    assertTrue(!name.asText().equals(t.n("s1")) && !name.asText().equals(t.n("s2")), "listed as a namespace: " + n);
                }
            }
            String notes = inv.path("notes").toString();
            assertTrue(notes.contains("/run/netns/" + t.n("s1") + " is a name without a namespace behind it")
                    && notes.contains("/run/netns/" + t.n("s2") + " is a name without a namespace behind it"), notes);
            assertTrue(Nslab.run("inventory").ok().out().contains("netns " + t.n("real")), "the real one is listed");
        } finally {
            Files.deleteIfExists(one);
            Files.deleteIfExists(two);
        }
    }

    @Test
    void openVswitchPortsWithTagsAndTheGraph() {
        Sh.run("ip", "link", "add", t.n("p1"), "type", "veth", "peer", "name", t.n("q1")).ok();
        Nslab.run("ovs", "add-br", t.n("br"), "--", "add-port", t.n("br"), t.n("p1"), "tag=42").ok();
        JsonNode root = null;
        for (JsonNode n : inventory().path("namespaces")) if (n.path("root").asBoolean()) root = n;
        assertNotNull(root);
        JsonNode p1 = iface(root, t.n("p1"));
        assertEquals(t.n("br"), p1.path("ovs_bridge").asText());
        assertEquals(42, p1.path("ovs_tag").asInt());
        assertEquals(t.n("q1"), p1.path("peer").path("ifname").asText());
        String dot = Nslab.run("graph", "--system").ok().out();
        assertTrue(dot.startsWith("graph \"nslab\" {"), dot);
        assertTrue(dot.contains("\"ovs:" + t.n("br") + "\" [label=\"tag 42\"]"), "the OVS port edge");
        Nslab.run("ovs", "del-br", t.n("br")).ok();
    }

    @Test
    void aLabGraphInDotMermaidAndJson() throws Exception {
        Path f = dir.resolve("g.yml");
        Files.writeString(f, Files.readString(Path.of("examples/vlan-demo.yml")));
        String dot = Nslab.run("graph", f.toString()).ok().out();
        assertTrue(dot.contains("\"ns1/eth1-ns1\" [label=\"eth1-ns1\\n192.168.0.1/24\"]"), dot);
        assertTrue(dot.contains("\"ns1/eth1-ns1\" -- \"sw:OVS-1\" [label=\"veth-ns1, vlan 100\"]"), dot);
        String mermaid = Nslab.run("graph", f.toString(), "--format", "mermaid").ok().out();
        assertTrue(mermaid.startsWith("flowchart LR") && mermaid.contains("|veth-ns2, vlan 200|"), mermaid);
        JsonNode json = TestNet.json(Nslab.run("graph", f.toString(), "--format", "json").ok().out());
        assertEquals(2, json.path("edges").size());
        assertTrue(Nslab.run("graph", f.toString(), "--format", "png").fails().err().contains("use dot, mermaid, json or svg"));
    }

    @Test
    @Needs(programs = "dot")
    void aLabGraphInSvgByGraphviz() throws Exception {
        Path f = dir.resolve("g.yml");
        Files.writeString(f, Files.readString(Path.of("examples/vlan-demo.yml")));
        String svg = Nslab.run("graph", f.toString(), "--format", "svg").ok().out();
        assertTrue(svg.contains("<svg") && svg.contains("eth1&#45;ns1"), svg);
    }

    @Test
    void namespacesHeldOnlyByAnOpenDescriptorOrByOneThread() throws Exception {
        // a process that keeps the namespace open as descriptor 3 after its name is gone
        Sh.run("ip", "netns", "add", t.n("fd")).ok();
        long fdNs = inode("/run/netns/" + t.n("fd"));
        Process p = new ProcessBuilder("bash", "-c", "exec 3</run/netns/" + t.n("fd") + "; exec sleep 60").start();
        started.add(p);
        for (int i = 0; i < 200 && !Files.exists(Path.of("/proc/" + p.pid() + "/fd/3")); i++) Thread.sleep(10);
        Thread.sleep(50);
        Sh.run("ip", "netns", "del", t.n("fd")).ok();

        // one thread of this JVM that entered a namespace whose name is gone since
        Sh.run("ip", "netns", "add", t.n("th")).ok();
        long threadNs = inode("/run/netns/" + t.n("th"));
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1), done = new java.util.concurrent.CountDownLatch(1);
        long[] tid = new long[1];
        Thread th = Thread.ofPlatform().start(() -> new dev.nslab.net.Namespaces().call(dev.nslab.net.NsRef.named(t.n("th")), () -> {
            tid[0] = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
            inside.countDown();
            done.await();
            return null;
        }));
        try {
            inside.await();
            Sh.run("ip", "netns", "del", t.n("th")).ok();
            JsonNode inv = inventory();
            JsonNode held = netns(inv, fdNs);
            assertTrue(held.path("held_by").toString().contains("pid " + p.pid() + " (sleep) fd 3"), held.toString());
            JsonNode byThread = netns(inv, threadNs);
            assertTrue(byThread.path("processes").toString().contains("\"tid\":" + tid[0]), byThread.toString());
        } finally {
            done.countDown();
            th.join();
        }
    }

    @Test
    void asRootOfAUserNamespaceThatDoesNotOwnTheMachinesNetworkNamespace() {
        // "unshare -r": root of a user namespace of its own, still in the machine's network namespace, which it may
        // read but not join (setns back into it is refused): the scan reads it where it is, and a namespace it may
        // not enter is an error of that namespace, not a crash that strands the thread
        List<String> cmd = List.of("unshare", "-r", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.nslab.cli.Main", "-j", "inventory");
        Sh.Result r = Sh.run(cmd, null);
        assertEquals(0, r.code(), r.err());
        JsonNode root = netns(TestNet.json(r.out()), inode("/proc/self/ns/net"));
        assertTrue(root.path("error").isNull(), root.toString());
        List<String> seen = new ArrayList<>(), ip = new ArrayList<>();
        root.path("interfaces").forEach(i -> seen.add(i.path("ifname").asText()));
        TestNet.json(Sh.ok("ip", "-j", "link", "show")).forEach(l -> ip.add(l.path("ifname").asText()));
        assertEquals(ip.stream().sorted().toList(), seen.stream().sorted().toList());
    }
}
