package dev.nslab.net;

import java.net.InetAddress;

/**
 * One packet to ask the routing of ({@code ip route get}): its destination, and where given its source address,
 * the interface it comes in through (then the kernel routes it as received, and a source is needed), the interface it
 * must leave through, and its firewall mark. 0 and null: not given.
 */
public record RouteQuery(InetAddress dst, InetAddress from, int iif, int oif, Integer mark, int tos, Integer uid, Integer ipproto, Integer sport,
                         Integer dport, boolean fibMatch, InetAddress newDst) {
    public RouteQuery(InetAddress dst, InetAddress from, int iif, int oif, Integer mark) {
        this(dst, from, iif, oif, mark, 0, null, null, null, null, false, null);
    }
}
