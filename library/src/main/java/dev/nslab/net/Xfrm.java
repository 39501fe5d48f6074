package dev.nslab.net;

import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A namespace's IPsec tables (NETLINK_XFRM): its security associations (states) and security policies, as
 * {@code ip xfrm} adds, reads and removes them. The kernel's structures are laid out here once (xfrm.h); which
 * attributes a request carries is the caller's choice, through the {@code *Attr} helpers.
 */
public final class Xfrm implements AutoCloseable {
    public static final int NETLINK_XFRM = 6;

    public static final int MSG_NEWSA = 0x10, MSG_DELSA = 0x11, MSG_GETSA = 0x12, MSG_NEWPOLICY = 0x13, MSG_DELPOLICY = 0x14,
            MSG_GETPOLICY = 0x15, MSG_UPDPOLICY = 0x19, MSG_UPDSA = 0x1a, MSG_FLUSHSA = 0x1c, MSG_FLUSHPOLICY = 0x1d,
            MSG_GETSADINFO = 0x23, MSG_GETSPDINFO = 0x25;

    public static final int A_ALG_AUTH = 1, A_ALG_CRYPT = 2, A_ALG_COMP = 3, A_ENCAP = 4, A_TMPL = 5, A_SA = 6, A_POLICY = 7,
            A_SEC_CTX = 8, A_REPLAY_VAL = 10, A_SRCADDR = 13, A_COADDR = 14, A_LASTUSED = 15, A_POLICY_TYPE = 16,
            A_ALG_AEAD = 18, A_ALG_AUTH_TRUNC = 20, A_MARK = 21, A_TFCPAD = 22, A_REPLAY_ESN_VAL = 23, A_SA_EXTRA_FLAGS = 24,
            A_PROTO = 25, A_ADDRESS_FILTER = 26, A_OUTPUT_MARK = 28, A_SET_MARK_MASK = 30, A_IF_ID = 31;

    /** "no limit" in a lifetime. */
    public static final long INF = -1L;

    /** Sizes of the kernel's structures (x86-64 and every other ABI Linux has: u64 aligned to 8). */
    static final int SELECTOR = 56, USERSA_INFO = 224, USERPOLICY_INFO = 168, USER_TMPL = 64, USERSA_ID = 24, USERPOLICY_ID = 64,
            ALGO = 68;

    /** struct xfrm_selector: what traffic a policy or state applies to (ports are in host order here). */
    public record Selector(int family, byte[] daddr, byte[] saddr, int dport, int dportMask, int sport, int sportMask,
                           int prefixD, int prefixS, int proto, int ifindex, long user) {
        public static Selector empty() { return new Selector(0, new byte[16], new byte[16], 0, 0, 0, 0, 0, 0, 0, 0, 0); }

        public boolean isZero() {
            return family == 0 && java.util.Arrays.equals(daddr, new byte[16]) && java.util.Arrays.equals(saddr, new byte[16]) && dport == 0
                    && dportMask == 0 && sport == 0 && sportMask == 0 && prefixD == 0 && prefixS == 0 && proto == 0 && ifindex == 0 && user == 0;
        }
    }

    /** struct xfrm_id: destination, SPI (as the number it is) and IPsec protocol. */
    public record Id(byte[] daddr, long spi, int proto) { }

    /** struct xfrm_user_tmpl: one transform a policy requires. */
    public record Template(Id id, int family, byte[] saddr, long reqid, int mode, int share, int optional, int aalgos, int ealgos, int calgos) { }

    /** struct xfrm_lifetime_cfg (8 values: bytes soft/hard, packets soft/hard, add soft/hard, use soft/hard) and _cur (4). */
    public record Lifetime(long[] cfg, long[] cur) {
        public static Lifetime unlimited() { return new Lifetime(new long[] {INF, INF, INF, INF, 0, 0, 0, 0}, new long[4]); }
    }

    /** struct xfrm_userpolicy_info. */
    public record PolicyInfo(Selector sel, Lifetime lifetime, long priority, long index, int dir, int action, int flags, int share) { }

    /** struct xfrm_usersa_info; {@code stats} is replay_window, replay, integrity_failed. */
    public record SaInfo(Selector sel, Id id, byte[] saddr, Lifetime lifetime, long[] stats, long seq, long reqid, int family, int mode,
                         int replayWindow, int flags) { }

    /** A policy or state as the kernel reports it: the structure and the attributes after it. */
    public record Policy(int type, PolicyInfo info, Attrs attrs) { }

