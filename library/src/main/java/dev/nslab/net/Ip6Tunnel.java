package dev.nslab.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An IPv6 tunnel's parameters as the kernel's tunnel ioctls carry them (struct ip6_tnl_parm2): the ip6ip6, ipip6,
 * ip6gre and vti6 devices of {@code ip -6 tunnel}, made through the base device of their kind (ip6tnl0, ip6gre0,
 * ip6_vti0), which exists only where the kernel has that driver.
 *
 * @param name       the tunnel device's name
 * @param link       the index of the device its packets leave by, 0 for any
 * @param proto      the inner protocol: IPPROTO_IPV6 (ip6ip6, vti6), IPPROTO_IPIP (ipip6), IPPROTO_GRE (ip6gre), 0 any
 * @param encapLimit the tunnel encapsulation limit option's value
 * @param hopLimit   the outer header's hop limit, 0 inherited
 * @param flowinfo   traffic class and flow label, as the header's big-endian word read as a number
 * @param flags      IP6_TNL_F_* ({@link #IGN_ENCAP_LIMIT}, {@link #USE_ORIG_TCLASS}...)
 * @param local      the outer source address (16 bytes)
 * @param remote     the outer destination address (16 bytes)
 * @param iFlags     GRE input flags, as {@link IpTunnel#iFlags}
 * @param oFlags     GRE output flags
 * @param iKey       the input key
 * @param oKey       the output key
 */
public record Ip6Tunnel(String name, int link, int proto, int encapLimit, int hopLimit, long flowinfo, int flags, byte[] local,
                        byte[] remote, int iFlags, int oFlags, long iKey, long oKey) {
    public static final int IGN_ENCAP_LIMIT = 0x1, USE_ORIG_TCLASS = 0x2, USE_ORIG_FLOWLABEL = 0x4, RCV_DSCP_COPY = 0x10,
            ALLOW_LOCAL_REMOTE = 0x40;
    public static final long FLOWINFO_TCLASS = 0x0FF00000L, FLOWINFO_FLOWLABEL = 0x000FFFFFL;
    /** sizeof(struct ip6_tnl_parm2). */
    public static final int SIZE = 76;

    public Ip6Tunnel {
        local = local.clone();
        remote = remote.clone();
    }

    @Override public byte[] local() { return local.clone(); }

    @Override public byte[] remote() { return remote.clone(); }

    /** A new tunnel's parameters as ip starts them: ip6ip6, hop limit 64, encapsulation limit 4 ({@code defaults}), or all zero. */
    public static Ip6Tunnel of(boolean defaults) {
        return new Ip6Tunnel("", 0, IpTunnel.IPPROTO_IPV6, defaults ? 4 : 0, defaults ? 64 : 0, 0, 0, new byte[16], new byte[16], 0, 0, 0, 0);
    }

    /** The base device the kernel makes tunnels of this kind through. */
    public String baseDevice() {
        return proto == IpTunnel.IPPROTO_GRE ? "ip6gre0" : (iFlags & IpTunnel.ISVTI) != 0 ? "ip6_vti0" : "ip6tnl0";
    }

    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    void writeTo(MemorySegment to) {
        to.fill((byte) 0);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(n, 0, to, ValueLayout.JAVA_BYTE, 0, Math.min(n.length, 15));
        to.set(ValueLayout.JAVA_INT, 16, link);
        to.set(ValueLayout.JAVA_BYTE, 20, (byte) proto);
        to.set(ValueLayout.JAVA_BYTE, 21, (byte) encapLimit);
        to.set(ValueLayout.JAVA_BYTE, 22, (byte) hopLimit);
        to.set(BE_INT, 24, (int) flowinfo);
        to.set(ValueLayout.JAVA_INT, 28, flags);
        MemorySegment.copy(local, 0, to, ValueLayout.JAVA_BYTE, 32, 16);
        MemorySegment.copy(remote, 0, to, ValueLayout.JAVA_BYTE, 48, 16);
        to.set(ValueLayout.JAVA_SHORT, 64, (short) iFlags);
        to.set(ValueLayout.JAVA_SHORT, 66, (short) oFlags);
        to.set(BE_INT, 68, (int) iKey);
        to.set(BE_INT, 72, (int) oKey);
    }

    static Ip6Tunnel readFrom(MemorySegment from) {
        byte[] n = from.asSlice(0, 16).toArray(ValueLayout.JAVA_BYTE);
        int len = 0;
        while (len < n.length && n[len] != 0) len++;
        return new Ip6Tunnel(new String(n, 0, len, StandardCharsets.UTF_8), from.get(ValueLayout.JAVA_INT, 16),
                Byte.toUnsignedInt(from.get(ValueLayout.JAVA_BYTE, 20)), Byte.toUnsignedInt(from.get(ValueLayout.JAVA_BYTE, 21)),
                Byte.toUnsignedInt(from.get(ValueLayout.JAVA_BYTE, 22)), Integer.toUnsignedLong(from.get(BE_INT, 24)),
                from.get(ValueLayout.JAVA_INT, 28), from.asSlice(32, 16).toArray(ValueLayout.JAVA_BYTE),
                from.asSlice(48, 16).toArray(ValueLayout.JAVA_BYTE), Short.toUnsignedInt(from.get(ValueLayout.JAVA_SHORT, 64)),
                Short.toUnsignedInt(from.get(ValueLayout.JAVA_SHORT, 66)), Integer.toUnsignedLong(from.get(BE_INT, 68)),
                Integer.toUnsignedLong(from.get(BE_INT, 72)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ip6Tunnel t && name.equals(t.name) && link == t.link && proto == t.proto && encapLimit == t.encapLimit
                && hopLimit == t.hopLimit && flowinfo == t.flowinfo && flags == t.flags && Arrays.equals(local, t.local)
                && Arrays.equals(remote, t.remote) && iFlags == t.iFlags && oFlags == t.oFlags && iKey == t.iKey && oKey == t.oKey;
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(remote); }

    @Override
    public String toString() { return "Ip6Tunnel[" + name + " proto " + proto + "]"; }
}
