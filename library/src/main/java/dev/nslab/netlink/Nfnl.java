package dev.nslab.netlink;

/**
 * nfnetlink and nf_tables numbers from linux/netfilter/nfnetlink.h and nf_tables.h. nf_tables values inside
 * attributes are big-endian (network order), unlike rtnetlink's; register contents are compared byte for byte.
 */
public final class Nfnl {
    private Nfnl() {}

    public static final int NFNL_MSG_BATCH_BEGIN = 0x10, NFNL_MSG_BATCH_END = 0x11;
    public static final int NFNL_SUBSYS_NFTABLES = 10;

    public static final int NFT_MSG_NEWTABLE = 0, NFT_MSG_GETTABLE = 1, NFT_MSG_DELTABLE = 2, NFT_MSG_NEWCHAIN = 3,
            NFT_MSG_NEWRULE = 6;

    public static final int NFPROTO_INET = 1, NFPROTO_IPV4 = 2, NFPROTO_NETDEV = 5, NFPROTO_IPV6 = 10;
    public static final int NF_INET_LOCAL_IN = 1, NF_INET_LOCAL_OUT = 3, NF_NETDEV_INGRESS = 0, NF_NETDEV_EGRESS = 1;
    public static final int NF_DROP = 0;

    public static final int NFTA_TABLE_NAME = 1;
    public static final int NFTA_CHAIN_TABLE = 1, NFTA_CHAIN_NAME = 3, NFTA_CHAIN_HOOK = 4, NFTA_CHAIN_POLICY = 5,
            NFTA_CHAIN_TYPE = 7;
    public static final int NFTA_HOOK_HOOKNUM = 1, NFTA_HOOK_PRIORITY = 2, NFTA_HOOK_DEV = 3;
    public static final int NFTA_RULE_TABLE = 1, NFTA_RULE_CHAIN = 2, NFTA_RULE_EXPRESSIONS = 4;
    public static final int NFTA_LIST_ELEM = 1, NFTA_EXPR_NAME = 1, NFTA_EXPR_DATA = 2;
    public static final int NFTA_DATA_VALUE = 1, NFTA_DATA_VERDICT = 2, NFTA_VERDICT_CODE = 1;
    public static final int NFTA_META_DREG = 1, NFTA_META_KEY = 2, NFT_META_NFPROTO = 15;
    public static final int NFTA_CMP_SREG = 1, NFTA_CMP_OP = 2, NFTA_CMP_DATA = 3, NFT_CMP_EQ = 0, NFT_CMP_LT = 2;
    public static final int NFTA_PAYLOAD_DREG = 1, NFTA_PAYLOAD_BASE = 2, NFTA_PAYLOAD_OFFSET = 3, NFTA_PAYLOAD_LEN = 4,
            NFT_PAYLOAD_NETWORK_HEADER = 1;
    public static final int NFTA_NG_DREG = 1, NFTA_NG_MODULUS = 2, NFTA_NG_TYPE = 3, NFT_NG_RANDOM = 1;
    public static final int NFTA_IMMEDIATE_DREG = 1, NFTA_IMMEDIATE_DATA = 2;
    public static final int NFT_REG_VERDICT = 0, NFT_REG_1 = 1;

    /** The message type of an nf_tables operation. */
    public static int nft(int msg) { return NFNL_SUBSYS_NFTABLES << 8 | msg; }

    /** {@code struct nfgenmsg}: family, version 0, resource id (big-endian). */
    public static NlRequest header(NlRequest r, int family, int resId) {
        return r.u8(family).u8(0).u16(Short.reverseBytes((short) resId));
    }
}
