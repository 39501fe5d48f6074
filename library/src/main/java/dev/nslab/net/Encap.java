package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlRequest;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A route's lightweight tunnel encapsulation ({@code ip route add ... encap TYPE ...}): the encapsulation's type
 * (RTA_ENCAP_TYPE) and the attributes nested in RTA_ENCAP, built as iproute2 builds them. Whether the kernel has the
 * type (MPLS, SRv6...) is its to say: one without refuses the route ("lwt encapsulation type not supported").
 */
public record Encap(int type, byte[] attributes) {
    public static final int MPLS = 1, IP = 2, IP6 = 4, SEG6 = 5;
    /** The kernel's tunnel flags (big-endian in the attribute, as iproute2 sends them). */
    public static final int TUNNEL_CSUM = 0x01, TUNNEL_KEY = 0x04, TUNNEL_SEQ = 0x08;
    /** SRv6 modes, in the kernel's numbering: inline, encap, l2encap, encap.red, l2encap.red. */
    public static final List<String> SEG6_MODES = List.of("inline", "encap", "l2encap", "encap.red", "l2encap.red");

    private static final int MPLS_IPTUNNEL_DST = 1, MPLS_IPTUNNEL_TTL = 2, SEG6_IPTUNNEL_SRH = 1;
    private static final int SRH_TYPE = 4, SR6_FLAG1_HMAC = 1 << 3, SR6_TLV_HMAC = 5;

