package dev.nslab.cli;

import dev.nslab.net.NsRef;
import dev.nslab.testkit.Sh;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ip xfrm's requests byte for byte: what "ip xfrm ..." sent (iproute2 6.1, strace -e sendmsg -xx, the netlink header
 * left out) against what nslab builds from the same words. No privilege: nothing is sent.
 */
@Tag("unit")
class XfrmMessagesTest {
    private static String body(String line) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        XfrmCmd x = new XfrmCmd(new Cli(sink, sink), NsRef.current());
        return HexFormat.of().formatHex(x.modifyRequest(Sh.words(line)).body());
    }

    @Test
    void aPolicyWithATemplateIsIps() {
        // ip xfrm policy add src 10.1.1.1/32 dst 10.1.1.2/32 dir out priority 7 tmpl src 10.1.1.1 dst 10.1.1.2 proto esp reqid 1 mode tunnel
        assertEquals("0a0101020000000000000000000000000a010101000000000000000000000000000000000000000002002020000000000000000000000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000007000000000000000100000000000000440005000a0101020000000000000000000000000000000032000000020000000a0101010000000000000000000000000100000001000000ffffffffffffffffffffffff",
                body("policy add src 10.1.1.1/32 dst 10.1.1.2/32 dir out priority 7 tmpl src 10.1.1.1 dst 10.1.1.2 proto esp reqid 1 mode tunnel"));
    }

    @Test
    void anEspStateWithAuthenticationAndEncryptionIsIps() {
        // ip xfrm state add src 10.1.1.1 dst 10.1.1.2 proto esp spi 0x100 reqid 1 mode tunnel auth sha256 0x0123456789abcdef enc aes 0x00112233
        assertEquals("00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000a01010200000000000000000000000000000100320000000a010101000000000000000000000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010000000200010000000000000000005000010073686132353600000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000400000000123456789abcdef4c000200616573000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002000000000112233",
                body("state add src 10.1.1.1 dst 10.1.1.2 proto esp spi 0x100 reqid 1 mode tunnel auth sha256 0x0123456789abcdef enc aes 0x00112233"));
    }
}
