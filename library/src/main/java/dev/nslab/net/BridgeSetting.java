package dev.nslab.net;

/**
 * A Linux bridge's settings that {@code ip link add|set BR type bridge ...} may give (IFLA_BR_*), each with its
 * attribute number and width. Times are in hundredths of a second, as the kernel takes them.
 */
public enum BridgeSetting {
    FORWARD_DELAY(1, 4), HELLO_TIME(2, 4), MAX_AGE(3, 4), AGEING_TIME(4, 4), STP_STATE(5, 4), PRIORITY(6, 2),
    VLAN_FILTERING(7, 1), VLAN_PROTOCOL(8, 2), GROUP_FWD_MASK(9, 2), MCAST_ROUTER(22, 1), MCAST_SNOOPING(23, 1),
    MCAST_QUERY_USE_IFADDR(24, 1), MCAST_QUERIER(25, 1), NF_CALL_IPTABLES(36, 1), NF_CALL_IP6TABLES(37, 1),
    NF_CALL_ARPTABLES(38, 1), VLAN_DEFAULT_PVID(39, 2), VLAN_STATS_ENABLED(41, 1), MCAST_STATS_ENABLED(42, 1),
    MCAST_IGMP_VERSION(43, 1), MCAST_MLD_VERSION(44, 1);

    /** The IFLA_BR_* attribute number. */
    public final int attribute;
    /** Its width in bytes: 1, 2 or 4. */
    public final int bytes;

    BridgeSetting(int attribute, int bytes) {
        this.attribute = attribute;
        this.bytes = bytes;
    }

    /** The largest value the attribute holds. */
    public long max() { return bytes == 4 ? 0xffff_ffffL : (1L << (8 * bytes)) - 1; }
}
