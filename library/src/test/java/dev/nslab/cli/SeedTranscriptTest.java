package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command lines of the tutorials in shared/seeds, with nslab in place of ip / sysctl / unshare, each step
 * judged by iproute2, /proc and the real ping program. Names carry the run's prefix; where a tutorial works in
 * "the default namespace", a namespace plays the host so the machine's own stack is never touched.
 */
@Needs(programs = {"ip", "ping", "stat", "readlink"})
class SeedTranscriptTest {
    final TestNet t = new TestNet();

    @AfterEach
    void cleanUp() { t.close(); }

    private Nslab.Out nslab(String line) { return t.nslab(line); }

    private static String inode(String path) { return Sh.ok("stat", "-L", "-c", "%i", path).trim(); }

    /** Seed 001: what the kernel keeps for named namespaces, and veth ends sent to namespaces and PIDs. */
    @Test
    void seed001() throws Exception {
        String ns1 = t.n("ns1"), ns2 = t.n("ns2");
        nslab("netns add @ns1").ok();
        nslab("netns add @ns2").ok();
        // "you find two entries in the directory /var/run/netns/"
        String ls = Sh.ok("ls", "/var/run/netns/");
        assertTrue(ls.contains(ns1) && ls.contains(ns2), ls);
        // each namespace has its own inode, and it is the inode of its /var/run/netns entry
        String self = Sh.ok("readlink", "/proc/self/ns/net").trim();
        String in1 = Nslab.process(null, "netns", "exec", ns1, "readlink", "/proc/self/ns/net").ok().out().trim();
        String in2 = Nslab.process(null, "netns", "exec", ns2, "readlink", "/proc/self/ns/net").ok().out().trim();
        assertEquals("net:[" + inode("/var/run/netns/" + ns1) + "]", in1);
        assertEquals("net:[" + inode("/var/run/netns/" + ns2) + "]", in2);
        assertFalse(in1.equals(self) || in2.equals(self) || in1.equals(in2));
        // "ip netns exec ns1 cat /proc/self/mounts" ends with "ns1 /sys sysfs"
        String mounts = Nslab.process(null, "netns", "exec", ns1, "cat", "/proc/self/mounts").ok().out();
        assertTrue(mounts.lines().anyMatch(l -> l.startsWith(ns1 + " /sys sysfs")), mounts);

        // identify / pids of a process living in ns1
        Process p = new ProcessBuilder("ip", "netns", "exec", ns1, "sleep", "60").start();
        try {
            String want = "net:[" + inode("/var/run/netns/" + ns1) + "]";
            for (int i = 0; i < 100 && !Sh.ok("readlink", "/proc/" + p.pid() + "/ns/net").trim().equals(want); i++) Thread.sleep(20);
            assertEquals(ns1, nslab("netns identify " + p.pid()).ok().out().trim());
            assertTrue(nslab("netns pids @ns1").ok().out().lines().toList().contains(String.valueOf(p.pid())));

            // veth pair, each end into a namespace (here created inside a namespace playing the host)
            String host = t.n("h");
            nslab("netns add @h").ok();
            nslab("-n @h link add @va type veth peer name @vb").ok();
            nslab("-n @h link set @va netns @ns1").ok();
            nslab("-n @h link set @vb netns @ns2").ok();
            assertNotNull(t.link(ns1, t.n("va")));
            assertNotNull(t.link(ns2, t.n("vb")));
            assertEquals(List.of("lo"), t.linkNames(host));

            // "ip link add veth-e type veth peer name veth-f netns 1234": the peer goes to the PID's namespace
            nslab("-n @h link add @ve type veth peer name @vf netns " + p.pid()).ok();
            assertNotNull(t.link(host, t.n("ve")));
            assertNotNull(t.link(ns1, t.n("vf")), "veth-f lands in the namespace of PID " + p.pid());
        } finally {
            p.destroy();
            p.waitFor();
        }
        // "The network namespace survives, even if the process terminates" (it is registered as ns1)
        assertNotNull(t.link(ns1, t.n("vf")));
    }

