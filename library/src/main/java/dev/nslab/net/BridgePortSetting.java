package dev.nslab.net;

/**
 * A Linux bridge port's settings that {@code ip link set DEV type bridge_slave ...} may give (IFLA_BRPORT_*), each with
 * its attribute number and width (0: a flag, FDB flush).
 */
public enum BridgePortSetting {
    STATE(1, 1), PRIORITY(2, 2), COST(3, 4), MODE(4, 1), GUARD(5, 1), PROTECT(6, 1), FAST_LEAVE(7, 1), LEARNING(8, 1), UNICAST_FLOOD(9, 1),
    PROXYARP(10, 1), PROXYARP_WIFI(12, 1), FLUSH(24, 0), MULTICAST_ROUTER(25, 1), MCAST_FLOOD(27, 1), MCAST_TO_UCAST(28, 1),
    VLAN_TUNNEL(29, 1), BCAST_FLOOD(30, 1), GROUP_FWD_MASK(31, 2), NEIGH_SUPPRESS(32, 1), ISOLATED(33, 1), BACKUP_PORT(34, 4), LOCKED(39, 1);

    /** The IFLA_BRPORT_* attribute number. */
    public final int attribute;
    /** Its width in bytes: 0 (a flag), 1, 2 or 4. */
    public final int bytes;

    BridgePortSetting(int attribute, int bytes) {
        this.attribute = attribute;
        this.bytes = bytes;
    }
}
