package dev.nslab.net;

/**
 * An interface's settings {@code ip link add|set} may give beyond its name, MTU, address, flags and the like
 * (IFLA_*), each with its attribute number and width. The IPv6 address generation mode is nested
 * (IFLA_AF_SPEC, AF_INET6, IFLA_INET6_ADDR_GEN_MODE): its attribute here is -1.
 */
public enum LinkSetting {
    OPERSTATE(16, 1), LINKMODE(17, 1), NUM_TX_QUEUES(31, 4), NUM_RX_QUEUES(32, 4), CARRIER(33, 1), PROTO_DOWN(39, 1),
    GSO_MAX_SEGS(40, 4), GSO_MAX_SIZE(41, 4), GRO_MAX_SIZE(58, 4), ADDR_GEN_MODE(-1, 1);

    /** The IFLA_* attribute number (-1: nested, see above). */
    public final int attribute;
    /** Its width in bytes: 1 or 4. */
    public final int bytes;

    LinkSetting(int attribute, int bytes) {
        this.attribute = attribute;
        this.bytes = bytes;
    }
}
