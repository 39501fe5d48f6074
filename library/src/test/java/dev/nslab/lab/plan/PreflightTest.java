package dev.nslab.lab.plan;

import dev.nslab.error.LabException;
import dev.nslab.lab.file.TopologyParser;
import dev.nslab.lab.model.Topology;
import dev.nslab.testkit.LabTexts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a lab needs of the machine and what is refused before anything exists: pure, no root, no kernel. */
@Tag("unit")
class PreflightTest {
    static Preflight.Machine machine(boolean ovs, long files, long namespaces) {
        return new Preflight.Machine() {
            public boolean openVswitchInstalled() { return ovs; }
            public long openFiles() { return files; }
            public long maxNetNamespaces() { return namespaces; }
        };
    }

    static final Preflight.Machine ROOMY = machine(true, 1 << 20, 1 << 20);

    /** n hosts on one switch of the given kind, one link per line: the k-th link stands at line 4 + n + k. */

    @Test
    void aLinuxBridgeWithMorePortsThanTheKernelTakesIsRefusedAtTheFirstLinkTooMany() {
        Topology t = TopologyParser.parse("star.yml", LabTexts.star(1100, "bridge"));
        LabException e = assertThrows(LabException.class, () -> Preflight.check(t, ROOMY));
        int firstTooMany = 4 + 1100 + 1 + 1025; // header, nodes, "links:", then the 1,025th link
        assertEquals(firstTooMany, e.location().orElseThrow().line());
        assertTrue(e.getMessage().startsWith("star.yml:" + firstTooMany + ":1: bridge sw would get 1,100 ports, but a Linux bridge takes at most 1,024"),
                e.getMessage());
        assertTrue(e.getMessage().contains("kind: ovs-bridge"), e.getMessage());
        // exactly the kernel's limit is fine, and so is an Open vSwitch bridge of any size
        Preflight.check(TopologyParser.parse("star.yml", LabTexts.star(1024, "bridge")), ROOMY);
        Preflight.check(TopologyParser.parse("star.yml", LabTexts.star(1100, "ovs-bridge")), ROOMY);
    }

    @Test
    void anOvsBridgeWithoutOpenVswitchInstalledNamesThePackage() {
        Topology t = TopologyParser.parse("t.yml", LabTexts.star(2, "ovs-bridge"));
        LabException e = assertThrows(LabException.class, () -> Preflight.check(t, machine(false, 1 << 20, 1 << 20)));
        assertEquals("t.yml:4:1: node sw is an ovs-bridge but Open vSwitch is not installed: apt-get install openvswitch-switch, or use kind: bridge",
                e.getMessage());
    }

    @Test
    void tooFewDescriptorsOrNamespacesAreRefusedWithTheFix() {
        Topology t = TopologyParser.parse("t.yml", LabTexts.star(200, "bridge"));
        LabException files = assertThrows(LabException.class, () -> Preflight.check(t, machine(true, 100, 1 << 20)));
        assertTrue(files.getMessage().contains("RLIMIT_NOFILE") && files.getMessage().contains("ulimit -n"), files.getMessage());
        LabException ns = assertThrows(LabException.class, () -> Preflight.check(t, machine(true, 1 << 20, 150)));
        assertTrue(ns.getMessage().contains("user.max_net_namespaces allows 150"), ns.getMessage());
    }

    @Test
    void neighbourEntriesArePerSegmentAndPerFamily() {
        LabNeeds star = LabNeeds.of(TopologyParser.parse("t.yml", LabTexts.star(100, "bridge")));
        assertEquals(100L * 99, star.neighbours4());
        assertEquals(0, star.neighbours6());
        assertEquals(101, star.namespaces());
        // two VLANs on one Open vSwitch bridge are two segments: 2 x 3 x 2 entries, not 6 x 5
        String vlans = """
                name: v
                topology:
                  nodes:
                    sw: {kind: ovs-bridge}
                    a1: {interfaces: {eth0: fd00::1/64}}
                    a2: {}
                    a3: {}
                    b1: {}
                    b2: {}
                    b3: {}
                  links:
                    - {endpoints: ["a1:eth0", "sw:pa1"], vlan: 10}
                    - {endpoints: ["a2:eth0", "sw:pa2"], vlan: 10}
                    - {endpoints: ["a3:eth0", "sw:pa3"], vlan: 10}
                    - {endpoints: ["b1:eth0", "sw:pb1"], vlan: 20}
                    - {endpoints: ["b2:eth0", "sw:pb2"], vlan: 20}
                    - {endpoints: ["b3:eth0", "sw:pb3"], vlan: 20}
                """;
        LabNeeds v = LabNeeds.of(TopologyParser.parse("v.yml", vlans));
        assertEquals(0, v.neighbours4());
        assertEquals(12, v.neighbours6());
        // addresses set by exec lines are unknown until they run: both families are counted
        LabNeeds exec = LabNeeds.of(TopologyParser.parse("e.yml", vlans.replace("a2: {}", "a2: {exec: [\"ip addr add 10.0.0.2/24 dev eth0\"]}")));
        assertEquals(12, exec.neighbours4());
        assertEquals(12, exec.neighbours6());
    }

    @Test
    void aManagementSubnetOverlappingANetworkTheMachineReachesIsRefused() {
        String text = """
                name: m
                mgmt:
                  network: mnet
                  ipv4-subnet: 192.168.0.0/16
                topology:
                  nodes:
                    a: {}
                """;
        Topology t = TopologyParser.parse("m.yml", text);
        Preflight.Machine lan = new Preflight.Machine() {
            public boolean openVswitchInstalled() { return true; }
            public long openFiles() { return 1 << 20; }
            public long maxNetNamespaces() { return 1 << 20; }
            public java.util.List<Preflight.MachineRoute> routes() {
                return java.util.List.of(new Preflight.MachineRoute(dev.nslab.net.Cidr.parse("10.0.0.0/24"), "eth0"),
                        new Preflight.MachineRoute(dev.nslab.net.Cidr.parse("192.168.7.0/24"), "wlan0"),
                        new Preflight.MachineRoute(dev.nslab.net.Cidr.parse("172.20.20.0/24"), t.mgmt().bridge()));
            }
        };
        LabException e = assertThrows(LabException.class, () -> Preflight.check(t, lan));
        assertEquals("m.yml:3:1: management subnet 192.168.0.0/16 overlaps 192.168.7.0/24, which this machine reaches through wlan0: "
                + "give mgmt an ipv4-subnet of its own", e.getMessage());
        // the routes through the lab's own management bridge are its own; a subnet apart from the machine's is fine
        Preflight.check(TopologyParser.parse("m.yml", text.replace("192.168.0.0/16", "172.20.20.0/24")), lan);
        LabException wide = assertThrows(LabException.class, () -> TopologyParser.parse("m.yml", text.replace("192.168.0.0/16", "0.0.0.0/1")));
        assertEquals("m.yml:4:16: management subnet 0.0.0.0/1 is wider than a lab's may be (/8 or longer)", wide.getMessage());
    }
}
