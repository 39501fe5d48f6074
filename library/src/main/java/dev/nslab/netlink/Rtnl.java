package dev.nslab.netlink;

/**
 * rtnetlink numbers from linux/rtnetlink.h, if_link.h, if_addr.h and net_namespace.h, kept in one place so the
 * object layer reads as names. Only what nslab uses is here.
 */
public final class Rtnl {
    private Rtnl() {}

    // message types
    public static final int RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19;
    public static final int RTM_NEWLINKPROP = 108, RTM_DELLINKPROP = 109;
    public static final int RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_GETROUTE = 26;
    public static final int RTM_NEWRULE = 32, RTM_DELRULE = 33, RTM_GETRULE = 34;
    public static final int RTM_NEWNSID = 88, RTM_DELNSID = 89, RTM_GETNSID = 90;
    public static final int RTM_NEWNETCONF = 80, RTM_GETNETCONF = 82;
    /** struct netconfmsg is one byte (the family), padded to four; then the NETCONFA_* attributes. */
    public static final int NETCONFA_IFINDEX = 1, NETCONFA_FORWARDING = 2, NETCONFA_RP_FILTER = 3, NETCONFA_MC_FORWARDING = 4,
            NETCONFA_PROXY_NEIGH = 5, NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN = 6, NETCONFA_INPUT = 7;
    public static final int RTM_NEWNEXTHOP = 104, RTM_DELNEXTHOP = 105, RTM_GETNEXTHOP = 106;
    /** struct nhmsg (family, scope, protocol, reserved, flags) and the nexthop attributes (nexthop.h). */
    public static final int NHMSG_LEN = 8;
    public static final int NHA_ID = 1, NHA_GROUP = 2, NHA_GROUP_TYPE = 3, NHA_BLACKHOLE = 4, NHA_OIF = 5, NHA_GATEWAY = 6,
            NHA_ENCAP_TYPE = 7, NHA_ENCAP = 8, NHA_GROUPS = 9, NHA_MASTER = 10, NHA_FDB = 11, NHA_RES_GROUP = 12, NHA_OP_FLAGS = 14;
    /** In an answer's NHA_OP_FLAGS: a group member's weight_high byte is meaningful. */
    public static final int NHA_OP_FLAG_RESP_GRP_RESVD_0 = 1 << 31;

    // fixed header sizes

    // link attributes
    public static final int IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_LINK = 5,
            IFLA_QDISC = 6, IFLA_MASTER = 10, IFLA_TXQLEN = 13, IFLA_OPERSTATE = 16, IFLA_LINKMODE = 17,
            IFLA_LINKINFO = 18, IFLA_NET_NS_PID = 19, IFLA_IFALIAS = 20, IFLA_GROUP = 27, IFLA_NET_NS_FD = 28,
            IFLA_EXT_MASK = 29, IFLA_CARRIER_CHANGES = 35, IFLA_LINK_NETNSID = 37, IFLA_STATS64 = 23, IFLA_MIN_MTU = 50, IFLA_MAX_MTU = 51, IFLA_PROP_LIST = 52,
            IFLA_ALT_IFNAME = 53, IFLA_PERM_ADDRESS = 54;
    public static final int IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, IFLA_INFO_SLAVE_KIND = 4;
    public static final int VETH_INFO_PEER = 1;
    public static final int IFLA_BR_VLAN_FILTERING = 7;
    public static final int IFLA_MACVLAN_MODE = 1;
    public static final int IFLA_VLAN_ID = 1, IFLA_VLAN_PROTOCOL = 5;
    public static final int IFLA_VXLAN_ID = 1, IFLA_VXLAN_GROUP = 2, IFLA_VXLAN_LINK = 3, IFLA_VXLAN_LOCAL = 4, IFLA_VXLAN_TTL = 5,
            IFLA_VXLAN_LEARNING = 7, IFLA_VXLAN_PORT = 15, IFLA_VXLAN_GROUP6 = 16, IFLA_VXLAN_LOCAL6 = 17;
    public static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

    // interface flags (net/if.h)
    public static final int IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_DEBUG = 0x4, IFF_LOOPBACK = 0x8,
            IFF_POINTOPOINT = 0x10, IFF_NOTRAILERS = 0x20, IFF_RUNNING = 0x40, IFF_NOARP = 0x80, IFF_PROMISC = 0x100,
            IFF_ALLMULTI = 0x200, IFF_MASTER = 0x400, IFF_SLAVE = 0x800, IFF_MULTICAST = 0x1000,
            IFF_PORTSEL = 0x2000, IFF_AUTOMEDIA = 0x4000, IFF_DYNAMIC = 0x8000, IFF_LOWER_UP = 0x10000,
            IFF_DORMANT = 0x20000, IFF_ECHO = 0x40000;

