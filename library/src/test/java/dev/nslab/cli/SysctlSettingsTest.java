package dev.nslab.cli;

import dev.nslab.net.Sysctl;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** How sysctl turns keys into paths and reads the lines of a settings file: pure rules, no kernel. */
@Tag("unit")
class SysctlSettingsTest {
    @Test
    void keysAndPathsTurnAsSysctlTurnsThem() {
        assertEquals("net/ipv4/ip_forward", Sysctl.pathOf("net.ipv4.ip_forward"));
        assertEquals("net/ipv4/ip_forward", Sysctl.pathOf("net/ipv4/ip_forward"));
        // a VLAN's name has a dot: written with a slash in a dotted key, and the other way round
        assertEquals("net/ipv4/conf/eth0.10/rp_filter", Sysctl.pathOf("net.ipv4.conf.eth0/10.rp_filter"));
        assertEquals("net.ipv4.conf.eth0/10.rp_filter", Sysctl.keyOf("net/ipv4/conf/eth0.10/rp_filter"));
        assertEquals("net.ipv4.ip_forward", Sysctl.keyOf("net.ipv4.ip_forward"));
        List<String> warned = new ArrayList<>();
        assertEquals("net//ipv4/ip_forward", Sysctl.pathOf("net..ipv4.ip_forward", warned::add));
        assertEquals(List.of("..ipv4.ip_forward"), warned);
    }

    @Test
    void linesOfAFile() {
        List<String> warned = new ArrayList<>();
        SysctlCmd.Setting s = SysctlCmd.parse("f", 1, "  net.ipv4.ip_forward =  1 \n", null, warned::add);
        assertEquals(new SysctlCmd.Setting("net.ipv4.ip_forward", "net/ipv4/ip_forward", "1", false, false), s);
        assertEquals(new SysctlCmd.Setting("net.ipv4.nosuch", "net/ipv4/nosuch", "0 1", true, false),
                SysctlCmd.parse("f", 2, "-net.ipv4.nosuch=0 1\n", null, warned::add));
        assertEquals(new SysctlCmd.Setting("net.ipv4.conf.lo.rp_filter", "net/ipv4/conf/lo/rp_filter", null, false, true),
                SysctlCmd.parse("f", 3, "-net.ipv4.conf.lo.rp_filter \n", null, warned::add));
        assertNull(SysctlCmd.parse("f", 4, "# net.ipv4.ip_forward = 1\n", null, warned::add));
        assertNull(SysctlCmd.parse("f", 5, "; net.ipv4.ip_forward = 1\n", null, warned::add));
        assertNull(SysctlCmd.parse("f", 6, "\n", null, warned::add));
        assertNull(SysctlCmd.parse("f", 7, "net.ipv4.ip_forward 1\n", null, warned::add));
        assertNull(SysctlCmd.parse("f", 8, "net.ipv4.ip_forward = 1\n", k -> k.contains("rp_filter"), warned::add), "not selected by -r");
        assertEquals(List.of("f(7): invalid syntax, continuing..."), warned);
    }
}
