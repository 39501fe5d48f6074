package dev.nslab.net;

import java.net.InetAddress;

/**
 * A route to add or delete ({@code ip route add PREFIX|default [via GW] [dev DEV] [metric N]}).
 *
 * @param dst    the destination, or null for the default route
 * @param family 2 (inet) or 10 (inet6): needed when neither dst nor via says it (a bare "default dev X")
 */
public record RouteSpec(Family family, Cidr dst, InetAddress via, String dev, Integer metric) {
    public static RouteSpec to(Cidr dst) { return new RouteSpec(dst.family(), dst.network(), null, null, null); }

    public static RouteSpec defaultRoute(Family family) { return new RouteSpec(family, null, null, null, null); }

    public RouteSpec via(InetAddress gw) { return new RouteSpec(Cidr.family(gw), dst, gw, dev, metric); }
    public RouteSpec dev(String d) { return new RouteSpec(family, dst, via, d, metric); }
    public RouteSpec metric(int m) { return new RouteSpec(family, dst, via, dev, m); }
}