    public record Sa(int type, SaInfo info, Attrs attrs) { }

    /** The attributes after a structure, by type (XFRMA_*). */
    public static final class Attrs {
        private final NlAttrs a;

        Attrs(NlAttrs a) { this.a = a; }

        public boolean has(int type) { return a.has(type); }

        /** The value, its position 0 at its first byte (null when absent). */
        public ByteBuffer value(int type) { return a.value(type); }

        public byte[] bytes(int type) { return a.bytes(type); }

        public int u32(int type) { return a.u32(type, 0); }

        public long u64(int type) { return a.u64(type, 0); }
    }

    /** A request, ready to send: its message type and body. */
    public static final class Request {
        final NlRequest nl;

        Request(NlRequest nl) { this.nl = nl; }

        public int type() { return nl.type(); }

        /** The body (structure and attributes) as it goes to the kernel, after the netlink header. */
        public byte[] body() {
            ByteBuffer b = nl.body();
            byte[] raw = new byte[b.remaining()];
            b.get(raw);
            return raw;
        }
    }

    /** An algorithm attribute (xfrm_algo, _auth or _aead): {@code extra} is the truncation or ICV length in bits. */
    public record Algo(int type, String name, byte[] key, int extra) { }

    /** An attribute to send: its type and bytes. */
    public record Attr(int type, byte[] value) { }

    private final NetlinkSocket nl;

    private Xfrm(NetlinkSocket nl) { this.nl = nl; }

    /** The tables of {@code ns}. */
    public static Xfrm open(Namespaces registry, NsRef ns) {
        return new Xfrm(registry.call(ns, () -> NetlinkSocket.open(NETLINK_XFRM)));
    }

    // ---- requests (the bytes ip sends) -----------------------------------------------------------------------

    /** XFRM_MSG_NEWPOLICY / UPDPOLICY. */
    public static Request policyRequest(int type, PolicyInfo p, List<Attr> attrs) {
        NlRequest r = new NlRequest(type, 0).bytes(policyInfo(p));
        attrs.forEach(a -> r.attr(a.type(), a.value()));
        return new Request(r);
    }

    /** XFRM_MSG_NEWSA / UPDSA. */
    public static Request saRequest(int type, SaInfo s, List<Attr> attrs) {
        NlRequest r = new NlRequest(type, 0).bytes(saInfo(s));
        attrs.forEach(a -> r.attr(a.type(), a.value()));
        return new Request(r);
    }

    /** XFRM_MSG_GETPOLICY / DELPOLICY of the policy a selector (or index) and direction name. */
    public static Request policyIdRequest(int type, Selector sel, long index, int dir, List<Attr> attrs) {
        ByteBuffer b = buf(USERPOLICY_ID);
        selector(b, 0, sel);
        b.putInt(56, (int) index).put(60, (byte) dir);
        NlRequest r = new NlRequest(type, 0).bytes(b.array());
        attrs.forEach(a -> r.attr(a.type(), a.value()));
        return new Request(r);
    }

    /** XFRM_MSG_GETSA / DELSA of the state destination, SPI and protocol name (the source goes as XFRMA_SRCADDR). */
    public static Request saIdRequest(int type, byte[] daddr, long spi, int family, int proto, List<Attr> attrs) {
        ByteBuffer b = buf(USERSA_ID);
        b.put(0, daddr).order(ByteOrder.BIG_ENDIAN).putInt(16, (int) spi).order(ByteOrder.nativeOrder());
        b.putShort(20, (short) family).put(22, (byte) proto);
        NlRequest r = new NlRequest(type, 0).bytes(b.array());
        attrs.forEach(a -> r.attr(a.type(), a.value()));
        return new Request(r);
    }

    public static Request dumpRequest(int type, List<Attr> attrs) {
        NlRequest r = new NlRequest(type, NetlinkSocket.NLM_F_DUMP);
        attrs.forEach(a -> r.attr(a.type(), a.value()));
        return new Request(r);
    }

    /** XFRM_MSG_FLUSHSA of one IPsec protocol (0: every one): its one-byte body, as ip sends it. */
    public static Request flushSaRequest(int proto) { return new Request(new NlRequest(MSG_FLUSHSA, 0).u8(proto)); }

    public static Request flushPolicyRequest(List<Attr> attrs) {
        NlRequest r = new NlRequest(MSG_FLUSHPOLICY, 0);
        attrs.forEach(a -> r.attr(a.type(), a.value()));
        return new Request(r);
    }