    /** An MPLS label stack pushed onto the packets (the bottom label last), and the TTL to give them (null: the packet's). */
    public static Encap mpls(List<Integer> labels, Integer ttl) {
        ByteBuffer stack = ByteBuffer.allocate(4 * labels.size()).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < labels.size(); i++) stack.putInt(labels.get(i) << 12 | (i == labels.size() - 1 ? 1 << 8 : 0));
        NlRequest b = new NlRequest(0, 0).attr(MPLS_IPTUNNEL_DST, stack.array());
        if (ttl != null) b.attrU8(MPLS_IPTUNNEL_TTL, ttl);
        return new Encap(MPLS, bytes(b));
    }

    /**
     * An SRv6 segment list: {@code mode} an index of {@link #SEG6_MODES}, the segments in the order they are visited
     * (the header keeps them last first), {@code hmacKeyId} 0 for none. Inline mode keeps a place for the packet's own
     * destination at the end of the list, as the kernel expects.
     */
    public static Encap seg6(int mode, List<InetAddress> segments, long hmacKeyId) {
        int n = segments.size() + (mode == 0 ? 1 : 0);
        int srhLength = 8 + 16 * n + (hmacKeyId != 0 ? 40 : 0);
        ByteBuffer srh = ByteBuffer.allocate(4 + srhLength).order(ByteOrder.nativeOrder());
        srh.putInt(mode); // struct seg6_iptunnel_encap: an int in the host's order, then the header
        srh.put((byte) 0).put((byte) ((srhLength >> 3) - 1)).put((byte) SRH_TYPE).put((byte) (n - 1)).put((byte) (n - 1))
                .put((byte) (hmacKeyId != 0 ? SR6_FLAG1_HMAC : 0)).putShort((short) 0);
        byte[][] slots = new byte[n][];
        for (int i = 0; i < segments.size(); i++) slots[n - 1 - i] = segments.get(i).getAddress();
        for (byte[] s : slots) srh.put(s == null ? new byte[16] : s);
        if (hmacKeyId != 0) {
            srh.put((byte) SR6_TLV_HMAC).put((byte) 38).putShort((short) 0);
            srh.order(ByteOrder.BIG_ENDIAN).putInt((int) hmacKeyId).order(ByteOrder.nativeOrder());
            srh.put(new byte[32]);
        }
        return new Encap(SEG6, bytes(new NlRequest(0, 0).attr(SEG6_IPTUNNEL_SRH, srh.array())));
    }

    /**
     * A tunnel's metadata for a collect-metadata device (ip and ip6 encapsulation): key id, addresses, TTL or hop
     * limit, TOS or traffic class, flags; a null is not sent. The same attribute numbers serve both families.
     */
    public static Encap ipTunnel(boolean v6, Long id, InetAddress src, InetAddress dst, Integer ttl, Integer tos, int flags) {
        NlRequest b = new NlRequest(0, 0);
        if (id != null) b.attr(1, ByteBuffer.allocate(8).putLong(id).array()); // big-endian, as the kernel keeps a key id
        if (dst != null) b.attr(2, dst.getAddress());
        if (src != null) b.attr(3, src.getAddress());
        if (ttl != null) b.attrU8(4, ttl);
        if (tos != null) b.attrU8(5, tos);
        if (flags != 0) b.attr(6, new byte[] {(byte) (flags >> 8), (byte) flags});
        return new Encap(v6 ? IP6 : IP, bytes(b));
    }

    /** What an ip or ip6 encapsulation holds (nulls where the kernel did not say). */
    public record IpTunnelInfo(Long id, InetAddress src, InetAddress dst, Integer ttl, Integer tos, int flags) { }

    /** What an MPLS encapsulation holds: the labels, top first, and the TTL (null: none). */
    public record MplsInfo(List<Integer> labels, Integer ttl) { }

    /** What an SRv6 encapsulation holds: the mode (an index of {@link #SEG6_MODES}), the segments in visiting order, the HMAC key id (0: none). */
    public record Seg6Info(int mode, List<InetAddress> segments, long hmac) { }

    /** This encapsulation read back: an {@link IpTunnelInfo}, {@link MplsInfo} or {@link Seg6Info}; null for other types or a malformed one. */
    public Object decode() {
        NlAttrs a = NlAttrs.parse(ByteBuffer.wrap(attributes).order(ByteOrder.nativeOrder()), 0, attributes.length);
        try {
            switch (type) {
                case IP, IP6 -> {
                    byte[] f = a.bytes(6);
                    return new IpTunnelInfo(a.has(1) ? ByteBuffer.wrap(a.bytes(1)).getLong() : null,
                            a.has(3) ? InetAddress.getByAddress(a.bytes(3)) : null, a.has(2) ? InetAddress.getByAddress(a.bytes(2)) : null,
                            a.has(4) ? a.u8(4, 0) : null, a.has(5) ? a.u8(5, 0) : null,
                            f == null || f.length < 2 ? 0 : (f[0] & 0xff) << 8 | (f[1] & 0xff));
                }
                case MPLS -> {
                    List<Integer> labels = new java.util.ArrayList<>();
                    byte[] stack = a.has(MPLS_IPTUNNEL_DST) ? a.bytes(MPLS_IPTUNNEL_DST) : new byte[0];
                    ByteBuffer s = ByteBuffer.wrap(stack).order(ByteOrder.BIG_ENDIAN);
                    while (s.remaining() >= 4) {
                        int e = s.getInt();
                        labels.add(e >>> 12);
                        if ((e & 1 << 8) != 0) break;
                    }
                    return new MplsInfo(labels, a.has(MPLS_IPTUNNEL_TTL) ? a.u8(MPLS_IPTUNNEL_TTL, 0) : null);
                }
                case SEG6 -> {
                    byte[] v = a.bytes(SEG6_IPTUNNEL_SRH);
                    if (v == null || v.length < 12) return null;
                    ByteBuffer s = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
                    int mode = s.getInt(0), first = Byte.toUnsignedInt(v[4 + 4]), flags = Byte.toUnsignedInt(v[4 + 5]);
                    List<InetAddress> segs = new java.util.ArrayList<>();
                    for (int i = first; i >= 0 && 12 + 16 * (i + 1) <= v.length; i--) {
                        segs.add(InetAddress.getByAddress(java.util.Arrays.copyOfRange(v, 12 + 16 * i, 12 + 16 * (i + 1))));
                    }
                    long hmac = 0;
                    int srhLength = (Byte.toUnsignedInt(v[4 + 1]) + 1) << 3;
                    if ((flags & SR6_FLAG1_HMAC) != 0 && 4 + srhLength - 40 + 8 <= v.length) {
                        hmac = Integer.toUnsignedLong(ByteBuffer.wrap(v, 4 + srhLength - 40 + 4, 4).order(ByteOrder.BIG_ENDIAN).getInt());
                    }
                    return new Seg6Info(mode, segs, hmac);
                }
                default -> {
                    return null;
                }
            }
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return null; // not what the kernel sends
        }
    }

    private static byte[] bytes(NlRequest r) {
        ByteBuffer b = r.body();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
