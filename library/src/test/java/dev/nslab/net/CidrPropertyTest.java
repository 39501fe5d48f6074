package dev.nslab.net;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Address text round trips against the JDK's own parser, and the checksum against a known packet. */
@Tag("unit")
class CidrPropertyTest {

    @RepeatedTest(500)
    void ipv6TextRoundTripsThroughTheJdk(RepetitionInfo info) throws Exception {
        Random r = new Random(info.getCurrentRepetition());
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) b[i] = r.nextInt(3) == 0 ? 0 : (byte) r.nextInt(256); // many zero runs
        InetAddress a = InetAddress.getByAddress(b);
        String text = Cidr.format(a);
        assertEquals(a, InetAddress.ofLiteral(text), text);
        assertTrue(!text.contains(":::"), text);
        int len = r.nextInt(129);
        Cidr c = Cidr.parse(text + "/" + len);
        assertEquals(len, c.prefixLength());
        assertTrue(c.network().contains(a), "network contains its member");
    }

    @Test
    void rfc5952Examples() throws Exception {
        assertEquals("2001:db8::1", Cidr.format(InetAddress.ofLiteral("2001:db8:0:0:0:0:0:1")));
        assertEquals("2001:db8:0:1:1:1:1:1", Cidr.format(InetAddress.ofLiteral("2001:db8:0:1:1:1:1:1")));
        assertEquals("::1", Cidr.format(InetAddress.ofLiteral("::1")));
        assertEquals("fe80::fc:ff:fe00:1", Cidr.format(InetAddress.ofLiteral("fe80:0:0:0:fc:ff:fe00:1")));
        assertEquals("2001:0:0:1::1", Cidr.format(InetAddress.ofLiteral("2001:0:0:1:0:0:0:1")));
        // inet_ntop's dotted quad for mapped and compatible addresses, which stay IPv6 when read from the kernel
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        assertEquals("::ffff:0.0.0.0", Cidr.format(Cidr.fromBytes(mapped)));
        assertEquals(Family.INET6, Family.of(Cidr.fromBytes(mapped)));
        byte[] compatible = new byte[16];
        compatible[12] = 10;
        compatible[15] = 1;
        assertEquals("::10.0.0.1", Cidr.format(Cidr.fromBytes(compatible)));
    }

    @Test
    void badInputIsRefusedWithoutDns() {
        for (String bad : new String[] {"10.0.0.256/24", "10.0.0/24", "10.0.0.1/33", "example.com", "fd00::1/129", "1.2.3.4/", "1.2.3.4/x"}) {
            assertThrows(RuntimeException.class, () -> Cidr.parse(bad), bad);
        }
        assertEquals("10.1.20.0/24", Cidr.parse("10.1.20.7/24").network().toString());
    }

    @Test
    void checksumOfAKnownEchoRequest() {
        // type 8, code 0, checksum 0, id 1, seq 1: sum = 0x0800 + 0x0001 + 0x0001 = 0x0802 -> ~ = 0xf7fd
        byte[] p = {8, 0, 0, 0, 0, 1, 0, 1};
        assertEquals(0xf7fd, Pinger.checksum(p));
    }
}