    /** GETSADINFO / GETSPDINFO: a u32 of flags, all set, as ip sends it. */
    public static Request infoRequest(int type) { return new Request(new NlRequest(type, 0).u32(-1)); }

    // ---- attributes -----------------------------------------------------------------------------------------

    public static Attr templates(List<Template> tmpls) {
        ByteBuffer b = buf(USER_TMPL * tmpls.size());
        for (int i = 0; i < tmpls.size(); i++) {
            Template t = tmpls.get(i);
            int o = i * USER_TMPL;
            id(b, o, t.id());
            b.putShort(o + 24, (short) t.family()).put(o + 28, t.saddr()).putInt(o + 44, (int) t.reqid());
            b.put(o + 48, (byte) t.mode()).put(o + 49, (byte) t.share()).put(o + 50, (byte) t.optional());
            b.putInt(o + 52, t.aalgos()).putInt(o + 56, t.ealgos()).putInt(o + 60, t.calgos());
        }
        return new Attr(A_TMPL, b.array());
    }

    public static Attr algo(Algo a) {
        boolean extra = a.type() == A_ALG_AUTH_TRUNC || a.type() == A_ALG_AEAD;
        int head = ALGO + (extra ? 4 : 0);
        ByteBuffer b = buf(head + a.key().length);
        byte[] name = a.name().getBytes(StandardCharsets.UTF_8);
        b.put(0, name, 0, Math.min(63, name.length)).putInt(64, a.key().length * 8);
        if (extra) b.putInt(68, a.extra());
        b.put(head, a.key());
        return new Attr(a.type(), b.array());
    }

    /** struct xfrm_mark: value and mask. */
    public static Attr mark(int type, long value, long mask) { return new Attr(type, buf(8).putInt(0, (int) value).putInt(4, (int) mask).array()); }

    public static Attr u32(int type, long v) { return new Attr(type, buf(4).putInt(0, (int) v).array()); }

    public static Attr u8(int type, int v) { return new Attr(type, new byte[] {(byte) v}); }

    /** struct xfrm_userpolicy_type: the type, then three reserved bytes... of a 6-byte structure. */
    public static Attr policyType(int ptype) { return new Attr(A_POLICY_TYPE, buf(6).put(0, (byte) ptype).array()); }

    /** struct xfrm_user_sec_ctx and its text (NUL included), as ip builds it (doi 1, alg 1). */
    public static Attr securityContext(String ctx) {
        byte[] s = (ctx + "\0").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = buf(8 + s.length);
        b.putShort(0, (short) (8 + s.length)).putShort(2, (short) A_SEC_CTX).put(4, (byte) 1).put(5, (byte) 1).putShort(6, (short) s.length);
        b.put(8, s);
        return new Attr(A_SEC_CTX, b.array());
    }

    /** struct xfrm_encap_tmpl: type, source and destination ports (host order here), original address. */
    public static Attr encap(int type, int sport, int dport, byte[] oa) {
        ByteBuffer b = buf(24);
        b.putShort(0, (short) type).order(ByteOrder.BIG_ENDIAN).putShort(2, (short) sport).putShort(4, (short) dport).order(ByteOrder.nativeOrder());
        b.put(8, oa);
        return new Attr(A_ENCAP, b.array());
    }

    /** struct xfrm_address_filter for a state dump: source and destination prefixes of a family. */
    public static Attr addressFilter(byte[] saddr, byte[] daddr, int family, int splen, int dplen) {
        ByteBuffer b = buf(36);
        b.put(0, saddr).put(16, daddr).putShort(32, (short) family).put(34, (byte) splen).put(35, (byte) dplen);
        return new Attr(A_ADDRESS_FILTER, b.array());
    }

    public static Attr address(int type, byte[] a16) { return new Attr(type, a16.clone()); }

    // ---- operations ---------------------------------------------------------------------------------------------

    public void execute(Request r) { nl.execute(r.nl); }

    /** Every request, pipelined: null where it passed, the kernel's error where it failed. */
    public List<dev.nslab.error.KernelException> executeAll(List<Request> rs) { return nl.executeAll(rs.stream().map(r -> r.nl).toList()); }

    public Policy getPolicy(Request r) { return policy(nl.request(r.nl)); }

    public Sa getSa(Request r) { return sa(nl.request(r.nl)); }

    public List<Policy> policies() {
        List<Policy> out = new ArrayList<>();
        for (NlMessage m : nl.dump(dumpRequest(MSG_GETPOLICY, List.of()).nl)) if (m.type() == MSG_NEWPOLICY) out.add(policy(m));
        return out;
    }

