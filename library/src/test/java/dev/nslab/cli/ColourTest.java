package dev.nslab.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ip -color's rules: when colours are on, and which palette COLORFGBG picks. */
@Tag("unit")
class ColourTest {
    @Test
    void whenColoursAreOn() {
        assertNull(Colour.of(null, false, true, null), "not asked");
        assertNull(Colour.of("always", true, true, null), "never with -j");
        assertNull(Colour.of("never", false, true, null));
        assertNull(Colour.of("auto", false, false, null), "auto: only on a terminal");
        assertEquals("\033[36meth0: \033[0m", Colour.wrap(Colour.of("auto", false, true, null), Colour.Attr.IFNAME, "eth0: "));
        assertEquals("x", Colour.wrap(null, Colour.Attr.MAC, "x"));
    }

    @Test
    void colorfgbgPicksTheDarkPalette() {
        assertTrue(Colour.darkBackground("15;0"));
        assertTrue(Colour.darkBackground("15;default;8"));
        assertFalse(Colour.darkBackground("0;15"));
        assertFalse(Colour.darkBackground("15;7"));
        assertFalse(Colour.darkBackground("15;10"));
        assertFalse(Colour.darkBackground(null));
        assertEquals("\033[1;32mUP \033[0m", Colour.wrap(Colour.of("always", false, false, "15;0"), Colour.Attr.UP, "UP "));
    }
}
