package dev.nslab.cli;

import dev.nslab.net.KernelFeatures;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * containerlab files that mean what they mean in containerlab, judged with iproute2 and ping: groups carrying kind and
 * exec, shared namespaces, node filters, and, inside a namespace of the test's own that stands in for the machine
 * (nslab run there with nsenter, so that the real root namespace is never touched): host links, a management network
 * the machine reaches every node on, a bridge that existed before the lab (used, kept), a macvlan, and a vxlan between
 * two labs on two such machines over a veth underlay.
 */
@Needs(programs = {"ip", "ping"})
class ContainerlabFilesTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        for (String lab : List.of("grp", "flt", "vx1", "vx2", "mg", "bn", "dm", "vt", "vs")) {
            Nslab.inState(dir, "down", t.n(lab));
        }
        t.close();
    }

    private Nslab.Out lab(String... args) { return Nslab.inState(dir, args); }

    /** nslab in the stand-in machine {@code machine}, with the test's state directory. */
    private Nslab.Out in(String machine, String... args) {
        String[] a = java.util.Arrays.copyOf(args, args.length + 2);
        a[args.length] = "--state-dir";
        a[args.length + 1] = dir.toString();
        return Nslab.processIn(machine, null, a);
    }

    /** A namespace of the test's own that stands in for a machine (removed with the test's names). */
    private String machine(String suffix) {
        String m = t.n(suffix);
        Sh.ok("ip", "netns", "add", m);
        return m;
    }

    private boolean ping(String ns, String address) {
        return Sh.run("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "2", address).code() == 0;
    }

    @Test
    void aGroupsKindMakesABridgeAndItsExecRunsWithTheNodesEnvironment() throws Exception {
        Path f = t.writeNamed(dir, "grp.clab.yml", """
                name: @grp
                topology:
                  defaults:
                    env: {NET: "10.40.0"}
                  groups:
                    switches: {kind: bridge}
                    hosts:
                      exec: ["ip addr add ${NET}.${ID}/24 dev eth1"]
                  nodes:
                    sw: {group: switches}
                    h1: {group: hosts, env: {ID: "1"}}
                    h2: {group: hosts, env: {ID: "2"}, labels: {role: server}}
                    side: {network-mode: "container:h2", wait-for: [h2], exec: ["ip -br addr show eth1"]}
                  links:
                    - endpoints: ["h1:eth1", "sw:p1"]
                    - endpoints: ["h2:eth1", "sw:p2"]
                """.replace("${NET}", "$NET").replace("${ID}", "$ID"));
        Nslab.Out up = lab("up", f.toString()).ok();
        assertEquals("bridge", t.ipj(t.n("grp-sw"), "-d link show sw").get(0).path("linkinfo").path("info_kind").asText(), "the group's kind: bridge");
        assertTrue(ping(t.n("grp-h1"), "10.40.0.2"), "the group's exec line addressed both hosts");
        // side shares h2's namespace: no namespace of its own, and its exec line saw h2's address (after h2's, by wait-for)
        assertFalse(t.ipNetnsList().contains(t.n("grp-side")));
        assertTrue(up.err().indexOf("h2$") < up.err().indexOf("side$") && up.err().contains("10.40.0.2/24"), up.err());
        // exec by label: only h2
        Nslab.Out byLabel = Nslab.run("exec", t.n("grp"), "--state-dir", dir.toString(), "--label", "role=server", "--", "ip", "-br", "addr", "show", "eth1").ok();
        assertTrue(byLabel.out().contains("h2:") && !byLabel.out().contains("h1:"), byLabel.out());
        // containerlab's graph verb takes the file with -t
        String dot = lab("graph", "-t", f.toString()).ok().out();
        assertTrue(dot.startsWith("graph ") && dot.contains("sw (bridge)") && dot.contains("side (in " + t.n("grp-h2") + ")"), dot);
        // a shared namespace is measured once, as its own node (exec-set addresses: measured, not judged)
        String v = lab("verify", t.n("grp")).out();
        assertTrue(v.contains("2 answered, 0 did not") && v.contains("\nh2 ") && !v.contains("\nside "), v);
        assertEquals(3, TestNet.json(Nslab.run("exec", t.n("grp"), "--state-dir", dir.toString(), "--all", "-j", "--", "true").ok().out()).size(), "h1, h2 and side");
    }

    @Test
    void aBridgeInsideANodesNamespace() throws Exception {
        Path f = t.writeNamed(dir, "bn.yml", """
                name: @bn
                topology:
                  nodes:
                    "br01|bp": {kind: bridge, network-mode: "container:bp"}
                    bp: {exec: ["ip addr add 10.47.0.1/24 dev br01"]}
                    c: {interfaces: {eth1: 10.47.0.2/24}}
                  links:
                    - endpoints: ["c:eth1", "br01|bp:ceth1"]
                """);
        lab("up", f.toString()).ok();
        assertEquals("br01", t.link(t.n("bn-bp"), "ceth1").path("master").asText(), "the port joins br01 inside bp");
        assertTrue(ping(t.n("bn-c"), "10.47.0.1"));
        lab("down", t.n("bn")).ok();
        assertFalse(t.ipNetnsList().contains(t.n("bn-bp")));
    }

    @Test
    void aNodeFilterBringsUpAndTakesDownPartOfALab() throws Exception {
        Path f = t.writeNamed(dir, "flt.yml", """
                name: @flt
                topology:
                  nodes:
                    a: {interfaces: {e1: 10.41.0.1/24}}
                    b: {interfaces: {e1: 10.41.0.2/24, e2: 10.42.0.2/24}}
                    c: {interfaces: {e1: 10.42.0.3/24}}
                  links:
                    - endpoints: ["a:e1", "b:e1"]
                    - endpoints: ["b:e2", "c:e1"]
                """);
        lab("up", f.toString(), "--node-filter", "a,b").ok();
        assertTrue(ping(t.n("flt-a"), "10.41.0.2"));
        assertFalse(t.ipNetnsList().contains(t.n("flt-c")));
        assertNull(t.link(t.n("flt-b"), "e2"), "the link to c is not made");
        lab("up", f.toString()).ok();
        assertTrue(ping(t.n("flt-c"), "10.42.0.2"));
        assertTrue(java.nio.file.Files.isSymbolicLink(java.nio.file.Path.of("/etc/netns", t.n("flt-c"))), "c's hosts file is linked");
        lab("down", t.n("flt"), "--node-filter", "c").ok();
        assertFalse(t.ipNetnsList().contains(t.n("flt-c")));
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/etc/netns", t.n("flt-c")), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                "its /etc/netns link went with it");
        assertTrue(ping(t.n("flt-a"), "10.41.0.2"), "the rest stays");
        assertTrue(lab("up", f.toString(), "--node-filter", "a,zz").fails().err().contains("has no node zz"));
    }

    @Test
    void hostLinksAManagementNetworkAnExistingBridgeAndAMacvlanOnAMachine() throws Exception {
        String m = machine("m");
        // the machine's own: a bridge the lab is to use, and an interface for a macvlan to sit on
        Sh.ok("ip", "-n", m, "link", "add", t.n("br"), "type", "bridge");
        Sh.ok("ip", "-n", m, "link", "add", t.n("up"), "type", "veth", "peer", "name", t.n("upp"));
        for (String d : List.of(t.n("br"), t.n("up"), t.n("upp"))) Sh.ok("ip", "-n", m, "link", "set", d, "up");
        Path f = t.writeNamed(dir, "mg.clab.yml", """
                name: @mg
                mgmt:
                  ipv4-subnet: 10.43.0.0/24
                topology:
                  nodes:
                    a: {mgmt-ipv4: 10.43.0.10}
                    b: {}
                    c: {network-mode: none}
                    @br: {kind: bridge}
                    h: {kind: host, exec: ["ip addr add 10.44.0.1/24 dev @hb"]}
                  links:
                    - endpoints: ["a:eth1", "@br:@pa"]
                    - endpoints: ["b:eth1", "@br:@pb"]
                    - type: host
                      endpoint: {node: b, interface: eth2, ipv4: 10.44.0.2/24}
                      host-interface: @hb
                    - type: macvlan
                      endpoint: {node: c, interface: mv1, ipv4: 10.45.0.3/24}
                      host-interface: @up
                    - endpoints: ["a:eth3", "mgmt-net:@am"]
                """);
        // a management subnet the machine already uses is refused by the dry run, before anything is made
        Sh.ok("ip", "-n", m, "addr", "add", "10.48.0.1/24", "dev", t.n("upp"));
        Path clash = t.writeNamed(dir, "clash.yml", "name: @cl\nmgmt: {ipv4-subnet: 10.48.0.128/25}\ntopology:\n  nodes: {a: {}}\n");
        assertTrue(in(m, "up", "--dry-run", clash.toString()).fails().err().contains("management subnet 10.48.0.128/25 overlaps 10.48.0.0/24, which this machine reaches through " + t.n("upp")));
        // the file reaches the machine (a command on it, its bridge, an interface in it, a macvlan on its interface):
        // listed and refused until allowed, nothing made
        Nslab.Out refused = in(m, "up", f.toString());
        assertEquals(1, refused.code(), refused.err());
        for (String line : List.of(":10: node h runs 1 exec line on the machine itself", ":9: the lab's cables join the machine's bridge " + t.n("br"),
                ":14: interface " + t.n("hb") + " is made in the machine's own network namespace",
                ":17: node c joins the machine's network through a macvlan on its interface " + t.n("up"), "--allow-host")) {
            assertTrue(refused.err().contains(line), line + "\n" + refused.err());
        }
        assertFalse(t.ipNetnsList().contains(t.n("mg-a")), "nothing made");
        assertTrue(in(m, "up", "--dry-run", f.toString()).ok().out().contains("(needs --allow-host):"));
        Nslab.Out up = in(m, "up", "--allow-host", f.toString()).ok();
        assertTrue(up.err().contains("bridge " + t.n("br") + " exists in the root namespace"), up.err());
        // allowed once, the same file is allowed again as it is; an edit asks again
        assertTrue(in(m, "up", f.toString()).ok().err().contains("was allowed before, and the file is unchanged"));
        java.nio.file.Files.writeString(f, java.nio.file.Files.readString(f) + "# edited\n");
        assertEquals(1, in(m, "up", f.toString()).code());
        // the management network: the machine holds the gateway and reaches every node; c (network-mode none) has none
        JsonNode gw = t.ipj(m, "addr show");
        String mgmtBridge = null;
        for (JsonNode l : gw) for (JsonNode a : l.path("addr_info")) if (a.path("local").asText().equals("10.43.0.1")) mgmtBridge = l.path("ifname").asText();
        assertNotNull(mgmtBridge, gw.toString());
        assertTrue(ping(m, "10.43.0.10"), "a by its mgmt-ipv4");
        assertTrue(ping(m, "10.43.0.2"), "b by the first free address");
        assertEquals(mgmtBridge, t.link(m, t.n("am")).path("master").asText(), "a mgmt-net link ends on the management bridge");
        assertNull(t.link(t.n("mg-c"), "eth0"));
        // the existing bridge carries the lab's cables; the host link's end is the machine's and reached from b
        assertEquals(t.n("br"), t.link(m, t.n("pa")).path("master").asText());
        assertTrue(ping(t.n("mg-b"), "10.44.0.1"), "b reaches the machine's end of the host link");
        assertEquals("macvlan", t.ipj(t.n("mg-c"), "-d link show mv1").get(0).path("linkinfo").path("info_kind").asText());
        assertTrue(in(m, "status", t.n("mg")).ok().out().contains("healthy"));
        // verify predicts the management network (a and b reach each other there) and measures it; names resolve there
        assertTrue(in(m, "verify", t.n("mg")).ok().out().contains("agrees"));
        assertTrue(ping(t.n("mg-a"), "b"), "b by name, over the management network");
        in(m, "down", t.n("mg")).ok();
        List<String> left = t.linkNames(m);
        assertTrue(left.contains(t.n("br")), "a bridge the lab did not make stays: " + left);
        assertFalse(left.contains(mgmtBridge) || left.contains(t.n("hb")) || left.contains(t.n("pa")), left.toString());
    }

    @Test
    void aHostInterfaceNameTooLongForTheKernelIsTheAltNameOfAShortOne() throws Exception {
        // containerlab's tests/08-vxlan/03-vxlan-tools, its wiring: host ends named after a long node name
        String m = machine("m");
        Path f = t.writeNamed(dir, "vt.clab.yml", """
                name: @vt
                topology:
                  nodes:
                    some_very_long_node_name_l1: {kind: linux, exec: ["ip addr add dev eth1 192.168.13.1/30"]}
                    l2: {kind: linux}
                  links:
                    - endpoints: ["some_very_long_node_name_l1:eth1", "host:some_very_long_node_name_l1_eth1"]
                    - endpoints: ["l2:eth1", "host:l2_eth1"]
                """);
        in(m, "up", "--allow-host", f.toString()).ok();
        // ip finds the interface by the file's name (its altname), and the peer is the node's eth1
        JsonNode l = t.ipj(m, "link show some_very_long_node_name_l1_eth1").get(0);
        assertTrue(l.path("ifname").asText().matches("na[0-9a-f]{8}"), l.toString());
        assertTrue(l.path("altnames").toString().contains("some_very_long_node_name_l1_eth1"), l.toString());
        assertTrue(l.path("flags").toString().contains("UP"), l.toString());
        assertEquals("l2_eth1", t.link(m, "l2_eth1").path("ifname").asText(), "a name that fits is the kernel's own");
        Sh.ok("ip", "-n", m, "addr", "add", "192.168.13.2/30", "dev", "some_very_long_node_name_l1_eth1");
        assertTrue(ping(t.n("vt-some_very_long_node_name_l1"), "192.168.13.2"), "the node reaches the machine's end");
        assertTrue(in(m, "status", t.n("vt")).ok().out().contains("healthy"));
        in(m, "down", t.n("vt")).ok();
        assertEquals(List.of("lo"), t.linkNames(m), "down leaves the machine as it was");
    }

    @Test
    void aVxlanStitchIsATunnelToTheRemoteAsContainerlabsTestExpects() throws Exception {
        // containerlab's tests/08-vxlan/vxlan-stitch-linux, its wiring with plain nodes: l1's eth1 is stitched to a
        // vxlan towards l2's management address; l2 makes its own vxlan back to the machine (the management gateway)
        String m = machine("m");
        Path f = t.writeNamed(dir, "vs.clab.yml", """
                name: @vs
                mgmt:
                  ipv4-subnet: 172.20.30.0/24
                topology:
                  nodes:
                    l1: {mgmt-ipv4: 172.20.30.11, exec: ["ip addr add 10.0.0.1/24 dev eth1"]}
                    l2:
                      mgmt-ipv4: 172.20.30.12
                      exec:
                        - ip link add name vxlan0 type vxlan id 200 remote 172.20.30.1 dstport 14792
                        - ip link set dev vxlan0 up
                        - ip addr add 10.0.0.2/24 dev vxlan0
                  links:
                    - type: vxlan-stitch
                      endpoint: {node: l1, interface: eth1}
                      remote: 172.20.30.12
                      vni: 200
                      dst-port: 14792
                """);
        Nslab.Out up = in(m, "up", "--allow-host", f.toString()).ok();
        assertTrue(up.err().contains("vxlan-stitch link is made as a vxlan interface in the node itself"), up.err());
        assertEquals("vxlan", t.ipj(t.n("vs-l1"), "-d link show eth1").get(0).path("linkinfo").path("info_kind").asText());
        assertTrue(ping(t.n("vs-l1"), "10.0.0.2"), "l1 reaches l2 through the tunnel, as containerlab's test pings");
        in(m, "down", t.n("vs")).ok();
        assertEquals(List.of("lo"), t.linkNames(m), "down leaves the machine as it was");
    }

    @Test
    void aVxlanJoinsTwoLabsOnTwoMachinesOverAVethUnderlay() throws Exception {
        String m1 = machine("m1"), m2 = machine("m2");
        Sh.ok("ip", "-n", m1, "link", "add", "u", "type", "veth", "peer", "name", "u", "netns", m2);
        Sh.ok("ip", "-n", m1, "addr", "add", "192.0.2.1/30", "dev", "u");
        Sh.ok("ip", "-n", m2, "addr", "add", "192.0.2.2/30", "dev", "u");
        Sh.ok("ip", "-n", m1, "link", "set", "u", "up");
        Sh.ok("ip", "-n", m2, "link", "set", "u", "up");
        for (int side = 1; side <= 2; side++) {
            Path f = t.writeNamed(dir, "vx" + side + ".yml", """
                    name: @vxN
                    topology:
                      nodes:
                        n: {}
                      links:
                        - type: vxlan
                          endpoint: {node: n, interface: vx0, ipv4: 10.46.0.N/24}
                          remote: 192.0.2.R
                          vni: 4242
                          dst-port: 4789
                    """.replace("N", String.valueOf(side)).replace("R", String.valueOf(3 - side)));
            assertTrue(in(side == 1 ? m1 : m2, "up", f.toString()).fails().err().contains("sends a VXLAN tunnel out of the machine to 192.0.2."));
            in(side == 1 ? m1 : m2, "up", "--allow-host", f.toString()).ok();
        }
        JsonNode vx = t.ipj(t.n("vx1-n"), "-d link show vx0").get(0).path("linkinfo").path("info_data");
        assertEquals(4242, vx.path("id").asInt());
        assertEquals("192.0.2.2", vx.path("remote").asText());
        assertTrue(ping(t.n("vx1-n"), "10.46.0.2"), "across the tunnel");
        in(m1, "down", t.n("vx1")).ok();
        in(m2, "down", t.n("vx2")).ok();
    }

    @Test
    void aDummyLinkIsMadeOrRefusedNamingTheMissingModule() throws Exception {
        Path f = t.writeNamed(dir, "d.yml", """
                name: @dm
                topology:
                  nodes:
                    a: {}
                  links:
                    - type: dummy
                      endpoint: {node: a, interface: d0}
                """);
        if (KernelFeatures.hasLinkKind("dummy")) {
            lab("up", f.toString()).ok();
            assertEquals("dummy", t.ipj(t.n("dm-a"), "-d link show d0").get(0).path("linkinfo").path("info_kind").asText());
            lab("down", t.n("dm")).ok();
        } else {
            Nslab.Out dry = lab("up", "--dry-run", f.toString()).fails();
            assertTrue(dry.err().contains(":6:") && dry.err().contains("CONFIG_DUMMY"), dry.err());
            assertTrue(lab("up", f.toString()).fails().err().contains("which this kernel lacks"));
            assertFalse(t.ipNetnsList().contains(t.n("dm-a")), "nothing made");
        }
    }
}
