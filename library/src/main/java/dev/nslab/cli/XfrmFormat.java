package dev.nslab.cli;

import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.NsRef;
import dev.nslab.net.Xfrm;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.nslab.cli.XfrmCmd.AF_INET;
import static dev.nslab.cli.XfrmCmd.AF_INET6;
import static dev.nslab.cli.XfrmCmd.GRE;
import static dev.nslab.cli.XfrmCmd.ICMP;
import static dev.nslab.cli.XfrmCmd.ICMPV6;
import static dev.nslab.cli.XfrmCmd.IPPROTO_AH;
import static dev.nslab.cli.XfrmCmd.IPPROTO_COMP;
import static dev.nslab.cli.XfrmCmd.IPPROTO_ESP;
import static dev.nslab.cli.XfrmCmd.MH;

/**
 * ip xfrm's output (ipxfrm.c, xfrm_state.c, xfrm_policy.c of iproute2 6.1): states and policies as ip prints them,
 * with -s's lifetimes, shares and masks and -o's one line a record.
 */
final class XfrmFormat {
    private final Cli cli;
    private final NsRef ns;
    /** The family of the command line (-4/-6, or the one its words came to): a selector without one is printed in it. */
    private final Family preferred;

    /** The namespace's link names, dumped once for a listing, and only where a selector names a device. */
    private java.util.Map<Integer, String> names;

    private java.util.Map<Integer, String> linkNames() {
        if (names == null) names = cli.handle(ns).linkNames();
        return names;
    }

    XfrmFormat(Cli cli, NsRef ns, Family preferred) {
        this.cli = cli;
        this.ns = ns;
        this.preferred = preferred;
    }


    /** ip's _SL_: a line break, or with -o the backslash that stands for one. */
    private String sl() { return cli.oneline ? "\\" : "\n"; }



