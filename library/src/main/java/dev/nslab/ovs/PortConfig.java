package dev.nslab.ovs;

import java.util.List;
import java.util.Set;

/**
 * VLAN settings of a port; a null field is left as it is. {@code trunks} empty means "all VLANs" as in OVS.
 * Values are checked here so a bad one never reaches a transaction.
 */
public record PortConfig(Integer tag, List<Integer> trunks, String vlanMode) {
    public static final Set<String> VLAN_MODES = Set.of("access", "trunk", "native-tagged", "native-untagged", "dot1q-tunnel");
    public static final PortConfig NONE = new PortConfig(null, null, null);

    public PortConfig {
        if (tag != null) checkVlan(tag, "tag");
        if (trunks != null) {
            trunks = List.copyOf(trunks);
            for (int t : trunks) checkVlan(t, "trunks");
        }
        if (vlanMode != null && !VLAN_MODES.contains(vlanMode)) {
            throw new IllegalArgumentException("\"" + vlanMode + "\" is not a valid vlan_mode: use access, trunk, native-tagged, native-untagged or dot1q-tunnel");
        }
    }

    public static PortConfig tag(int tag) { return new PortConfig(tag, null, null); }

    public PortConfig withTag(Integer v) { return new PortConfig(v, trunks, vlanMode); }
    public PortConfig withTrunks(List<Integer> v) { return new PortConfig(tag, v, vlanMode); }
    public PortConfig withVlanMode(String v) { return new PortConfig(tag, trunks, v); }

    public boolean isEmpty() { return tag == null && trunks == null && vlanMode == null; }

    private static void checkVlan(int v, String what) {
        if (v < 0 || v > 4095) throw new IllegalArgumentException(what + "=" + v + " is out of range: a VLAN is 0 to 4095");
    }
}
