package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** netns add/delete/list/attach/set/identify/pids, checked with iproute2, /run/netns and /proc. */
@Needs(programs = {"ip", "umount", "stat", "readlink"})
class NetnsCommandsTest {
    final TestNet t = new TestNet();

    @AfterEach
    void cleanUp() { t.close(); }

    private static String nsInode(String file) {
        return Sh.ok("stat", "-L", "-c", "%i", file).trim();
    }

    @Test
    void addedNamespaceIsAnIproute2Namespace() {
        String ns = t.n("a");
        Nslab.run("netns", "add", ns).ok();
        assertTrue(t.ipNetnsList().contains(ns), "ip netns list shows it");
        // A real, separate stack: only lo inside, and a different inode from ours.
        assertEquals(List.of("lo"), t.linkNames(ns));
        String inside = Sh.ok("ip", "netns", "exec", ns, "readlink", "/proc/self/ns/net").trim();
        assertEquals("net:[" + nsInode("/run/netns/" + ns) + "]", inside);
        assertFalse(inside.equals(Sh.ok("readlink", "/proc/self/ns/net").trim()));
        // /run/netns is a shared mount, as ip makes it
        String mountinfo = Sh.ok("cat", "/proc/self/mountinfo");
        assertTrue(mountinfo.lines().anyMatch(l -> l.contains(" /run/netns ") && l.contains("shared:")), "shared /run/netns");

        Nslab.run("netns", "delete", ns).ok();
        assertFalse(t.ipNetnsList().contains(ns));
        assertFalse(Files.exists(Path.of("/run/netns", ns)));
        assertFalse(Sh.ok("cat", "/proc/self/mountinfo").contains("/run/netns/" + ns), "bind mount removed");
    }

    @Test
    void iproute2NamespaceIsUsableByNslab() {
        String ns = t.n("ip");
        Sh.ok("ip", "netns", "add", ns);
        Nslab.Out out = Nslab.run("-n", ns, "link", "show").ok();
        assertTrue(out.out().startsWith("1: lo: <LOOPBACK>"), out.out());
        Nslab.run("-n", ns, "link", "set", "lo", "up").ok();
        assertTrue(t.link(ns, "lo").path("flags").toString().contains("UP"));
        assertTrue(Nslab.run("netns", "list").ok().out().lines().anyMatch(l -> l.startsWith(ns)));
        Nslab.run("netns", "del", ns).ok();
        assertFalse(t.ipNetnsList().contains(ns));
    }

    @Test
    void errorsNameTheNamespaceAndChangeNothing() {
        String ns = t.n("e");
        Nslab.run("netns", "add", ns).ok();
        Nslab.Out dup = Nslab.run("netns", "add", ns).fails();
        assertEquals("Cannot create namespace file \"/run/netns/" + ns + "\": File exists\n", dup.err(), "ip's words");
        Nslab.Out missing = Nslab.run("netns", "delete", t.n("none")).fails();
        assertEquals("Cannot remove namespace file \"/run/netns/" + t.n("none") + "\": No such file or directory\n", missing.err());
        for (String bad : new String[] {"a/b", ".", ".."}) {
            Nslab.Out o = Nslab.run("netns", "add", bad).fails();
            assertTrue(o.err().contains("Invalid netns name"), o.err());
        }
        Nslab.Out noNs = Nslab.run("-n", t.n("none"), "link", "show").fails();
        assertTrue(noNs.err().contains("Cannot open network namespace \"" + t.n("none") + "\""), noNs.err());
        assertEquals(1, t.ipNetnsList().stream().filter(n -> n.startsWith(t.prefix)).count());
    }

