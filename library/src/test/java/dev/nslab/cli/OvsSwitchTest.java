package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.OpenVswitch;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.Tcp;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeds 000 and 002 with "nslab ovs" in place of ovs-vsctl, VLAN trunks and native VLANs, the Linux-bridge
 * variant, and ovs-vsctl's errors. Judged by ovs-vsctl, the real ping and real TCP transfers. Switch ports live
 * in the root namespace (ovs-vswitchd is there), so every name carries the run's prefix and is removed after.
 */
@ExtendWith(OpenVswitch.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Needs(programs = {"ip", "ping", "ethtool"}, openVswitch = true)
class OvsSwitchTest {
    final TestNet t = new TestNet();

    @AfterEach
    void cleanUp() { t.close(); }

    private Nslab.Out nslab(String line) { return t.nslab(line); }

    private static String vsctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--timeout=10"));
        cmd.addAll(List.of(args));
        return Sh.run(cmd, null).ok().out().trim();
    }

    private boolean ping(String ns, String addr) {
        return Sh.run("ip", "netns", "exec", t.n(ns), "ping", "-c", "2", "-i", "0.2", "-W", "1", addr).code() == 0;
    }

    /** A namespace with lo up and a veth whose other end (@sw) stays in the root namespace for a switch. */
    private void host(String ns, String inside, String sw, String cidr) {
        nslab("netns add @" + ns).ok();
        nslab("link add @" + inside + " type veth peer name @" + sw).ok();
        nslab("link set @" + inside + " netns @" + ns).ok();
        nslab("link set @" + sw + " up").ok();
        nslab("-n @" + ns + " link set dev lo up").ok();
        nslab("-n @" + ns + " link set dev @" + inside + " up").ok();
        nslab("-n @" + ns + " address add " + cidr + " dev @" + inside).ok();
    }

    @Test
    @Order(1)
    void seed000StartsOpenVswitchThenPingsThenTagsIsolate() throws Exception {
        boolean wasRunning = OpenVswitch.running();
        Nslab.Out addBr = nslab("ovs add-br @OVS-1").ok();
        assertTrue(OpenVswitch.running(), "nslab started Open vSwitch");
        if (!wasRunning) assertTrue(addBr.err().contains("started ovsdb-server and ovs-vswitchd"), addBr.err());
        assertEquals(0, Sh.run("ovs-vsctl", "br-exists", t.n("OVS-1")).code(), "ovs-vsctl sees the bridge");
        if (Sh.run("sh", "-c", "test -d /sys/module/openvswitch").code() != 0) {
            assertEquals("netdev", vsctl("get", "bridge", t.n("OVS-1"), "datapath_type"));
            // said to a person (at a terminal, or with -v); a script, as this test, sees ovs-vsctl's silence
            assertFalse(addBr.err().contains("userspace datapath"), addBr.err());
            Nslab.Out verbose = nslab("ovs -v add-br @OVS-v").ok();
            assertTrue(verbose.err().contains(t.n("OVS-v") + " uses the userspace datapath"), verbose.err());
            nslab("ovs del-br @OVS-v").ok();
        }
        assertEquals("", vsctl("list-ports", t.n("OVS-1")), "only the bridge's own port, which list-ports leaves out");

        nslab("netns add @ns1").ok();
        nslab("netns add @ns2").ok();
        nslab("link add @eth1-ns1 type veth peer name @veth-ns1").ok();
        nslab("link add @eth1-ns2 type veth peer name @veth-ns2").ok();
        nslab("link set @eth1-ns1 netns @ns1").ok();
        nslab("link set @eth1-ns2 netns @ns2").ok();
        Nslab.Out add = nslab("ovs -v add-port @OVS-1 @veth-ns1").ok();
        nslab("ovs add-port @OVS-1 @veth-ns2").ok();
        assertEquals(t.n("veth-ns1") + "\n" + t.n("veth-ns2"), vsctl("list-ports", t.n("OVS-1")));
        assertEquals(vsctl("show"), nslab("ovs show").ok().out().trim(), "same layout as ovs-vsctl show");
        for (String[] x : new String[][] {{"ns1", "1"}, {"ns2", "2"}}) {
            nslab("link set @veth-" + x[0] + " up").ok();
            nslab("-n @" + x[0] + " link set dev lo up").ok();
            nslab("-n @" + x[0] + " link set dev @eth1-" + x[0] + " up").ok();
            nslab("-n @" + x[0] + " address add 192.168.0." + x[1] + "/24 dev @eth1-" + x[0]).ok();
        }
        if ("netdev".equals(vsctl("get", "bridge", t.n("OVS-1"), "datapath_type"))) {
            assertTrue(add.err().contains("tx checksum offload off on " + t.n("eth1-ns1") + " in namespace " + t.n("ns1")), add.err());
            if (Sh.run("sh", "-c", "command -v ethtool").code() == 0) {
                assertTrue(Sh.ok("ip", "netns", "exec", t.n("ns1"), "ethtool", "-k", t.n("eth1-ns1")).contains("tx-checksumming: off"));
                assertTrue(Sh.ok("ethtool", "-k", t.n("veth-ns1")).contains("tx-checksumming: off"));
            }
        }
        assertTrue(ping("ns1", "192.168.0.2"));
        assertTrue(ping("ns2", "192.168.0.1"));
        assertEquals(8L << 20, Tcp.transfer(t.n("ns1"), t.n("ns2"), "192.168.0.2", 5201, 8 << 20), "TCP across the switch");

        nslab("ovs set port @veth-ns1 tag=100").ok();
        nslab("ovs set port @veth-ns2 tag=200").ok();
        assertEquals("100", vsctl("get", "port", t.n("veth-ns1"), "tag"));
        assertEquals("200", vsctl("get", "port", t.n("veth-ns2"), "tag"));
        assertEquals("200", nslab("ovs get port @veth-ns2 tag").ok().out().trim());
        assertEquals(vsctl("show"), nslab("ovs show").ok().out().trim());
        assertFalse(ping("ns1", "192.168.0.2"), "VLAN 100 and 200 are separate");

        nslab("ovs clear port @veth-ns2 tag").ok();
        nslab("ovs set port @veth-ns2 tag=100").ok();
        assertTrue(ping("ns1", "192.168.0.2"), "same VLAN again");

        nslab("ovs del-br @OVS-1").ok();
        assertEquals(2, Sh.run("ovs-vsctl", "br-exists", t.n("OVS-1")).code());
    }

    @Test
    @Order(2)
    void seed002MarioAndLuigiWithTcpAndJson() throws Exception {
        nslab("ovs add-br @my_switch").ok();
        host("mario", "mario-ns", "mario-ovs", "10.0.0.1/24");
        host("luigi", "luigi-ns", "luigi-ovs", "10.0.0.2/24");
        nslab("ovs add-port @my_switch @mario-ovs -- add-port @my_switch @luigi-ovs").ok();
        assertTrue(ping("mario", "10.0.0.2"));
        assertEquals(4L << 20, Tcp.transfer(t.n("luigi"), t.n("mario"), "10.0.0.1", 5202, 4 << 20));
        JsonNode show = TestNet.json(nslab("-j ovs show").ok().out());
        JsonNode br = null;
        for (JsonNode b : show.path("bridges")) if (b.path("name").asText().equals(t.n("my_switch"))) br = b;
        assertEquals(vsctl("get", "bridge", t.n("my_switch"), "_uuid"), br.path("uuid").asText());
        assertEquals(3, br.path("ports").size());
        JsonNode ports = TestNet.json(nslab("ovs -j list-ports @my_switch").ok().out());
        assertEquals(vsctl("list-ports", t.n("my_switch")), ports.get(0).asText() + "\n" + ports.get(1).asText());
        nslab("ovs del-port @my_switch @mario-ovs").ok();
        assertEquals(t.n("luigi-ovs"), vsctl("list-ports", t.n("my_switch")));
        nslab("ovs del-br @my_switch").ok();
    }

    @Test
    @Order(3)
    void trunkBetweenTwoSwitchesAndNativeVlan() {
        nslab("ovs add-br @brA -- add-br @brB").ok();
        host("a100", "e", "a100", "10.9.0.1/24");
        host("a200", "e", "a200", "10.9.0.2/24");
        host("b100", "e", "b100", "10.9.0.3/24");
        host("b200", "e", "b200", "10.9.0.4/24");
        host("nat", "e", "nat", "10.9.0.5/24");
        nslab("link add @tA type veth peer name @tB").ok();
        nslab("link set @tA up").ok();
        nslab("link set @tB up").ok();
        nslab("ovs add-port @brA @a100 tag=100 -- add-port @brA @a200 tag=200 -- add-port @brA @tA trunks=100,200"
                + " -- add-port @brB @b100 tag=100 -- add-port @brB @b200 tag=200 -- add-port @brB @tB trunks=100,200").ok();
        assertEquals("[100, 200]", vsctl("get", "port", t.n("tA"), "trunks"));
        assertTrue(ping("a100", "10.9.0.3"), "VLAN 100 crosses the trunk");
        assertTrue(ping("a200", "10.9.0.4"), "VLAN 200 crosses the trunk");
        assertFalse(ping("a100", "10.9.0.4"), "but stays VLAN 100");

        // untagged frames on a native-untagged port belong to its tag's VLAN
        nslab("ovs add-port @brB @nat tag=100 trunks=200 vlan_mode=native-untagged").ok();
        assertEquals("native-untagged", vsctl("get", "port", t.n("nat"), "vlan_mode"));
        assertTrue(ping("nat", "10.9.0.1"), "native VLAN 100 reaches VLAN 100 across the trunk");
        assertFalse(ping("nat", "10.9.0.2"), "and not VLAN 200");

        // a trunk limited to VLAN 100 cuts VLAN 200 off
        nslab("ovs set port @tA trunks=100 -- set port @tB trunks=100").ok();
        assertFalse(ping("a200", "10.9.0.4"));
        assertTrue(ping("a100", "10.9.0.3"));
        nslab("ovs del-br @brA -- del-br @brB").ok();
        assertFalse(TestNet.ovsBridges().contains(t.n("brA")));
    }

    @Test
    @Order(4)
    void errorsAreOvsVsctlsAndChangeNothing() {
        Nslab.Out r = nslab("ovs add-port @nobr @p1").fails();
        assertEquals("ovs-vsctl: no bridge named " + t.n("nobr") + "\n", r.err());
        nslab("ovs add-br @br1").ok();
        r = nslab("ovs add-br @br1").fails();
        assertTrue(r.err().contains("because a bridge named " + t.n("br1") + " already exists"), r.err());
        nslab("ovs --may-exist add-br @br1").ok();
        // one transaction: the second command fails, so the first is not applied either
        r = nslab("ovs add-port @br1 @p1 -- add-port @br9 @p2").fails();
        assertEquals("", vsctl("list-ports", t.n("br1")));
        r = nslab("ovs add-port @br1 @p1 tag=5000").fails();
        assertEquals("ovs-vsctl: constraint violation: 5000 is not in the valid range 0 to 4095 (inclusive)\n", r.err()); // ovs-vsctl's words
        assertEquals("", vsctl("list-ports", t.n("br1")));
        r = nslab("ovs del-port @nope").fails();
        assertEquals("ovs-vsctl: no port named " + t.n("nope") + "\n", r.err());
        nslab("ovs --if-exists del-port @nope").ok();
        nslab("ovs --if-exists del-br @nope").ok();
        assertEquals(2, nslab("ovs br-exists @nope").code());
        // a port whose device does not exist: recorded, and the switch's complaint is passed on as ovs-vsctl does
        r = nslab("ovs add-port @br1 @ghost").ok();
        assertTrue(r.err().contains("Error detected while setting up '" + t.n("ghost") + "'"), r.err());
        assertTrue(r.err().endsWith("ovs-vsctl: The default log directory is \"" + new dev.nslab.ovs.OvsDaemons().logDir() + "\".\n"), r.err());
        assertTrue(nslab("ovs frobnicate").fails().err().contains("unknown command 'frobnicate'"));
        // the version of the Open vSwitch installed, as ovs-vsctl itself says it
        assertEquals(Sh.ok("ovs-vsctl", "--version"), nslab("ovs --version").ok().out());
        nslab("ovs del-br @br1").ok();
    }

    @Test
    @Order(5)
    void linuxBridgeForTheUntaggedCaseAndAClearRefusalForVlans() {
        nslab("netns add @h").ok();
        nslab("-n @h link add @br type bridge").ok();
        nslab("-n @h link set @br up").ok();
        for (String[] x : new String[][] {{"ns1", "10.8.0.1/24"}, {"ns2", "10.8.0.2/24"}}) {
            nslab("netns add @" + x[0]).ok();
            nslab("-n @h link add @v-" + x[0] + " type veth peer name e netns @" + x[0]).ok();
            nslab("-n @h link set @v-" + x[0] + " master @br").ok();
            nslab("-n @h link set @v-" + x[0] + " up").ok();
            nslab("-n @" + x[0] + " link set lo up").ok();
            nslab("-n @" + x[0] + " link set e up").ok();
            nslab("-n @" + x[0] + " address add " + x[1] + " dev e").ok();
        }
        assertEquals(t.n("br"), t.link(t.n("h"), t.n("v-ns1")).path("master").asText());
        assertTrue(nslab("-n @h link show").ok().out().contains("master " + t.n("br")));
        assertTrue(ping("ns1", "10.8.0.2"));
        nslab("-n @h link set @v-ns2 nomaster").ok();
        assertFalse(t.link(t.n("h"), t.n("v-ns2")).has("master"));
        assertFalse(ping("ns1", "10.8.0.2"));

        Nslab.Out r = nslab("-n @h link add @brv type bridge vlan_filtering 1");
        boolean kernelHasIt = Sh.run("sh", "-c", "ip netns exec " + t.n("h") + " ip link add " + t.n("probe")
                + " type bridge vlan_filtering 1 && ip -n " + t.n("h") + " link del " + t.n("probe")).code() == 0;
        if (kernelHasIt) {
            r.ok();
        } else {
            // ip's words alone where no person reads them (the hint of Open vSwitch is for a terminal)
            assertEquals("RTNETLINK answers: Operation not supported\n", r.fails().err());
            assertEquals(null, t.link(t.n("h"), t.n("brv")), "nothing half-made");
        }
    }

    @Test
    @Order(6)
    void controllersFailModesPatchAndInternalPortsAsOvsVsctlSetsAndShowsThem() {
        // made by nslab, read by ovs-vsctl (the controller's target is a closed port of loopback: it never connects)
        nslab("ovs add-br @c1 -- set-controller @c1 tcp:127.0.0.1:1 -- set-fail-mode @c1 secure -- add-port @c1 @pa "
                + "-- set interface @pa type=patch options:peer=" + t.n("pb") + " -- add-br @c2 -- add-port @c2 @pb -- set interface @pb "
                + "type=patch options:peer=" + t.n("pa") + " -- add-port @c2 @in -- set interface @in type=internal -- set bridge @c2 other-config:hwaddr=02:00:00:00:00:01").ok();
        assertEquals("secure", vsctl("get-fail-mode", t.n("c1")));
        assertEquals("tcp:127.0.0.1:1", vsctl("get-controller", t.n("c1")));
        assertEquals("patch", vsctl("get", "interface", t.n("pa"), "type"));
        assertEquals("{peer=" + t.n("pb") + "}", vsctl("get", "interface", t.n("pa"), "options"));
        assertEquals("internal", vsctl("get", "interface", t.n("in"), "type"));
        assertEquals("{hwaddr=\"02:00:00:00:00:01\"}", vsctl("get", "bridge", t.n("c2"), "other_config"));
        // read by nslab as ovs-vsctl reads it
        assertEquals(vsctl("show"), nslab("ovs show").ok().out().trim());
        for (String c : List.of("get-fail-mode @c1", "get-controller @c1", "get-fail-mode @c2", "get-controller @c2", "get bridge @c1 fail_mode")) {
            List<String> args = new ArrayList<>();
            for (String w : c.split(" ")) args.add(w.startsWith("@") ? t.n(w.substring(1)) : w);
            assertEquals(vsctl(args.toArray(String[]::new)), nslab("ovs " + c).ok().out().trim(), c);
        }
        nslab("ovs set bridge @c2 stp_enable=true protocols=OpenFlow10,OpenFlow13 -- set bridge @c1 mcast_snooping_enable=true").ok();
        assertEquals("true", vsctl("get", "bridge", t.n("c2"), "stp_enable"));
        assertEquals("[OpenFlow10, OpenFlow13]", vsctl("get", "bridge", t.n("c2"), "protocols"));
        assertEquals("true", vsctl("get", "bridge", t.n("c1"), "mcast_snooping_enable"));
        nslab("ovs set bridge @c2 stp_enable=false protocols=[]").ok();
        Nslab.Out own = nslab("ovs add-br @c3 -- set bridge @c3 datapath_type=netdev -- add-port @c3 @i3 -- set interface @i3 type=internal "
                + "ofport_request=5 mtu_request=1400").ok();
        assertFalse(own.err().contains("uses the userspace datapath"), "the chain chose the datapath itself: " + own.err());
        assertEquals("5", vsctl("get", "interface", t.n("i3"), "ofport_request"));
        assertEquals("1400", vsctl("get", "interface", t.n("i3"), "mtu_request"));
        assertEquals("false", vsctl("get", "bridge", t.n("c2"), "stp_enable"));
        assertEquals("[]", vsctl("get", "bridge", t.n("c2"), "protocols"));
        nslab("ovs del-fail-mode @c1 -- del-controller @c1").ok();
        assertEquals("", vsctl("get-fail-mode", t.n("c1")));
        assertEquals("", vsctl("get-controller", t.n("c1")));
        assertTrue(nslab("ovs set-fail-mode @c1 open").fails().err().contains("fail-mode must be \"standalone\" or \"secure\""));
    }

    @Test
    @Order(7)
    void anOpenVswitchBridgeThatExistsIsUsedByALabAndKept(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        vsctl("add-br", t.n("xbr"), "--", "set", "bridge", t.n("xbr"), "datapath_type=netdev");
        java.nio.file.Path f = t.writeNamed(dir, "x.yml", """
                name: @x
                topology:
                  nodes:
                    h1: {interfaces: {e: 10.9.0.1/24}}
                    h2: {interfaces: {e: 10.9.0.2/24}}
                    @xbr: {kind: ovs-bridge}
                  links:
                    - {endpoints: ["h1:e", "@xbr:@x1"], vlan: 10}
                    - {endpoints: ["h2:e", "@xbr:@x2"], vlan: 10}
                """);
        // the machine's bridge is the machine's: joining it is allowed, not taken
        assertTrue(Nslab.inState(dir, "up", f.toString()).fails().err().contains("the lab's cables join the machine's Open vSwitch bridge " + t.n("xbr")));
        Nslab.Out up = Nslab.inState(dir, "up", "--allow-host", f.toString()).ok();
        assertTrue(up.err().contains("Open vSwitch bridge " + t.n("xbr") + " exists in the root namespace and is not lab " + t.n("x")), up.err());
        assertEquals("10", vsctl("get", "port", t.n("x1"), "tag"));
        assertTrue(ping("x-h1", "10.9.0.2"));
        assertTrue(Nslab.inState(dir, "up", f.toString()).ok().out().contains("up to date"), "a second up finds its ports its own");
        Nslab.inState(dir, "down", t.n("x")).ok();
        assertEquals(t.n("xbr"), vsctl("list-br").lines().filter(b -> b.equals(t.n("xbr"))).findFirst().orElse(""), "the bridge stays");
        assertEquals("", vsctl("list-ports", t.n("xbr")), "the lab's ports went with the lab");
    }

    /**
     * add-bond (and the bond's settings through set, get, clear) run once by ovs-vsctl and once by nslab from the same
     * state: each line's output and status, and the bridge as ovs-vsctl shows it after each line, compared.
     */
    @Test
    @Order(8)
    void bondsAsOvsVsctlMakesThem() {
        for (String d : List.of("m1", "m2", "m3")) {
            Sh.run("ip", "link", "add", t.n(d), "type", "veth", "peer", "name", t.n(d + "p")).ok();
            Sh.run("ip", "link", "set", t.n(d), "up").ok();
        }
        List<String> lines = List.of("add-bond @b @bo @m1", "add-bond @b @bo @m1 tag=5",
                "add-bond @b @bo @m1 @m2 bond_mode=balance-slb lacp=active tag=5", "add-bond @b @b1 @m1 @m3",
                "add-bond @b @bo @m3 @m2", "--may-exist add-bond @b @bo @m1 @m2", "--may-exist add-bond @b @bo @m1 @m3",
                "add-bond @b @b2 @m3 @m3p bond_mode=foo", "add-bond @b @b2 @m3 @m3p lacp=sometimes", "add-bond @b @b @m3 @m3p",
                "add-port @b @m1", "add-bond @nosuch @b3 @m3 @m3p", "set port @bo bond_mode=active-backup", "get port @bo bond_mode lacp",
                "clear port @bo lacp", "del-port @b @bo", "add-bond @b @bo @m2 @m1 -- set port @bo lacp=passive", "get port @bo lacp tag");
        List<String> byOvs = record(lines, true), byNslab = record(lines, false);
        for (int i = 0; i < lines.size(); i++) assertEquals(byOvs.get(i), byNslab.get(i), "after: " + lines.get(i));
    }

    /** Each line's output and status, then the bridge's block of ovs-vsctl show with its ports in name order. */
    private List<String> record(List<String> lines, boolean ovsVsctl) {
        vsctl("add-br", t.n("b"), "--", "set", "bridge", t.n("b"), "datapath_type=netdev");
        List<String> out = new ArrayList<>();
        try {
            for (String line : lines) {
                List<String> words = new ArrayList<>();
                for (String w : Sh.words(line)) words.add(w.startsWith("@") ? t.n(w.substring(1)) : w.replace("@", t.prefix));
                String said;
                if (ovsVsctl) {
                    List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--timeout=10"));
                    cmd.addAll(words);
                    Sh.Result r = Sh.run(cmd, null);
                    said = r.out() + r.err() + "exit " + r.code();
                } else {
                    List<String> cmd = new ArrayList<>(List.of("ovs"));
                    cmd.addAll(words);
                    Nslab.Out r = Nslab.run(cmd.toArray(String[]::new));
                    said = r.out() + r.err() + "exit " + r.code();
                }
                out.add(said + "\n" + bridgeBlock(t.n("b")));
            }
        } finally {
            vsctl("--if-exists", "del-br", t.n("b"));
        }
        return out;
    }

    private static String bridgeBlock(String bridge) {
        List<List<String>> ports = new ArrayList<>();
        boolean in = false;
        for (String l : vsctl("show").split("\n")) {
            if (l.startsWith("    Bridge ")) in = l.equals("    Bridge " + bridge) || l.equals("    Bridge \"" + bridge + "\"");
            else if (!l.startsWith("        ")) in = false;
            else if (in && l.startsWith("        Port ")) ports.add(new ArrayList<>(List.of(l)));
            else if (in && !ports.isEmpty() && l.startsWith("            ")) ports.getLast().add(l);
        }
        // ovs-vsctl lists ports and a bond's interfaces in UUID order, which differs run by run
        return ports.stream().map(p -> p.getFirst() + "\n" + p.subList(1, p.size()).stream().sorted().reduce("", (a, b) -> a + b + "\n"))
                .sorted().reduce("", String::concat);
    }

    /**
     * list, find and get over the database's own schema, against ovs-vsctl on the same database: records named as
     * ovs-vsctl names them, --columns, --bare, map keys, find's comparisons and set operators, and the refusals. Several rows are compared as a set
     * (ovs-vsctl lists them in its hash table's order).
     */
    @Test
    @Order(9)
    void listFindAndGetAsOvsVsctlPrintThem() {
        ovsRunning();
        for (String d : List.of("l1", "l2")) Sh.run("ip", "link", "add", t.n(d), "type", "veth", "peer", "name", t.n(d + "p")).ok();
        vsctl("add-br", t.n("lb"), "--", "set", "bridge", t.n("lb"), "datapath_type=netdev", "external-ids:who=me",
                "other-config:hwaddr=aa:bb:cc:dd:ee:01", "--", "add-port", t.n("lb"), t.n("l1"), "tag=10", "--", "add-bond", t.n("lb"),
                t.n("lo"), t.n("l2"), t.n("l2p"), "bond_mode=balance-slb", "--", "add-port", t.n("lb"), t.n("li"), "--", "set",
                "interface", t.n("li"), "type=internal");
        for (String line : List.of("list bridge @lb", "list port @l1", "list port @lo", "--columns=name,tag list port @l1",
                "--columns=name,type,options,external_ids list interface @li", "--bare --columns=_uuid,name find port name=@l1",
                "--bare --columns=name find port tag=10", "--columns=name,bond_mode find port bond_mode=balance-slb", "list open_vswitch .",
                "--columns=name,interfaces list Port @lo", "get interface @l1 name", "get port @l1 tag", "get bridge @lb external_ids:who",
                "get bridge @lb other-config:hwaddr", "get bridge @lb external_ids:nosuch", "get bridge @lb datapath_type fail_mode",
                "--bare get port @l1 tag", "get port @lo bond_mode", "get Open_vSwitch . ovs_version", "list nosuchtable",
                "list bridge @nosuch", "--columns=nosuch list bridge @lb", "--columns=name list br @lb", "find port tag",
                "--columns=name find interface type=internal", "--columns=name,tag find port tag!=10", "--bare --columns=name find port tag>=10",
                "--bare --columns=name find port tag{=}10", "--bare --columns=name find bridge external_ids:who=me",
                "--bare --columns=name find bridge external_ids:who{!=}[]", "--bare --columns=name find interface name=[]",
                "--bare --columns=name find port tag=[1,2]", "--bare --columns=name find interface name{in}[@l1,@li]", "list b @lb",
                "list-ifaces @lb", "iface-to-br @l2", "iface-to-br @li", "iface-to-br @nosuch", "port-to-br @lo", "list-ifaces @nosuch",
                // --format, and a bridge's external ids
                "--format=csv --columns=name,tag,trunks,external_ids list port @l1", "--format=table --columns=name,tag list port @l1",
                "--format=table --no-headings --columns=tag,name list port @l1", "--format=html --columns=name,tag list port @l1",
                "--format=csv --bare --columns=name,tag list port @l1", "-f csv --columns=name list port @l1",
                "--format csv --columns=name,bond_mode list port @lo", "-fcsv --columns=name,tag find port tag=10",
                "--format=table --columns=name find port tag=99", "--format=csv --columns=name find port tag=99", "--format=bogus list bridge",
                "br-get-external-id @lb", "br-get-external-id @lb who", "br-get-external-id @lb nope", "br-get-external-id @nosuch",
                "br-set-external-id @nosuch foo bar", "br-set-external-id @lb foo bar", "br-get-external-id @lb", "br-set-external-id @lb foo",
                "br-get-external-id @lb", "br-set-external-id @lb")) {
            List<String> words = new ArrayList<>();
            for (String w : Sh.words(line)) words.add(w.replace("@", t.prefix));
            List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--timeout=10"));
            cmd.addAll(words);
            Sh.Result want = Sh.run(cmd, null);
            List<String> mine = new ArrayList<>(List.of("ovs"));
            mine.addAll(words);
            Nslab.Out got = Nslab.run(mine.toArray(String[]::new));
            assertEquals(records(want.out()), records(got.out()), "stdout of: " + line);
            assertEquals(want.err(), got.err(), "stderr of: " + line);
            assertEquals(want.code(), got.code(), "exit status of: " + line);
        }
    }

    @Test
    @Order(10)
    void setAddRemoveClearCreateAndDestroyOfAnyColumnAsOvsVsctlDoes() {
        ovsRunning();
        // twins: ovs-vsctl changes A's rows, nslab B's, line by line; both are read back by ovs-vsctl
        for (String w : List.of("A", "B")) {
            vsctl("add-br", t.n(w + "b"), "--", "set", "bridge", t.n(w + "b"), "datapath_type=netdev", "--", "add-port", t.n(w + "b"),
                    t.n(w + "p"), "--", "set", "interface", t.n(w + "p"), "type=internal");
        }
        try {
            for (String line : List.of(
                    "set interface @p ingress_policing_rate=1000 ingress_policing_burst=100",
                    "set port @p other_config:foo=bar external_ids:a=\"b:c\" -- set interface @p external-ids:k=v",
                    "add port @p trunks 10 20-22", "remove port @p trunks 21", "add port @p trunks 10,30",
                    "add bridge @b external_ids x=1 y=2", "remove bridge @b external_ids x", "remove bridge @b external_ids y=3",
                    "add bridge @b external_ids y=4", "clear port @p trunks", "clear bridge @b name", "clear interface @p external_ids",
                    "set interface @p ingress_policing_rate=abc", "set interface @p ingress_policing_rate=[]", "set interface @p ingress_policing_rate=1,2",
                    "set interface @none mtu_request=1400", "--if-exists set interface @none mtu_request=1400", "set interface @p nosuch=1",
                    "set port @p other_config:x", "set port @p tag=5 other_config:y=1", "set bridge @b flood_vlans=[7,8] external-ids:e=f",
                    "add bridge @b stp_enable true", "remove port @p tag 5", "set port @p trunks=1-3 vlan_mode=trunk",
                    "set port @p qos=@q -- --id=@q create qos type=linux-htb other-config:max-rate=1000000 queues=0=@q0 "
                            + "-- --id=@q0 create queue other-config:min-rate=100000 other-config:max-rate=500000",
                    "set port @p qos=@nosuch", "--id=@x get port @p -- set bridge @b external_ids:port=@x",
                    // the schema's constraints, checked as ovs-vsctl checks them before it sends anything
                    "set port @p vlan_mode=sideways", "set port @p tag=5000", "set port @p trunks=1,5000", "add-port @b @p3 tag=9999",
                    "set bridge @b fail_mode=bogus", "set interface @p ofport_request=70000", "add-port @b @p4 other_config:priority-tags=true",
                    "add-port @b @p2 -- set interface @p2 type=internal ingress_policing_rate=50 -- add port @p2 trunks 4 -- remove port @p2 trunks 4")) {
                sameOnTwins(line);
                assertEquals(stateOf("A"), stateOf("B"), "the rows after: " + line);
            }
            // the rows a create made are removed with destroy, once nothing refers to them
            String qos = vsctl("get", "port", t.n("Bp"), "qos"), queue = vsctl("get", "qos", qos, "queues:0");
            nslab("ovs clear port @Bp qos -- destroy qos " + qos + " -- destroy queue " + queue).ok();
            assertTrue(Sh.run("ovs-vsctl", "--timeout=10", "list", "qos", qos).code() != 0);
            assertTrue(Sh.run("ovs-vsctl", "--timeout=10", "list", "queue", queue).code() != 0);
        } finally {
            // QoS and Queue rows stay in the database when their port goes: the ones the lines made go here
            for (String w : List.of("A", "B")) {
                Sh.Result qos = Sh.run("ovs-vsctl", "--timeout=10", "--if-exists", "get", "port", t.n(w + "p"), "qos");
                String q = qos.out().trim();
                if (qos.code() != 0 || q.isEmpty() || q.equals("[]")) continue;
                String queue = Sh.run("ovs-vsctl", "--timeout=10", "get", "qos", q, "queues:0").out().trim();
                Sh.run("ovs-vsctl", "--timeout=10", "clear", "port", t.n(w + "p"), "qos", "--", "destroy", "qos", q, "--", "--if-exists", "destroy", "queue", queue);
            }
        }
    }

    @Test
    @Order(12)
    void fakeBridgesAsOvsVsctlMakesAndReadsThem() {
        ovsRunning();
        for (String w : List.of("A", "B")) {
            vsctl("add-br", t.n(w + "b"), "--", "set", "bridge", t.n(w + "b"), "datapath_type=netdev", "--", "add-port", t.n(w + "b"),
                    t.n(w + "p"), "--", "set", "interface", t.n(w + "p"), "type=internal");
        }
        for (String line : List.of(
                "add-br @v10 @b 10", "br-exists @v10", "br-to-vlan @v10", "br-to-parent @v10", "br-to-vlan @b", "br-to-parent @b",
                "br-to-vlan @none", "add-port @v10 @q1 -- set interface @q1 type=internal", "list-ports @v10", "list-ports @b",
                "list-ifaces @v10", "port-to-br @q1", "iface-to-br @q1", "port-to-br @v10", "add-br @v10 @b 10", "--may-exist add-br @v10 @b 10",
                "--may-exist add-br @v10 @b 11", "--may-exist add-br @v10 @p 10", "--may-exist add-br @v10", "--may-exist add-br @b @b 5",
                "add-br @v11 @v10 11", "add-br @v12 @none 12", "add-br @v13 @b 10", "add-br @v14 @b 4096", "add-br @v15 @b",
                "add-br @q1", "add-port @v10 @b", "br-set-external-id @v10 k v", "br-get-external-id @v10", "br-get-external-id @v10 k",
                "br-get-external-id @b", "set-fail-mode @v10 secure", "get-fail-mode @v10", "set-controller @v10 tcp:127.0.0.1:1",
                "del-port @b @q1", "del-port @v10 @q1", "del-port @v10", "--if-exists del-port @v10", "set port @p tag=10", "list-ports @v10",
                "port-to-br @p", "set port @p tag=[]", "list-ports @v10", "add-br @v20 @b 20 -- add-port @v20 @q2 -- set interface @q2 type=internal",
                "del-br @v20", "br-exists @v20", "del-br @v10", "list-ports @b")) {
            sameOnTwins(line);
            assertEquals(portsOf("A"), portsOf("B"), "the ports after: " + line);
            for (String list : List.of("list-br", "--real list-br", "--fake list-br")) {
                assertEquals(mine(vsctlOn("A", list).out(), "A"), mine(nslabOn("B", list).out(), "B"), list + " after: " + line);
            }
        }
    }

    @Test
    @Order(13)
    void waitUntilAsOvsVsctlWaits() throws Exception {
        ovsRunning();
        for (String w : List.of("A", "B")) {
            vsctl("add-br", t.n(w + "b"), "--", "set", "bridge", t.n(w + "b"), "datapath_type=netdev", "--", "add-port", t.n(w + "b"),
                    t.n(w + "p"), "--", "set", "interface", t.n(w + "p"), "type=internal");
        }
        for (String line : List.of("wait-until bridge @b", "wait-until port @p tag=[]", "wait-until port @p tag=[] -- get port @p tag",
                "wait-until bridge @b datapath_type=netdev fail_mode=[]", "wait-until bridge @b nosuch=1", "wait-until bridge @b name",
                "set port @p tag=5 -- wait-until port @p tag=5", "wait-until port @p tag>=5 tag<6", "wait-until interface @p type=internal",
                "--timeout=1 wait-until port @p tag=7", "--timeout=1 wait-until bridge @none")) {
            sameOnTwins(line);
        }
        // a wait that ends when another program makes it true (a monitor's update, not a poll)
        String port = t.n("Bp");
        var waiter = dev.nslab.testkit.OwnThread.supply(() -> Nslab.run("ovs", "--timeout=30", "wait-until", "port", port, "tag=9",
                "--", "get", "port", port, "tag"));
        assertFalse(waiter.isDone() && waiter.get().code() == 0, "tag 9 is not set yet");
        vsctl("set", "port", port, "tag=9");
        Nslab.Out done = waiter.get(40, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, done.code(), done.err());
        assertEquals("9", done.out().strip());
    }

    /**
     * Options as ovs-vsctl's getopt takes them: a long option by any unique prefix (refused by name where it could be
     * several), -d/--data with its value apart or attached (bare: values without quotes, headings kept), and which
     * new interfaces it warns of (no OpenFlow port: a device that is not there; a patch port waiting for its peer has one).
     */
    @Test
    @Order(14)
    void optionsAndWarningsAsOvsVsctlHasThem() {
        ovsRunning();
        for (String w : List.of("A", "B")) {
            vsctl("add-br", t.n(w + "b"), "--", "set", "bridge", t.n(w + "b"), "datapath_type=netdev", "external_ids:k=v", "--", "add-port", t.n(w + "b"),
                    t.n(w + "p"), "--", "set", "interface", t.n(w + "p"), "type=internal");
        }
        for (String line : List.of("--no-heading --columns=name list interface @p", "-d bare --columns=name,external_ids list bridge @b",
                "--data bare --columns=name list interface @p", "--data=bare -f csv --columns=name,external_ids list bridge @b",
                "-f table -d bare --columns=name,external_ids list bridge @b", "--bare -f csv --columns=name,external_ids list bridge @b",
                "--no-headings --columns=name,external_ids list bridge @b", "-d bare get bridge @b external_ids", "-d foo list interface @p",
                "--bar --columns=name list interface @p", "--f list-br", "--may add-br @b", "--if del-port @b @nosuch", "--col=name list interface @p",
                "add-port @b @pa -- set interface @pa type=patch options:peer=@pz", "add-port @b @gh")) {
            sameOnTwins(line);
        }
    }

    @Test
    @Order(15)
    void rowsListedInOvsVsctlsOrder() {
        ovsRunning();
        // ovs-vsctl lists a table in its in-memory hash table's order (OvsRowOrder): the same tables, the same order
        List<String> make = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String b = t.n("ob" + i), p = t.n("op" + i);
            make.addAll(List.of("--", "add-br", b, "--", "set", "bridge", b, "datapath_type=netdev", "--", "add-port", b, p,
                    "--", "set", "interface", p, "type=internal"));
        }
        vsctl(make.subList(1, make.size()).toArray(String[]::new));
        for (String line : List.of("--columns=_uuid,name list bridge", "--columns=name list port", "-f csv --columns=name,type list interface",
                "--columns=name find interface type=internal", "--bare --columns=name list bridge")) {
            List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--timeout=10"));
            cmd.addAll(List.of(line.split(" ")));
            assertEquals(ours(Sh.run(cmd, null).ok().out()), ours(nslab("ovs " + line).ok().out()), line);
        }
    }

    /** This test's records of a listing (one a line, or blocks between blank lines), in the listing's order. */
    private String ours(String listing) {
        String gap = listing.contains("\n\n") ? "\n\n" : "\n";
        return java.util.Arrays.stream(listing.split(gap)).filter(r -> r.contains(t.prefix)).reduce("", (a, b) -> a + b + gap);
    }

    /** {@code line} by ovs-vsctl on twin A and by nslab on twin B: the same output, error and status. */
    private void sameOnTwins(String line) {
        Sh.Result want = vsctlOn("A", line);
        Nslab.Out got = nslabOn("B", line);
        assertEquals(masked(want.out(), "A"), masked(got.out(), "B"), "stdout of: " + line);
        // less ovs-vsctl's log lines (a time, a module: "2026-12-07T12:35:52Z|00002|ovsdb_idl|WARN|...")
        assertEquals(masked(want.err(), "A").replaceAll("(?m)^\\d{4}-\\d\\d-\\d\\dT[^|]*\\|\\d+\\|.*\n", ""), masked(got.err(), "B"), "stderr of: " + line);
        assertEquals(want.code(), got.code(), "exit status of: " + line);
    }

    /** The lines of a listing that are twin {@code w}'s, masked. */
    private String mine(String out, String w) {
        StringBuilder sb = new StringBuilder();
        for (String l : out.split("\n")) if (l.startsWith(t.prefix + w)) sb.append(masked(l, w)).append('\n');
        return sb.toString();
    }

    /** Every port of twin {@code w} (a fake bridge's too), with what makes a fake bridge, in name order. */
    private String portsOf(String w) {
        String out = vsctl("--columns=name,tag,fake_bridge,external_ids", "list", "port");
        return java.util.Arrays.stream(out.split("\n\n")).filter(r -> r.contains(": " + t.prefix + w) || r.contains(": \"" + t.prefix + w))
                .map(r -> masked(r, w)).sorted().reduce("", (a, b) -> a + b + "\n\n");
    }

    @Test
    @Order(11)
    void managersAsOvsVsctlSetsThem() {
        ovsRunning();
        // the machine's managers are Open vSwitch's own setting: only where it has none, and none are left
        org.junit.jupiter.api.Assumptions.assumeTrue(vsctl("get-manager").isEmpty(), "this Open vSwitch has managers of its own");
        String a = "punix:/run/" + t.n("m1") + ".sock", b = "ptcp:0:127.0.0.1";
        try {
            nslab("ovs set-manager " + a + " " + b).ok();
            assertEquals(b + "\n" + a, vsctl("get-manager"));
            assertEquals(vsctl("get-manager"), nslab("ovs get-manager").ok().out().trim());
            assertEquals("2", Integer.toString(vsctl("--bare", "--columns=target", "list", "manager").split("\n+").length));
            nslab("ovs del-manager").ok();
            assertEquals("", vsctl("get-manager"));
            assertEquals("", vsctl("--bare", "--columns=target", "list", "manager"));
        } finally {
            vsctl("del-manager");
        }
    }

    /** Open vSwitch as nslab starts it where it is stopped (any command does), for a test that begins with ovs-vsctl. */
    private void ovsRunning() { nslab("ovs init").ok(); }

    /** A line with "@NAME" as twin {@code w}'s object. */
    private List<String> words(String w, String line) {
        List<String> out = new ArrayList<>();
        for (String word : Sh.words(line)) out.add(word.replaceAll("@(?=[a-z])(?!q\\b|q0\\b|x\\b|nosuch\\b)", t.prefix + w));
        return out;
    }

    private Sh.Result vsctlOn(String w, String line) {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--timeout=10"));
        cmd.addAll(words(w, line));
        return Sh.run(cmd, null);
    }

    private Nslab.Out nslabOn(String w, String line) {
        List<String> cmd = new ArrayList<>(List.of("ovs"));
        cmd.addAll(words(w, line));
        return Nslab.run(cmd.toArray(String[]::new));
    }

    /** Output with the twin's prefix as "@" and UUIDs as "UUID". */
    private String masked(String text, String w) {
        return text.replace(t.prefix + w, "@").replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID");
    }

    /** The columns the lines change, of twin {@code w}'s bridge, ports and interfaces, and of the QoS rows they refer to. */
    private String stateOf(String w) {
        StringBuilder sb = new StringBuilder();
        sb.append(vsctl("--columns=name,external_ids,flood_vlans,stp_enable,other_config", "list", "bridge", t.n(w + "b")));
        for (String p : vsctl("list-ports", t.n(w + "b")).split("\n")) {
            if (p.isEmpty()) continue;
            sb.append(vsctl("--columns=name,tag,trunks,vlan_mode,other_config,external_ids,qos", "list", "port", p));
            sb.append(vsctl("--columns=name,type,ingress_policing_rate,ingress_policing_burst,external_ids,mtu_request", "list", "interface", p));
            String qos = vsctl("get", "port", p, "qos");
            if (!qos.equals("[]")) {
                sb.append(vsctl("--columns=type,other_config", "list", "qos", qos));
                sb.append(vsctl("--columns=other_config", "list", "queue", vsctl("get", "qos", qos, "queues:0")));
            }
        }
        return masked(sb.toString(), w);
    }

    /** The records of list/find output, as a sorted list (a single record stays as it is). */
    private static List<String> records(String out) {
        return java.util.Arrays.stream(out.replaceAll("\n+$", "").split("\n\n")).sorted().toList();
    }
}
