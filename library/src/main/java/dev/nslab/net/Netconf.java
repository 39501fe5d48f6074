package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.Rtnl.*;

/**
 * An interface's IP settings as the kernel reports them in RTM_NEWNETCONF ({@code ip netconf}): what it sends of
 * forwarding, reverse path filtering, multicast forwarding, proxy neighbours, routes over a link that is down and
 * input (MPLS). A null setting is one the family does not have.
 *
 * @param family  the family's kernel number (AF_INET 2, AF_INET6 10, AF_MPLS 28...)
 * @param ifindex the interface, or {@link #ALL} or {@link #DEFAULT}
 */
public record Netconf(int family, int ifindex, Integer forwarding, Integer rpFilter, Integer mcForwarding, Integer proxyNeigh,
                      Integer ignoreRoutesWithLinkdown, Integer input) {
    /** The settings of "all" interfaces and those new interfaces get. */
    public static final int ALL = -1, DEFAULT = -2;

    /** RTM_GETNETCONF of every interface's settings, of one family (0: all the kernel has). */
    static NlRequest dump(int family) { return new NlRequest(RTM_GETNETCONF, NLM_F_DUMP).u8(family).align(); }

    /** RTM_GETNETCONF of one interface's settings in one family. */
    static NlRequest get(int family, int ifindex) { return new NlRequest(RTM_GETNETCONF, 0).u8(family).align().attrU32(NETCONFA_IFINDEX, ifindex); }

    static Netconf parse(NlMessage m) {
        NlAttrs a = m.attrs(1);
        return new Netconf(m.u8(0), a.u32(NETCONFA_IFINDEX, 0), opt(a, NETCONFA_FORWARDING), opt(a, NETCONFA_RP_FILTER),
                opt(a, NETCONFA_MC_FORWARDING), opt(a, NETCONFA_PROXY_NEIGH), opt(a, NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN), opt(a, NETCONFA_INPUT));
    }

    private static Integer opt(NlAttrs a, int type) { return a.has(type) ? a.u32(type, 0) : null; }
}
