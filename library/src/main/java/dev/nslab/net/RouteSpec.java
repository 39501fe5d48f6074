package dev.nslab.net;

import java.net.InetAddress;

/**
 * A route to add, replace or delete ({@code ip route add [TYPE] PREFIX|default [via GW] [dev DEV] [metric N]
 * [table T] [proto P] [scope S] [src ADDR] [onlink] [mtu N] [nhid ID] [encap TYPE ...]}). A field left null is
 * iproute2's default for it.
 *
 * @param dst    the destination, or null for the default route
 * @param family 2 (inet) or 10 (inet6): needed when neither dst nor via says it (a bare "default dev X")
 * @param type   the route's type (RTN_*: unicast, blackhole, unreachable, prohibit, local...)
 */
public record RouteSpec(Family family, Cidr dst, InetAddress via, String dev, Integer metric, Integer table, Integer protocol,
                        Integer scope, Integer type, InetAddress src, boolean onlink, RouteMetrics metrics, Integer realms, java.util.List<Hop> nexthops,
                        Integer nhid, Encap encap, int tos) {
    /** One path of a multipath route ({@code nexthop via GW [dev DEV] [weight N]}): null fields are left out. */
    public record Hop(InetAddress via, String dev, int weight) { }

    /** How a route is put in place, as ip's verbs say it: each its netlink flags. */
    public enum Verb {
        /** a new route; one already there is an error */ ADD(0x400 | 0x200),
        /** an existing route changed; none there is an error */ CHANGE(0x100),
        /** in place of the one there, or a new one */ REPLACE(0x400 | 0x100),
        /** before any others to the same destination */ PREPEND(0x400),
        /** after the others to the same destination */ APPEND(0x400 | 0x800);

        /** NLM_F_CREATE 0x400, NLM_F_EXCL 0x200, NLM_F_REPLACE 0x100, NLM_F_APPEND 0x800. */
        public final int nlFlags;

        Verb(int nlFlags) { this.nlFlags = nlFlags; }
    }

    public static RouteSpec to(Cidr dst) { return new RouteSpec(dst.family(), dst.network(), null, null, null, null, null, null, null, null, false, RouteMetrics.NONE, null, java.util.List.of(), null, null, 0); }

    public static RouteSpec defaultRoute(Family family) { return new RouteSpec(family, null, null, null, null, null, null, null, null, null, false, RouteMetrics.NONE, null, java.util.List.of(), null, null, 0); }

    public RouteSpec via(InetAddress gw) { return new RouteSpec(Cidr.family(gw), dst, gw, dev, metric, table, protocol, scope, type, src, onlink, metrics, realms, nexthops, nhid, encap, tos); }
    public RouteSpec dev(String d) { return new RouteSpec(family, dst, via, d, metric, table, protocol, scope, type, src, onlink, metrics, realms, nexthops, nhid, encap, tos); }
    public RouteSpec metric(int m) { return new RouteSpec(family, dst, via, dev, m, table, protocol, scope, type, src, onlink, metrics, realms, nexthops, nhid, encap, tos); }
    public RouteSpec table(int t) { return new RouteSpec(family, dst, via, dev, metric, t, protocol, scope, type, src, onlink, metrics, realms, nexthops, nhid, encap, tos); }
    public RouteSpec protocol(int p) { return new RouteSpec(family, dst, via, dev, metric, table, p, scope, type, src, onlink, metrics, realms, nexthops, nhid, encap, tos); }
    public RouteSpec scope(int s) { return new RouteSpec(family, dst, via, dev, metric, table, protocol, s, type, src, onlink, metrics, realms, nexthops, nhid, encap, tos); }
    public RouteSpec type(int t) { return new RouteSpec(family, dst, via, dev, metric, table, protocol, scope, t, src, onlink, metrics, realms, nexthops, nhid, encap, tos); }
    public RouteSpec src(InetAddress a) { return new RouteSpec(family, dst, via, dev, metric, table, protocol, scope, type, a, onlink, metrics, realms, nexthops, nhid, encap, tos); }
    public RouteSpec withOnlink() { return new RouteSpec(family, dst, via, dev, metric, table, protocol, scope, type, src, true, metrics, realms, nexthops, nhid, encap, tos); }
    public RouteSpec mtu(int m) { return metrics(metrics.with(RouteMetrics.MTU, m)); }
    public RouteSpec metrics(RouteMetrics m) { return new RouteSpec(family, dst, via, dev, metric, table, protocol, scope, type, src, onlink, m, realms, nexthops, nhid, encap, tos); }
    /** The route's realms (RTA_FLOW): the source realm in the high 16 bits, the destination's in the low. */
    public RouteSpec realms(int r) { return new RouteSpec(family, dst, via, dev, metric, table, protocol, scope, type, src, onlink, metrics, r, nexthops, nhid, encap, tos); }
    /** The route goes by nexthop object {@code id} ({@code ip route add ... nhid ID}), in place of a gateway and device. */
    public RouteSpec nhid(int id) { return new RouteSpec(family, dst, via, dev, metric, table, protocol, scope, type, src, onlink, metrics, realms, nexthops, id, encap, tos); }
    /** Packets to the destination are encapsulated ({@code encap TYPE ...}). */
    public RouteSpec encap(Encap e) { return new RouteSpec(family, dst, via, dev, metric, table, protocol, scope, type, src, onlink, metrics, realms, nexthops, nhid, e, tos); }
    public RouteSpec nexthops(java.util.List<Hop> h) { return new RouteSpec(family, dst, via, dev, metric, table, protocol, scope, type, src, onlink, metrics, realms, java.util.List.copyOf(h), nhid, encap, tos); }
    /** IPv4's type of service (a DSCP value) packets must carry to take the route ({@code tos TOS}). */
    public RouteSpec tos(int t) { return new RouteSpec(family, dst, via, dev, metric, table, protocol, scope, type, src, onlink, metrics, realms, nexthops, nhid, encap, t); }
}
