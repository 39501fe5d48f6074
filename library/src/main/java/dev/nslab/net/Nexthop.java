package dev.nslab.net;

import java.net.InetAddress;
import java.util.List;

/**
 * A nexthop object ({@code ip nexthop}): a gateway and/or device, a blackhole, or a group of other nexthops, which
 * routes name by id ({@code ip route add PREFIX nhid ID}).
 *
 * @param id        its id (1 and up; 0 in a request: the kernel chooses)
 * @param family    the address family (null: none, as a group's)
 * @param gateway   the gateway, or null
 * @param oif       the device's index, 0 for none
 * @param blackhole whether packets sent to it are dropped
 * @param fdb       whether it serves bridge forwarding entries (vxlan)
 * @param flags     nexthop flags (RTNH_F_ONLINK...)
 * @param protocol  who made it (a route protocol number)
 * @param scope     its scope, as the kernel answered it
 * @param group     the members of a group, empty for a single nexthop
 * @param groupType 0 for a multipath group, 1 for a resilient one
 */
public record Nexthop(int id, Family family, InetAddress gateway, int oif, boolean blackhole, boolean fdb, int flags, int protocol,
                      int scope, List<Member> group, int groupType) {
    /** One member of a group: a nexthop id and its weight (1 to 65536). */
    public record Member(int id, int weight) { }

    public Nexthop {
        group = List.copyOf(group);
    }

    public boolean isGroup() { return !group.isEmpty(); }
}
