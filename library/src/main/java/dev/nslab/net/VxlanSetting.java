package dev.nslab.net;

/**
 * A vxlan's settings beyond its id, addresses, device, TTL, learning and port that {@code ip link add|set NAME type
 * vxlan ...} may give (IFLA_VXLAN_*), each with its attribute number and width: 0 is a flag (an empty attribute),
 * {@code bigEndian} values are in network order (a flow label; a source port range, low port then high).
 */
public enum VxlanSetting {
    TOS(6, 1), AGEING(8, 4), LIMIT(9, 4), PORT_RANGE(10, 4, true), PROXY(11, 1), RSC(12, 1), L2MISS(13, 1), L3MISS(14, 1),
    UDP_CSUM(18, 1), UDP_ZERO_CSUM6_TX(19, 1), UDP_ZERO_CSUM6_RX(20, 1), REMCSUM_TX(21, 1), REMCSUM_RX(22, 1), GBP(23, 0),
    COLLECT_METADATA(25, 1), LABEL(26, 4, true), GPE(27, 0), TTL_INHERIT(28, 0), DF(29, 1), VNIFILTER(30, 1);

    /** The IFLA_VXLAN_* attribute number. */
    public final int attribute;
    /** Its width in bytes: 0 (a flag), 1 or 4. */
    public final int bytes;
    /** Whether its value goes in network byte order. */
    public final boolean bigEndian;

    VxlanSetting(int attribute, int bytes) { this(attribute, bytes, false); }

    VxlanSetting(int attribute, int bytes, boolean bigEndian) {
        this.attribute = attribute;
        this.bytes = bytes;
        this.bigEndian = bigEndian;
    }
}
