package dev.nslab.ovs;

import java.util.List;
import java.util.Set;

/**
 * VLAN and bond settings of a port; a null field is left as it is. {@code trunks} empty means "all VLANs" as in OVS.
 * Values are checked here so a bad one never reaches a transaction (with the schema's words for a value outside a
 * column's allowed set).
 */
public record PortConfig(Integer tag, List<Integer> trunks, String vlanMode, String bondMode, String lacp) {
    public static final Set<String> VLAN_MODES = Set.of("access", "trunk", "native-tagged", "native-untagged", "dot1q-tunnel");
    /** The schema's allowed values, in the order ovs-vsctl lists them. */
    public static final List<String> BOND_MODES = List.of("active-backup", "balance-slb", "balance-tcp"),
            LACP = List.of("active", "off", "passive");
    public static final PortConfig NONE = new PortConfig(null, null, null, null, null);

    public PortConfig {
        if (tag != null) checkVlan(tag, "tag");
        if (trunks != null) {
            trunks = List.copyOf(trunks);
            for (int t : trunks) checkVlan(t, "trunks");
        }
        if (vlanMode != null && !VLAN_MODES.contains(vlanMode)) {
            throw new IllegalArgumentException("\"" + vlanMode + "\" is not a valid vlan_mode: use access, trunk, native-tagged, native-untagged or dot1q-tunnel");
        }
        allowed(bondMode, BOND_MODES);
        allowed(lacp, LACP);
    }

    public static PortConfig tag(int tag) { return new PortConfig(tag, null, null, null, null); }

    public PortConfig withTag(Integer v) { return new PortConfig(v, trunks, vlanMode, bondMode, lacp); }
    public PortConfig withTrunks(List<Integer> v) { return new PortConfig(tag, v, vlanMode, bondMode, lacp); }
    public PortConfig withVlanMode(String v) { return new PortConfig(tag, trunks, v, bondMode, lacp); }
    public PortConfig withBondMode(String v) { return new PortConfig(tag, trunks, vlanMode, v, lacp); }
    public PortConfig withLacp(String v) { return new PortConfig(tag, trunks, vlanMode, bondMode, v); }

    public boolean isEmpty() { return tag == null && trunks == null && vlanMode == null && bondMode == null && lacp == null; }

    private static void allowed(String v, List<String> values) {
        if (v != null && !values.contains(v)) {
            throw new IllegalArgumentException("constraint violation: " + v + " is not one of the allowed values ([" + String.join(", ", values) + "])");
        }
    }

    private static void checkVlan(int v, String what) {
        if (v < 0 || v > 4095) throw new IllegalArgumentException(what + "=" + v + " is out of range: a VLAN is 0 to 4095");
    }
}
