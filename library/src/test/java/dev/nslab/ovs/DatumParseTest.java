package dev.nslab.ovs;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The database's text notation read as ovs-vsctl reads a command's values (ovsdb_datum_from_string); no privilege. */
@Tag("unit")
class DatumParseTest {
    private static final OvsSchema.Base INT = new OvsSchema.Base("integer", null), STR = new OvsSchema.Base("string", null),
            UUID = new OvsSchema.Base("uuid", "Queue"), BOOL = new OvsSchema.Base("boolean", null);

    private static String parse(String text, OvsSchema.Type type) {
        return Datum.parse(text, type, Map.of("@q0", OvsTransaction.uuidRef("00000000-0000-0000-0000-000000000001"))::get).toString();
    }

    private static String refusal(String text, OvsSchema.Type type) {
        return assertThrows(OvsdbException.class, () -> parse(text, type)).getMessage();
    }

    @Test
    void scalarsSetsAndMapsInEveryFormOvsVsctlTakes() {
        OvsSchema.Type scalar = new OvsSchema.Type(INT, null, 1, 1), optional = new OvsSchema.Type(INT, null, 0, 1);
        OvsSchema.Type set = new OvsSchema.Type(INT, null, 0, 4096), map = new OvsSchema.Type(STR, STR, 0, -1);
        assertEquals("1000", parse("1000", scalar));
        assertEquals("[\"set\",[5]]", parse("5", optional));
        assertEquals("[\"set\",[]]", parse("[]", optional));
        assertEquals("[\"set\",[10,20,21,22]]", parse("10,20-22", set));
        assertEquals("[\"set\",[10,20]]", parse(" [10, 20] ", set));
        assertEquals("[\"set\",[10,20]]", parse("10 20", set));
        assertEquals("[\"map\",[[\"a\",\"b c\"],[\"k\",\"v\"]]]", parse("{a=\"b c\", k=v}", map));
        assertEquals("[\"map\",[[\"max-rate\",\"1000000\"]]]", parse("max-rate=1000000", map));
        assertEquals("[\"map\",[[\"a:b\",\"c\"]]]", parse("a\\:b=c", map));
        assertEquals("[\"map\",[[0,[\"uuid\",\"00000000-0000-0000-0000-000000000001\"]]]]", parse("0=@q0", new OvsSchema.Type(INT, UUID, 0, -1)));
        assertEquals("true", parse("yes", new OvsSchema.Type(BOOL, null, 1, 1)));
    }

    @Test
    void refusalsInOvsVsctlsWords() {
        OvsSchema.Type scalar = new OvsSchema.Type(INT, null, 1, 1), set = new OvsSchema.Type(INT, null, 0, 4096);
        assertEquals("\"abc\" is not a valid integer or range", refusal("abc", scalar));
        assertEquals("1,2: 2 value(s) specified but the maximum number is 1", refusal("1,2", scalar));
        assertEquals("use \"[]\" to specify the empty set", refusal("", set));
        assertEquals("use \"{}\" to specify the empty map", refusal(" ", new OvsSchema.Type(STR, STR, 0, -1)));
        assertEquals("[1,2: missing \"]\" at end of data", refusal("[1,2", set));
        assertEquals("[1]x: trailing garbage after \"]\"", refusal("[1]x", set));
        assertEquals("1,1: set contains duplicate value", refusal("1,1", set));
        assertEquals("a: syntax error at \"\" expecting \"=\"", refusal("a", new OvsSchema.Type(STR, STR, 0, -1)));
        assertEquals("\"5-3\" is not a valid range. Range end cannot be before start.", refusal("5-3", set));
        assertEquals("row id \"@q9\" is referenced but never created (e.g. with \"-- --id=@q9 create ...\")",
                refusal("@q9", new OvsSchema.Type(UUID, null, 0, 1)));
        assertEquals("\"maybe\" is not a valid boolean (use \"true\" or \"false\")", refusal("maybe", new OvsSchema.Type(BOOL, null, 1, 1)));
    }

    @Test
    void aCommandsSettingSplitsAsOvsVsctlSplitsIt() {
        assertEquals(new Datum.Setting("options", "peer", "p1"), Datum.setting("options:peer=p1"));
        assertEquals(new Datum.Setting("other-config", "max-rate", "1000"), Datum.setting("other-config:max-rate=1000"));
        assertEquals(new Datum.Setting("queues", null, "0=@q0"), Datum.setting("queues=0=@q0"));
        assertNull(Datum.setting("tag"));
    }
}
