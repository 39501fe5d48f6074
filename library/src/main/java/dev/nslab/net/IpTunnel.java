package dev.nslab.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An IPv4 tunnel's parameters as the kernel's tunnel ioctls carry them (struct ip_tunnel_parm): the ipip, gre, sit and
 * vti devices of {@code ip tunnel}. Made, changed and removed through the base device of their kind (gre0, tunl0,
 * sit0, ip_vti0), which exists only where the kernel has that driver.
 *
 * @param name     the tunnel device's name ("" for the kernel to choose one)
 * @param link     the index of the device the tunnel's packets leave by, 0 for any
 * @param iFlags   input flags, in the bit order of the struct's big-endian field read as this machine's short
 *                 ({@link #GRE_KEY}, {@link #GRE_SEQ}, {@link #GRE_CSUM}, {@link #ISVTI})
 * @param oFlags   output flags, the same way
 * @param iKey     the input key (GRE), as a number
 * @param oKey     the output key
 * @param tos      the outer header's TOS (1: inherited)
 * @param dontFragment whether path MTU discovery is on (the outer header's DF bit)
 * @param ttl      the outer header's TTL, 0 inherited
 * @param protocol IPPROTO_IPIP, IPPROTO_GRE or IPPROTO_IPV6 (sit)
 * @param local    the outer source address (4 bytes, zeros for any)
 * @param remote   the outer destination address (4 bytes, zeros for any)
 */
public record IpTunnel(String name, int link, int iFlags, int oFlags, long iKey, long oKey, int tos, boolean dontFragment,
                       int ttl, int protocol, byte[] local, byte[] remote) {

    public static final int IPPROTO_IPIP = 4, IPPROTO_GRE = 47, IPPROTO_IPV6 = 41;
    /** Flag bits (if_tunnel.h): the GRE ones are big-endian constants, seen here as the short this machine reads. */
    public static final int GRE_CSUM = 0x0080, GRE_KEY = 0x0020, GRE_SEQ = 0x0010, ISVTI = 0x0001, ISATAP = 0x0001;
    /** sizeof(struct ip_tunnel_parm): name[16], link, i_flags, o_flags, i_key, o_key, then the 20-byte IPv4 header. */
    public static final int SIZE = 52;

    public IpTunnel {
        local = local.clone();
        remote = remote.clone();
    }

    @Override public byte[] local() { return local.clone(); }

    @Override public byte[] remote() { return remote.clone(); }

    /** Parameters of a new tunnel of {@code protocol}: path MTU discovery on, everything else left to the kernel. */
    public static IpTunnel of(String name, int protocol) {
        return new IpTunnel(name, 0, 0, 0, 0, 0, 0, true, 0, protocol, new byte[4], new byte[4]);
    }

    /** The base device the kernel makes new tunnels of this kind through, or null when the kind is unknown. */
    public String baseDevice() {
        return switch (protocol) {
            case IPPROTO_IPIP -> (iFlags & ISVTI) != 0 ? "ip_vti0" : "tunl0";
            case IPPROTO_GRE -> "gre0";
            case IPPROTO_IPV6 -> "sit0";
            default -> null;
        };
    }

    /** Writes the struct into {@code to} ({@link #SIZE} bytes). */
    void writeTo(MemorySegment to) {
        to.fill((byte) 0);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(n, 0, to, ValueLayout.JAVA_BYTE, 0, Math.min(n.length, 15));
        to.set(ValueLayout.JAVA_INT, 16, link);
        to.set(ValueLayout.JAVA_SHORT, 20, (short) iFlags);
        to.set(ValueLayout.JAVA_SHORT, 22, (short) oFlags);
        to.set(BE_INT, 24, (int) iKey);
        to.set(BE_INT, 28, (int) oKey);
        to.set(ValueLayout.JAVA_BYTE, 32, (byte) 0x45); // version 4, header length 5 words
        to.set(ValueLayout.JAVA_BYTE, 33, (byte) tos);
        to.set(BE_SHORT, 38, (short) (dontFragment ? 0x4000 : 0));
        to.set(ValueLayout.JAVA_BYTE, 40, (byte) ttl);
        to.set(ValueLayout.JAVA_BYTE, 41, (byte) protocol);
        MemorySegment.copy(local, 0, to, ValueLayout.JAVA_BYTE, 44, 4);
        MemorySegment.copy(remote, 0, to, ValueLayout.JAVA_BYTE, 48, 4);
    }

    /** Reads the struct the kernel filled in; null when it is not an IPv4 tunnel's (an IPv6 tunnel's differs). */
    static IpTunnel readFrom(MemorySegment from) {
        if (from.get(ValueLayout.JAVA_BYTE, 32) != 0x45) return null;
        byte[] n = from.asSlice(0, 16).toArray(ValueLayout.JAVA_BYTE);
        int len = 0;
        while (len < n.length && n[len] != 0) len++;
        return new IpTunnel(new String(n, 0, len, StandardCharsets.UTF_8), from.get(ValueLayout.JAVA_INT, 16),
                Short.toUnsignedInt(from.get(ValueLayout.JAVA_SHORT, 20)), Short.toUnsignedInt(from.get(ValueLayout.JAVA_SHORT, 22)),
                Integer.toUnsignedLong(from.get(BE_INT, 24)), Integer.toUnsignedLong(from.get(BE_INT, 28)),
                Byte.toUnsignedInt(from.get(ValueLayout.JAVA_BYTE, 33)), (from.get(BE_SHORT, 38) & 0x4000) != 0,
                Byte.toUnsignedInt(from.get(ValueLayout.JAVA_BYTE, 40)), Byte.toUnsignedInt(from.get(ValueLayout.JAVA_BYTE, 41)),
                from.asSlice(44, 4).toArray(ValueLayout.JAVA_BYTE), from.asSlice(48, 4).toArray(ValueLayout.JAVA_BYTE));
    }

    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @Override
    public boolean equals(Object o) {
        return o instanceof IpTunnel t && name.equals(t.name) && link == t.link && iFlags == t.iFlags && oFlags == t.oFlags && iKey == t.iKey
                && oKey == t.oKey && tos == t.tos && dontFragment == t.dontFragment && ttl == t.ttl && protocol == t.protocol
                && Arrays.equals(local, t.local) && Arrays.equals(remote, t.remote);
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(remote); }

    @Override
    public String toString() { return "IpTunnel[" + name + " proto " + protocol + "]"; }
}
