package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** link / address / route inside a test namespace, judged by ip -j and iproute2's own text. */
@Needs(programs = {"ip"})
class LinkAddressRouteTest {
    final TestNet t = new TestNet();
    String ns, other;

    @BeforeEach
    void setUp() {
        ns = t.n("a");
        other = t.n("b");
        Nslab.run("netns", "add", ns).ok();
        Nslab.run("netns", "add", other).ok();
        // No duplicate address detection: link-local addresses must not change state between two witnesses.
        in("sysctl -w net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0").ok();
    }

    @AfterEach
    void cleanUp() { t.close(); }

    /** What ip prints on standard error for the same line in the same namespace (a line that changes nothing). */
    private String ip(String line) {
        List<String> a = new ArrayList<>(List.of("ip", "-n", ns));
        a.addAll(Sh.words(line));
        return Sh.run(a, null).err();
    }

    private Nslab.Out in(String line) {
        List<String> a = new ArrayList<>(List.of("-n", ns));
        a.addAll(Sh.words(line));
        return Nslab.run(a.toArray(String[]::new));
    }

    @Test
    void vethPairPeersMovesRenamesAndDeletes() {
        in("link add v0 type veth peer name v1").ok();
        JsonNode v0 = t.link(ns, "v0"), v1 = t.link(ns, "v1");
        assertEquals("v1", v0.path("link").asText());
        assertEquals("v0", v1.path("link").asText());
        // text output is iproute2's, byte for byte
        assertEquals(Sh.ok("ip", "-n", ns, "link", "show"), in("link show").ok().out());
        assertEquals(Sh.ok("ip", "-n", ns, "link", "show", "dev", "v0"), in("link show dev v0").ok().out());

        in("link set v1 netns " + other).ok();
        assertNull(t.link(ns, "v1"));
        assertNotNull(t.link(other, "v1"));
        assertTrue(t.link(ns, "v0").has("link_netnsid"), "peer now in another namespace");
        String text = in("link show v0").ok().out();
        assertTrue(text.contains("v0@if") && text.contains("link-netns " + other), text);

        in("link set dev v0 mtu 1400 address 02:00:00:00:00:aa name w0 up").ok();
        JsonNode w0 = t.link(ns, "w0");
        assertEquals(1400, w0.path("mtu").asInt());
        assertEquals("02:00:00:00:00:aa", w0.path("address").asText());
        assertTrue(w0.path("flags").toString().contains("\"UP\""));

        in("link delete w0").ok();
        assertNull(t.link(ns, "w0"));
        assertNull(t.link(other, "v1"), "deleting one end deletes the pair");
    }

    @Test
    void vethPeerBornInAnotherNamespaceAndByPid() throws Exception {
        in("link add p0 type veth peer name p1 netns " + other).ok();
        assertNotNull(t.link(ns, "p0"));
        assertNotNull(t.link(other, "p1"));
        Process holder = new ProcessBuilder("ip", "netns", "exec", other, "sleep", "60").start();
        try {
            Thread.sleep(200);
            in("link add q0 type veth peer name q1 netns " + holder.pid()).ok();
            assertNotNull(t.link(other, "q1"), "peer went to the namespace of the PID");
        } finally {
            holder.destroy();
            holder.waitFor();
        }
    }

    @Test
    void bridgeMasterAndNomaster() {
        in("link add br0 type bridge").ok();
        in("link add e0 type veth peer name e1").ok();
        in("link set e0 master br0").ok();
        assertEquals("br0", t.link(ns, "e0").path("master").asText());
        assertTrue(in("link show e0").ok().out().contains(" master br0 "));
        JsonNode j = TestNet.json(Nslab.run("-n", ns, "-j", "link", "show", "e0").ok().out()).get(0);
        assertFalse(j.has("linkinfo"), "as ip: linkinfo only with -d");
        assertEquals("br0", j.path("master").asText());
        in("link set e0 nomaster").ok();
        assertFalse(t.link(ns, "e0").has("master"));
    }

