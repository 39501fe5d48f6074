package dev.nslab.net;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** struct ip_tunnel_parm as the kernel's tunnel ioctls read it (if_tunnel.h, ip.h): no privilege needed. */
@Tag("unit")
class IpTunnelTest {
    @Test
    void theStructHasTheKernelsLayout() {
        IpTunnel t = new IpTunnel("gre1", 3, IpTunnel.GRE_KEY | IpTunnel.GRE_CSUM, IpTunnel.GRE_SEQ, 5, 0x01020304L, 0x10, true, 64,
                IpTunnel.IPPROTO_GRE, new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2});
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(IpTunnel.SIZE);
            t.writeTo(m);
            String hex = HexFormat.of().formatHex(m.toArray(ValueLayout.JAVA_BYTE));
            assertEquals("67726531000000000000000000000000" // name[16]
                    + "03000000"                          // link
                    + "a000" + "1000"                     // i_flags GRE_KEY|GRE_CSUM, o_flags GRE_SEQ (big-endian 0x2000|0x8000, 0x1000)
                    + "00000005" + "01020304"             // i_key, o_key (big-endian)
                    + "45100000" + "00004000" + "402f0000" // version/ihl, tos, tot_len; id, frag_off DF; ttl, protocol, check
                    + "0a000001" + "0a000002", hex);      // saddr, daddr
            assertEquals(t, IpTunnel.readFrom(m));
        }
    }

    @Test
    void theIpv6StructHasTheKernelsLayout() {
        byte[] local = new byte[16], remote = new byte[16];
        local[0] = 0x20;
        local[15] = 1;
        remote[0] = 0x20;
        remote[15] = 2;
        Ip6Tunnel t = new Ip6Tunnel("t6", 2, IpTunnel.IPPROTO_GRE, 4, 64, 0x01000123L, Ip6Tunnel.IGN_ENCAP_LIMIT, local, remote,
                IpTunnel.GRE_KEY, IpTunnel.GRE_KEY, 5, 5);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(Ip6Tunnel.SIZE, 8);
            t.writeTo(m);
            assertEquals("74360000000000000000000000000000" // name[16]
                    + "02000000" + "2f044000"             // link; proto, encap_limit, hop_limit, padding
                    + "01000123" + "01000000"             // flowinfo (big-endian), flags
                    + "20000000000000000000000000000001" + "20000000000000000000000000000002" // laddr, raddr
                    + "2000" + "2000" + "00000005" + "00000005", // i_flags, o_flags, i_key, o_key
                    HexFormat.of().formatHex(m.toArray(ValueLayout.JAVA_BYTE)));
            assertEquals(t, Ip6Tunnel.readFrom(m));
        }
        assertEquals("ip6gre0", t.baseDevice());
        assertEquals("ip6tnl0", Ip6Tunnel.of(true).baseDevice());
    }

    @Test
    void baseDevicesByKind() {
        assertEquals("gre0", IpTunnel.of("", IpTunnel.IPPROTO_GRE).baseDevice());
        assertEquals("tunl0", IpTunnel.of("", IpTunnel.IPPROTO_IPIP).baseDevice());
        assertEquals("sit0", IpTunnel.of("", IpTunnel.IPPROTO_IPV6).baseDevice());
        assertEquals("ip_vti0", new IpTunnel("", 0, IpTunnel.ISVTI, 0, 0, 0, 0, true, 0, IpTunnel.IPPROTO_IPIP, new byte[4], new byte[4]).baseDevice());
        assertNull(IpTunnel.of("", 0).baseDevice());
    }
}
