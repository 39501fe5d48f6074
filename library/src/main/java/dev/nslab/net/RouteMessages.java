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
    public static NlRequest add(RouteSpec spec, int oif) { return change(spec, oif, NLM_F_CREATE | NLM_F_EXCL, new int[0]); }

    /**
     * RTM_NEWROUTE with the netlink flags of ip's verb: add (CREATE|EXCL), replace (CREATE|REPLACE), change (REPLACE),
     * append (CREATE|APPEND), prepend (CREATE).
     */
    public static NlRequest change(RouteSpec spec, int oif, int nlFlags, int[] hopIndexes) {
        int type = spec.type() == null ? RTN_UNICAST : spec.type();
        NlRequest r = message(RTM_NEWROUTE, nlFlags, spec, oif, spec.protocol() == null ? RTPROT_BOOT : spec.protocol(), scope(spec, type, false), type);
        if (!spec.nexthops().isEmpty()) {
            // each path an rtnexthop (length, flags, hops = weight - 1, interface) with its gateway after it, as ip sends them
            int m = r.beginNestedPlain(RTA_MULTIPATH);
            for (int i = 0; i < spec.nexthops().size(); i++) {
                RouteSpec.Hop h = spec.nexthops().get(i);
                int start = r.length();
                r.u16(0).u8(0).u8(h.weight() - 1).u32(hopIndexes[i]);
                if (h.via() != null) r.attr(RTA_GATEWAY, h.via().getAddress());
                r.putU16At(start, r.length() - start);
            }
            r.endNested(m);
        }
        return r;
    }

    /** RTM_DELROUTE of {@code spec} ({@code oif} 0: whichever interface): only what identifies the route. */
    public static NlRequest delete(RouteSpec spec, int oif) {
        int type = spec.type() == null ? RTN_UNSPEC : spec.type();
        return message(RTM_DELROUTE, 0, spec, oif, spec.protocol() == null ? RTPROT_UNSPEC : spec.protocol(), scope(spec, type, true), type);
    }

    /** ip's scope when none is given: universe for IPv6, host for local routes, link for broadcast ones and for unicast without a gateway. */
    private static int scope(RouteSpec spec, int type, boolean delete) {
        if (spec.scope() != null) return spec.scope();
        if (spec.family() == Family.INET6) return RT_SCOPE_UNIVERSE;
        if (type == RTN_LOCAL) return RT_SCOPE_HOST;
        if (type == RTN_BROADCAST || type == RTN_MULTICAST || type == RTN_ANYCAST) return RT_SCOPE_LINK;
        if (type == RTN_UNICAST || type == RTN_UNSPEC) {
            if (delete) return RT_SCOPE_NOWHERE;
            if (spec.via() == null && spec.nexthops().isEmpty() && spec.nhid() == null) return RT_SCOPE_LINK;
        }
        return RT_SCOPE_UNIVERSE;
    }

    private static NlRequest message(int type, int flags, RouteSpec spec, int oif, int protocol, int scope, int rtType) {
        int dstLen = spec.dst() == null ? 0 : spec.dst().prefixLength();
        int table = spec.table() == null ? RT_TABLE_MAIN : spec.table();
        // a table above 255 does not fit the header: it goes in RTA_TABLE, the header's left unspecified, as ip does
        NlRequest r = new RtMsg(spec.family().code(), dstLen, 0, spec.tos(), table < 256 ? table : 0, protocol, scope, rtType,
                spec.onlink() ? RTNH_F_ONLINK : 0).writeTo(new NlRequest(type, flags));
        // in the order ip sends them for "PREFIX via GW table T src S dev DEV"
        if (spec.dst() != null && dstLen > 0) r.attr(RTA_DST, spec.dst().network().address().getAddress());
        if (spec.via() != null) r.attr(RTA_GATEWAY, spec.via().getAddress());
        if (table >= 256) r.attrU32(RTA_TABLE, table);
        if (spec.src() != null) r.attr(RTA_PREFSRC, spec.src().getAddress());
        if (oif != 0) r.attrU32(RTA_OIF, oif);
        if (spec.metric() != null) r.attrU32(RTA_PRIORITY, spec.metric());
        if (spec.nhid() != null) r.attrU32(RTA_NH_ID, spec.nhid());
        if (spec.encap() != null) {
            int m = r.beginNested(RTA_ENCAP);
            r.bytes(spec.encap().attributes());
            r.endNested(m);
            r.attrU16(RTA_ENCAP_TYPE, spec.encap().type());
        }
        if (spec.realms() != null) r.attrU32(RTA_FLOW, spec.realms());
        RouteMetrics mx = spec.metrics();
        if (!mx.isEmpty()) { // in the order given, the lock last, as ip sends them
            int m = r.beginNestedPlain(RTA_METRICS);
            mx.values().forEach((k, v) -> r.attrU32(k, (int) (long) v));
            if (mx.congctl() != null) r.attr(RouteMetrics.CC_ALGO, mx.congctl().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (mx.lock() != 0) r.attrU32(RouteMetrics.LOCK, mx.lock());
            r.endNested(m);
        }
        return r;
    }

    /** RTM_DELROUTE of route {@code r} as the kernel listed it (ip's flush): its table, type, protocol, scope and keys. */
    public static NlRequest deleteExisting(Route r) {
        int dstLen = r.dst() == null ? 0 : r.dst().prefixLength();
        NlRequest q = new RtMsg(r.family().code(), dstLen, 0, r.tos(), r.table() < 256 ? r.table() : 0, r.protocol(), r.scope(), r.type(), 0)
                .writeTo(new NlRequest(RTM_DELROUTE, 0));
        if (r.table() >= 256) q.attrU32(RTA_TABLE, r.table());
        if (r.dst() != null && dstLen > 0) q.attr(RTA_DST, r.dst().address().getAddress());
        if (r.gateway() != null) q.attr(RTA_GATEWAY, r.gateway().getAddress());
        if (r.oif() != 0) q.attrU32(RTA_OIF, r.oif());
        if (r.priority() >= 0) q.attrU32(RTA_PRIORITY, r.priority());
        return q;
    }

    /** RTM_GETROUTE of the cached clones of one family (null: both): the exceptions a path MTU or a redirect made. */
    public static NlRequest dumpCloned(Family family) {
        return new RtMsg(Family.codeOf(family), 0, 0, 0, 0, 0, 0, 0, RTM_F_CLONED).writeTo(new NlRequest(RTM_GETROUTE, NLM_F_DUMP));
    }

    /** RTM_GETROUTE of every route of one family (null: both). */
    public static NlRequest dump(Family family) { return RtMsg.dump(Family.codeOf(family)).writeTo(new NlRequest(RTM_GETROUTE, NLM_F_DUMP)); }

    /** RTM_GETROUTE that asks the kernel which route a packet to {@code dst} takes ({@code ip route get}). */
    public static NlRequest lookup(InetAddress dst) { return lookup(new RouteQuery(dst, null, 0, 0, null)); }

    /** RTM_GETROUTE for one packet: to {@code q.dst()}, from, in through, out through, with a mark, where given. */
    private static final int RTA_NEWDST = 19, RTA_IP_PROTO = 27, RTA_SPORT = 28, RTA_DPORT = 29, RTM_F_LOOKUP_TABLE = 0x1000,
            RTM_F_FIB_MATCH = 0x2000;

    public static NlRequest lookup(RouteQuery q) {
        Family fam = Cidr.family(q.dst());
        int len = fam == Family.INET ? 32 : 128;
        // as ip asks: IPv4 says which table answered (only it can), fibmatch asks for the FIB entry itself
        int flags = (fam == Family.INET ? RTM_F_LOOKUP_TABLE : 0) | (q.fibMatch() ? RTM_F_FIB_MATCH : 0);
        NlRequest r = new RtMsg(fam.code(), len, q.from() == null ? 0 : len, q.tos(), 0, 0, 0, 0, flags).writeTo(new NlRequest(RTM_GETROUTE, 0))
                .attr(RTA_DST, q.dst().getAddress());
        if (q.from() != null) r.attr(RTA_SRC, q.from().getAddress());
        if (q.uid() != null) r.attrU32(RTA_UID, q.uid());
        if (q.newDst() != null) r.attr(RTA_NEWDST, q.newDst().getAddress());
        if (q.sport() != null) r.attr(RTA_SPORT, new byte[] {(byte) (q.sport() >> 8), (byte) (int) q.sport()});
        if (q.dport() != null) r.attr(RTA_DPORT, new byte[] {(byte) (q.dport() >> 8), (byte) (int) q.dport()});
        if (q.ipproto() != null) r.attrU8(RTA_IP_PROTO, q.ipproto());
        if (q.iif() != 0) r.attrU32(RTA_IIF, q.iif());
        if (q.oif() != 0) r.attrU32(RTA_OIF, q.oif());
        if (q.mark() != null) r.attrU32(RTA_MARK, q.mark());
        return r;
    }

    /**
     * The round of {@code ip route restore} a saved route belongs to: 0 without a gateway and with no preferred source
     * or one equal to its destination (routes to local addresses), 1 without a gateway but another source (local
     * networks), 2 through a gateway (a multipath route, whose gateways are nested, goes with the first two).
     */
    static int restoreRound(NlMessage m) {
        NlAttrs a = m.attrs(RtMsg.LEN);
        if (a.has(RTA_GATEWAY)) return 2;
        byte[] src = a.bytes(RTA_PREFSRC);
        if (src == null || java.util.Arrays.equals(src, a.bytes(RTA_DST))) return 0;
        return 1;
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
                a.has(RTA_PRIORITY) ? a.u32(RTA_PRIORITY, 0) : -1, h.flags(), a.u8(RTA_PREF, -1),
                a.has(RTA_METRICS) ? metrics(a.nested(RTA_METRICS)) : RouteMetrics.NONE, a.has(RTA_FLOW) ? Integer.toUnsignedLong(a.u32(RTA_FLOW, 0)) : -1,
                hops(a.value(RTA_MULTIPATH)), a.u32(RTA_NH_ID, 0),
                a.has(RTA_ENCAP_TYPE) && a.has(RTA_ENCAP) ? new Encap(a.u16(RTA_ENCAP_TYPE, 0), a.bytes(RTA_ENCAP)) : null, h.tos());
    }

    /** RTA_METRICS' values by number (each a u32 but the congestion control's name), the lock apart. */
    private static RouteMetrics metrics(NlAttrs a) {
        java.util.Map<Integer, Long> values = new java.util.TreeMap<>();
        for (int i = RouteMetrics.MTU; i <= RouteMetrics.MAX; i++) {
            if (i != RouteMetrics.CC_ALGO && a.has(i)) values.put(i, Integer.toUnsignedLong(a.u32(i, 0)));
        }
        String cc = a.has(RouteMetrics.CC_ALGO) ? new String(a.bytes(RouteMetrics.CC_ALGO), java.nio.charset.StandardCharsets.US_ASCII).replace("\0", "") : null;
        return new RouteMetrics(values, a.u32(RouteMetrics.LOCK, 0), cc);
    }

    /** RTA_MULTIPATH's rtnexthop entries: length, flags, hops (the weight less one), interface, then their own attributes. */
    private static java.util.List<Route.Hop> hops(java.nio.ByteBuffer v) {
        if (v == null) return java.util.List.of();
        java.util.List<Route.Hop> out = new java.util.ArrayList<>();
        int at = 0;
        while (at + 8 <= v.limit()) {
            int len = Short.toUnsignedInt(v.getShort(at));
            if (len < 8 || at + len > v.limit()) break;
            NlAttrs a = NlAttrs.parse(v, at + 8, at + len);
            out.add(new Route.Hop(a.has(RTA_GATEWAY) ? Cidr.fromBytes(a.bytes(RTA_GATEWAY)) : null, v.getInt(at + 4),
                    Byte.toUnsignedInt(v.get(at + 3)) + 1, Byte.toUnsignedInt(v.get(at + 2))));
            at += (len + 3) & ~3;
        }
        return java.util.List.copyOf(out);
    }

    /** The answer to {@link #lookup}: the route, and the source address the kernel would use. */
    public static RouteLookup parseLookup(NlMessage m) {
        RtMsg h = RtMsg.read(m);
        NlAttrs a = m.attrs(RtMsg.LEN);
        return new RouteLookup(parse(m), a.has(RTA_SRC) ? Cidr.fromBytes(a.bytes(RTA_SRC)) : null, h.srcLen(),
                a.has(RTA_UID) ? a.u32(RTA_UID, 0) : null, a.u32(RTA_IIF, 0), a.has(RTA_MARK) ? (Integer) a.u32(RTA_MARK, 0) : null);
    }
}
