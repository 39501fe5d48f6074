package dev.nslab.netlink;

/** {@code struct tcmsg}, the fixed header of RTM_NEWQDISC / DELQDISC / GETQDISC messages. */
public record TcMsg(int family, int index, int handle, int parent, int info) {
    public static final int LEN = 20;

    public NlRequest writeTo(NlRequest r) { return r.u8(family).u8(0).u16(0).u32(index).u32(handle).u32(parent).u32(info); }

    public static TcMsg read(NlMessage m) { return new TcMsg(m.u8(0), m.i32(4), m.i32(8), m.i32(12), m.i32(16)); }
}