    @Test
    void badInputNamesTheObjectAndLeavesNothing() {
        Nslab.Out o = in("link set nosuch up").fails();
        assertTrue(o.err().contains("Cannot find device \"nosuch\""), o.err());
        o = in("link add abcdefghijklmnop type veth peer name x").fails();
        assertTrue(o.err().contains("not a valid interface name"), o.err());
        o = in("link add a:b type bridge").fails();
        assertTrue(o.err().contains("not a valid interface name"), o.err());
        o = in("link add g0 type veth peer name g1 netns " + t.n("none")).fails();
        assertEquals("Error: argument \"" + t.n("none") + "\" is wrong: Invalid \"netns\" value\n\n", o.err(), "ip's words");
        assertNull(t.link(ns, "g0"), "nothing half-built");
        in("link add g0 type veth peer name g1").ok();
        o = in("link add g0 type veth peer name g2").fails();
        assertTrue(o.err().contains("File exists"), o.err());
        assertNull(t.link(ns, "g2"));
        o = in("link frobnicate").fails();
        assertTrue(o.err().contains("Command \"frobnicate\" is unknown"), o.err());
        o = Nslab.run("frob").fails();
        assertTrue(o.err().contains("Object \"frob\" is unknown"), o.err());
        o = in("address add 10.0.0.300/24 dev g0").fails();
        assertTrue(o.err().contains("10.0.0.300"), o.err());
        o = in("address add 10.0.0.1/24 dev nosuch").fails();
        assertTrue(o.err().contains("Cannot find device \"nosuch\""), o.err());
    }

    @Test
    void addressesBothFamiliesAndIproute2Text() {
        in("link add d0 type veth peer name d1").ok();
        in("link set d0 up").ok();
        in("link set d1 up").ok();
        in("address add 10.9.0.1/24 dev d0").ok();
        in("addr add fd00:9::1/64 dev d0 nodad").ok();
        JsonNode info = TestNet.json(Sh.ok("ip", "-n", ns, "-j", "addr", "show", "dev", "d0")).get(0).path("addr_info");
        List<String> locals = new ArrayList<>();
        info.forEach(a -> locals.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt()));
        assertTrue(locals.contains("10.9.0.1/24") && locals.contains("fd00:9::1/64"), locals.toString());
        assertEquals(Sh.ok("ip", "-n", ns, "address", "show", "dev", "d0"), in("a s d0").ok().out());
        assertEquals(Sh.ok("ip", "-n", ns, "-4", "address"), Nslab.run("-n", ns, "-4", "address").ok().out());

        // -j addr_info fields as ip names them
        JsonNode mine = TestNet.json(Nslab.run("-n", ns, "-j", "addr", "show", "d0").ok().out()).get(0);
        assertEquals("d0", mine.path("ifname").asText());
        assertEquals("inet", mine.path("addr_info").get(0).path("family").asText());
        assertEquals("10.9.0.1", mine.path("addr_info").get(0).path("local").asText());