    @Test
    void identifyPidsAttachAndIds() throws Exception {
        String ns = t.n("p");
        Nslab.run("netns", "add", ns).ok();
        String alias = t.n("att");
        Process sleeper = new ProcessBuilder("ip", "netns", "exec", ns, "sleep", "60").start();
        try {
            long pid = sleeper.pid();
            // ip netns exec execs sleep in place: same pid, inside the namespace once exec'd
            for (int i = 0; i < 100 && !Sh.ok("readlink", "/proc/" + pid + "/ns/net").trim()
                    .equals("net:[" + nsInode("/run/netns/" + ns) + "]"); i++) Thread.sleep(20);
            assertEquals(ns, Nslab.run("netns", "identify", String.valueOf(pid)).ok().out().trim());
            assertTrue(Nslab.run("netns", "pids", ns).ok().out().lines().anyMatch(l -> l.equals(String.valueOf(pid))));
            assertEquals(Sh.ok("ip", "netns", "pids", ns), Nslab.run("netns", "pids", ns).ok().out());

            Nslab.run("netns", "attach", alias, String.valueOf(pid)).ok();
            assertEquals(nsInode("/run/netns/" + ns), nsInode("/run/netns/" + alias));
            // ip prints only the last matching name; nslab prints every name of the namespace
            List<String> ours = Nslab.run("netns", "identify", String.valueOf(pid)).ok().out().lines().sorted().toList();
            assertEquals(List.of(alias, ns).stream().sorted().toList(), ours);
            assertTrue(ours.contains(Sh.ok("ip", "netns", "identify", String.valueOf(pid)).trim()));
        } finally {
            sleeper.destroy();
            sleeper.waitFor();
        }

        // ids: set one from a namespace that plays the root, witness ip netns list-id there
        String host = t.n("h");
        Nslab.run("netns", "add", host).ok();
        Nslab.run("-n", host, "netns", "set", ns, "7").ok();
        String ids = Sh.ok("ip", "-n", host, "netns", "list-id");
        // the attached alias names the same namespace; ip names an id after one of them
        assertTrue(ids.contains("nsid 7 ") && (ids.contains(ns) || ids.contains(alias)), ids);
        String listed = Nslab.run("-n", host, "netns", "list").ok().out();
        assertTrue(listed.contains(ns + " (id: 7)"), listed);
        JsonNode j = TestNet.json(Nslab.run("-n", host, "-j", "netns", "list-id").ok().out());
        assertEquals(7, j.get(0).path("nsid").asInt());
    }

    @Test
    void allNetnsDeleteRemovesOnlyTheRegisteredOnes() {
        // -all netns delete would remove other people's namespaces on a shared machine, so it runs against a
        // private netns directory here: the same code path, a registry of our own.
        Path dir = Path.of("/run/" + t.n("dir"));
        dev.nslab.net.Namespaces reg = new dev.nslab.net.Namespaces(dir);
        try {
            reg.add("one");
            reg.add("two");
            var out = new java.io.ByteArrayOutputStream();
            var ps = new java.io.PrintStream(out, true);
            assertEquals(0, new Cli(ps, ps, reg).run("-all", "netns", "delete"));
            assertEquals(List.of(), reg.list());
            assertFalse(Sh.ok("cat", "/proc/self/mountinfo").contains(dir.toString() + "/"));
        } finally {
            for (String n : reg.list()) reg.delete(n);
            Sh.run("umount", "-l", dir.toString());
            Sh.run("rm", "-rf", dir.toString());
        }
    }

    /** Abbreviations mean what ip makes of them (checked against ip 6.1 by hand: "ip l s lo up" sets, "ip netns s" shows). */
    @Test
    void abbreviationsMeanWhatIpMakesOfThem() {
        t.nslab("net a @ab").ok();                                   // netns add
        assertTrue(t.ipNetnsList().contains(t.n("ab")), "ip netns list sees it");
        t.nslab("-n @ab l s lo up").ok();                            // link set, not link show
        assertTrue(t.link(t.n("ab"), "lo").path("flags").toString().contains("\"UP\""), "ip sees lo up");
        t.nslab("-n @ab a a 10.5.5.5/24 dev lo").ok();               // address add
        assertTrue(t.nslab("-n @ab a s").ok().out().contains("10.5.5.5/24"), "address show");
        t.nslab("-n @ab r a 10.6.0.0/16 dev lo").ok();               // route add
        assertTrue(t.nslab("-n @ab r s").ok().out().contains("10.6.0.0/16 dev lo"), "route show");
        assertTrue(t.nslab("netns s").ok().out().contains(t.n("ab")), "netns s is show");
        t.nslab("netns d @ab").ok();                                  // netns delete
        assertFalse(t.ipNetnsList().contains(t.n("ab")));
    }

