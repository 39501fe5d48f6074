package dev.nslab.netlink;

/** {@code struct rtgenmsg}, padded to four bytes: the header of RTM_*NSID messages. */
public record RtGenMsg(int family) {
    public static final int LEN = 4;

    public NlRequest writeTo(NlRequest r) { return r.u8(family).u8(0).u16(0); }
}
