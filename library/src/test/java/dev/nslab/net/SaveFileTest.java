package dev.nslab.net;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * iproute2's save format, read and written back byte for byte: the file below is what {@code ip -4 route save} (6.1)
 * wrote of a namespace with 10.5.0.1/24 on va (index 3) and a route to 10.9.0.0/16 via 10.5.0.2. Pure.
 */
@Tag("unit")
class SaveFileTest {
    private static final byte[] IP_SAVED = HexFormat.of().parseHex("241231453c000000180022009c4e176b5e43000002180000fe02fd011000000008000f00"
            + "fe000000080001000a050000080007000a05000108000400030000003c000000180022009c4e176b5e43000002100000fe0300011000000008000f00"
            + "fe000000080001000a090000080005000a0500020800040003000000");

    @Test
    void ipsFileReadsAsItsRoutesAndIsWrittenBackAsItWas() {
        SaveFile.Contents c = SaveFile.read(new ByteArrayInputStream(IP_SAVED), SaveFile.Kind.ROUTES);
        assertNull(c.fault());
        List<SaveFile.Entry<Route>> routes = c.routes();
        assertEquals(List.of("10.5.0.0/24", "10.9.0.0/16"), routes.stream().map(e -> e.object().dstText()).toList());
        assertEquals(3, routes.get(1).object().oif());
        // ip route restore's rounds: a local network (a source other than its destination), then a gateway's
        assertEquals(List.of(1, 2), routes.stream().map(e -> RouteMessages.restoreRound(e.message())).toList());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SaveFile.write(out, SaveFile.Kind.ROUTES, routes);
        assertArrayEquals(IP_SAVED, out.toByteArray());
    }

    @Test
    void aFileOfAnotherKindOrNoneIsRefusedInIpsWords() {
        var e = assertThrows(SaveFile.BadFileException.class, () -> SaveFile.read(new ByteArrayInputStream(IP_SAVED), SaveFile.Kind.ADDRESSES));
        assertEquals("Magic mismatch (1 elems, 45311224 magic)", e.getMessage());
        e = assertThrows(SaveFile.BadFileException.class, () -> SaveFile.read(new ByteArrayInputStream(new byte[0]), SaveFile.Kind.ROUTES));
        assertEquals("Magic mismatch (0 elems, 0 magic)", e.getMessage());
    }

    @Test
    void aFileCutShortKeepsWhatCameBeforeTheCut() {
        SaveFile.Contents c = SaveFile.read(new ByteArrayInputStream(Arrays.copyOf(IP_SAVED, IP_SAVED.length - 8)), SaveFile.Kind.ROUTES);
        assertEquals(1, c.messages().size());
        assertEquals("rtnl-from_file: truncated message", c.fault().getMessage());
    }
}
