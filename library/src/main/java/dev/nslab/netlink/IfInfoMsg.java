package dev.nslab.netlink;

/**
 * {@code struct ifinfomsg}, the fixed header of RTM_NEWLINK / DELLINK / GETLINK messages (and of a veth peer's
 * description inside one): family, device type, interface index, flags and the mask of flags to change.
 */
public record IfInfoMsg(int family, int type, int index, int flags, int change) {
    public static final int LEN = 16;

    /** A header that names an interface by index (0: by the IFLA_IFNAME attribute) and changes {@code change} of its flags. */
    public static IfInfoMsg of(int index, int flags, int change) { return new IfInfoMsg(0, 0, index, flags, change); }

    public NlRequest writeTo(NlRequest r) { return r.u8(family).u8(0).u16(type).u32(index).u32(flags).u32(change); }

    public static IfInfoMsg read(NlMessage m) { return new IfInfoMsg(m.u8(0), m.u16(2), m.i32(4), m.i32(8), m.i32(12)); }
}
