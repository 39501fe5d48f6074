package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_EXCL;

/**
 * An IPv6 address label ({@code ip addrlabel}, RFC 6724's policy table): addresses under {@code prefix} (on
 * interface {@code index}, 0 for any) get {@code label}, which source address selection prefers to match.
 */
public record AddrLabel(Cidr prefix, int index, long label) {
    static final int RTM_NEWADDRLABEL = 72, RTM_DELADDRLABEL = 73, RTM_GETADDRLABEL = 74;
    private static final int IFAL_ADDRESS = 1, IFAL_LABEL = 2, HEADER = 12;

    /** RTM_NEWADDRLABEL (or, {@code delete}, RTM_DELADDRLABEL) of this label, in family {@code family}'s header. */
    NlRequest request(boolean delete, int family) {
        // struct ifaddrlblmsg: family, reserved, prefix length, flags, interface index, sequence
        return new NlRequest(delete ? RTM_DELADDRLABEL : RTM_NEWADDRLABEL, delete ? 0 : NLM_F_CREATE | NLM_F_EXCL).u8(family).u8(0)
                .u8(prefix.prefixLength()).u8(0).u32(index).u32(0).attrU32(IFAL_LABEL, (int) label)
                .attr(IFAL_ADDRESS, prefix.address().getAddress());
    }

    static NlRequest dump(int family) { return new NlRequest(RTM_GETADDRLABEL, NLM_F_DUMP).u8(family).u8(0).u8(0).u8(0).u32(0).u32(0); }

    /** A label as the kernel lists it; null without an address. */
    static AddrLabel parse(NlMessage m) {
        NlAttrs a = m.attrs(HEADER);
        byte[] addr = a.bytes(IFAL_ADDRESS);
        if (addr == null) return null;
        return new AddrLabel(new Cidr(Cidr.fromBytes(addr), m.u8(2)), m.i32(4), a.u32(IFAL_LABEL, -1) & 0xFFFFFFFFL);
    }
}
