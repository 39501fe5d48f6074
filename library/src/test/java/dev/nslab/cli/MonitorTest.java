package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code monitor}: ip's and nslab's listening side by side to the same namespace while it changes (links made, moved
 * up, addressed, routed, given neighbours, rules and nexthops, a peer sent to another namespace, a setting changed,
 * all deleted): the same announcements, printed alike, word for word. Each listener is a process of its own, ended by
 * the test that started it.
 */
@Needs(programs = {"ip"})
class MonitorTest {
    final TestNet t = new TestNet();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        started.forEach(Process::destroyForcibly);
        t.close();
    }

    @Test
    void everythingByDefault(@TempDir Path dir) throws Exception { same(dir, List.of(), "link/ether"); }

    @Test
    void labelledWithEveryNamespace(@TempDir Path dir) throws Exception { same(dir, List.of("all-nsid", "label"), "link/ether"); }

    @Test
    void someObjectsOnly(@TempDir Path dir) throws Exception { same(dir, List.of("link", "address", "nsid"), "link/ether"); }

    /** With dev: only what is about lo, its routes without their device (ip leaves out what it filters by). */
    @Test
    void oneDevice(@TempDir Path dir) throws Exception { same(dir, List.of("dev", "lo"), "local 127.0.0.9 table local"); }

    /**
     * ip monitor WORDS and nslab monitor WORDS over the same changes: the same lines, between two markers, among them
     * {@code heard}.
     */
    private void same(Path dir, List<String> words, String heard) throws Exception {
        String ns = t.n("mon"), other = t.n("mono");
        Sh.ok("ip", "netns", "add", ns);
        Sh.ok("ip", "netns", "add", other);
        List<String> ip = new ArrayList<>(List.of("ip", "-n", ns, "monitor"));
        ip.addAll(words);
        List<String> nslab = new ArrayList<>(Nslab.command());
        nslab.addAll(List.of("-n", ns, "monitor"));
        nslab.addAll(words);
        Path ipOut = dir.resolve("ip"), nslabOut = dir.resolve("nslab");
        started.add(new ProcessBuilder(ip).redirectErrorStream(true).redirectOutput(ipOut.toFile()).start());
        started.add(new ProcessBuilder(nslab).redirectErrorStream(true).redirectOutput(nslabOut.toFile()).start());
        // both listening: lo's mtu changed until both have heard it (each joins its groups in its own time)
        assertTrue(heardMtu(ns, ipOut, nslabOut, 60000) != null, "both listeners heard lo's mtu change");
        // a warm-up of every kind of announcement: a cold JVM prints its first ones late, and a name it looks up for an
        // announcement (a device announced before its link) may be gone by then
        String warm = t.n("monw");
        Sh.ok("ip", "netns", "add", warm);
        Sh.bash("set -e\n" + SCRIPT.replace("OTHER", warm).replace("NS", ns).replaceAll("\\bv([a-d])\\b", "w$1")).ok();
        // the start: both have heard the warm-up and the next change
        String start = heardMtu(ns, ipOut, nslabOut, 61000);
        assertTrue(start != null, "both listeners heard lo's second mtu change");
        Sh.bash("set -e\n" + SCRIPT.replace("OTHER", other).replace("NS", ns) + "ip -n " + ns + " link set lo mtu 59999\n").ok();
        // the end: every listener has heard lo's last change, so everything before it
        assertTrue(waitFor(List.of(ipOut, nslabOut), "mtu 59999 ", 10_000), "both heard the last marker");
        String want = between(Files.readString(ipOut), start), got = between(Files.readString(nslabOut), start);
        assertTrue(want.contains(heard), "ip heard " + heard + ":\n" + want);
        assertEquals(want, got, "ip monitor " + String.join(" ", words));
    }

    /** The changes both listeners hear: NS the namespace listened to, OTHER another. */
    private static final String SCRIPT = """
                ip -n NS link set lo up; ip -n NS link add va type veth peer name vb; ip -n NS addr add 10.5.0.1/24 dev va
                ip -n NS link set va up; ip -n NS link set vb up; ip -n NS route add 10.9.0.0/16 via 10.5.0.2
                ip -n NS neigh add 10.5.0.7 lladdr 02:00:00:00:00:07 dev va
                ip -n NS rule add from 10.1.0.0/16 table 100; ip -n NS rule del from 10.1.0.0/16 table 100
                ip -n NS nexthop add id 7 via 10.5.0.2 dev va; ip -n NS nexthop del id 7
                ip -n NS link add vc type veth peer name vd netns OTHER; ip -n OTHER link set vd up
                ip netns exec NS sysctl -qw net.ipv4.conf.va.forwarding=1
                ip -n NS route del 10.9.0.0/16; ip -n NS addr del 10.5.0.1/24 dev va; ip -n NS link del va; ip -n NS link del vc
                ip -n NS addr add 127.0.0.9/8 dev lo; ip -n NS addr del 127.0.0.9/8 dev lo
                """;

    /** lo's mtu changed until both listeners have printed the change (its words), or null after many tries. */
    private static String heardMtu(String ns, Path ipOut, Path nslabOut, int from) throws Exception {
        for (int i = 1; i < 200; i++) {
            Sh.ok("ip", "-n", ns, "link", "set", "lo", "mtu", Integer.toString(from + i));
            if (waitFor(List.of(ipOut, nslabOut), "mtu " + (from + i) + " ", 300)) return "mtu " + (from + i) + " ";
        }
        return null;
    }

    /** What a listener printed from the line of the first marker heard by both up to the line of the last. */
    private static String between(String out, String start) {
        int from = out.lastIndexOf('\n', out.indexOf(start)) + 1;
        int to = out.indexOf("mtu 59999 ", from);
        return out.substring(from, out.lastIndexOf('\n', to) + 1);
    }

    /** Whether every file holds {@code text} within {@code millis}, read again and again. */
    private static boolean waitFor(List<Path> files, String text, long millis) throws Exception {
        for (long end = System.nanoTime() + millis * 1_000_000L; System.nanoTime() < end; Thread.onSpinWait()) {
            boolean all = true;
            for (Path f : files) all &= Files.readString(f).contains(text);
            if (all) return true;
        }
        return false;
    }
}