    public List<Sa> states(List<Attr> filter) {
        List<Sa> out = new ArrayList<>();
        for (NlMessage m : nl.dump(dumpRequest(MSG_GETSA, filter).nl)) if (m.type() == MSG_NEWSA) out.add(sa(m));
        return out;
    }

    /** GETSADINFO / GETSPDINFO's attributes (after the u32 of flags). */
    public Attrs info(int type) { return new Attrs(nl.request(infoRequest(type).nl).attrs(4)); }

    @Override
    public void close() { nl.close(); }

    // ---- the structures -----------------------------------------------------------------------------------------

    private static ByteBuffer buf(int n) { return ByteBuffer.allocate(n).order(ByteOrder.nativeOrder()); }

    private static void selector(ByteBuffer b, int o, Selector s) {
        b.put(o, s.daddr()).put(o + 16, s.saddr());
        b.order(ByteOrder.BIG_ENDIAN).putShort(o + 32, (short) s.dport()).putShort(o + 34, (short) s.dportMask())
                .putShort(o + 36, (short) s.sport()).putShort(o + 38, (short) s.sportMask()).order(ByteOrder.nativeOrder());
        b.putShort(o + 40, (short) s.family()).put(o + 42, (byte) s.prefixD()).put(o + 43, (byte) s.prefixS()).put(o + 44, (byte) s.proto());
        b.putInt(o + 48, s.ifindex()).putInt(o + 52, (int) s.user());
    }

    private static Selector selector(ByteBuffer b, int o) {
        byte[] d = new byte[16], s = new byte[16];
        b.get(o, d).get(o + 16, s);
        ByteBuffer be = b.duplicate().order(ByteOrder.BIG_ENDIAN);
        return new Selector(Short.toUnsignedInt(b.getShort(o + 40)), d, s, Short.toUnsignedInt(be.getShort(o + 32)),
                Short.toUnsignedInt(be.getShort(o + 34)), Short.toUnsignedInt(be.getShort(o + 36)), Short.toUnsignedInt(be.getShort(o + 38)),
                Byte.toUnsignedInt(b.get(o + 42)), Byte.toUnsignedInt(b.get(o + 43)), Byte.toUnsignedInt(b.get(o + 44)), b.getInt(o + 48),
                Integer.toUnsignedLong(b.getInt(o + 52)));
    }

    private static void id(ByteBuffer b, int o, Id id) {
        b.put(o, id.daddr()).order(ByteOrder.BIG_ENDIAN).putInt(o + 16, (int) id.spi()).order(ByteOrder.nativeOrder()).put(o + 20, (byte) id.proto());
    }

    private static Id id(ByteBuffer b, int o) {
        byte[] d = new byte[16];
        b.get(o, d);
        return new Id(d, Integer.toUnsignedLong(b.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(o + 16)), Byte.toUnsignedInt(b.get(o + 20)));
    }

    private static void lifetime(ByteBuffer b, int o, Lifetime l) {
        for (int i = 0; i < 8; i++) b.putLong(o + 8 * i, l.cfg()[i]);
        for (int i = 0; i < 4; i++) b.putLong(o + 64 + 8 * i, l.cur()[i]);
    }

    private static Lifetime lifetime(ByteBuffer b, int o) {
        long[] cfg = new long[8], cur = new long[4];
        for (int i = 0; i < 8; i++) cfg[i] = b.getLong(o + 8 * i);
        for (int i = 0; i < 4; i++) cur[i] = b.getLong(o + 64 + 8 * i);
        return new Lifetime(cfg, cur);
    }

    static byte[] policyInfo(PolicyInfo p) {
        ByteBuffer b = buf(USERPOLICY_INFO);
        selector(b, 0, p.sel());
        lifetime(b, 56, p.lifetime());
        b.putInt(152, (int) p.priority()).putInt(156, (int) p.index());
        b.put(160, (byte) p.dir()).put(161, (byte) p.action()).put(162, (byte) p.flags()).put(163, (byte) p.share());
        return b.array();
    }

    static byte[] saInfo(SaInfo s) {
        ByteBuffer b = buf(USERSA_INFO);
        selector(b, 0, s.sel());
        id(b, 56, s.id());
        b.put(80, s.saddr());
        lifetime(b, 96, s.lifetime());
        for (int i = 0; i < 3; i++) b.putInt(192 + 4 * i, (int) s.stats()[i]);
        b.putInt(204, (int) s.seq()).putInt(208, (int) s.reqid()).putShort(212, (short) s.family());
        b.put(214, (byte) s.mode()).put(215, (byte) s.replayWindow()).put(216, (byte) s.flags());
        return b.array();
    }