    /** What scripts type, compared with iproute2 and sysctl(8) doing the same in a twin namespace. */
    @Test
    void combinedSysctlFlagsAndBroadcastPlusAsTheToolsTakeThem() {
        t.nslab("netns add @bq").ok();
        Sh.run("ip", "netns", "add", t.n("bi")).ok();
        assertEquals("", t.nslab("-n @bq sysctl -qw net.ipv4.ip_forward=1").ok().out());
        assertEquals("1\n", Sh.run("ip", "netns", "exec", t.n("bq"), "sysctl", "-n", "net.ipv4.ip_forward").ok().out());
        t.nslab("-n @bq address add 10.9.9.9/24 brd + dev lo").ok();
        Sh.run("ip", "-n", t.n("bi"), "address", "add", "10.9.9.9/24", "brd", "+", "dev", "lo").ok();
        String ours = Sh.run("ip", "-n", t.n("bq"), "address", "show", "dev", "lo").ok().out();
        String theirs = Sh.run("ip", "-n", t.n("bi"), "address", "show", "dev", "lo").ok().out();
        assertTrue(ours.contains("inet 10.9.9.9/24 brd 10.9.9.255 scope global lo"), ours);
        assertEquals(theirs.lines().filter(l -> l.contains("10.9.9.9")).toList(), ours.lines().filter(l -> l.contains("10.9.9.9")).toList());
        assertEquals(theirs, t.nslab("-n @bi address show dev lo").ok().out(), "and nslab prints it as ip does");
    }

    @Test
    void aMissingNamespaceAfterMinusNEndsTheCommandAsIpDoes() {
        Sh.Result ip = Sh.run(List.of("ip", "-n", t.n("none"), "link"), null);
        Nslab.Out ours = Nslab.run("-n", t.n("none"), "link");
        assertEquals(ip.code(), ours.code(), "exit status");
        assertEquals(ip.err(), ours.err(), "words");
    }

    @Test
    void minusFourAddressKeepsThePeersNamespaceOnTheFirstLineAsIpDoes() {
        Sh.run("ip", "netns", "add", t.n("p5")).ok();
        Sh.run("ip", "netns", "add", t.n("p6")).ok();
        Sh.run("ip", "-n", t.n("p5"), "link", "add", "v5", "type", "veth", "peer", "name", "v6", "netns", t.n("p6")).ok();
        Sh.run("ip", "-n", t.n("p5"), "address", "add", "10.1.1.1/24", "dev", "v5").ok();
        for (String fam : List.of("-4", "-6")) {
            String ip = Sh.run("ip", "-n", t.n("p5"), fam, "address").ok().out();
            assertEquals(ip, Nslab.run("-n", t.n("p5"), fam, "address").ok().out(), fam);
        }
    }

    @Test
    void briefOutputIsIpsToTheByte() {
        Sh.run("ip", "netns", "add", t.n("b1")).ok();
        Sh.run("ip", "netns", "add", t.n("b2")).ok();
        Sh.run("ip", "-n", t.n("b1"), "link", "add", "averylongname01", "type", "veth", "peer", "name", "e2", "netns", t.n("b2")).ok();
        Sh.run("ip", "-n", t.n("b1"), "link", "add", "v5", "type", "veth", "peer", "name", "v6", "netns", t.n("b2")).ok();
        Sh.run("ip", "-n", t.n("b1"), "link", "set", "v5", "up").ok();
        Sh.run("ip", "-n", t.n("b1"), "address", "add", "10.1.1.1/24", "dev", "v5").ok();
        Sh.run("ip", "-n", t.n("b1"), "address", "add", "fd00::1/64", "dev", "v5", "nodad").ok();
        for (List<String> o : List.of(List.of("-br", "link"), List.of("-br", "address"), List.of("-br", "-4", "address"),
                List.of("-br", "link", "show", "dev", "v5"), List.of("-br", "-j", "link"), List.of("-br", "-j", "address"))) {
            List<String> ip = new java.util.ArrayList<>(List.of("ip", "-n", t.n("b1")));
            ip.addAll(o);
            List<String> ours = new java.util.ArrayList<>(List.of("-n", t.n("b1")));
            ours.addAll(o);
            assertEquals(Sh.run(ip, null).ok().out(), Nslab.run(ours.toArray(String[]::new)).ok().out(), String.join(" ", o));
        }
    }
}
