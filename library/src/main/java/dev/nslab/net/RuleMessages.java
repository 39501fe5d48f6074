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

    private static NlRequest message(int type, int flags, Rule rule) {
        boolean add = type == RTM_NEWRULE;
        NlRequest r = new NlRequest(type, flags).u8(rule.family().code()).u8(rule.to() == null ? 0 : rule.to().prefixLength())
                .u8(rule.from() == null ? 0 : rule.from().prefixLength()).u8(0).u8(rule.table() < 256 ? rule.table() : 0).u8(0).u8(0)
                .u8(add || rule.table() != 0 ? FR_ACT_TO_TBL : 0).u32(0);
        if (rule.from() != null) r.attr(FRA_SRC, rule.from().address().getAddress());
        if (rule.to() != null) r.attr(FRA_DST, rule.to().address().getAddress());
        if (rule.iif() != null) r.attrString(FRA_IIFNAME, rule.iif());
        if (rule.oif() != null) r.attrString(FRA_OIFNAME, rule.oif());
        if (rule.priority() != null) r.attrU32(FRA_PRIORITY, rule.priority());
        if (rule.fwmark() != null) r.attrU32(FRA_FWMARK, (int) (long) rule.fwmark());
        if (rule.fwmask() != null) r.attrU32(FRA_FWMASK, (int) (long) rule.fwmask());
        if (rule.table() >= 256) r.attrU32(FRA_TABLE, rule.table()); // a smaller table fits the header, where ip puts it
        return r;
    }

    public static NlRequest dump(Family family) {
        return new NlRequest(RTM_GETRULE, NLM_F_DUMP).u8(family.code()).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
    }

    public static Rule parse(NlMessage m, Family family) {
        NlAttrs a = m.attrs(FIB_RULE_HDR_LEN);
        int dstLen = m.u8(1), srcLen = m.u8(2), table = a.u32(FRA_TABLE, m.u8(4));
        return new Rule(family, a.has(FRA_SRC) ? new Cidr(Cidr.fromBytes(a.bytes(FRA_SRC)), srcLen) : null,
                a.has(FRA_DST) ? new Cidr(Cidr.fromBytes(a.bytes(FRA_DST)), dstLen) : null, a.string(FRA_IIFNAME), a.string(FRA_OIFNAME),
                table, a.u32(FRA_PRIORITY, 0), a.has(FRA_FWMARK) ? a.u32(FRA_FWMARK, 0) & 0xFFFFFFFFL : null,
                a.has(FRA_FWMASK) ? a.u32(FRA_FWMASK, 0) & 0xFFFFFFFFL : null);
    }
}
