package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_EXCL;
import static dev.nslab.netlink.Rtnl.*;

/** The rtnetlink messages of policy routing rules (struct fib_rule_hdr and its attributes). Pure. */
public final class RuleMessages {
    private RuleMessages() {}

    public static NlRequest add(Rule rule) { return message(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, rule); }

    public static NlRequest delete(Rule rule) { return message(RTM_DELRULE, 0, rule); }

    private static final int FRA_GOTO = 4, FRA_FLOW = 11, FRA_SUPPRESS_IFGROUP = 13, FRA_SUPPRESS_PREFIXLEN = 14, FRA_L3MDEV = 19,
            FRA_UID_RANGE = 20, FRA_PROTOCOL = 21, FRA_IP_PROTO = 22, FRA_SPORT_RANGE = 23, FRA_DPORT_RANGE = 24;

    /** The request for {@code rule}, its attributes in the order ip sends them for the same words in ip's order. */
    private static NlRequest message(int type, int flags, Rule rule) {
        boolean add = type == RTM_NEWRULE;
        int action = rule.action() != 0 ? rule.action() : add || rule.table() != 0 ? FR_ACT_TO_TBL : 0;
        NlRequest r = new NlRequest(type, flags).u8(rule.family().code()).u8(rule.to() == null ? 0 : rule.to().prefixLength())
                .u8(rule.from() == null ? 0 : rule.from().prefixLength()).u8(rule.tos()).u8(rule.table() < 256 ? rule.table() : 0).u8(0).u8(0)
                .u8(action).u32(rule.not() ? Rule.INVERT : 0);
        if (rule.from() != null) r.attr(FRA_SRC, rule.from().address().getAddress());
        if (rule.to() != null) r.attr(FRA_DST, rule.to().address().getAddress());
        if (rule.priority() != null) r.attrU32(FRA_PRIORITY, rule.priority());
        if (rule.fwmark() != null) r.attrU32(FRA_FWMARK, (int) (long) rule.fwmark());
        if (rule.fwmask() != null) r.attrU32(FRA_FWMASK, (int) (long) rule.fwmask());
        if (rule.realms() != null) r.attrU32(FRA_FLOW, rule.realms());
        if (rule.protocol() != null) r.attrU8(FRA_PROTOCOL, rule.protocol());
        if (rule.table() >= 256) r.attrU32(FRA_TABLE, rule.table()); // a smaller table fits the header, where ip puts it
        if (rule.suppressPrefixlen() != null) r.attrU32(FRA_SUPPRESS_PREFIXLEN, rule.suppressPrefixlen());
        if (rule.suppressIfgroup() != null) r.attrU32(FRA_SUPPRESS_IFGROUP, rule.suppressIfgroup());
        if (rule.iif() != null) r.attrString(FRA_IIFNAME, rule.iif());
        if (rule.oif() != null) r.attrString(FRA_OIFNAME, rule.oif());
        if (rule.l3mdev()) r.attrU8(FRA_L3MDEV, 1);
        if (rule.uids() != null) r.attr(FRA_UID_RANGE, range(rule.uids(), 4));
        if (rule.ipproto() != null) r.attrU8(FRA_IP_PROTO, rule.ipproto());
        if (rule.sport() != null) r.attr(FRA_SPORT_RANGE, range(rule.sport(), 2));
        if (rule.dport() != null) r.attr(FRA_DPORT_RANGE, range(rule.dport(), 2));
        if (rule.gotoTarget() != null) r.attrU32(FRA_GOTO, rule.gotoTarget());
        return r;
    }

    /** struct fib_rule_port_range (two u16) or fib_rule_uid_range (two u32), in host order. */
    private static byte[] range(Rule.Range v, int width) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 * width).order(java.nio.ByteOrder.nativeOrder());
        if (width == 2) b.putShort((short) v.start()).putShort((short) v.end());
        else b.putInt((int) v.start()).putInt((int) v.end());
        return b.array();
    }

    private static Rule.Range range(java.nio.ByteBuffer v, int width) {
        if (v == null) return null;
        java.nio.ByteBuffer b = v.duplicate().order(java.nio.ByteOrder.nativeOrder());
        return width == 2 ? new Rule.Range(Short.toUnsignedInt(b.getShort(0)), Short.toUnsignedInt(b.getShort(2)))
                : new Rule.Range(Integer.toUnsignedLong(b.getInt(0)), Integer.toUnsignedLong(b.getInt(4)));
    }

    public static NlRequest dump(Family family) {
        return new NlRequest(RTM_GETRULE, NLM_F_DUMP).u8(family.code()).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
    }

    /** A rule as the kernel lists it (the one of priority 0 has no FRA_PRIORITY: 0). */
    public static Rule parse(NlMessage m, Family family) {
        NlAttrs a = m.attrs(FIB_RULE_HDR_LEN);
        int dstLen = m.u8(1), srcLen = m.u8(2), table = a.u32(FRA_TABLE, m.u8(4)), flags = m.i32(8);
        return new Rule(family, a.has(FRA_SRC) ? new Cidr(Cidr.fromBytes(a.bytes(FRA_SRC)), srcLen) : null,
                a.has(FRA_DST) ? new Cidr(Cidr.fromBytes(a.bytes(FRA_DST)), dstLen) : null, a.string(FRA_IIFNAME), a.string(FRA_OIFNAME),
                table, a.u32(FRA_PRIORITY, 0), a.has(FRA_FWMARK) ? a.u32(FRA_FWMARK, 0) & 0xFFFFFFFFL : null,
                a.has(FRA_FWMASK) ? a.u32(FRA_FWMASK, 0) & 0xFFFFFFFFL : null, (flags & Rule.INVERT) != 0, m.u8(3), m.u8(7),
                a.has(FRA_GOTO) ? a.u32(FRA_GOTO, 0) : null, a.has(FRA_FLOW) ? a.u32(FRA_FLOW, 0) : null,
                a.has(FRA_PROTOCOL) ? a.u8(FRA_PROTOCOL, 0) : null, a.has(FRA_IP_PROTO) ? a.u8(FRA_IP_PROTO, 0) : null,
                range(a.value(FRA_SPORT_RANGE), 2), range(a.value(FRA_DPORT_RANGE), 2), range(a.value(FRA_UID_RANGE), 4),
                a.has(FRA_SUPPRESS_PREFIXLEN) ? a.u32(FRA_SUPPRESS_PREFIXLEN, -1) : null,
                a.has(FRA_SUPPRESS_IFGROUP) ? a.u32(FRA_SUPPRESS_IFGROUP, -1) : null, a.has(FRA_L3MDEV) && a.u8(FRA_L3MDEV, 0) != 0, flags);
    }

    /** RTM_DELRULE of a rule as the kernel listed it (ip rule flush sends the listing back): its priority decides. */
    public static NlRequest deleteListed(Rule rule) { return message(RTM_DELRULE, 0, rule); }
}