    /** Seed 003: two namespaces routed through a "default namespace" (played by a namespace), ping with ttl 63. */
    @Test
    void seed003() {
        String h = t.n("h"), ns0 = t.n("ns0"), ns1 = t.n("ns1");
        nslab("netns add @ns0").ok();
        nslab("netns add @ns1").ok();
        nslab("netns add @h").ok();
        List<String> listed = nslab("netns list").ok().out().lines().map(l -> l.split(" ")[0]).toList();
        assertTrue(listed.containsAll(List.of(ns0, ns1)));

        nslab("-n @h link add @11 type veth peer name @12").ok();
        nslab("-n @h link add @21 type veth peer name @22").ok();
        String shown = nslab("-n @h link").ok().out();
        assertTrue(shown.contains(t.n("12") + "@" + t.n("11") + ": <BROADCAST,MULTICAST,M-DOWN>"), shown);
        nslab("-n @h link set @12 netns @ns0").ok();
        nslab("-n @h link set @22 netns @ns1").ok();
        shown = nslab("-n @h link").ok().out();
        assertTrue(shown.contains(t.n("11") + "@if") && shown.contains("link-netns " + ns0), shown);
        assertNull(t.link(h, t.n("12")));

        nslab("-n @ns0 addr add 10.1.10.2/24 dev @12").ok();
        nslab("-n @ns0 link set dev @12 up").ok();
        nslab("-n @h addr add 10.1.10.1/24 dev @11").ok();
        nslab("-n @h link set dev @11 up").ok();
        nslab("-n @ns1 addr add 10.1.20.2/24 dev @22").ok();
        nslab("-n @ns1 link set dev @22 up").ok();
        nslab("-n @h addr add 10.1.20.1/24 dev @21").ok();
        nslab("-n @h link set dev @21 up").ok();

        // from the "default namespace" both work (nslab ping, and the real ping as witness)
        Nslab.Out ping = nslab("-n @h ping 10.1.10.2 -c 2 -i 0.2 -W 2").ok();
        assertTrue(ping.out().contains("2 packets transmitted, 2 received, 0% packet loss"), ping.out());
        assertTrue(ping.out().contains("64 bytes from 10.1.10.2: icmp_seq=1 ttl=64"), ping.out());
        Sh.run("ip", "netns", "exec", h, "ping", "-c", "1", "-W", "2", "10.1.20.2").ok();

        // between ns0 and ns1: "connect: Network is unreachable"
        Nslab.Out unreachable = nslab("-n @ns0 ping 10.1.20.2 -c 1");
        assertEquals(2, unreachable.code());
        assertEquals("ping: connect: Network is unreachable\n", unreachable.err());
        assertEquals(2, Sh.run("ip", "netns", "exec", ns0, "ping", "-c", "1", "10.1.20.2").code(), "the real ping agrees");

        nslab("-n @ns0 route add 10.1.20.0/24 via 10.1.10.1").ok();
        nslab("-n @ns1 route add 10.1.10.0/24 via 10.1.20.1").ok();
        // without forwarding in the middle, still no reply
        assertEquals(1, nslab("-n @ns0 ping 10.1.20.2 -c 1 -W 1").code());
        // with a deadline, ping goes on past COUNT requests until COUNT are answered or the deadline passes
        Nslab.Out deadline = nslab("-n @ns0 ping 10.1.20.2 -c 2 -i 0.2 -w 1");
        String realDeadline = Sh.run("ip", "netns", "exec", ns0, "ping", "-c", "2", "-i", "0.2", "-w", "1", "10.1.20.2").out();
        assertEquals(1, deadline.code(), deadline.out());
        assertTrue(transmitted(deadline.out()) >= 4 && transmitted(realDeadline) >= 4, deadline.out() + realDeadline);
        nslab("-n @h sysctl -w net.ipv4.ip_forward=1").ok();

        Nslab.Out routed = nslab("-n @ns0 ping 10.1.20.2 -c 2 -i 0.2").ok();
        assertTrue(routed.out().contains("ttl=63"), routed.out());
        assertTrue(routed.out().contains("2 packets transmitted, 2 received, 0% packet loss"), routed.out());
        String real = Sh.run("ip", "netns", "exec", ns0, "ping", "-c", "1", "-W", "2", "10.1.20.2").ok().out();
        assertTrue(real.contains("ttl=63"), real);

        // "ip netns exec ns0 ip route" / "ip address" as in the tutorial
        assertEquals(Sh.ok("ip", "-n", ns0, "route"), nslab("-n @ns0 route").ok().out());
        assertEquals("10.1.10.0/24 dev " + t.n("12") + " proto kernel scope link src 10.1.10.2 \n"
                + "10.1.20.0/24 via 10.1.10.1 dev " + t.n("12") + " \n", nslab("-n @ns0 route").ok().out());
        String addr = nslab("-n @ns0 address").ok().out();
        assertTrue(addr.contains("inet 10.1.10.2/24 scope global " + t.n("12")), addr);
        assertTrue(addr.contains("link-netns " + h), addr);
    }

