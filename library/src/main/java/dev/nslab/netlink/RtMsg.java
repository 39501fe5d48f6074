package dev.nslab.netlink;

/** {@code struct rtmsg}, the fixed header of RTM_NEWROUTE / DELROUTE / GETROUTE messages. */
public record RtMsg(int family, int dstLen, int srcLen, int tos, int table, int protocol, int scope, int type, int flags) {
    public static final int LEN = 12;

    /** A dump request of one family (0: all). */
    public static RtMsg dump(int family) { return new RtMsg(family, 0, 0, 0, 0, 0, 0, 0, 0); }

    public NlRequest writeTo(NlRequest r) {
        return r.u8(family).u8(dstLen).u8(srcLen).u8(tos).u8(table).u8(protocol).u8(scope).u8(type).u32(flags);
    }

    public static RtMsg read(NlMessage m) {
        return new RtMsg(m.u8(0), m.u8(1), m.u8(2), m.u8(3), m.u8(4), m.u8(5), m.u8(6), m.u8(7), m.i32(8));
    }
}
