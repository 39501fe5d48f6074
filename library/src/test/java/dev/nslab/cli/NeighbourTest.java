package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nslab neighbour against ip neigh on the same table: the same output (text and JSON), exit statuses and changes. */
@Needs(programs = {"ip", "ping"})
class NeighbourTest {
    final TestNet t = new TestNet();

    @AfterEach
    void cleanUp() { t.close(); }

    private String ip(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "-n", t.n("n1")));
        cmd.addAll(List.of(args));
        return Sh.run(cmd, null).ok().out();
    }

    private Nslab.Out ours(String... args) {
        List<String> a = new java.util.ArrayList<>(List.of("-n", t.n("n1")));
        a.addAll(List.of(args));
        return Nslab.run(a.toArray(String[]::new));
    }

    /**
     * The kernel changes the table on its own (IPv6 multicast entries appear as the links come up, a learnt entry ages):
     * ours is compared with what ip saw just before and just after it, once those two agree.
     */
    private void assertSameAsIp(String... show) {
        for (int attempt = 0; attempt < 50; attempt++) {
            String before = ip(show), mine = ours(show).ok().out(), after = ip(show);
            if (before.equals(after)) {
                assertEquals(before, mine, String.join(" ", show));
                return;
            }
        }
        throw new AssertionError("the neighbour table did not keep still for ip " + String.join(" ", show));
    }

    @Test
    void showAddReplaceDeleteAndFlushAsIpNeigh() {
        Sh.run("ip", "netns", "add", t.n("n1")).ok();
        Sh.run("ip", "netns", "add", t.n("n2")).ok();
        Sh.run("ip", "-n", t.n("n1"), "link", "add", "e1", "type", "veth", "peer", "name", "e2", "netns", t.n("n2")).ok();
        Sh.run("ip", "-n", t.n("n1"), "link", "set", "e1", "up").ok();
        Sh.run("ip", "-n", t.n("n2"), "link", "set", "e2", "up").ok();
        Sh.run("ip", "-n", t.n("n1"), "address", "add", "10.3.0.1/24", "dev", "e1").ok();
        Sh.run("ip", "-n", t.n("n2"), "address", "add", "10.3.0.2/24", "dev", "e2").ok();
        Sh.run("ip", "netns", "exec", t.n("n1"), "ping", "-c", "1", "-W", "2", "10.3.0.2").ok(); // a learnt entry
        ip("neigh", "add", "10.3.0.9", "lladdr", "02:00:00:00:00:09", "dev", "e1", "nud", "permanent");
        ours("neigh", "add", "fd00::9", "lladdr", "02:00:00:00:00:0a", "dev", "e1").ok();
        for (List<String> show : List.of(List.of("neigh", "show"), List.of("-j", "neigh", "show"), List.of("neigh", "show", "nud", "all"),
                List.of("-4", "neigh"), List.of("neigh", "show", "dev", "e1"), List.of("n", "s"))) {
            assertSameAsIp(show.toArray(String[]::new));
        }
        assertTrue(ip("neigh", "show").contains("fd00::9 dev e1 lladdr 02:00:00:00:00:0a PERMANENT"), "ip sees what nslab added");
        Nslab.Out dup = ours("neigh", "add", "10.3.0.9", "lladdr", "02:00:00:00:00:09", "dev", "e1");
        assertEquals(2, dup.code());
        assertEquals("RTNETLINK answers: File exists\n", dup.err());
        ours("neigh", "replace", "10.3.0.9", "lladdr", "02:00:00:00:00:19", "dev", "e1", "nud", "stale").ok();
        assertTrue(ip("neigh", "show", "10.3.0.9").startsWith("10.3.0.9 dev e1 lladdr 02:00:00:00:00:19 STALE"), ip("neigh"));
        ours("neigh", "del", "10.3.0.9", "dev", "e1").ok();
        assertEquals("", ip("neigh", "show", "10.3.0.9"));
        ours("neigh", "flush", "dev", "e1").ok(); // what was learnt goes, what was set by hand stays
        assertEquals("fd00::9 lladdr 02:00:00:00:00:0a PERMANENT \n", ip("neigh", "show", "dev", "e1"));
    }
}