    private String addr(int family, byte[] a16) {
        int f = family == 0 ? Family.codeOf(preferred) : family;
        try {
            if (f == AF_INET6) return Cidr.format(InetAddress.getByAddress(a16));
            if (f == AF_INET) return Cidr.format(InetAddress.getByAddress(java.util.Arrays.copyOf(a16, 4)));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return "???";
    }


    private void selector(StringBuilder o, Xfrm.Selector s, int family, String prefix) {
        int f = s.family() != 0 ? s.family() : family;
        if (prefix != null) o.append(prefix);
        o.append("src ").append(addr(f, s.saddr())).append('/').append(s.prefixS()).append(' ');
        o.append("dst ").append(addr(f, s.daddr())).append('/').append(s.prefixD()).append(' ');
        if (s.proto() != 0) o.append("proto ").append(XfrmCmd.protocolName(s.proto())).append(' ');
        switch (s.proto()) {
            case ICMP, ICMPV6 -> {
                if (s.sportMask() != 0) o.append("type ").append(s.sport()).append(' ');
                if (s.dportMask() != 0) o.append("code ").append(s.dport()).append(' ');
            }
            case GRE -> {
                if (s.sportMask() != 0 || s.dportMask() != 0) o.append("key ").append(((long) s.sport() << 16) + s.dport()).append(' ');
            }
            case MH -> {
                if (s.sportMask() != 0) o.append("type ").append(s.sport()).append(' ');
                if (s.dportMask() != 0 && cli.stats > 0) o.append("(dport) 0x").append(String.format("%04x", Short.reverseBytes((short) s.dport()) & 0xffff)).append(' ');
            }
            default -> {
                if (s.sportMask() != 0) o.append("sport ").append(s.sport()).append(' ');
                if (s.dportMask() != 0) o.append("dport ").append(s.dport()).append(' ');
            }
        }
        if (s.ifindex() > 0) o.append("dev ").append(linkNames().getOrDefault(s.ifindex(), "if" + s.ifindex())).append(' ');
        if (cli.stats > 0) o.append("uid ").append(s.user());
        o.append(sl());
    }

    private void idInfo(StringBuilder o, byte[] saddr, Xfrm.Id id, int mode, long reqid, int family, boolean forceSpi, String prefix, String title) {
        if (title != null) o.append(title);
        o.append("src ").append(addr(family, saddr)).append(' ');
        o.append("dst ").append(addr(family, id.daddr())).append(sl());
        if (prefix != null) o.append(prefix);
        o.append('\t').append("proto ").append(XfrmCmd.xfrmProtoName(id.proto())).append(' ');
        if (cli.stats > 0 || forceSpi || id.spi() != 0) {
            o.append(String.format("spi 0x%08x", id.spi()));
            if (cli.stats > 0) o.append('(').append(id.spi()).append(')');
            o.append(' ');
        }
        o.append("reqid ").append(reqid);
        if (cli.stats > 0) o.append(String.format("(0x%08x)", reqid));
        o.append(' ').append("mode ").append(XfrmCmd.modeName(mode)).append(sl());
    }

    private static String flagList(int flags, String... names) {
        StringBuilder b = new StringBuilder();
        int f = flags;
        for (int i = 0; i < names.length; i++) {
            int bit = 1 << i;
            if ((f & bit) != 0) {
                f &= ~bit;
                b.append(names[i]).append(f != 0 ? " " : "");
            }
        }
        if (f != 0) b.append(Integer.toHexString(f));
        return b.toString();
    }

    private static String mask8(int m) {
        StringBuilder b = new StringBuilder();
        for (int bit = 0x80; bit > 0; bit >>= 1) b.append((m & bit) != 0 ? '1' : '0');
        return b.toString();
    }

    private static String share(int s) {
        return switch (s) {
            case 0 -> "any";
            case 1 -> "session";
            case 2 -> "user";
            case 3 -> "unique";
            default -> Integer.toString(s);
        };
    }

    private static String limit(long v) { return v == Xfrm.INF ? "(INF)" : Long.toUnsignedString(v); }

    private static String time(long t) {
        if (t == 0) return "-";
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                .format(java.time.Instant.ofEpochSecond(t).atZone(java.time.ZoneId.systemDefault()));
    }

    private void lifetimes(StringBuilder o, Xfrm.Lifetime l, String prefix) {
        long[] c = l.cfg(), u = l.cur();
        String p = prefix == null ? "" : prefix;
        o.append(p).append("lifetime config:").append(sl());
        o.append(p).append("  limit: soft ").append(limit(c[0])).append("(bytes), hard ").append(limit(c[1])).append("(bytes)").append(sl());
        o.append(p).append("  limit: soft ").append(limit(c[2])).append("(packets), hard ").append(limit(c[3])).append("(packets)").append(sl());
        o.append(p).append("  expire add: soft ").append(Long.toUnsignedString(c[4])).append("(sec), hard ").append(Long.toUnsignedString(c[5])).append("(sec)").append(sl());
        o.append(p).append("  expire use: soft ").append(Long.toUnsignedString(c[6])).append("(sec), hard ").append(Long.toUnsignedString(c[7])).append("(sec)").append(sl());
        o.append(p).append("lifetime current:").append(sl());
        o.append(p).append("  ").append(Long.toUnsignedString(u[0])).append("(bytes), ").append(Long.toUnsignedString(u[1])).append("(packets)").append(sl());
        o.append(p).append("  add ").append(time(u[2])).append(' ').append("use ").append(time(u[3])).append(sl());
    }

    private void algo(StringBuilder o, Xfrm.Algo a, String prefix, boolean nokeys, boolean newline) {
        if (prefix != null) o.append(prefix);
        o.append(XfrmCmd.algoTypeName(a.type())).append(' ').append(a.name()).append(' ');
        if (nokeys) o.append("<<Keys hidden>>");
        else if (a.key().length > 0) {
            o.append("0x");
            for (byte k : a.key()) o.append(String.format("%02x", k & 0xff));
            if (cli.stats > 0) o.append(" (").append(a.key().length * 8).append(" bits)");
        }
        if (newline) o.append(sl());
    }

    /** xfrm_xfrma_print: marks, algorithms, encapsulation, templates and the rest, in ip's order. */
    private void xfrma(StringBuilder o, Xfrm.Attrs tb, int family, String prefix, boolean nokeys) {
        ByteBuffer mark = tb.value(Xfrm.A_MARK);
        if (mark != null) {
            o.append("\tmark ").append(hex(mark.getInt(0))).append('/').append(hex(mark.getInt(4))).append(' ');
            if (tb.has(Xfrm.A_OUTPUT_MARK)) outputMark(o, tb);
            o.append(sl());
        } else if (tb.has(Xfrm.A_OUTPUT_MARK)) {
            o.append('\t');
            outputMark(o, tb);
            o.append(sl());
        }
        if (tb.has(Xfrm.A_ALG_AUTH) && !tb.has(Xfrm.A_ALG_AUTH_TRUNC)) algo(o, Xfrm.algo(Xfrm.A_ALG_AUTH, tb.value(Xfrm.A_ALG_AUTH)), prefix, nokeys, true);
        if (tb.has(Xfrm.A_ALG_AUTH_TRUNC)) {
            Xfrm.Algo a = Xfrm.algo(Xfrm.A_ALG_AUTH_TRUNC, tb.value(Xfrm.A_ALG_AUTH_TRUNC));
            algo(o, a, prefix, nokeys, false);
            o.append(' ').append(a.extra()).append(sl());
        }
        if (tb.has(Xfrm.A_ALG_AEAD)) {
            Xfrm.Algo a = Xfrm.algo(Xfrm.A_ALG_AEAD, tb.value(Xfrm.A_ALG_AEAD));
            algo(o, a, prefix, nokeys, false);
            o.append(' ').append(a.extra()).append(sl());
        }
        if (tb.has(Xfrm.A_ALG_CRYPT)) algo(o, Xfrm.algo(Xfrm.A_ALG_CRYPT, tb.value(Xfrm.A_ALG_CRYPT)), prefix, nokeys, true);
        if (tb.has(Xfrm.A_ALG_COMP)) algo(o, Xfrm.algo(Xfrm.A_ALG_COMP, tb.value(Xfrm.A_ALG_COMP)), prefix, nokeys, true);
        ByteBuffer e = tb.value(Xfrm.A_ENCAP);
        if (e != null) {
            if (prefix != null) o.append(prefix);
            o.append("encap ").append("type ");
            int t = Short.toUnsignedInt(e.getShort(0));
            o.append(switch (t) {
                case 1 -> "espinudp-nonike";
                case 2 -> "espinudp";
                case 7 -> "espintcp";
                default -> Integer.toString(t);
            }).append(' ');
            ByteBuffer be = e.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
            byte[] oa = new byte[16];
            e.get(8, oa);
            o.append("sport ").append(Short.toUnsignedInt(be.getShort(2))).append(' ').append("dport ").append(Short.toUnsignedInt(be.getShort(4)))
                    .append(' ').append("addr ").append(addr(family, oa)).append(sl());
        }
        ByteBuffer tmpl = tb.value(Xfrm.A_TMPL);
        if (tmpl != null) {
            List<Xfrm.Template> ts = Xfrm.templates(tmpl);
            if (ts.isEmpty()) {
                if (prefix != null) o.append(prefix);
                o.append("(ERROR \"tmpl\" truncated)").append(sl());
            }
            for (Xfrm.Template t : ts) {
                if (prefix != null) o.append(prefix);
                idInfo(o, t.saddr(), t.id(), t.mode(), t.reqid(), t.family(), false, prefix, "tmpl ");
                if (cli.stats > 0 || t.optional() != 0) {
                    if (prefix != null) o.append(prefix);
                    o.append('\t');
                    if (t.optional() == 0) {
                        if (cli.stats > 0) o.append("level required ");
                    } else if (t.optional() == 1) o.append("level use ");
                    else o.append("level ").append(t.optional()).append(' ');
                    if (cli.stats > 0) o.append("share ").append(share(t.share())).append(' ');
                    o.append(sl());
                }
                if (cli.stats > 0) {
                    if (prefix != null) o.append(prefix);
                    o.append('\t').append(String.format("enc-mask %08x auth-mask %08x comp-mask %08x", t.ealgos(), t.aalgos(), t.calgos())).append(sl());
                }
            }
        }
        byte[] coa = tb.bytes(Xfrm.A_COADDR);
        if (coa != null && coa.length >= 16) {
            if (prefix != null) o.append(prefix);
            o.append("coa ").append(addr(family, coa)).append(sl());
        }
        if (tb.has(Xfrm.A_LASTUSED)) {
            if (prefix != null) o.append(prefix);
            o.append("lastused ").append(time(tb.u64(Xfrm.A_LASTUSED))).append(sl());
        }
        ByteBuffer replay = tb.value(Xfrm.A_REPLAY_VAL);
        if (replay != null && replay.remaining() >= 12) {
            if (prefix != null) o.append(prefix);
            o.append("anti-replay context: ").append(String.format("seq 0x%x, oseq 0x%x, bitmap 0x%08x", replay.getInt(4), replay.getInt(0), replay.getInt(8)))
                    .append(sl());
        }
        ByteBuffer esn = tb.value(Xfrm.A_REPLAY_ESN_VAL);
        if (esn != null && esn.remaining() >= 24) {
            if (prefix != null) o.append(prefix);
            o.append("anti-replay esn context:").append(sl());
            if (prefix != null) o.append(prefix);
            o.append(String.format(" seq-hi 0x%x, seq 0x%x, oseq-hi 0x%x, oseq 0x%x", esn.getInt(16), esn.getInt(8), esn.getInt(12), esn.getInt(4))).append(sl());
            if (prefix != null) o.append(prefix);
            int bmpLen = esn.getInt(0);
            o.append(" replay_window ").append(Integer.toUnsignedLong(esn.getInt(20))).append(", bitmap-length ").append(Integer.toUnsignedLong(bmpLen));
            for (int i = bmpLen, j = 0; i > 0 && 24 + 4 * i <= esn.remaining(); i--) {
                if (j++ % 8 == 0) {
                    o.append(sl());
                    if (prefix != null) o.append(prefix);
                    o.append(' ');
                }
                o.append(String.format("%08x ", esn.getInt(24 + 4 * (i - 1))));
            }
            o.append(sl());
        }
        if (tb.has(Xfrm.A_IF_ID)) {
            if (prefix != null) o.append(prefix);
            o.append("if_id ").append(hex(tb.u32(Xfrm.A_IF_ID))).append(sl());
        }
        if (tb.has(Xfrm.A_TFCPAD)) {
            if (prefix != null) o.append(prefix);
            o.append("tfcpad ").append(Integer.toUnsignedLong(tb.u32(Xfrm.A_TFCPAD))).append(sl());
        }
    }

    /** C's %#x: 0 plain, anything else with 0x. */
    private static String hex(int v) { return v == 0 ? "0" : "0x" + Integer.toHexString(v); }

    private static void outputMark(StringBuilder o, Xfrm.Attrs tb) {
        o.append("output-mark 0x").append(Integer.toHexString(tb.u32(Xfrm.A_OUTPUT_MARK)));
        if (tb.has(Xfrm.A_SET_MARK_MASK)) o.append("/0x").append(Integer.toHexString(tb.u32(Xfrm.A_SET_MARK_MASK)));
    }

    private void secCtx(StringBuilder o, Xfrm.Attrs tb) {
        ByteBuffer c = tb.value(Xfrm.A_SEC_CTX);
        o.append("\tsecurity context ");
        if (c.remaining() < 8) o.append("(ERROR truncated)");
        int len = Short.toUnsignedInt(c.getShort(6));
        byte[] s = new byte[Math.max(0, Math.min(len, c.remaining() - 8))];
        c.get(8, s);
        int n = 0;
        while (n < s.length && s[n] != 0) n++;
        o.append(new String(s, 0, n, StandardCharsets.UTF_8)).append(' ').append(sl());
    }

    void state(StringBuilder o, Xfrm.Sa sa, boolean nokeys) {
        if (sa.info() == null) return;
        if (sa.type() == Xfrm.MSG_DELSA) o.append("Deleted ");
        else if (sa.type() == Xfrm.MSG_UPDSA) o.append("Updated ");
        Xfrm.SaInfo s = sa.info();
        Xfrm.Attrs tb = sa.attrs();
        int proto = s.id().proto();
        idInfo(o, s.saddr(), s.id(), s.mode(), s.reqid(), s.family(), proto == IPPROTO_ESP || proto == IPPROTO_AH || proto == IPPROTO_COMP, null, null);
        String buf = "\t";
        o.append(buf).append("replay-window ").append(s.replayWindow()).append(' ');
        if (cli.stats > 0) o.append(String.format("seq 0x%08d ", s.seq()));
        if (cli.stats > 0 || s.flags() != 0) {
            o.append("flag ").append(flagList(s.flags(), "noecn", "decap-dscp", "nopmtudisc", "wildrecv", "icmp", "af-unspec", "align4", "esn"));
        }
        if (cli.stats > 0 && tb.has(Xfrm.A_SA_EXTRA_FLAGS)) {
            o.append("extra_flag ").append(flagList(tb.u32(Xfrm.A_SA_EXTRA_FLAGS), "dont-encap-dscp", "oseq-may-wrap"));
        }
        if (cli.stats > 0) o.append(" (0x").append(mask8(s.flags())).append(')');
        o.append(sl());
        xfrma(o, tb, s.family(), buf, nokeys);
        if (!s.sel().isZero()) selector(o, s.sel(), s.family(), buf + "sel ");
        if (cli.stats > 0) {
            lifetimes(o, s.lifetime(), buf);
            o.append(buf).append("stats:").append(sl());
            o.append(buf).append("  replay-window ").append(s.stats()[0]).append(" replay ").append(s.stats()[1]).append(" failed ").append(s.stats()[2]).append(sl());
        }
        if (tb.has(Xfrm.A_SEC_CTX)) secCtx(o, tb);
        if (cli.oneline) o.append('\n');
    }

    void policy(StringBuilder o, Xfrm.Policy p, String prefix) {
        if (p.info() == null) return;
        if (p.type() == Xfrm.MSG_DELPOLICY) o.append("Deleted ");
        else if (p.type() == Xfrm.MSG_UPDPOLICY) o.append("Updated ");
        Xfrm.PolicyInfo i = p.info();
        Xfrm.Attrs tb = p.attrs();
        selector(o, i.sel(), Family.codeOf(preferred), null);
        if (tb.has(Xfrm.A_SEC_CTX)) secCtx(o, tb);
        String buf = (prefix == null ? "" : prefix) + "\t";
        o.append(buf);
        int dir = i.dir();
        if (dir >= 3) {
            dir -= 3;
            o.append("socket ");
        } else o.append("dir ");
        o.append(switch (dir) {
            case 0 -> "in";
            case 1 -> "out";
            case 2 -> "fwd";
            default -> Integer.toString(dir);
        }).append(' ');
        switch (i.action()) {
            case 0 -> { if (cli.stats > 0) o.append("action allow "); }
            case 1 -> o.append("action block ");
            default -> o.append("action ").append(i.action()).append(' ');
        }
        if (cli.stats > 0) o.append("index ").append(i.index()).append(' ');
        o.append("priority ").append(i.priority()).append(' ');
        ByteBuffer upt = tb.value(Xfrm.A_POLICY_TYPE);
        if (upt != null) {
            o.append("ptype ");
            if (upt.remaining() < 6) o.append("(ERROR truncated)");
            int t = Byte.toUnsignedInt(upt.get(0));
            o.append(t == 0 ? "main" : t == 1 ? "sub" : Integer.toString(t)).append(' ');
        }
        if (cli.stats > 0) o.append("share ").append(share(i.share())).append(' ');
        if (cli.stats > 0 || i.flags() != 0) o.append("flag ").append(flagList(i.flags(), "localok", "icmp"));
        if (cli.stats > 0) o.append(" (0x").append(mask8(i.flags())).append(')');
        o.append(sl());
        if (cli.stats > 0) lifetimes(o, i.lifetime(), buf);
        xfrma(o, tb, i.sel().family(), buf, false);
        if (cli.oneline) o.append('\n');
    }

    /** print_spdinfo: the policy counts (with -s the sockets', with -s -s the hash buckets and thresholds). */
    String spdInfo(Xfrm.Attrs a) {
        StringBuilder b = new StringBuilder("\t SPD");
        ByteBuffer si = a.value(1);
        if (si != null && si.remaining() >= 24) {
            b.append(" IN  ").append(si.getInt(0)).append(" OUT ").append(si.getInt(4)).append(" FWD ").append(si.getInt(8));
            if (cli.stats > 0) b.append(" (Sock: IN ").append(si.getInt(12)).append(" OUT ").append(si.getInt(16)).append(" FWD ").append(si.getInt(20)).append(")");
            b.append(sl());
        }
        ByteBuffer sh = a.value(2);
        if (cli.stats > 1 && sh != null && sh.remaining() >= 8) {
            b.append("\t SPD buckets: count ").append(sh.getInt(0)).append(" Max ").append(sh.getInt(4)).append(sl());
        }
        if (cli.stats > 1) {
            for (int t = 3; t <= 4; t++) {
                ByteBuffer th = a.value(t);
                if (th == null || th.remaining() < 2) continue;
                b.append("\t SPD IPv").append(t == 3 ? 4 : 6).append(" thresh: LBITS ").append(Byte.toUnsignedInt(th.get(0)))
                        .append(" RBITS ").append(Byte.toUnsignedInt(th.get(1))).append(sl());
            }
        }
        if (cli.oneline) b.append('\n');
        return b.toString();
    }

    /** print_sadinfo: the state count (with -s the hash buckets). */
    String sadInfo(Xfrm.Attrs a) {
        if (!a.has(1)) return "BAD SAD info returned\n";
        StringBuilder b = new StringBuilder("\t SAD count ").append(Integer.toUnsignedLong(a.u32(1)));
        ByteBuffer h = a.value(2);
        if (cli.stats > 0 && h != null && h.remaining() >= 8) b.append(" (buckets count ").append(h.getInt(0)).append(" Max ").append(h.getInt(4)).append(")");
        return b.append('\n').toString();
    }
}