    private static Policy policy(NlMessage m) {
        ByteBuffer b = m.payload().duplicate().order(ByteOrder.nativeOrder());
        if (m.type() == MSG_DELPOLICY) {
            NlAttrs a = m.attrs(USERPOLICY_ID);
            ByteBuffer inner = a.value(A_POLICY);
            return new Policy(m.type(), inner == null ? null : policyInfo(inner.order(ByteOrder.nativeOrder()), inner.position()), new Attrs(a));
        }
        return new Policy(m.type(), policyInfo(b, b.position()), new Attrs(m.attrs(USERPOLICY_INFO)));
    }

    private static PolicyInfo policyInfo(ByteBuffer b, int o) {
        return new PolicyInfo(selector(b, o), lifetime(b, o + 56), Integer.toUnsignedLong(b.getInt(o + 152)), Integer.toUnsignedLong(b.getInt(o + 156)),
                Byte.toUnsignedInt(b.get(o + 160)), Byte.toUnsignedInt(b.get(o + 161)), Byte.toUnsignedInt(b.get(o + 162)),
                Byte.toUnsignedInt(b.get(o + 163)));
    }

    private static Sa sa(NlMessage m) {
        ByteBuffer b = m.payload().duplicate().order(ByteOrder.nativeOrder());
        if (m.type() == MSG_DELSA) {
            NlAttrs a = m.attrs(USERSA_ID);
            ByteBuffer inner = a.value(A_SA);
            return new Sa(m.type(), inner == null ? null : saInfo(inner.order(ByteOrder.nativeOrder()), inner.position()), new Attrs(a));
        }
        return new Sa(m.type(), saInfo(b, b.position()), new Attrs(m.attrs(USERSA_INFO)));
    }

    private static SaInfo saInfo(ByteBuffer b, int o) {
        byte[] saddr = new byte[16];
        b.get(o + 80, saddr);
        long[] stats = {Integer.toUnsignedLong(b.getInt(o + 192)), Integer.toUnsignedLong(b.getInt(o + 196)), Integer.toUnsignedLong(b.getInt(o + 200))};
        return new SaInfo(selector(b, o), id(b, o + 56), saddr, lifetime(b, o + 96), stats, Integer.toUnsignedLong(b.getInt(o + 204)),
                Integer.toUnsignedLong(b.getInt(o + 208)), Short.toUnsignedInt(b.getShort(o + 212)), Byte.toUnsignedInt(b.get(o + 214)),
                Byte.toUnsignedInt(b.get(o + 215)), Byte.toUnsignedInt(b.get(o + 216)));
    }

    /** The templates of an XFRMA_TMPL attribute. */
    public static List<Template> templates(ByteBuffer v) {
        ByteBuffer b = v.duplicate().order(ByteOrder.nativeOrder());
        List<Template> out = new ArrayList<>();
        for (int o = b.position(); o + USER_TMPL <= b.limit(); o += USER_TMPL) {
            byte[] saddr = new byte[16];
            b.get(o + 28, saddr);
            out.add(new Template(id(b, o), Short.toUnsignedInt(b.getShort(o + 24)), saddr, Integer.toUnsignedLong(b.getInt(o + 44)),
                    Byte.toUnsignedInt(b.get(o + 48)), Byte.toUnsignedInt(b.get(o + 49)), Byte.toUnsignedInt(b.get(o + 50)),
                    b.getInt(o + 52), b.getInt(o + 56), b.getInt(o + 60)));
        }
        return out;
    }

    /** An algorithm attribute read back: name, key (as long as its length says, within the attribute) and extra. */
    public static Algo algo(int type, ByteBuffer v) {
        ByteBuffer b = v.duplicate().order(ByteOrder.nativeOrder());
        int o = b.position();
        byte[] raw = new byte[64];
        b.get(o, raw);
        int n = 0;
        while (n < 64 && raw[n] != 0) n++;
        boolean extra = type == A_ALG_AUTH_TRUNC || type == A_ALG_AEAD;
        int head = ALGO + (extra ? 4 : 0);
        int keyLen = b.getInt(o + 64) / 8;
        byte[] key = new byte[Math.max(0, Math.min(keyLen, b.limit() - o - head))];
        b.get(o + head, key);
        return new Algo(type, new String(raw, 0, n, StandardCharsets.UTF_8), key, extra ? b.getInt(o + 68) : 0);
    }
}
