package dev.nslab.ovs;

import java.util.List;
import java.util.Map;

/**
 * A row of the Port table. {@code tag} is the access VLAN (null: none), {@code trunks} the VLANs a trunk carries
 * (empty: all), {@code vlanMode} null when unset (OVS then derives it from tag and trunks). A bond has several
 * interfaces; {@code bondMode} and {@code lacp} are null when unset. {@code fakeBridge}: the port is ovs-vsctl's
 * fake (VLAN) bridge of that name, its tag the VLAN (see {@link OvsState#fakeBridges}).
 */
public record OvsPort(String uuid, String name, Integer tag, List<Integer> trunks, String vlanMode,
                      List<OvsInterface> interfaces, Map<String, String> externalIds, String bondMode, String lacp, boolean fakeBridge) {

    /** Whether ovs-vsctl counts this port as a fake bridge: marked so, with a VLAN for a tag. */
    public boolean isFakeBridge() { return fakeBridge && tag != null && tag >= 0 && tag <= 4095; }
}
