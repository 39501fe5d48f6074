package dev.nslab.net;

import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.NlMessage;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.nslab.netlink.Rtnl.*;

/**
 * The kernel's announcements of changes in one namespace ({@code ip monitor}): an rtnetlink socket that has joined
 * the multicast groups of the kinds asked for, each announcement read as the object it is about. Not thread-safe.
 */
public final class NetMonitor implements AutoCloseable {
    /** What can be listened to, by the kernel's group numbers (RTNLGRP_*), per family where the kernel splits them. */
    public enum Kind {
        LINK(1), ADDRESS(5, 9), ROUTE(7, 11, 27), NEIGHBOUR(3), RULE(8, 19), NETCONF(24, 25, 29), NSID(28), NEXTHOP(32);

        private final int[] groups;

        Kind(int... groups) { this.groups = groups; }

        /** The groups of {@code family} (null: all): IPv4's, IPv6's, MPLS's in that order where the kind has them. */
        int[] groups(Family family) {
            if (family == null || groups.length == 1) return groups;
            int i = family == Family.INET ? 0 : 1;
            return i < groups.length ? new int[] {groups[i]} : new int[0];
        }
    }

    /**
     * One announcement: {@code deleted} for a removal; {@code object} what it is about: a {@link Link},
     * {@link IfAddress}, {@link Route}, {@link Neighbour} (a "miss": the kernel asks a daemon to resolve it), {@link Rule},
     * {@link Netconf}, {@link Nsid} or {@link Nexthop}; {@code nsid} the id here of the namespace where it happened (with
     * all namespaces listened to), -1 for this one.
     */
    public record Event(Kind kind, boolean deleted, boolean miss, Object object, int nsid) { }

    /** A namespace id given or taken back in the listening namespace, and the process that asked, where known. */
    public record Nsid(int nsid) { }

    private final NetlinkSocket socket;

    private NetMonitor(NetlinkSocket socket) { this.socket = socket; }

    /**
     * Listens in {@code ns} to {@code kinds} of {@code family} (null: every family), and with {@code allNamespaces} to
     * theirs in every namespace that has an id in {@code ns}. A group this kernel lacks (an old kernel's nexthops) is
     * passed over, as ip passes it.
     */
    public static NetMonitor open(Namespaces registry, NsRef ns, Set<Kind> kinds, Family family, boolean allNamespaces) {
        NetlinkSocket s = registry.call(ns, () -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE));
        try {
            if (allNamespaces) s.listenAllNsid();
            for (Kind k : EnumSet.copyOf(kinds)) {
                for (int g : k.groups(family)) {
                    try {
                        s.join(g);
                    } catch (dev.nslab.error.KernelException e) {
                        if (e.errno() != 22) throw e; // EINVAL: a group this kernel does not have
                    }
                }
            }
            return new NetMonitor(s);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * The announcements of the next datagram, in order (blocks until one comes; cached route clones are left out,
     * as ip leaves them). Throws a {@link dev.nslab.error.KernelException} of ENOBUFS when announcements were lost.
     */
    public List<Event> next() {
        List<Event> out = new ArrayList<>();
        NetlinkSocket.Heard heard = socket.listen();
        for (NlMessage m : heard.messages()) {
            Event e = event(m, heard.nsid());
            if (e != null) out.add(e);
        }
        return out;
    }

    private static final int RTM_DELNETCONF = 81;

    static Event event(NlMessage m, int nsid) {
        int t = m.type();
        return switch (t) {
            case RTM_NEWLINK, RTM_DELLINK -> new Event(Kind.LINK, t == RTM_DELLINK, false, LinkMessages.parse(m), nsid);
            case RTM_NEWADDR, RTM_DELADDR -> of(Kind.ADDRESS, t == RTM_DELADDR, AddressMessages.parse(m), nsid);
            case RTM_NEWROUTE, RTM_DELROUTE -> {
                Route r = RouteMessages.parse(m);
                yield r == null || (r.flags() & RTM_F_CLONED) != 0 ? null : new Event(Kind.ROUTE, t == RTM_DELROUTE, false, r, nsid);
            }
            case RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH -> {
                Neighbour n = NeighbourMessages.parse(m);
                yield n == null ? null : new Event(Kind.NEIGHBOUR, t == RTM_DELNEIGH, t == RTM_GETNEIGH, n, nsid);
            }
            case RTM_NEWRULE, RTM_DELRULE -> {
                Family f = Family.of(m.u8(0));
                yield f == null ? null : of(Kind.RULE, t == RTM_DELRULE, RuleMessages.parse(m, f), nsid);
            }
            case RTM_NEWNETCONF, RTM_DELNETCONF -> new Event(Kind.NETCONF, t == RTM_DELNETCONF, false, Netconf.parse(m), nsid);
            case RTM_NEWNSID, RTM_DELNSID -> {
                int id = m.attrs(4).u32(1, -1); // rtgenmsg, padded; NETNSA_NSID
                yield new Event(Kind.NSID, t == RTM_DELNSID, false, new Nsid(id), nsid);
            }
            case RTM_NEWNEXTHOP, RTM_DELNEXTHOP -> of(Kind.NEXTHOP, t == RTM_DELNEXTHOP, NexthopMessages.parse(m), nsid);
            default -> null;
        };
    }

    private static Event of(Kind k, boolean deleted, Object o, int nsid) { return o == null ? null : new Event(k, deleted, false, o, nsid); }

    @Override public void close() { socket.close(); }
}
