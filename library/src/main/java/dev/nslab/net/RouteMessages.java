package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;
import dev.nslab.netlink.RtMsg;

import java.net.InetAddress;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_EXCL;
import static dev.nslab.netlink.Rtnl.*;

/**
 * The rtnetlink messages of routes of the main table, built once for {@link NetHandle} and {@link NetBatch}, with
 * iproute2's rules: a route added without a gateway but with an interface is of link scope, every other of universe
 * scope, by protocol "boot"; a delete names only what identifies the route. Pure.
 */
public final class RouteMessages {
    private RouteMessages() {}

    /** RTM_NEWROUTE of {@code spec} through interface {@code oif} (0: the kernel finds it from the gateway). */
    public static NlRequest add(RouteSpec spec, int oif) {
        int scope = spec.via() == null && oif != 0 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        return message(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, spec, oif, RTPROT_BOOT, scope, RTN_UNICAST);
    }

    /** RTM_DELROUTE of {@code spec} ({@code oif} 0: whichever interface). */
    public static NlRequest delete(RouteSpec spec, int oif) { return message(RTM_DELROUTE, 0, spec, oif, 0, RT_SCOPE_NOWHERE, 0); }

    private static NlRequest message(int type, int flags, RouteSpec spec, int oif, int protocol, int scope, int rtType) {
        int dstLen = spec.dst() == null ? 0 : spec.dst().prefixLength();
        NlRequest r = new RtMsg(spec.family().code(), dstLen, 0, 0, RT_TABLE_MAIN, protocol, scope, rtType, 0).writeTo(new NlRequest(type, flags));
        if (spec.dst() != null && dstLen > 0) r.attr(RTA_DST, spec.dst().network().address().getAddress());
        if (spec.via() != null) r.attr(RTA_GATEWAY, spec.via().getAddress());
        if (oif != 0) r.attrU32(RTA_OIF, oif);
        if (spec.metric() != null) r.attrU32(RTA_PRIORITY, spec.metric());
        return r;
    }

    /** RTM_GETROUTE of every route of one family (null: both). */
    public static NlRequest dump(Family family) { return RtMsg.dump(Family.codeOf(family)).writeTo(new NlRequest(RTM_GETROUTE, NLM_F_DUMP)); }

    /** RTM_GETROUTE that asks the kernel which route a packet to {@code dst} takes ({@code ip route get}). */
    public static NlRequest lookup(InetAddress dst) {
        Family fam = Cidr.family(dst);
        return new RtMsg(fam.code(), fam == Family.INET ? 32 : 128, 0, 0, 0, 0, 0, 0, 0).writeTo(new NlRequest(RTM_GETROUTE, 0))
                .attr(RTA_DST, dst.getAddress());
    }

    /** An RTM_NEWROUTE answer read as a {@link Route}; null for a family nslab does not know. */
    public static Route parse(NlMessage m) {
        RtMsg h = RtMsg.read(m);
        Family fam = Family.of(h.family());
        if (fam == null) return null;
        NlAttrs a = m.attrs(RtMsg.LEN);
        Cidr dst = a.has(RTA_DST) ? new Cidr(Cidr.fromBytes(a.bytes(RTA_DST)), h.dstLen()) : null;
        return new Route(fam, dst, a.has(RTA_GATEWAY) ? Cidr.fromBytes(a.bytes(RTA_GATEWAY)) : null, a.u32(RTA_OIF, 0),
                a.u32(RTA_TABLE, h.table()), h.protocol(), h.scope(), h.type(), a.has(RTA_PREFSRC) ? Cidr.fromBytes(a.bytes(RTA_PREFSRC)) : null,
                a.has(RTA_PRIORITY) ? a.u32(RTA_PRIORITY, 0) : -1, h.flags(), a.u8(RTA_PREF, -1));
    }

    /** The answer to {@link #lookup}: the route, and the source address the kernel would use. */
    public static RouteLookup parseLookup(NlMessage m) {
        RtMsg h = RtMsg.read(m);
        NlAttrs a = m.attrs(RtMsg.LEN);
        return new RouteLookup(parse(m), a.has(RTA_SRC) ? Cidr.fromBytes(a.bytes(RTA_SRC)) : null, h.srcLen(),
                a.has(RTA_UID) ? a.u32(RTA_UID, 0) : null);
    }
}
