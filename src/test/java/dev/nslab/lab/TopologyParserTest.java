package dev.nslab.lab;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the parser says on machines unlike this one (no Open vSwitch; a kernel with bridge VLAN filtering). */
class TopologyParserTest {
    private static TopologyParser.FeatureProbe machine(boolean vlanFiltering, boolean ovs) {
        return new TopologyParser.FeatureProbe() {
            public boolean bridgeVlanFiltering() { return vlanFiltering; }
            public boolean openVswitchInstalled() { return ovs; }
        };
    }

    private static final String OVS_LAB = """
            name: t
            topology:
              nodes:
                a: {interfaces: {eth0: {address: 10.0.0.1/24}}}
                sw: {kind: ovs-bridge}
              links:
                - endpoints: ["a:eth0", "sw:p1"]
            """;

    @Test
    void anOvsBridgeWithoutOpenVswitchInstalledNamesThePackage() {
        LabFileException e = assertThrows(LabFileException.class, () -> TopologyParser.parse("t.yml", OVS_LAB, machine(false, false)));
        assertEquals("t.yml:5:9: node sw is an ovs-bridge but Open vSwitch is not installed: apt-get install openvswitch-switch, or use kind: bridge",
                e.getMessage());
        assertEquals(1, TopologyParser.parse("t.yml", OVS_LAB, machine(false, true)).links().size());
    }

    @Test
    void aVlanOnALinuxBridgeIsRefusedEitherWayWithTheRightReason() {
        String text = OVS_LAB.replace("kind: ovs-bridge", "kind: bridge") + "      vlan: 10\n";
        LabFileException without = assertThrows(LabFileException.class, () -> TopologyParser.parse("t.yml", text, machine(false, true)));
        assertTrue(without.getMessage().startsWith("t.yml:8:13: a VLAN on a Linux bridge needs bridge VLAN filtering, which this kernel lacks"),
                without.getMessage());
        LabFileException with = assertThrows(LabFileException.class, () -> TopologyParser.parse("t.yml", text, machine(true, true)));
        assertTrue(with.getMessage().contains("not configured by nslab yet: use kind: ovs-bridge"), with.getMessage());
    }

    @Test
    void generatedSwitchPortNamesAreShortStableAndDistinct() {
        String text = OVS_LAB.replace("\"sw:p1\"", "\"sw\"") + "    - endpoints: [\"b:eth0\", \"sw\"]\n";
        text = text.replace("    sw: {kind: ovs-bridge}", "    sw: {kind: ovs-bridge}\n    b: {}");
        Topology t1 = TopologyParser.parse("t.yml", text, machine(false, true));
        Topology t2 = TopologyParser.parse("t.yml", text, machine(false, true));
        String p1 = t1.links().get(0).b().iface(), p2 = t1.links().get(1).b().iface();
        assertTrue(p1.matches("nl[0-9a-f]{8}") && p2.matches("nl[0-9a-f]{8}") && !p1.equals(p2), p1 + " " + p2);
        assertEquals(p1, t2.links().get(0).b().iface());
    }
}
