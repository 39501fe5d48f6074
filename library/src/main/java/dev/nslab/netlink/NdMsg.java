package dev.nslab.netlink;

/** {@code struct ndmsg}, the fixed header of RTM_NEWNEIGH / DELNEIGH / GETNEIGH messages. */
public record NdMsg(int family, int index, int state, int flags, int type) {
    public static final int LEN = 12;

    public NlRequest writeTo(NlRequest r) { return r.u8(family).u8(0).u16(0).u32(index).u16(state).u8(flags).u8(type); }

    public static NdMsg read(NlMessage m) { return new NdMsg(m.u8(0), m.i32(4), m.u16(8), m.u8(10), m.u8(11)); }
}