    // address attributes and flags
    public static final int IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4, IFA_CACHEINFO = 6,
            IFA_FLAGS = 8;
    public static final int IFA_F_SECONDARY = 0x01, IFA_F_NODAD = 0x02, IFA_F_OPTIMISTIC = 0x04,
            IFA_F_DADFAILED = 0x08, IFA_F_HOMEADDRESS = 0x10, IFA_F_DEPRECATED = 0x20, IFA_F_TENTATIVE = 0x40,
            IFA_F_PERMANENT = 0x80, IFA_F_NOPREFIXROUTE = 0x200;

    // route attributes and values
    public static final int RTA_DST = 1, RTA_SRC = 2, RTA_IIF = 3, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6,
            RTA_PREFSRC = 7, RTA_METRICS = 8, RTA_MULTIPATH = 9, RTA_TABLE = 15, RTA_MARK = 16, RTA_PREF = 20, RTA_ENCAP_TYPE = 21,
            RTA_ENCAP = 22, RTA_UID = 25, RTA_NH_ID = 30, RTA_FLOW = 11;
    /** In RTA_METRICS. */
    public static final int RTAX_MTU = 2;
    /** A route's nexthop flag (rtm_flags): the gateway is on the link even where no prefix says so. */
    public static final int RTNH_F_ONLINK = 4;
    public static final int RTN_UNSPEC = 0, RTN_UNICAST = 1, RTN_LOCAL = 2, RTN_BROADCAST = 3, RTN_ANYCAST = 4,
            RTN_MULTICAST = 5, RTN_BLACKHOLE = 6, RTN_UNREACHABLE = 7, RTN_PROHIBIT = 8;
    public static final int RT_SCOPE_UNIVERSE = 0, RT_SCOPE_SITE = 200, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254,
            RT_SCOPE_NOWHERE = 255;
    public static final int RTPROT_UNSPEC = 0, RTPROT_REDIRECT = 1, RTPROT_KERNEL = 2, RTPROT_BOOT = 3,
            RTPROT_STATIC = 4, RTPROT_RA = 9, RTPROT_DHCP = 16;
    public static final int RT_TABLE_MAIN = 254, RT_TABLE_LOCAL = 255;
    public static final int RTM_F_CLONED = 0x200;

    // namespace ids
    public static final int NETNSA_NSID = 1, NETNSA_PID = 2, NETNSA_FD = 3, NETNSA_TARGET_NSID = 4, NETNSA_CURRENT_NSID = 5;
    public static final int NETNSA_NSID_NOT_ASSIGNED = -1;

    // neighbours (ARP / NDP)
    public static final int RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29, RTM_GETNEIGH = 30;
    public static final int NDA_DST = 1, NDA_LLADDR = 2, NDA_CACHEINFO = 3, NDA_PROBES = 4;
    public static final int NUD_INCOMPLETE = 0x01, NUD_REACHABLE = 0x02, NUD_STALE = 0x04, NUD_DELAY = 0x08, NUD_PROBE = 0x10,
            NUD_FAILED = 0x20, NUD_NOARP = 0x40, NUD_PERMANENT = 0x80;
    public static final int NTF_PROXY = 0x08, NTF_ROUTER = 0x80;

    // policy routing rules (linux/fib_rules.h): struct fib_rule_hdr is 12 bytes
    public static final int FIB_RULE_HDR_LEN = 12;
    public static final int FRA_DST = 1, FRA_SRC = 2, FRA_IIFNAME = 3, FRA_PRIORITY = 6, FRA_FWMARK = 10, FRA_TABLE = 15, FRA_FWMASK = 16,
            FRA_OIFNAME = 17;
    public static final int FR_ACT_TO_TBL = 1;

    // traffic control (linux/rtnetlink.h, pkt_sched.h)
    public static final int RTM_NEWQDISC = 36, RTM_DELQDISC = 37, RTM_GETQDISC = 38;
    public static final int TCA_KIND = 1, TCA_OPTIONS = 2;
    public static final int TC_H_ROOT = 0xFFFFFFFF;
    public static final int TCA_TBF_PARMS = 1, TCA_TBF_RATE64 = 4, TCA_TBF_BURST = 6;
    public static final int TC_LINKLAYER_ETHERNET = 1;
    public static final int TCA_NETEM_CORR = 1, TCA_NETEM_CORRUPT = 4, TCA_NETEM_RATE = 6, TCA_NETEM_RATE64 = 8,
            TCA_NETEM_LATENCY64 = 10, TCA_NETEM_JITTER64 = 11;
}
