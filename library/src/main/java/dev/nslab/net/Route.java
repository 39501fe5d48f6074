package dev.nslab.net;

import java.net.InetAddress;
import java.util.List;

/**
 * A route (one RTM_NEWROUTE message). {@code dst} is null for the default route.
 *
 * @param oif      output interface index, 0 if none
 * @param priority the metric, or -1 if the kernel did not report one
 * @param pref     IPv6 router preference (RTA_PREF), or -1
 * @param metrics  the route's metrics (RTA_METRICS; {@link RouteMetrics#NONE} where it has none)
 * @param realms   its realms (RTA_FLOW), or -1
 * @param nexthops the paths of a multipath route (RTA_MULTIPATH), else empty
 * @param encap    its lightweight tunnel encapsulation (RTA_ENCAP_TYPE and RTA_ENCAP), or null
 */
public record Route(Family family, Cidr dst, InetAddress gateway, int oif, int table, int protocol, int scope,
                    int type, InetAddress prefsrc, int priority, int flags, int pref, RouteMetrics metrics, long realms, List<Hop> nexthops, int nhid,
                    Encap encap, int tos) {
    /** One path of a multipath route: its gateway (or null), device index, weight and nexthop flags. */
    public record Hop(InetAddress gateway, int oif, int weight, int flags) { }

    /** The route's mtu, or -1. */
    public int mtu() { return (int) metrics.value(RouteMetrics.MTU); }

    public boolean isDefault() { return dst == null || dst.prefixLength() == 0; }

    /** The destination as iproute2 prints it: "default" or "10.1.20.0/24" (host routes without "/32"). */
    public String dstText() {
        if (isDefault()) return "default";
        return dst.prefixLength() == Cidr.maxPrefix(dst.address()) ? Cidr.format(dst.address()) : dst.toString();
    }
}