        in("address del 10.9.0.1/24 dev d0").ok();
        assertFalse(Sh.ok("ip", "-n", ns, "addr", "show", "d0").contains("10.9.0.1"));
        Nslab.Out o = in("address del 10.9.0.1/24 dev d0").fails();
        assertEquals(ip("address del 10.9.0.1/24 dev d0"), o.err(), "ip's words (this kernel's: \"Error: ipv4: Address not found.\")");
    }

    @Test
    void routesDefaultViaAndDev() {
        in("link add r0 type veth peer name r1").ok();
        in("link set r0 up").ok();
        in("link set r1 up").ok();
        in("addr add 10.8.0.1/24 dev r0").ok();
        in("route add 10.77.0.0/16 via 10.8.0.254").ok();
        in("route add default via 10.8.0.254").ok();
        in("route add 10.66.0.0/24 dev r0 metric 5").ok();
        in("addr add fd00:8::1/64 dev r0 nodad").ok();
        in("route add fd00:77::/48 via fd00:8::fe").ok();

        JsonNode routes = t.ipj(ns, "route show");
        List<String> seen = new ArrayList<>();
        routes.forEach(r -> seen.add(r.path("dst").asText() + " " + r.path("gateway").asText("-") + " " + r.path("dev").asText()));
        assertTrue(seen.contains("10.77.0.0/16 10.8.0.254 r0"), seen.toString());
        assertTrue(seen.contains("default 10.8.0.254 r0"), seen.toString());
        assertTrue(seen.contains("10.66.0.0/24 - r0"), seen.toString());
        assertTrue(Sh.ok("ip", "-n", ns, "-6", "route").contains("fd00:77::/48 via fd00:8::fe dev r0"));

        assertEquals(Sh.ok("ip", "-n", ns, "route", "show"), in("route show").ok().out());
        assertEquals(Sh.ok("ip", "-n", ns, "-6", "route", "show"), Nslab.run("-n", ns, "-6", "route", "show").ok().out());
        assertEquals(Sh.ok("ip", "-n", ns, "route", "show", "default"), in("r show default").ok().out());
        JsonNode j = TestNet.json(Nslab.run("-n", ns, "-j", "route").ok().out());
        assertEquals(TestNet.json(Sh.ok("ip", "-n", ns, "-j", "route")), j);

        in("route del 10.77.0.0/16 via 10.8.0.254").ok();
        in("route del default").ok();
        assertFalse(Sh.ok("ip", "-n", ns, "route").contains("10.77.0.0"));
        assertFalse(Sh.ok("ip", "-n", ns, "route").contains("default"));
        Nslab.Out o = in("route add 10.55.0.0/24 via 10.99.0.1").fails();
        assertEquals(ip("route add 10.55.0.0/24 via 10.99.0.1"), o.err(), "ip's words (this kernel's: \"Error: Nexthop has invalid gateway.\")");
        o = in("route add 10.66.0.0/24 dev r0 metric 5").fails();
        assertEquals("RTNETLINK answers: File exists\n", o.err());
    }

    @Test
    void sysctlInsideTheNamespaceOnly() {
        String before = Sh.ok("cat", "/proc/sys/net/ipv4/ip_forward").trim();
        assertEquals("net.ipv4.ip_forward = 1\n", in("sysctl -w net.ipv4.ip_forward=1").ok().out());
        assertEquals("1", Sh.ok("ip", "netns", "exec", ns, "cat", "/proc/sys/net/ipv4/ip_forward").trim());
        assertEquals(before, Sh.ok("cat", "/proc/sys/net/ipv4/ip_forward").trim(), "the machine's own value is untouched");
        assertEquals("net.ipv4.ip_forward = 1\n", in("sysctl net.ipv4.ip_forward").ok().out());
        Nslab.Out o = in("sysctl net.ipv4.no_such_key").fails();
        assertTrue(o.err().contains("no_such_key"), o.err());
    }

    @Test
    void jsonLinkOutputMatchesIproute2() {
        in("link add j0 type veth peer name j1").ok();
        in("link set j1 netns " + other).ok();
        JsonNode ours = TestNet.json(Nslab.run("-n", ns, "-j", "link", "show").ok().out());
        JsonNode theirs = t.ipj(ns, "link show");
        assertEquals(theirs.size(), ours.size());
        for (int i = 0; i < ours.size(); i++) {
            for (String f : new String[] {"ifindex", "ifname", "flags", "mtu", "qdisc", "operstate", "linkmode", "group",
                    "txqlen", "link_type", "address", "broadcast", "link", "link_index", "link_netnsid"}) {
                assertEquals(theirs.get(i).get(f), ours.get(i).get(f), f + " of " + theirs.get(i).path("ifname"));
            }
        }
    }

    @Test
    void routeGetPrintsWhatIpPrints() {
        String n = t.n("rg");
        Sh.ok("ip", "netns", "add", n);
        Sh.ok("ip", "-n", n, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        Sh.ok("ip", "-n", n, "addr", "add", "10.5.0.1/24", "dev", "v0");
        Sh.ok("ip", "-n", n, "addr", "add", "fd00:5::1/64", "dev", "v0", "nodad");
        for (String dev : List.of("v0", "v1", "lo")) Sh.ok("ip", "-n", n, "link", "set", dev, "up");
        Sh.ok("ip", "-n", n, "route", "add", "10.9.0.0/16", "via", "10.5.0.2");
        // on the link, through a gateway, local (cache <local>), IPv6 local and on the link, loopback
        for (String a : List.of("10.5.0.2", "10.9.1.1", "10.5.0.1", "::1", "fd00:5::2", "127.0.0.1")) {
            assertEquals(Sh.ok("ip", "-n", n, "route", "get", a), Nslab.run("-n", n, "route", "get", a).ok().out(), "route get " + a);
            assertEquals(Sh.ok("ip", "-n", n, "-j", "route", "get", a).strip(), Nslab.run("-n", n, "-j", "route", "get", a).ok().out().strip(), "-j route get " + a);
        }
        // tables: local, all (both families, each route's table named), a numbered one, IPv6
        Sh.ok("ip", "-n", n, "route", "add", "10.7.0.0/16", "via", "10.5.0.2", "table", "100");
        for (String args : List.of("route show table local", "route show table all", "route show table 100", "-6 route show table all",
                "-6 route show table local", "route show table main", "route show table all default")) {
            List<String> w = new ArrayList<>(List.of("-n", n));
            w.addAll(Sh.words(args));
            List<String> ipArgs = new ArrayList<>(List.of("ip"));
            ipArgs.addAll(w);
            assertEquals(Sh.run(ipArgs, null).ok().out(), Nslab.run(w.toArray(String[]::new)).ok().out(), args);
            w.add(2, "-j");
            ipArgs.add(3, "-j");
            assertEquals(Sh.run(ipArgs, null).ok().out().strip(), Nslab.run(w.toArray(String[]::new)).ok().out().strip(), "-j " + args);
        }
        Sh.Result ip = Sh.run("ip", "-n", n, "route", "get", "192.0.2.1");
        Nslab.Out mine = Nslab.run("-n", n, "route", "get", "192.0.2.1");
        assertEquals(ip.code(), mine.code(), "no route: ip's exit status");
        assertEquals(ip.err().strip(), mine.err().strip());
    }

    @Test
    void rulesMadeByNslabAreWhatIpShowsAndShownAsIpShowsThem() {
        String n = t.n("ru");
        Sh.ok("ip", "netns", "add", n);
        for (String c : List.of("rule add from 10.1.0.0/16 to 10.2.0.5 table 100 priority 100", "rule add to 10.3.0.0/24 lookup main pref 200",
                "rule add iif lo table 7", "-6 rule add from fd00::/8 table 9 priority 50")) {
            List<String> w = new ArrayList<>(List.of("-n", n));
            w.addAll(Sh.words(c));
            Nslab.run(w.toArray(String[]::new)).ok();
        }
        String ip4 = Sh.ok("ip", "-n", n, "rule");
        assertTrue(ip4.contains("100:\tfrom 10.1.0.0/16 to 10.2.0.5 lookup 100\n") && ip4.contains("iif lo lookup 7"), ip4);
        assertTrue(Sh.ok("ip", "-n", n, "-6", "rule").contains("50:\tfrom fd00::/8 lookup 9"));
        for (String args : List.of("rule", "rule show", "-6 rule")) {
            for (boolean j : List.of(false, true)) {
                List<String> w = new ArrayList<>(List.of("-n", n));
                if (j) w.add("-j");
                w.addAll(Sh.words(args));
                List<String> ip = new ArrayList<>(List.of("ip"));
                ip.addAll(w);
                assertEquals(Sh.run(ip, null).ok().out().strip(), Nslab.run(w.toArray(String[]::new)).ok().out().strip(), (j ? "-j " : "") + args);
            }
        }
        Nslab.run("-n", n, "rule", "del", "from", "10.1.0.0/16", "to", "10.2.0.5", "table", "100", "priority", "100").ok();
        assertFalse(Sh.ok("ip", "-n", n, "rule").contains("10.1.0.0/16"));
        Nslab.Out gone = Nslab.run("-n", n, "rule", "del", "priority", "12345");
        assertEquals(Sh.run("ip", "-n", n, "rule", "del", "priority", "12345").code(), gone.code());
        assertTrue(gone.err().contains("RTNETLINK answers: No such file or directory"), gone.err());
    }
}
