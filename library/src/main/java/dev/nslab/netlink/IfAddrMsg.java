package dev.nslab.netlink;

/** {@code struct ifaddrmsg}, the fixed header of RTM_NEWADDR / DELADDR / GETADDR messages. */
public record IfAddrMsg(int family, int prefixLen, int flags, int scope, int index) {
    public static final int LEN = 8;

    public NlRequest writeTo(NlRequest r) { return r.u8(family).u8(prefixLen).u8(flags).u8(scope).u32(index); }

    public static IfAddrMsg read(NlMessage m) { return new IfAddrMsg(m.u8(0), m.u8(1), m.u8(2), m.u8(3), m.i32(4)); }
}
