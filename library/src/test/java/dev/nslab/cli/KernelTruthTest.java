package dev.nslab.cli;

import dev.nslab.lab.apply.NeighbourLimits;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.OpenVswitch;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.Tcp;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What up and status say is true: the kernel is the reference (an edit that makes the kernel drop a route, a route
 * deleted by hand, an interface set down: status names it, up repairs it), the marks are the last word (a lab whose
 * state file is cut short or gone is listed, taken down and adopted again), clashes name the lab that owns the
 * object, and taking a lab down twice is no mistake. Witnesses: ip, ovs-vsctl, nft, a real TCP transfer.
 */
@ExtendWith(OpenVswitch.class)
@Needs(programs = {"ip", "nft"}, openVswitch = true)
class KernelTruthTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        for (String lab : List.of("tr", "st", "a", "b")) Nslab.inState(dir, "down", t.n(lab));
        t.close();
    }

    private Nslab.Out lab(String... args) { return Nslab.inState(dir, args); }

    private Path file(String name, String text) throws Exception { return t.writeNamed(dir, name, text); }

    private static final String TWO_LANS = """
            name: @tr
            topology:
              nodes:
                r: {forwarding: true, interfaces: {eth0: 10.40.0.1/24, eth1: 10.41.0.1/24}}
                c: {interfaces: {eth0: 10.40.0.2/24}, routes: [{dst: default, via: 10.40.0.1}]}
                s: {interfaces: {eth0: 10.41.0.2/24}, routes: [{dst: default, via: 10.41.0.1}]}
              links:
                - endpoints: ["r:eth0", "c:eth0"]
                - endpoints: ["r:eth1", "s:eth0"]
            """;

    private String defaultRoute(String ns) { return Sh.ok("ip", "-n", ns, "route", "show", "default").strip(); }

    /**
     * Down takes a namespace as the lab's without reading its mark only while the very mount up made registers it: one
     * deleted by hand and made again under the same name (often with the same inode) is somebody else's, and stays.
     */
    @Test
    void aNamespaceMadeAgainUnderALabsNameByHandIsLeftByDown() throws Exception {
        Path f = file("tr.yml", TWO_LANS);
        String lab = t.n("tr"), c = lab + "-c", s = lab + "-s";
        lab("up", f.toString()).ok();
        assertTrue(Files.readString(dir.resolve(lab + ".mounts")).contains(c + " "), "up kept the mounts it made");
        Sh.ok("ip", "netns", "del", c);
        Sh.ok("ip", "netns", "add", c); // not the lab's: no mark, another mount
        try {
            Nslab.Out down = lab("down", lab).ok();
            assertTrue(down.err().contains("left namespace " + c + " alone"), down.err());
            assertTrue(t.ipNetnsList().contains(c), "the namespace made by hand is still there");
            assertFalse(t.ipNetnsList().contains(s), "the lab's own namespaces went");
            assertFalse(Files.exists(dir.resolve(lab + ".mounts")), "the record of the mounts went with the lab");
        } finally {
            Sh.run("ip", "netns", "del", c); // ours, made above
        }
    }

    @Test
    void anEditedAddressOfANodeWithExecLinesIsNotMissedAndTheKeptTablesAreNoLab() throws Exception {
        Path f = file("tr.yml", TWO_LANS.replace("routes: [{dst: default, via: 10.40.0.1}]}",
                "routes: [{dst: default, via: 10.40.0.1}], exec: [\"ip addr add 10.42.0.9/24 dev eth0\"]}"));
        String lab = t.n("tr"), c = lab + "-c";
        lab("up", f.toString()).ok();
        assertEquals("lab " + lab, lab("ls").ok().out().lines().filter(l -> l.startsWith("lab ")).map(l -> l.split("  ")[0])
                        .reduce((x, y) -> x + "|" + y).orElse(""),
                "only the lab is listed, not the tables kept beside its state");

        Files.writeString(f, Files.readString(f).replace("10.40.0.2/24", "10.40.0.3/24"));
        lab("up", f.toString()).ok();
        Nslab.Out st = lab("status", lab);
        assertEquals(0, st.code(), "the old address went with the edit, as the file says: " + st.out());
        assertTrue(Sh.ok("ip", "-n", c, "-o", "addr", "show", "dev", "eth0").contains("10.42.0.9/24"), "the exec line's address stays");

        // the exec line's own address, deleted by hand, is still missed
        Sh.ok("ip", "-n", c, "addr", "del", "10.42.0.9/24", "dev", "eth0");
        st = lab("status", lab);
        assertEquals(1, st.code(), st.out());
        assertTrue(st.out().contains("address 10.42.0.9/24 on eth0 in " + c + " (set by an exec line)"), st.out());
    }

    @Test
    void anEditThatMakesTheKernelDropARouteIsRepairedAndStatusSaysWhatTheKernelLacks() throws Exception {
        Path f = file("tr.yml", TWO_LANS);
        String lab = t.n("tr"), c = lab + "-c", s = lab + "-s";
        lab("up", f.toString()).ok();
        assertEquals(1 << 20, Tcp.transfer(c, s, "10.41.0.2", 8041, 1 << 20));

        // the client's address edited: the kernel drops the default route with the old address; up puts it back
        Files.writeString(f, Files.readString(f).replace("10.40.0.2/24", "10.40.0.3/24"));
        Nslab.Out second = lab("up", f.toString()).ok();
        assertTrue(defaultRoute(c).startsWith("default via 10.40.0.1 dev eth0"), defaultRoute(c) + "\n" + second.err());
        assertEquals(1 << 20, Tcp.transfer(c, s, "10.41.0.2", 8042, 1 << 20), "the client reaches the server from its new address");
        assertEquals(0, lab("status", lab).code(), "healthy: the kernel holds the lab");
        assertEquals("lab " + lab + " is up to date: nothing to change\n", lab("up", f.toString()).ok().out());

        // a route deleted by hand: status is unhealthy and names the node and the route; up restores it
        Sh.ok("ip", "-n", c, "route", "del", "default");
        Nslab.Out st = lab("status", lab);
        assertEquals(1, st.code(), st.out());
        assertTrue(st.out().contains("route default via 10.40.0.1 of c is missing"), st.out());
        Nslab.Out fix = lab("up", f.toString()).ok();
        assertTrue(fix.err().contains("route default via 10.40.0.1 of c is missing"), fix.err());
        assertTrue(defaultRoute(c).startsWith("default via 10.40.0.1"), defaultRoute(c));
        assertEquals(0, lab("status", lab).code());

        // an interface set down and up again by hand: the kernel dropped the router's routes through it; set down: said
        Sh.ok("ip", "-n", s, "link", "set", "eth0", "down");
        Nslab.Out down = lab("status", lab);
        assertEquals(1, down.code());
        assertTrue(down.out().contains("interface eth0 of s is down"), down.out());
        lab("up", f.toString()).ok();
        assertTrue(Sh.ok("ip", "-n", s, "link", "show", "eth0").contains("state UP") || Sh.ok("ip", "-n", s, "link", "show", "eth0").contains(",UP"),
                "set up again");
        assertTrue(defaultRoute(s).startsWith("default via 10.41.0.1"), "its route back: " + defaultRoute(s));
        assertEquals(1 << 20, Tcp.transfer(c, s, "10.41.0.2", 8043, 1 << 20));
        assertEquals(0, lab("status", lab).code());
    }

    private static final String SWITCHED = """
            name: @st
            topology:
              nodes:
                @sw: {kind: ovs-bridge}
                h1: {interfaces: {eth0: 10.42.0.1/24}}
                h2: {interfaces: {eth0: 10.42.0.2/24}}
              links:
                - endpoints: ["h1:eth0", "@sw:@p1"]
                - endpoints: ["h2:eth0", "@sw:@p2"]
                - endpoints: ["h1:eth1", "h2:eth1"]
                  impairments: {rate: 50mbit}
            """;

    private List<String> ourNamespaces() { return t.ipNetnsList().stream().filter(n -> n.startsWith(t.prefix)).toList(); }

    private List<String> ourRootLinks() { return t.linkNames(null).stream().filter(n -> n.startsWith(t.prefix)).toList(); }

    private void nothingLeft() {
        assertEquals(List.of(), ourNamespaces(), "namespaces (ip netns list)");
        assertEquals(List.of(), ourRootLinks(), "switch ports (ip link)");
        assertFalse(TestNet.ovsBridges().stream().anyMatch(b -> b.startsWith(t.prefix)), "Open vSwitch bridges (ovs-vsctl list-br)");
        assertFalse(Sh.ok("nft", "list", "tables").contains(t.prefix), "nftables tables");
    }

    @Test
    void aLabWhoseStateFileIsCutShortOrGoneIsListedTakenDownAndAdoptedByItsMarks() throws Exception {
        Path f = file("st.yml", SWITCHED);
        String lab = t.n("st");
        lab("up", f.toString()).ok();
        Path state = dir.resolve(lab + ".json");

        // cut short, as a crash or a full disk leaves it
        Files.writeString(state, Files.readString(state).substring(0, 40));
        Nslab.Out ls = lab("ls");
        assertTrue(ls.out().contains("lab " + lab), ls.out());
        Nslab.Out st = lab("status", lab);
        assertTrue(st.out().contains("rebuilt from what carries its mark"), st.out() + st.err());
        Nslab.Out down = lab("down", lab);
        assertEquals(0, down.code(), down.err());
        assertTrue(down.err().contains("rebuilt from what carries its mark"), down.err());
        nothingLeft();
        assertFalse(Files.exists(state));

        // deleted: listed by its marks; up of its file adopts what is there and changes nothing
        lab("up", f.toString()).ok();
        Files.delete(state);
        assertTrue(lab("ls").out().contains("lab " + lab), "found by its marks");
        Nslab.Out again = lab("up", f.toString()).ok();
        assertEquals("lab " + lab + " is up to date: nothing to change\n", again.out(), again.err());
        assertTrue(again.err().contains("has no state file") && again.err().contains("adopted"), again.err());
        assertTrue(Files.exists(state), "the state is written again");
        assertEquals(0, lab("status", lab).code(), lab("status", lab).out());

        // deleted again: down finds everything by its marks
        Files.delete(state);
        assertEquals(0, lab("down", lab).code());
        nothingLeft();

        // down of a lab that is not there: no mistake, unless --strict
        Nslab.Out twice = lab("down", lab);
        assertEquals(0, twice.code());
        assertTrue(twice.out().contains("no lab named " + lab + ": nothing to take down"), twice.out());
        assertEquals(1, lab("down", "--strict", lab).code());
    }

    @Test
    void aClashNamesTheLabThatOwnsTheObjectAndNeverAdvisesRemovingIt() throws Exception {
        String a = """
                name: @a
                prefix: ""
                topology:
                  nodes:
                    @n1: {interfaces: {eth0: 10.43.0.1/24}}
                    @n2: {interfaces: {eth0: 10.43.0.2/24}}
                  links:
                    - endpoints: ["@n1:eth0", "@n2:eth0"]
                """;
        Path fa = file("a.yml", a), fb = file("b.yml", a.replace("name: @a", "name: @b"));
        lab("up", fa.toString()).ok();
        Nslab.Out clash = lab("up", fb.toString());
        assertEquals(1, clash.code());
        assertTrue(clash.err().contains("namespace " + t.n("n1") + " already exists: it belongs to lab " + t.n("a") + " (" + fa.toAbsolutePath() + ")"),
                clash.err());
        assertTrue(clash.err().contains("prefix"), "what keeps both labs working: " + clash.err());
        assertFalse(clash.err().contains("del") || clash.err().contains("remove"), clash.err());
        assertEquals(0, lab("status", t.n("a")).code(), "lab a untouched");
    }

    @Test
    void theNeighbourLimitsRecordIsNoLabAndOutlivesDownAllWhileALabHoldsARaise(@TempDir Path other) throws Exception {
        String star = Files.readString(Path.of("examples/star100.yml")).replaceFirst("(?m)^name: .*$", "name: @star");
        Path f = file("star.yml", star);
        String key = "net.ipv4.neigh.default.gc_thresh3";
        String before = Sh.ok("sysctl", "-n", key).strip();
        long need = 9900;
        boolean raises = need * 2 > Long.parseLong(before);
        Nslab.inState(other, "up", f.toString()).ok();
        try {
            Path small = file("small.yml", TWO_LANS);
            lab("up", small.toString()).ok();
            if (raises) assertTrue(Files.exists(NeighbourLimits.RECORD), "the record of the machine's values");
            Nslab.Out ls = Nslab.run("ls", "--state-dir", NeighbourLimits.RECORD.getParent().getParent().toString());
            assertFalse(ls.out().contains("neighbour-limits") || ls.out().contains("kernel-limits"), "only labs are labs: " + ls.out());
            lab("down", "--all").ok();
            if (raises) {
                assertTrue(Files.exists(NeighbourLimits.RECORD), "kept: the star still holds a raise");
                assertTrue(Long.parseLong(Sh.ok("sysctl", "-n", key).strip()) >= Long.parseLong(before) + need, "still raised");
            }
        } finally {
            Nslab.inState(other, "down", t.n("star")).ok();
        }
        assertEquals(before, Sh.ok("sysctl", "-n", key).strip(), "the machine's value is back");
    }
}
