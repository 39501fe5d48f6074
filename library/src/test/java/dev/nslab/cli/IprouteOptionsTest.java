package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ip's global options as ip reads them (any prefix, the first name in ip's order winning: -h is -human, -s -stats),
 * -s, -o, -j -p, and the show filters (up, type, master, nomaster): each command run by ip and by nslab on the same
 * quiet namespace, output and exit status compared byte for byte.
 */
@Needs(programs = {"ip", "ping"})
class IprouteOptionsTest {
    final TestNet t = new TestNet();
    String ns;

    @BeforeEach
    void setUp() {
        ns = t.n("o");
        Sh.ok("ip", "netns", "add", ns);
        // a quiet namespace: no IPv6 (no router or neighbour solicitations), so counters hold still between witnesses
        Sh.ok("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        Sh.ok("ip", "-n", ns, "link", "set", "lo", "up");
        Sh.ok("ip", "-n", ns, "link", "add", "va", "type", "veth", "peer", "name", "vb");
        Sh.ok("ip", "-n", ns, "link", "add", "br0", "type", "bridge");
        Sh.ok("ip", "-n", ns, "link", "set", "vb", "master", "br0");
        Sh.ok("ip", "-n", ns, "link", "set", "va", "alias", "the a end");
        Sh.ok("ip", "-n", ns, "addr", "add", "10.61.0.1/24", "dev", "va");
        Sh.ok("ip", "-n", ns, "addr", "add", "10.62.0.1/24", "dev", "br0");
        Sh.ok("ip", "-n", ns, "link", "set", "va", "up");
        // some traffic on lo, for counters that are not all zero
        Sh.ok("ip", "netns", "exec", ns, "ping", "-c", "3", "-i", "0.2", "-q", "127.0.0.1");
    }

    @AfterEach
    void cleanUp() { t.close(); }

    private void same(String line) {
        List<String> ip = new ArrayList<>(List.of("ip", "-n", ns));
        ip.addAll(Sh.words(line));
        Sh.Result want = Sh.run(ip, null);
        List<String> mine = new ArrayList<>(List.of("-n", ns));
        mine.addAll(Sh.words(line));
        Nslab.Out got = Nslab.run(mine.toArray(String[]::new));
        assertEquals(want.out(), got.out(), "stdout of: " + line);
        assertEquals(want.err(), got.err(), "stderr of: " + line);
        assertEquals(want.code(), got.code(), "exit status of: " + line);
    }

    @Test
    void statisticsOneLineAndPrettyJsonAsIpPrintsThem() {
        for (String line : List.of("-s link show lo", "-s -s link show lo", "-s link show va", "-stat link show lo",
                "-statistics -statistics link", "-h -s link show lo", "-s -h -iec link show lo", "-j -s link show lo",
                "-j -s -s link", "-s addr show lo", "-4 -s addr", "-j -s addr show lo", "-o link", "-o -s link show lo",
                "-oneline addr", "-o -4 addr show va", "-j -p link", "-j -p addr", "-j -p -s link show lo", "-j -p route",
                "-j link show va", "-br -o link", "--stats link show lo", "-t link show lo", "-ts addr show va", "-timestamp -j link show lo")) {
            same(line);
        }
    }

    /** An alias with characters JSON escapes: ip's json_writer writes \b and \f by name, as the others it names. */
    @Test
    void anAliasIsQuotedInJsonAsIpQuotesIt() {
        Sh.ok("ip", "-n", ns, "link", "set", "vb", "alias", "a\bb\fc\td\"e\\f g");
        for (String line : List.of("-j link show vb", "-j -p link show vb", "-j -d addr show vb")) same(line);
    }

    /** -d: link details (veth, a Linux bridge and its port, loopback), the alias in address show, route types and tables. */
    @Test
    void detailsAsIpPrintsThem() {
        for (String line : List.of("-d link", "-d link show va", "-d -j link", "-d -j -p link show br0", "-details link show dev vb",
                "-d addr", "-d -4 addr", "-d -j addr", "-d -o link", "-d -s link show lo", "-d -br link", "-d route",
                "-d route show table all", "-d -j route show table all", "route show table all", "-d route get 10.61.0.9",
                "-d -j route get 10.61.0.9", "-d neigh", "-d maddr")) {
            same(line);
        }
    }

    /** -c: ip's colours (the light palette; COLORFGBG is not set in the suite), -c=never and -c=auto without a terminal. */
    @Test
    void coloursAsIpPrintsThem() {
        Sh.ok("ip", "-n", ns, "neigh", "add", "10.61.0.6", "lladdr", "02:00:00:00:00:06", "dev", "va");
        Sh.ok("ip", "-n", ns, "route", "add", "10.70.0.0/16", "via", "10.61.0.2");
        for (String line : List.of("-c link", "-c=always addr", "-color addr show va", "-c -br link", "-c -br addr", "-c route",
                "-c route show table all", "-c route get 10.61.0.9", "-c neigh", "-c=never link", "-c=auto link", "-c -o addr",
                "-c -d link show va", "-c -s link show lo", "-c -j link show lo", "-c -o link")) {
            same(line);
        }
    }

    /** -r: addresses the hosts file names (loopback's), as ip names them; -4 -j address without the link line. */
    @Test
    void resolvedNamesAsIpPrintsThem() {
        for (String line : List.of("-r -4 addr show lo", "-r -4 -j addr show lo", "-4 -j addr", "-r route get 127.0.0.1",
                "-r -j route get 127.0.0.1", "-resolve -4 -br addr show lo")) {
            same(line);
        }
    }

    /** -d for the kinds labs make besides veth and bridge: vxlan (unicast, multicast, external), macvlan (bridge, source), tun/tap. */
    @Test
    void detailsOfVxlanAndMacvlan() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Sh.run("ip", "-n", ns, "link", "add", "vx0", "type", "vxlan", "id", "42", "remote", "10.9.9.9", "dstport", "4789", "dev", "va").code() == 0,
                "this kernel has no vxlan");
        Sh.ok("ip", "-n", ns, "link", "add", "vx1", "type", "vxlan", "id", "43", "group", "239.1.1.1", "dev", "va", "dstport", "0");
        Sh.ok("ip", "-n", ns, "link", "add", "vx2", "type", "vxlan", "id", "44", "local", "10.1.1.1", "remote", "10.2.2.2", "dstport",
                "4789", "ttl", "5", "tos", "inherit", "nolearning", "noudpcsum", "ageing", "0", "maxaddr", "10", "df", "set");
        Sh.ok("ip", "-n", ns, "link", "add", "vx3", "type", "vxlan", "external", "dstport", "4790");
        boolean macvlan = Sh.run("ip", "-n", ns, "link", "add", "mv0", "link", "va", "type", "macvlan", "mode", "bridge").code() == 0;
        if (macvlan) {
            Sh.ok("ip", "-n", ns, "link", "add", "mv1", "link", "va", "type", "macvlan", "mode", "source");
            Sh.ok("ip", "-n", ns, "link", "set", "mv1", "type", "macvlan", "macaddr", "add", "02:00:00:00:00:01");
        }
        for (String line : List.of("-d link show vx0", "-d -j link show vx0", "-d link show vx1", "-d -j link show vx1", "-d link show vx2",
                "-d -j link show vx2", "-d link show vx3", "-d -j -p link show vx3", "-d link", "-d -j link", "-d addr")) {
            same(line);
        }
        if (macvlan) for (String line : List.of("-d link show mv0", "-d -j link show mv0", "-d link show mv1", "-d -j link show mv1")) same(line);
        if (Sh.run("ip", "-n", ns, "tuntap", "add", "dev", "tp0", "mode", "tap").code() == 0) {
            Sh.ok("ip", "-n", ns, "tuntap", "add", "dev", "tn0", "mode", "tun", "user", "0", "group", "0", "multi_queue");
            for (String line : List.of("-d link show tp0", "-d -j link show tp0", "-d link show tn0", "-d -j -p link show tn0")) same(line);
        }
    }

    /** link xstats: a bridge's and its ports' counters, and ip's errors for the rest. */
    @Test
    void linkXstatsAsIpPrintsThem() {
        for (String line : List.of("link xstats type bridge", "-j link xstats type bridge", "-j -p link xstats type bridge_slave",
                "link xstats type bridge_slave", "link xstats type bridge_slave stp", "link xstats type bridge igmp",
                "link xstats type bridge dev br0", "link xstats type bridge dev nosuch", "link xstats type bridge_slave dev vb mcast",
                "link xstats", "link xstats type veth", "link xstats type foo", "link xstats foo", "link xstats help",
                "link xstats type bridge help", "link xstats type bridge blah", "link x type bridge", "link xstats type")) {
            same(line);
        }
    }

    @Test
    void showFilters() {
        for (String line : List.of("link show up", "link show type veth", "link show type bridge", "link show type bridge_slave",
                "link show master br0", "link show nomaster", "-br link show master br0", "addr show up", "addr show dev va up",
                "link show master nosuch", "link show dev nosuch", "-o link show up")) {
            same(line);
        }
    }

    @Test
    void netnsListIdWithItsFilters() {
        String b = t.n("p"), c = t.n("q");
        Sh.ok("ip", "netns", "add", b);
        Sh.ok("ip", "netns", "add", c);
        Sh.ok("ip", "-n", ns, "netns", "set", b, "5");
        Sh.ok("ip", "-n", b, "netns", "set", c, "9");
        Sh.ok("ip", "-n", ns, "netns", "set", c, "11");
        for (String line : List.of("netns list-id", "netns list-id target-nsid 5", "-j netns list-id target-nsid 5", "netns list-id nsid 11",
                "netns list-id nsid 7", "netns list-id target-nsid 5 nsid 9", "netns list-id target-nsid 77",
                "netns list-id target-nsid x", "netns list-id target-nsid -3")) {
            same(line);
        }
    }

    /**
     * A name whose file holds no namespace (a process killed between making the file and mounting on it; a restart
     * that kept /run): ip reports the kernel's refusal each time it looks the name up, and so must nslab, line for line.
     */
    @Test
    void aNameWithoutANamespaceIsReportedWhereIpReportsIt() throws Exception {
        String b = t.n("p");
        Sh.ok("ip", "netns", "add", b);
        Sh.ok("ip", "-n", ns, "netns", "set", b, "5");
        Sh.ok("ip", "-n", ns, "link", "add", "vx", "type", "veth", "peer", "name", "vy", "netns", b);
        java.nio.file.Files.createFile(java.nio.file.Path.of("/run/netns", t.n("stale")));
        for (String line : List.of("netns", "netns list", "-j netns list", "netns list-id", "netns list-id target-nsid 5",
                "link", "link show vx", "-d link show vx", "-br link", "-j link show vx", "addr show vx", "-o link show vx")) {
            same(line);
        }
        // entering it: ip's words; -all visits the others and does not count it as the command failing
        Nslab.Out in = Nslab.process(null, "netns", "exec", t.n("stale"), "true");
        assertEquals("setting the network namespace \"" + t.n("stale") + "\" failed: Invalid argument\n", in.err());
        Nslab.Out all = Nslab.process(null, "-all", "netns", "exec", "true");
        assertTrue(all.out().contains("netns: " + ns + "\n") && all.out().contains("netns: " + b + "\n"), all.out());
        assertTrue(all.err().contains("setting the network namespace \"" + t.n("stale") + "\" failed: Invalid argument\n"), all.err());
        // -all visits the whole machine's namespaces: one of another run's that went away meanwhile fails its visit
        if (!all.err().contains("no such network namespace")) assertEquals(0, all.code(), all.err());
        Nslab.Out fails = Nslab.process(null, "-all", "netns", "exec", "false");
        assertEquals(1, fails.code(), "the command failed in the namespaces it ran in");
    }

    @Test
    void multicastAddresses() {
        for (String line : List.of("maddr", "maddr show dev va", "-4 maddr", "-6 maddr show", "-j maddr", "m s dev br0", "-o maddr",
                "maddr show nosuch")) {
            same(line);
        }
    }

    /** maddr add/del: each line by ip and by nslab from the same state, compared with the state it leaves (ip's view). */
    @Test
    void multicastAddressesAddedAndDeleted() {
        List<String> used = List.of("01:00:5e:01:02:03", "33:33:00:00:00:42", "01:00:5e:01:02:05", "10:02:03:04:05:06");
        Sh.ok("ip", "-n", ns, "maddr", "add", "01:00:5e:01:02:05", "dev", "va"); // present before each line
        for (String line : List.of("maddr add 01:00:5e:01:02:03 dev va", "maddr add address 33:33:00:00:00:42 dev va",
                "maddr a 01:00:5e:01:02:03 dev va", "maddr delete 01:00:5e:01:02:05 dev va", "maddr d 01:00:5e:01:02:05 dev va",
                "maddr del 01:00:5e:09:09:09 dev va", "maddr add 01:zz:5e dev va", "maddr add 1ff:00 dev va",
                "maddr add 01:00:5e:01:02:03", "maddr add 01:00:5e:01:02:03 dev nosuch", "maddr add 01:00:5e:01:02:03 01:00:5e:01:02:05 dev va",
                "maddr add 00:00:5e:01:02:03 01:00:5e:01:02:03 dev va", "maddr add 01:00:5e:01:02:03 dev va dev vb",
                "maddr add 224.1.2.3 dev va", "maddr add 1.2.3 dev va", "maddr add 1.2.3.4.5 dev va", "maddr add 0x1:2 dev va",
                "maddr add 01:02:03:04:05:06:07 dev va", "maddr add 0x10:2:3:4:5:6 dev va", "maddr add 01:00:5e:01:02:03 dev",
                "maddr add help", "maddr foo", "maddr add 01:00:5e:01:02:03 dev a/b", "maddr add 33:33:00:00:00:42 dev br0")) {
            Sh.Result ip = Sh.run(ipLine(line), null);
            String ipState = Sh.ok("ip", "-n", ns, "maddr", "show");
            restore(used);
            List<String> mine = new ArrayList<>(List.of("-n", ns));
            mine.addAll(Sh.words(line));
            Nslab.Out got = Nslab.run(mine.toArray(String[]::new));
            String myState = Sh.ok("ip", "-n", ns, "maddr", "show");
            restore(used);
            assertEquals(ip.out(), got.out(), "stdout of: " + line);
            assertEquals(ip.err(), got.err(), "stderr of: " + line);
            assertEquals(ip.code(), got.code(), "exit status of: " + line);
            assertEquals(ipState, myState, "state after: " + line);
        }
    }

    private List<String> ipLine(String line) {
        List<String> ip = new ArrayList<>(List.of("ip", "-n", ns));
        ip.addAll(Sh.words(line));
        return ip;
    }

    /** Back to the state before a line: only 01:00:5e:01:02:05 (once) of the addresses the lines use. */
    private void restore(List<String> used) {
        for (String dev : List.of("va", "br0")) {
            for (String a : used) {
                for (int i = 0; i < 5 && Sh.run("ip", "-n", ns, "maddr", "del", a, "dev", dev).code() == 0; i++) {
                    // a joined address counts its joins: leave it as often as it was joined
                }
            }
        }
        Sh.ok("ip", "-n", ns, "maddr", "add", "01:00:5e:01:02:05", "dev", "va");
    }

    @Test
    void neighbourFiltersByPrefixAndFlushAll() {
        Sh.ok("ip", "-n", ns, "neigh", "add", "10.61.0.5", "lladdr", "02:00:00:00:00:05", "dev", "va", "nud", "reachable");
        Sh.ok("ip", "-n", ns, "neigh", "add", "10.61.0.6", "lladdr", "02:00:00:00:00:06", "dev", "va", "nud", "permanent");
        Sh.ok("ip", "-n", ns, "neigh", "add", "10.62.0.7", "lladdr", "02:00:00:00:00:07", "dev", "br0", "nud", "stale");
        for (String line : List.of("neigh show", "neigh show 10.61.0.0/24", "neigh show to 10.61.0.5", "neigh show all",
                "neigh show dev va 10.61.0.6", "neigh show nosuch", "neigh flush")) {
            same(line);
        }
        Nslab.run("-n", ns, "neigh", "flush", "all").ok();
        assertEquals("10.61.0.6 dev va lladdr 02:00:00:00:00:06 PERMANENT \n", Sh.ok("ip", "-n", ns, "neigh", "show"),
                "flush all: every learnt entry, none set by hand");
    }

    @Test
    void optionsIpDoesNotHaveOrThatNslabDoesNotDoAreRefusedByName() {
        Nslab.Out unknown = Nslab.run("-x", "link");
        assertEquals(255, unknown.code());
        assertEquals("Option \"-x\" is unknown, try \"nslab -help\".\n", unknown.err());
        Nslab.Out numeric = Nslab.run("-N", "link");
        assertEquals(255, numeric.code());
        assertTrue(numeric.err().contains("-Numeric") && numeric.err().contains("not supported yet"), numeric.err());
        // -d rule: each rule's protocol too, as ip prints it
        assertEquals(Sh.ok("ip", "-n", ns, "-d", "rule"), Nslab.run("-n", ns, "-d", "rule").ok().out());
        assertTrue(Nslab.run("-c=never", "-n", ns, "link", "show", "lo").ok().out().startsWith("1: lo:"));
        assertTrue(Nslab.run("-b").err().contains("-batch"), "-b is -batch, as in ip");
    }
}
