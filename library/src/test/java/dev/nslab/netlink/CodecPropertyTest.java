package dev.nslab.netlink;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property-based round trips of the netlink codec: random trees of attributes (values of every length, so every
 * padding case, and nesting) are encoded by {@link NlRequest} and must decode to the same tree with
 * {@link NlAttrs}; random sequences of messages packed into one datagram must split back exactly. Each
 * repetition uses its own seed, printed on failure, so a failing case can be replayed.
 */
@Tag("unit")
class CodecPropertyTest {

    /** A generated attribute: a leaf with bytes, or a nest of children. */
    record Attr(int type, byte[] value, List<Attr> children) {
        boolean nested() { return children != null; }
    }

    private static List<Attr> randomAttrs(Random r, int depth) {
        int n = r.nextInt(6);
        List<Attr> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int type = 1 + r.nextInt(0x3ffe);
            if (depth < 3 && r.nextInt(4) == 0) {
                out.add(new Attr(type, null, randomAttrs(r, depth + 1)));
            } else {
                byte[] v = new byte[r.nextInt(40)];
                r.nextBytes(v);
                out.add(new Attr(type, v, null));
            }
        }
        return out;
    }

    private static void encode(NlRequest req, List<Attr> attrs) {
        for (Attr a : attrs) {
            if (a.nested()) {
                int mark = req.beginNested(a.type());
                encode(req, a.children());
                req.endNested(mark);
            } else {
                req.attr(a.type(), a.value());
            }
        }
    }

    /** Checks every attribute in order; for repeated types the codec's "last wins" getter is checked via all(). */
    private static void check(NlAttrs parsed, List<Attr> expected, String seedInfo) {
        assertEquals(expected.stream().map(Attr::type).toList(), parsed.types(), seedInfo);
        for (Attr a : expected) {
            List<ByteBuffer> copies = parsed.all(a.type());
            assertTrue(!copies.isEmpty(), seedInfo);
        }
        // positional comparison
        List<Integer> types = parsed.types();
        for (int i = 0; i < expected.size(); i++) {
            Attr a = expected.get(i);
            int occurrence = 0;
            for (int j = 0; j < i; j++) if (types.get(j) == a.type()) occurrence++;
            ByteBuffer v = parsed.all(a.type()).get(occurrence);
            if (a.nested()) {
                check(NlAttrs.parse(v, 0, v.limit()), a.children(), seedInfo);
            } else {
                byte[] got = new byte[v.remaining()];
                v.get(got);
                assertArrayEquals(a.value(), got, seedInfo);
            }
        }
    }

    @RepeatedTest(300)
    void attributeTreesRoundTrip(RepetitionInfo info) {
        long seed = 0x5eed0000L + info.getCurrentRepetition();
        Random r = new Random(seed);
        int headerLen = r.nextInt(4) * 4; // family headers are 0..12 bytes, always 4-aligned
        NlRequest req = new NlRequest(16 + r.nextInt(80), r.nextInt(0x1000));
        for (int i = 0; i < headerLen; i++) req.u8(r.nextInt(256));
        List<Attr> attrs = randomAttrs(r, 0);
        encode(req, attrs);

        ByteBuffer wire = ByteBuffer.allocate(16 + req.length() + 8).order(ByteOrder.nativeOrder());
        req.writeTo(wire, 42);
        wire.flip();
        List<NlMessage> msgs = NlMessage.parseAll(wire);
        assertEquals(1, msgs.size(), "seed " + seed);
        NlMessage m = msgs.getFirst();
        assertEquals(req.type(), m.type());
        assertEquals(req.flags(), m.flags());
        assertEquals(42, m.seq());
        assertEquals(req.length(), m.payload().limit(), "payload length, seed " + seed);
        check(m.attrs(headerLen), attrs, "seed " + seed);
    }

    @RepeatedTest(100)
    void manyMessagesInOneDatagramSplitBack(RepetitionInfo info) {
        long seed = 0xda7a0000L + info.getCurrentRepetition();
        Random r = new Random(seed);
        int count = 1 + r.nextInt(20);
        ByteBuffer wire = ByteBuffer.allocate(1 << 16).order(ByteOrder.nativeOrder());
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NlRequest req = new NlRequest(20 + i, 0);
            byte[] body = new byte[r.nextInt(64)];
            r.nextBytes(body);
            req.bytes(body);
            bodies.add(body);
            req.writeTo(wire, 1000 + i);
        }
        wire.flip();
        List<NlMessage> msgs = NlMessage.parseAll(wire);
        assertEquals(count, msgs.size(), "seed " + seed);
        for (int i = 0; i < count; i++) {
            NlMessage m = msgs.get(i);
            assertEquals(1000 + i, m.seq());
            byte[] got = new byte[m.payload().remaining()];
            m.payload().get(got);
            assertArrayEquals(bodies.get(i), got, "seed " + seed + " message " + i);
        }
    }

    @Test
    void truncatedInputNeverReadsPastTheEnd() {
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(100)];
            r.nextBytes(junk);
            ByteBuffer b = ByteBuffer.wrap(junk).order(ByteOrder.nativeOrder());
            for (NlMessage m : NlMessage.parseAll(b)) {
                assertNotNull(m.attrs(0)); // must not throw
            }
            NlAttrs a = NlAttrs.parse(b, 0, junk.length);
            for (int t : a.types()) assertNotNull(a.value(t));
        }
    }

    @Test
    void stringsAndIntegersDecodeAsWritten() {
        NlRequest req = new NlRequest(16, 0).u32(0);
        req.attrString(3, "veth0").attrU32(4, 1500).attrU8(16, 6).attrU16(7, 0xbeef);
        ByteBuffer wire = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        req.writeTo(wire, 1);
        wire.flip();
        NlAttrs a = NlMessage.parseAll(wire).getFirst().attrs(4);
        assertEquals("veth0", a.string(3));
        assertEquals(1500, a.u32(4, -1));
        assertEquals(6, a.u8(16, -1));
        assertEquals(0xbeef, a.u16(7, -1));
        assertEquals(-1, a.u32(99, -1));
        assertTrue(Arrays.equals(new byte[] {'v', 'e', 't', 'h', '0', 0}, a.bytes(3)));
    }
}
