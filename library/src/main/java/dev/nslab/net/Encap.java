package dev.nslab.net;

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
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        attr(b, MPLS_IPTUNNEL_DST, stack.array());
        if (ttl != null) attr(b, MPLS_IPTUNNEL_TTL, new byte[] {(byte) (int) ttl});
        return new Encap(MPLS, java.util.Arrays.copyOf(b.array(), b.position()));
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
        ByteBuffer b = ByteBuffer.allocate(8 + srh.capacity()).order(ByteOrder.nativeOrder());
        attr(b, SEG6_IPTUNNEL_SRH, srh.array());
        return new Encap(SEG6, java.util.Arrays.copyOf(b.array(), b.position()));
    }

    /**
     * A tunnel's metadata for a collect-metadata device (ip and ip6 encapsulation): key id, addresses, TTL or hop
     * limit, TOS or traffic class, flags; a null is not sent. The same attribute numbers serve both families.
     */
    public static Encap ipTunnel(boolean v6, Long id, InetAddress src, InetAddress dst, Integer ttl, Integer tos, int flags) {
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.nativeOrder());
        if (id != null) attr(b, 1, ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(id).array());
        if (dst != null) attr(b, 2, dst.getAddress());
        if (src != null) attr(b, 3, src.getAddress());
        if (ttl != null) attr(b, 4, new byte[] {(byte) (int) ttl});
        if (tos != null) attr(b, 5, new byte[] {(byte) (int) tos});
        if (flags != 0) attr(b, 6, new byte[] {(byte) (flags >> 8), (byte) flags});
        return new Encap(v6 ? IP6 : IP, java.util.Arrays.copyOf(b.array(), b.position()));
    }

    /** What an ip or ip6 encapsulation holds (nulls where the kernel did not say). */
    public record IpTunnelInfo(Long id, InetAddress src, InetAddress dst, Integer ttl, Integer tos, int flags) { }

    /** What an MPLS encapsulation holds: the labels, top first, and the TTL (null: none). */
    public record MplsInfo(List<Integer> labels, Integer ttl) { }

    /** What an SRv6 encapsulation holds: the mode (an index of {@link #SEG6_MODES}), the segments in visiting order, the HMAC key id (0: none). */
    public record Seg6Info(int mode, List<InetAddress> segments, long hmac) { }

    /** This encapsulation read back: an {@link IpTunnelInfo}, {@link MplsInfo} or {@link Seg6Info}; null for other types or a malformed one. */
    public Object decode() {
        java.util.Map<Integer, byte[]> a = new java.util.HashMap<>();
        ByteBuffer b = ByteBuffer.wrap(attributes).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 4) {
            int len = Short.toUnsignedInt(b.getShort(b.position())), t = b.getShort(b.position() + 2) & 0x3fff;
            if (len < 4 || len > b.remaining()) break;
            byte[] v = new byte[len - 4];
            b.get(b.position() + 4, v);
            a.putIfAbsent(t, v);
            b.position(Math.min(b.limit(), b.position() + ((len + 3) & ~3)));
        }
        try {
            switch (type) {
                case IP, IP6 -> {
                    byte[] f = a.get(6);
                    return new IpTunnelInfo(a.containsKey(1) ? ByteBuffer.wrap(a.get(1)).order(ByteOrder.BIG_ENDIAN).getLong() : null,
                            a.containsKey(3) ? InetAddress.getByAddress(a.get(3)) : null, a.containsKey(2) ? InetAddress.getByAddress(a.get(2)) : null,
                            a.containsKey(4) ? Byte.toUnsignedInt(a.get(4)[0]) : null, a.containsKey(5) ? Byte.toUnsignedInt(a.get(5)[0]) : null,
                            f == null || f.length < 2 ? 0 : (f[0] & 0xff) << 8 | (f[1] & 0xff));
                }
                case MPLS -> {
                    List<Integer> labels = new java.util.ArrayList<>();
                    byte[] stack = a.getOrDefault(MPLS_IPTUNNEL_DST, new byte[0]);
                    ByteBuffer s = ByteBuffer.wrap(stack).order(ByteOrder.BIG_ENDIAN);
                    while (s.remaining() >= 4) {
                        int e = s.getInt();
                        labels.add(e >>> 12);
                        if ((e & 1 << 8) != 0) break;
                    }
                    return new MplsInfo(labels, a.containsKey(MPLS_IPTUNNEL_TTL) ? Byte.toUnsignedInt(a.get(MPLS_IPTUNNEL_TTL)[0]) : null);
                }
                case SEG6 -> {
                    byte[] v = a.get(SEG6_IPTUNNEL_SRH);
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

    private static void attr(ByteBuffer b, int type, byte[] value) {
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        while ((b.position() & 3) != 0) b.put((byte) 0);
    }
}
