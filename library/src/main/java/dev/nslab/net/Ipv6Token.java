package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import java.net.InetAddress;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.Rtnl.RTM_GETLINK;
import static dev.nslab.netlink.Rtnl.RTM_NEWLINK;
import static dev.nslab.netlink.Rtnl.RTM_SETLINK;

/**
 * An interface's IPv6 token ({@code ip token}): the interface identifier SLAAC uses in place of one made from the MAC
 * address (:: for none).
 *
 * @param index the interface
 * @param flags its interface flags (ip leaves out loopback and NOARP interfaces)
 */
public record Ipv6Token(int index, int flags, InetAddress token) {
    private static final int AF_INET6 = 10, IFLA_PROTINFO = 12, IFLA_AF_SPEC = 26, IFLA_INET6_TOKEN = 7;

    /** RTM_GETLINK dump of family AF_INET6: each interface's IPv6 settings. */
    static NlRequest dump() { return new NlRequest(RTM_GETLINK, NLM_F_DUMP).u8(AF_INET6).u8(0).u16(0).u32(0).u32(0).u32(0); }

    /** RTM_SETLINK giving interface {@code index} the token {@code token} (:: takes it away). */
    static NlRequest set(int index, InetAddress token) {
        NlRequest r = new NlRequest(RTM_SETLINK, 0).u8(AF_INET6).u8(0).u16(0).u32(index).u32(0).u32(0);
        int spec = r.beginNestedPlain(IFLA_AF_SPEC);
        int inet6 = r.beginNestedPlain(AF_INET6);
        r.attr(IFLA_INET6_TOKEN, token.getAddress());
        r.endNested(inet6);
        return r.endNested(spec);
    }

    /** The token of an answer, or null when it carries none (not an IPv6 answer, or a kernel without tokens). */
    static Ipv6Token parse(NlMessage m) {
        if (m.type() != RTM_NEWLINK || m.u8(0) != AF_INET6) return null;
        NlAttrs a = m.attrs(16);
        if (!a.has(IFLA_PROTINFO)) return null;
        byte[] t = a.nested(IFLA_PROTINFO).bytes(IFLA_INET6_TOKEN);
        return t == null ? null : new Ipv6Token(m.i32(4), m.i32(8), Cidr.fromBytes(t));
    }
}