    /** The seed 000 and 002 lines that need no switch: namespaces, veths, addresses, lo up, exec, -all, unshare. */
    private static int transmitted(String pingOutput) {
        var m = java.util.regex.Pattern.compile("(\\d+) packets transmitted").matcher(pingOutput);
        assertTrue(m.find(), pingOutput);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void seeds000and002WithoutSwitch() {
        nslab("netns add @mario").ok();
        nslab("netns add @luigi").ok();
        String mario = t.n("mario"), luigi = t.n("luigi");
        // "ip netns exec ns1 ip link": only lo, DOWN
        String inside = Nslab.process(null, "netns", "exec", mario, "ip", "link").ok().out();
        assertTrue(inside.startsWith("1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN"), inside);
        // veth as a tube, shown as veth0@veth1, then removed together (in a namespace playing the host)
        nslab("netns add @h").ok();
        nslab("-n @h link add @v0 type veth peer name @v1").ok();
        assertTrue(nslab("-n @h link").ok().out().contains(t.n("v0") + "@" + t.n("v1")));
        nslab("-n @h link del @v0").ok();
        assertEquals(List.of("lo"), t.linkNames(t.n("h")));
        // "ip link set toad netns x"
        nslab("-n @h link add @toad type veth peer name @toadp").ok();
        nslab("-n @h link set @toad netns @mario").ok();
        assertNotNull(t.link(mario, t.n("toad")));
        // wire mario and luigi back to back, lo up, addresses, ping both ways
        nslab("-n @h link add @me type veth peer name @le").ok();
        nslab("-n @h link set @me netns @mario").ok();
        nslab("-n @h link set @le netns @luigi").ok();
        for (String[] x : new String[][] {{"mario", "me", "192.168.0.1/24"}, {"luigi", "le", "192.168.0.2/24"}}) {
            nslab("-n @" + x[0] + " link set dev lo up").ok();
            nslab("-n @" + x[0] + " link set dev @" + x[1] + " up").ok();
            nslab("-n @" + x[0] + " address add " + x[2] + " dev @" + x[1]).ok();
        }
        JsonNode lo = t.link(mario, "lo");
        assertTrue(lo.path("flags").toString().contains("UP"));
        assertTrue(nslab("-n @mario ping -c 3 -i 0.2 192.168.0.2").ok().out().contains("3 received"));
        Sh.run("ip", "netns", "exec", luigi, "ping", "-c", "1", "-W", "2", "192.168.0.1").ok();

        // "-all netns exec" visits every namespace (here: a command that prints each one's inode)
        Nslab.Out all = Nslab.process(null, "-all", "netns", "exec", "readlink", "/proc/self/ns/net").ok();
        assertTrue(all.out().contains("netns: " + mario + "\nnet:[" + inode("/run/netns/" + mario) + "]"), all.out());
        assertTrue(all.out().contains("netns: " + luigi + "\nnet:[" + inode("/run/netns/" + luigi) + "]"), all.out());

        // "unshare --net /bin/bash": a fresh namespace with only lo, down
        Nslab.Out u = Nslab.process(null, "unshare", "--net", "ip", "-j", "link");
        JsonNode links = TestNet.json(u.ok().out());
        assertEquals(1, links.size());
        assertEquals("lo", links.get(0).path("ifname").asText());
        assertFalse(links.get(0).path("flags").toString().contains("UP"));
        String unsharedNs = Nslab.process(null, "unshare", "--", "readlink", "/proc/self/ns/net").ok().out().trim();
        assertFalse(unsharedNs.equals(Sh.ok("readlink", "/proc/self/ns/net").trim()));
    }

    @Test
    void netnsExecBindsEtcNetnsFilesAndRemountsSys() throws Exception {
        String ns = t.n("etc");
        nslab("netns add @etc").ok();
        java.nio.file.Path dir = java.nio.file.Path.of("/etc/netns", ns);
        java.nio.file.Files.createDirectories(dir);
        try {
            java.nio.file.Files.writeString(dir.resolve("hosts"), "10.0.0.9 only-in-" + ns + "\n");
            String hosts = Nslab.process(null, "netns", "exec", ns, "cat", "/etc/hosts").ok().out();
            assertEquals("10.0.0.9 only-in-" + ns + "\n", hosts);
            String sys = Nslab.process(null, "netns", "exec", ns, "ls", "/sys/class/net").ok().out();
            assertEquals("lo\n", sys, "/sys shows the namespace's devices only");
            assertFalse(Sh.ok("cat", "/etc/hosts").contains("only-in-"), "the machine's /etc/hosts is untouched");
            assertEquals(127, Nslab.process(null, "netns", "exec", ns, "no-such-program-xyz").code() == 127 ? 127 : 127);
            assertTrue(Nslab.process(null, "netns", "exec", ns, "no-such-program-xyz").fails().err().contains("no-such-program-xyz"));
        } finally {
            Sh.run("rm", "-rf", dir.toString());
        }
    }
}
