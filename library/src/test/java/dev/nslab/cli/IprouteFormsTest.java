package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forms that tutorials' scripts use, done both ways: the same lines run by ip in one namespace and by nslab in its
 * twin (made alike by ip), each line's output and exit status compared, then what each namespace holds (links,
 * addresses, routes of every table, as ip shows them). Route types, tables, protocols, scopes, sources, onlink,
 * mtu, multipath; replace, change, append, prepend; flush of routes and addresses; address labels and filters; link flags, queue
 * lengths and groups; vxlan and macvlan made by hand; rules by firewall mark, and their flush; tun and tap devices.
 */
@Needs(programs = {"ip"})
class IprouteFormsTest {
    final TestNet t = new TestNet();
    String a, b;

    @BeforeEach
    void twins() {
        a = t.n("fa");
        b = t.n("fb");
        for (String ns : List.of(a, b)) {
            Sh.ok("ip", "netns", "add", ns);
            // no IPv6 router or neighbour solicitations: the namespaces stay alike
            Sh.ok("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
            Sh.ok("ip", "-n", ns, "link", "set", "lo", "up");
            Sh.ok("ip", "-n", ns, "link", "add", "va", "address", "02:00:00:00:00:0a", "type", "veth", "peer", "name", "vb", "address", "02:00:00:00:00:0b");
            Sh.ok("ip", "-n", ns, "link", "set", "va", "up");
            Sh.ok("ip", "-n", ns, "link", "set", "vb", "up");
            Sh.ok("ip", "-n", ns, "addr", "add", "10.5.0.1/24", "dev", "va");
        }
    }

    @AfterEach
    void cleanUp() { t.close(); }

    /** Each line by ip in one twin and by nslab in the other: same output (the namespace's name aside) and status; then the same state. */
    private void bothWays(String... lines) { bothWays(out -> out, lines); }

    /** {@code line} by ip in twin a. */
    private Sh.Result ip(String line) {
        List<String> ip = new ArrayList<>(List.of("ip", "-n", a));
        ip.addAll(Sh.words(line));
        return Sh.run(ip, null);
    }

    /** {@code line} by nslab in twin b. */
    private Nslab.Out nslab(String line) {
        List<String> mine = new ArrayList<>(List.of("-n", b));
        mine.addAll(Sh.words(line));
        return Nslab.run(mine.toArray(String[]::new));
    }

    /** {@link #bothWays(String...)}, their standard output read through {@code mask} (what each twin measures itself). */
    private void bothWays(java.util.function.UnaryOperator<String> mask, String... lines) {
        for (String line : lines) {
            Sh.Result want = ip(line);
            Nslab.Out got = nslab(line);
            assertEquals(mask.apply(ticking(want.out())), mask.apply(ticking(got.out().replace(b, a))), "stdout of: " + line);
            assertEquals(want.err(), got.err().replace(b, a), "stderr of: " + line);
            assertEquals(want.code(), got.code(), "exit status of: " + line);
        }
        // the kernel settles some of it later (a bridge's carrier after a port joins, by its linkwatch work): compared
        // again until both agree or a few seconds have passed
        String want = state(a), got = state(b);
        for (long end = System.nanoTime() + 5_000_000_000L; !want.equals(got) && System.nanoTime() < end; ) {
            want = state(a);
            got = state(b);
        }
        assertEquals(want, got, "what the namespaces hold after: " + String.join("; ", lines));
    }

    /**
     * Each line, refused, by ip in one twin and by nslab in the other: the same first line of the error and the same
     * status (what ip prints after it is its usage text, which nslab words its own way).
     */
    private void firstLineAsIp(String... lines) {
        for (String line : lines) {
            Sh.Result want = ip(line);
            Nslab.Out got = nslab(line);
            assertTrue(want.code() != 0, "ip refuses: " + line);
            assertEquals(want.err().lines().findFirst(), got.err().lines().findFirst(), line);
            assertEquals(want.code(), got.code(), "exit status of: " + line);
        }
    }

    /** Lifetimes count down and a neighbour's ages up by the second: read a moment apart, they may differ by one. */
    private static String ticking(String out) {
        return out.replaceAll("_lft \\d+sec", "_lft Nsec").replaceAll("(_life_time\":)\\d+", "$1N")
                .replaceAll("used \\d+/\\d+/\\d+", "used N/N/N").replaceAll("\"(used|confirmed|updated)\":\\d+", "\"$1\":N");
    }

    private static String state(String ns) {
        // a tap's MAC address is random: masked
        return (Sh.ok("ip", "-n", ns, "-d", "link", "show").replaceAll("@if\\d+", "") + ticking(Sh.ok("ip", "-n", ns, "addr", "show"))
                + Sh.ok("ip", "-n", ns, "-d", "route", "show", "table", "all") + Sh.ok("ip", "-n", ns, "-6", "route", "show", "table", "all"))
                .replaceAll("link/ether \\S+", "link/ether MAC").replaceAll("(_timer) +[0-9.]+", "$1 T");
    }

    /**
     * Table, realm and device group names from the machine's files (policy-routing scripts add "100 isp1" to
     * /etc/iproute2/rt_tables): each tool run in a mount namespace of its own where those files are the test's (the
     * machine's files stay as they are), and a JVM of its own for nslab (a thread cannot change its mount namespace).
     */
    @Test
    @Needs(programs = {"ip", "unshare", "mount"})
    void tablesNamedByTheMachinesFiles(@TempDir Path dir) throws Exception {
        Path tables = Files.writeString(dir.resolve("rt_tables"), """
                255	local
                254	main
                253	default
                0	unspec
                # policy routing
                100 isp1
                0x65	isp2 # hexadecimal
                1000 big
                  300 isp1
                """);
        Path d = Files.createDirectories(dir.resolve("rt_tables.d"));
        Files.writeString(d.resolve("vpn.conf"), "42 vpn\n");
        Files.writeString(d.resolve("ignored.txt"), "43 notread\n");
        Files.writeString(d.resolve("broken.conf"), "44 fine\nnot a line\n45 unread\n");
        Files.writeString(dir.resolve("rt_realms"), "0 cosmos\n5 isp\n3\tthree\n");
        Files.writeString(dir.resolve("group"), "0\tdefault\n10 web\n0x20 db\n10 web2\n");
        for (String line : List.of("route add 10.9.0.0/24 dev va table isp1", "route add 10.9.1.0/24 dev va table isp2",
                "route add 10.9.2.0/24 dev va table 1000", "route add 10.9.3.0/24 dev va table vpn", "route add 10.9.4.0/24 dev va table 0x12c",
                "route add 10.9.5.0/24 dev va table notread", "route add 10.9.6.0/24 dev va table fine", "route show table isp1",
                "route show table all", "-j route show table all", "route show table big", "route show table nosuch", "-d route show table vpn",
                "rule add from 10.9.0.0/24 table isp1", "rule add fwmark 3 lookup big", "rule add iif va lookup 300", "rule add to 10.9.9.0/24 table unspec",
                "rule show", "-j rule show", "rule show table isp1", "route flush table isp2", "route show table isp2",
                "rule del from 10.9.0.0/24 table isp1", "rule show", "route add 10.9.7.0/24 dev va table 0", "route show table 0",
                "route show table unspec", "rule show table 0", "rule add from 10.9.8.0/24 table all", "route flush table nosuch",
                "route add 10.9.10.0/24 dev va realm isp", "route add 10.9.11.0/24 dev va realms three/isp", "route add 10.9.12.0/24 dev va realm 7",
                "route show 10.9.10.0/24", "-j route show 10.9.11.0/24", "route show 10.9.12.0/24", "route add 10.9.13.0/24 dev va realm nosuch",
                "rule add from 10.9.14.0/24 realms three/isp table isp1", "rule show from 10.9.14.0/24", "-j rule show from 10.9.14.0/24",
                "link set va group web", "link show va", "link set va group db", "-j link show va", "link show group db",
                "link set va group nosuch", "link set va group 0x7", "-br link show group 7", "rule add from 10.9.15.0/24 table 100 suppress_ifgroup db",
                "rule show from 10.9.15.0/24", "rule add from 10.9.16.0/24 table 100 suppress_ifgroup nosuch")) {
            Sh.Result want = ownTables(tables, d, List.of("ip", "-n", a), line);
            Sh.Result got = ownTables(tables, d, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.nslab.cli.Main", "-n", b), line);
            assertEquals(want.out(), got.out().replace(b, a), "stdout of: " + line);
            assertEquals(want.err(), got.err().replace(b, a), "stderr of: " + line);
            assertEquals(want.code(), got.code(), "exit status of: " + line);
        }
        assertEquals(state(a), state(b));
    }

    /** Routes and rules by type of service, its values named as the machine's rt_dsfield names them (AF11 is 0x28). */
    @Test
    void routesByTypeOfService() {
        bothWays("route add 10.7.0.0/16 dev va tos 0x28", "route add 10.7.0.0/16 dev va tos AF12", "route add 10.8.0.0/16 via 10.5.0.2 tos 10",
                "route add 10.9.0.0/16 dev va dsfield 0x04", "route show", "-j route show", "route show tos AF11", "route show tos 0x30",
                "route show dsfield 10", "route add 10.9.0.0/16 dev va tos bogus", "route add 10.9.0.0/16 dev va tos 0x100",
                "route show tos nosuch", "route get 10.7.1.1 tos AF11", "-j route get 10.7.1.1 tos 0x28", "route get 10.7.1.1 tos x",
                "route del 10.7.0.0/16 tos AF12", "route show", "rule add tos 8 table 7", "rule add tos 0x04 table 8", "rule show",
                "-j rule show", "rule show tos 0x08", "rule add tos nosuch table 9", "route flush tos 0x28", "route show");
    }

    /**
     * {@code tool line} where /etc/iproute2/rt_tables, rt_tables.d, rt_realms and group are {@code tables}, {@code d}
     * and the realms and groups beside {@code tables}.
     */
    private static Sh.Result ownTables(Path tables, Path d, List<String> tool, String line) {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                // only over files the machine has (nothing is made on it): where one is missing, both tools go without
                "for f in rt_tables:$1 rt_tables.d:$2 rt_realms:$3 group:$4; do t=/etc/iproute2/${f%%:*}; [ ! -e $t ] || mount --bind ${f#*:} $t || exit 1; done"
                        + " && shift 4 && exec \"$@\"", "sh",
                tables.toString(), d.toString(), tables.resolveSibling("rt_realms").toString(), tables.resolveSibling("group").toString()));
        cmd.addAll(tool);
        cmd.addAll(Sh.words(line));
        return Sh.run(cmd, null);
    }

    /**
     * {@code route save | restore | showdump} and {@code address ...} alike: each tool saves its twin to a file of its
     * own, ip reads both files alike (nslab writes ip's format), and each restores the other's file (nslab reads ip's)
     * into its twin after a flush: both twins end as they began; what each prints and how it exits are ip's, from the
     * routes already there to a file cut short or of the wrong kind.
     */
    @Test
    void savedRoutesAndAddressesGoBackEitherWay(@TempDir Path dir) throws Exception {
        bothWays("address add 10.6.0.1/24 dev va label va:1", "address add fd00::1/64 dev va", "route add 10.9.0.0/16 via 10.5.0.2 src 10.5.0.1 metric 5",
                "route add 10.8.0.0/16 via 10.6.0.2 table 100", "route add blackhole 10.7.0.0/16", "-6 route add fd09::/64 via fd00::2 dev va");
        String routes = Sh.ok("ip", "-n", a, "-4", "route", "show", "table", "all"), addresses = ticking(Sh.ok("ip", "-n", a, "-4", "address", "show"));
        // the saves: each tool from its own twin
        for (String save : List.of("route save table all > F.rt", "-6 route save > F.rt6", "route save 10.9.0.0/16 > F.one", "address save > F.ad",
                "-4 address save dev va > F.ad4", "address save dev nosuch > F.none")) {
            Sh.Result byIp = inTwin(a, false, save.replace("F.", dir + "/ip."));
            Sh.Result byNslab = inTwin(b, true, save.replace("F.", dir + "/nslab."));
            assertEquals(byIp.err(), byNslab.err(), save);
            assertEquals(byIp.code(), byNslab.code(), save);
        }
        // ip reads nslab's files as its own; nslab reads ip's as ip does
        for (String show : List.of("route showdump < F.rt", "route showdump < F.rt6", "route showdump < F.one", "address showdump < F.ad",
                "address showdump < F.ad4", "route showdump < F.ad", "address showdump < F.rt", "route showdump < /dev/null")) {
            Sh.Result ipOfIp = inTwin(a, false, show.replace("F.", dir + "/ip.")), ipOfNslab = inTwin(a, false, show.replace("F.", dir + "/nslab."));
            Sh.Result nslabOfIp = inTwin(a, true, show.replace("F.", dir + "/ip."));
            assertEquals(ipOfIp.out(), ipOfNslab.out(), "ip " + show + " of each tool's file");
            assertEquals(ipOfIp.out(), nslabOfIp.out(), show + " by each tool");
            assertEquals(ipOfIp.err(), nslabOfIp.err(), show + " by each tool");
            assertEquals(ipOfIp.code(), nslabOfIp.code(), show + " by each tool");
        }
        java.nio.file.Files.write(dir.resolve("cut"), java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(dir.resolve("ip.rt")), 30));
        // flushed, then each twin restored from the other tool's files, twice (the second time everything is there)
        for (String ns : List.of(a, b)) Sh.ok("ip", "-n", ns, "address", "flush", "dev", "va");
        for (String ns : List.of(a, b)) Sh.ok("ip", "-n", ns, "route", "flush", "table", "100");
        for (String restore : List.of("address restore < F.ad", "route restore < F.rt", "-6 route restore < F.rt6", "address restore < F.ad",
                "route restore < F.rt", "route restore < CUT", "address restore < CUT", "route restore < /dev/null", "address restore < F.rt")) {
            Sh.Result byIp = inTwin(a, false, restore.replace("F.", dir + "/nslab.").replace("CUT", dir + "/cut"));
            Sh.Result byNslab = inTwin(b, true, restore.replace("F.", dir + "/ip.").replace("CUT", dir + "/cut"));
            assertEquals(byIp.out(), byNslab.out(), restore);
            assertEquals(byIp.err(), byNslab.err(), restore);
            assertEquals(byIp.code(), byNslab.code(), restore);
        }
        // a table-all save holds the kernel's own IPv6 routes as well, which come back beside those made anew: the
        // twins are alike, and hold again the IPv4 routes and addresses they had
        assertEquals(state(a), state(b), "ip restored nslab's files, and nslab ip's");
        assertEquals(routes, Sh.ok("ip", "-n", b, "-4", "route", "show", "table", "all"), "nslab restored ip's routes");
        assertEquals(addresses, ticking(Sh.ok("ip", "-n", b, "-4", "address", "show")), "nslab restored ip's addresses");
    }

    /**
     * Neighbour tables: shown whole, by interface, by name and family, as JSON; an interface's parameters changed;
     * ip's refusals. Each twin's reachable time is the kernel's random pick around the base one: masked. The tables'
     * thresholds are the whole machine's, so nothing here changes them.
     */
    @Test
    void neighbourTables() {
        bothWays(x -> x.replaceAll("reachable \\d+ ", "reachable N ").replaceAll("\"reachable\":\\d+", "\"reachable\":N"),
                "ntable show dev va", "ntable show dev va name arp_cache", "-4 ntable show dev va", "-6 ntable show dev vb", "ntable show dev none",
                "ntable show name ndisc_cache dev lo", "ntable show dev nosuch", "ntable show bogus",
                "ntable change name arp_cache dev va queue 8 app_probes 2 locktime 500", "ntable show dev va name arp_cache",
                "ntable change name arp_cache dev va", "ntable change dev va queue 3", "ntable change name arp_cache name x dev va queue 3",
                "ntable change name arp_cache dev nosuch queue 3", "ntable change name arp_cache dev va queue x",
                "ntable change name nosuch_cache dev va queue 3",
                "ntable chg name ndisc_cache dev vb retrans 2000 base_reachable 40000 delay_probe 3000 gc_stale 50000 ucast_probes 4 mcast_probes 2 "
                        + "anycast_delay 900 proxy_delay 700 proxy_queue 50", "-6 ntable show dev vb", "ntbl lst dev va", "ntable bogus",
                "-j ntable show dev va");
    }

    /** A shell line in twin {@code ns} whose words start with ip's (or, {@code nslab}, nslab's) command; it may redirect. */
    private static Sh.Result inTwin(String ns, boolean nslab, String line) {
        String tool = nslab ? String.join(" ", Nslab.command()) : "ip";
        return Sh.bash("exec " + tool + " -n " + ns + " " + line);
    }

    @Test
    void tcpMetricsAsIpShowsAndFlushesThem() throws Exception {
        bothWays("tcp_metrics show", "-j tcp_metrics show", "tcp_metrics flush", "tcp_metrics flush 10.0.0.0/8", "tcp_metrics delete 10.5.0.9",
                "tcp_metrics delete", "tcp_metrics delete 10.0.0.0/8", "tcp_metrics show 10.5.0.1", "tcpmetrics bogus",
                "tcp_metrics show src 10.0.0.0/8", "-4 tcp_metrics flush", "-6 tcp_metrics show");
        // an entry in each twin: TCP keeps one per destination once a connection has closed (the kernel saves it then)
        for (String ns : List.of(a, b)) {
            dev.nslab.testkit.Tcp.transfer(ns, ns, "10.5.0.1", 5555, 1000);
            for (long end = System.nanoTime() + 5_000_000_000L; Sh.ok("ip", "-n", ns, "tcp_metrics", "show").isBlank() && System.nanoTime() < end; ) {
                Thread.onSpinWait();
            }
        }
        // how long ago and how fast: the kernel's measures of each twin's own connection
        bothWays(x -> x.replaceAll("age [0-9.]+sec", "age A").replaceAll("rtt(var)? [0-9]+us", "rtt$1 R")
                        .replaceAll("\"(age|rtt|rttvar)\":[0-9.e+-]+", "\"$1\":N"),
                "tcp_metrics show", "-j tcp_metrics show", "tcp_metrics show 10.5.0.1", "tcp_metrics show 10.6.0.0/16",
                "-s -s tcp_metrics flush 10.0.0.0/8", "tcp_metrics show");
    }

    @Test
    void ipsecPoliciesAndStates() {
        // policies in every form scripts use, read back each way; states as this kernel takes them (here it lacks ESP
        // and refuses them, in its words: compared all the same, and listed where a kernel has them)
        bothWays("xfrm policy add src 10.5.0.1/32 dst 10.5.0.2/32 dir out tmpl src 10.5.0.1 dst 10.5.0.2 proto esp reqid 1 mode tunnel",
                "xfrm policy add src 10.5.0.2/32 dst 10.5.0.1/32 dir in tmpl src 10.5.0.2 dst 10.5.0.1 proto esp reqid 2 mode tunnel level use",
                "xfrm policy add src 10.5.0.2/32 dst 10.5.0.1/32 dir fwd priority 100 tmpl src 10.5.0.2 dst 10.5.0.1 proto esp mode tunnel",
                "xfrm policy add src 10.2.0.0/16 dst 10.3.0.0/16 proto tcp dport 80 dir out action block",
                "xfrm policy add src 10.2.0.0/16 dst 10.3.0.0/16 proto icmp type 8 dir out priority 5 flag localok",
                "xfrm policy add src 10.4.0.0/16 dst 10.6.0.0/16 dev va dir in mark 7 mask 0xff ptype sub",
                "xfrm policy add src fd00::1/128 dst fd00::2/128 dir out tmpl src fd00::1 dst fd00::2 proto ah mode transport",
                "xfrm policy add src 10.6.0.0/16 dst 10.7.0.0/16 proto gre key 1.2.3.4 dir out",
                "xfrm policy", "xfrm policy list dir out", "xfrm policy show src 10.2.0.0/16", "-o xfrm policy list dir in",
                "xfrm policy get src 10.5.0.1/32 dst 10.5.0.2/32 dir out", "xfrm policy count", "-s xfrm policy count",
                "xfrm policy update src 10.5.0.1/32 dst 10.5.0.2/32 dir out priority 9 tmpl src 10.5.0.1 dst 10.5.0.2 proto esp reqid 1 mode tunnel",
                "xfrm policy delete src 10.5.0.2/32 dst 10.5.0.1/32 dir fwd", "xfrm policy delete src 10.5.0.2/32 dst 10.5.0.1/32 dir fwd",
                "xfrm policy add src 10.5.0.1/32 dst 10.5.0.2/32 dir out", "xfrm policy add src 10.5.0.1/32 dst 10.5.0.2/32",
                "xfrm policy add src 10.5.0.1/32 dst 10.5.0.2/32 dir sideways", "xfrm policy add src 10.5.0.1/33 dst 10.5.0.2/32 dir out",
                "xfrm policy add src 10.5.0.1/32 dst fd00::2/128 dir out", "xfrm policy add src 10.8.0.0/16 dst 10.9.0.0/16 proto icmp sport 53 dir out",
                "xfrm policy add dir out tmpl proto esp spi 5", "xfrm policy deleteall dir in", "xfrm policy",
                "xfrm state add src 10.5.0.1 dst 10.5.0.2 proto esp spi 0x100 reqid 1 mode tunnel auth sha256 "
                        + "0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef enc aes 0x0123456789abcdef0123456789abcdef",
                "xfrm state add src 10.5.0.1 dst 10.5.0.2 proto esp spi 0x101 mode tunnel aead rfc4106(gcm(aes)) "
                        + "0x0123456789abcdef0123456789abcdef01234567 128",
                "xfrm state add src 10.5.0.1 dst 10.5.0.2 proto esp spi 0x104 mode tunnel", "xfrm state add src 10.5.0.1 dst 10.5.0.2 proto ah spi 0x106 enc aes 0x00",
                "xfrm state add src 10.5.0.1 dst 10.5.0.2 proto esp spi 0x107 enc aes 0x00 flag esn",
                "xfrm state", "xfrm state get src 10.5.0.1 dst 10.5.0.2 proto esp spi 0x100", "xfrm state count",
                "xfrm state delete src 10.5.0.1 dst 10.5.0.2 proto esp spi 0x100", "xfrm state flush proto esp", "xfrm state deleteall",
                "xfrm state flush", "xfrm state", "xfrm policy flush", "xfrm policy", "xfrm", "xfrm state bogus");
    }

    @Test
    void routeTypesTablesProtocolsScopesAndTheirOptions() {
        bothWays("route add 10.6.0.0/16 via 10.5.0.2 metric 100", "route add 10.7.0.0/16 dev va scope link",
                "route add 10.8.0.0/16 dev va proto static", "route add 10.9.0.0/16 via 10.5.0.2 proto 188 src 10.5.0.1",
                "route add default via 10.5.0.2 table 100", "route add 10.10.0.0/16 via 10.5.0.2 table 1000",
                "route add blackhole 10.11.0.0/16", "route add unreachable 10.12.0.0/16 metric 5", "route add prohibit 10.13.0.0/16",
                "route add 10.14.0.0/16 via 10.99.0.1 dev va onlink", "route add 10.15.0.0/16 via 10.5.0.2 mtu 1300",
                "route add local 10.16.0.1 dev lo table local",
                "route show", "route show table 100", "route show table 1000", "route list dev va", "route show proto static",
                "route show scope link", "route show type blackhole", "-d route show table all", "-j route show table 100",
                "route show proto ospf", "route del blackhole 10.11.0.0/16", "route del 10.9.0.0/16 proto ospf",
                "route add 10.30.0.0/16 dev va scope bogus", "route add 10.30.0.0/16 dev va table bogus");
    }

    @Test
    void replaceChangeAppendAndPrepend() {
        bothWays("route replace 10.6.0.0/16 via 10.5.0.2", "route replace 10.6.0.0/16 via 10.5.0.3 metric 7",
                "route replace 10.6.0.0/16 via 10.5.0.3 metric 7", "route change 10.6.0.0/16 via 10.5.0.4 metric 7",
                "route change 10.99.0.0/16 via 10.5.0.4", "route append 10.6.0.0/16 via 10.5.0.5 metric 8",
                "route prepend 10.20.0.0/16 dev va", "-6 route replace fd00:6::/64 dev va", "route show", "-6 route show");
    }

    @Test
    void flushOfRoutesAndAddresses() {
        bothWays("route flush", "route add 10.6.0.0/16 via 10.5.0.2", "route add 10.7.0.0/16 dev va proto static",
                "route add 10.8.0.0/16 dev va table 100", "route flush proto static", "route show",
                "-s route flush 10.6.0.0/16", "-s route flush 10.6.0.0/16", "route flush table 100", "route show table 100",
                "route flush cache", "route add 10.6.0.0/16 via 10.5.0.2", "-s -s route flush dev va", "route show",
                "addr add 10.5.1.1/24 dev va label va:1", "addr add 10.5.2.1/24 dev vb label vb:x", "addr show", "-o addr show",
                "-4 addr show label va:1", "addr flush", "addr flush dev nosuch", "addr flush dev va scope bogus", "-s addr flush label va:1",
                "addr add fd00:5::1/64 dev va nodad", "-4 addr flush dev va", "addr show va", "-s addr flush dev va",
                "-s addr flush dev va", "addr add 10.5.3.1/24 dev vb", "addr flush to 10.5.3.0/24", "addr show vb");
    }

    /** IPv6 tokens: set, read back, taken away, and ip's refusals. */
    @Test
    void ipv6Tokens() {
        bothWays("token", "token list", "-j token list", "token set ::1a/64 dev va", "token set ::2b dev vb", "token list",
                "token get dev va", "token list dev nosuch", "token set ::1a/64", "token set dev va", "token set 10.0.0.1 dev va",
                "token set bogus dev va", "token del dev va", "token list", "token bogus", "token help", "to", "token set ::1 dev lo");
    }

    /**
     * Routes with a lightweight tunnel encapsulation: ip and ip6 (collect-metadata tunnels) made and shown; MPLS and SRv6
     * refused by a kernel without them, as here, or made where it has them; ip's refusals of the words.
     */
    @Test
    void routeEncapsulations() {
        bothWays("addr add fd00::1/64 dev va nodad", "route add 10.9.4.0/24 encap ip id 5 dst 10.5.0.2 dev va",
                "route add 10.9.5.0/24 encap ip id 0x10 src 10.5.0.1 dst 10.5.0.2 ttl 9 tos 1c key csum seq dev va",
                "-6 route add fd01::/64 encap ip6 id 7 dst fd00::2 hoplimit 3 tc 4 dev va", "route show", "-j route show", "-6 route show",
                "route add 10.9.6.0/24 encap ip dst 10.5.0.2 dst 10.5.0.3 dev va", "route add 10.9.6.0/24 encap ip dst fd00::2 dev va",
                "route add 10.9.6.0/24 encap ip ttl 300 dev va", "-6 route add fd02::/64 encap ip6 dst 10.5.0.2 dev va",
                "route add 10.9.0.0/24 encap mpls 100 via 10.5.0.2 dev va", "route add 10.9.1.0/24 encap mpls 100/200 ttl 5 via 10.5.0.2 dev va",
                "route add 10.9.2.0/24 via 10.5.0.2 dev va encap mpls 100", "route add 10.9.3.0/24 encap mpls bogus via 10.5.0.2 dev va",
                "route add 10.9.3.0/24 encap mpls 1048576 via 10.5.0.2 dev va", "route add 10.9.3.0/24 encap mpls 100 ttl x via 10.5.0.2 dev va",
                "route add 10.9.3.0/24 encap bogus 100 via 10.5.0.2 dev va", "route add 10.9.3.0/24 encap mpls",
                "-6 route add fc00::/64 encap seg6 mode encap segs fc00::1,fc00::2 dev va", "-6 route add fc01::/64 encap seg6 mode inline segs fc00::1 dev va",
                "route add 10.9.4.0/24 encap seg6 mode bogus segs fc00::1 dev va", "route add 10.9.4.0/24 encap seg6 segs fc00::1 mode encap dev va",
                "route add 10.9.4.0/24 encap seg6 mode encap mode inline dev va", "route add 10.9.4.0/24 encap seg6 mode encap segs 10.0.0.1 dev va",
                "route show", "-6 route show");
    }

    /** MPLS routes (-f mpls, -M) where the kernel has no MPLS, as here: the kernel's refusal, ip's refusals of the words, empty lists. */
    @Test
    void mplsRoutesWhereTheKernelHasNone() {
        org.junit.jupiter.api.Assumptions.assumeFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/sys/net/mpls")),
                "the kernel has MPLS (nslab sends the same routes, but does not list them yet)");
        bothWays("-f mpls route add 100 as 200 via inet 10.5.0.2 dev va", "-M route add 101 via inet 10.5.0.2 dev va",
                "-f mpls route add 102 as to 300/400 via inet6 fd00::2 dev va", "-f mpls route add 103 via 10.5.0.2 dev va",
                "-f mpls route add bogus via inet 10.5.0.2 dev va", "-f mpls route add 104 via inet 10.5.0.2 dev nosuch",
                "-f mpls route del 100 dev va", "-f mpls route show", "-M route", "-f mpls route flush", "-M route show table main");
    }

    /** MPTCP endpoints and limits: added, changed, shown, deleted, flushed, and ip's refusals; then the same per namespace. */
    @Test
    void mptcpEndpointsAndLimits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/sys/net/mptcp")),
                "the kernel has no MPTCP (/proc/sys/net/mptcp)");
        bothWays("mptcp endpoint", "mptcp endpoint show", "mptcp limits", "-j mptcp limits show",
                "mptcp endpoint add 10.5.0.1 dev va id 3 subflow", "mptcp endpoint add 10.5.0.7 signal port 4000 backup",
                "mptcp endpoint add 2001:db8::1 id 9 signal", "mptcp endpoint add 10.5.0.1 dev va id 4 subflow", "mptcp endpoint show",
                "-j mptcp endpoint show", "mptcp endpoint show id 3", "mptcp endpoint show id 77", "mptcp endpoint change id 3 backup",
                "mptcp endpoint change id 3 nobackup fullmesh", "mptcp endpoint change id 3 signal", "mptcp endpoint show",
                "mptcp limits set subflows 4 add_addr_accepted 2", "mptcp limits show", "mptcp limits set subflows 99",
                "mptcp limits set bogus 1", "mptcp limits set subflows x", "mptcp endpoint delete id 9", "mptcp endpoint delete id 9",
                "mptcp endpoint delete id 3 10.5.0.1", "mptcp endpoint delete id 0", "mptcp endpoint delete", "mptcp endpoint add",
                "mptcp endpoint add 10.5.0.9 port 99", "mptcp endpoint add 10.5.0.9 signal fullmesh", "mptcp endpoint add 10.5.0.9 dev nosuch",
                "mptcp endpoint add 10.5.0.9 id 300", "mptcp endpoint add 10.5.0.9 bogus", "mptcp endpoint add 10.5.0.0/24",
                "mptcp endpoint add 1.2", "mptcp endpoint delete id 1 1.2", "mptcp endpoint add 10.5.0.9 id",
                "mptcp endpoint bogus", "mptcp bogus", "mptcp", "mptcp help", "mptcp limits bogus", "mp endpoint", "mptcp endpoint show",
                "mptcp endpoint flush", "mptcp endpoint show");
        for (String what : List.of("endpoint", "limits")) {
            assertEquals(Sh.ok("ip", "-n", a, "mptcp", what, "show"), Sh.ok("ip", "-n", b, "mptcp", what, "show"), "mptcp " + what);
        }
    }

    /** SRv6's tunnel source and HMAC keys (a refusal where the kernel has no SRv6 HMAC, as here), and ip's refusals. */
    @Test
    void segmentRoutingSettings() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.nslab.netlink.NetlinkSocket.genlFamilyExists("SEG6"), "the kernel has no SRv6 (SEG6)");
        bothWays("sr tunsrc show", "-j sr tunsrc show", "sr tunsrc set fc00::9", "sr tunsrc show", "sr tunsrc set 10.0.0.1",
                "sr tunsrc set bogus", "sr tunsrc set fc00::/64", "sr tunsrc set any", "s t s", "sr tunsrc", "sr tunsrc bogus",
                "sr hmac show", "-j sr hmac show", "sr hmac bogus", "sr bogus", "sr", "sr help");
        assertEquals(Sh.ok("ip", "-n", a, "sr", "tunsrc", "show"), Sh.ok("ip", "-n", b, "sr", "tunsrc", "show"));
    }

    /** L2TP and FOU: ip's usage; where the kernel lacks the family (as here), ip's refusal of every command. */
    @Test
    void l2tpAndFouWhereTheKernelHasThemNot() {
        bothWays("l2tp", "l2tp help", "l2tp h", "fou", "fou help", "f help");
        for (String family : List.of("l2tp", "fou")) {
            if (dev.nslab.netlink.NetlinkSocket.genlFamilyExists(family)) continue; // nslab does not make them: said so
            bothWays(family + " show", family + " bogus", family + " add port 5555 ipproto 4", family.substring(0, 2) + " show",
                    family + " add tunnel tunnel_id 1 peer_tunnel_id 1 encap udp local 10.5.0.1 remote 10.5.0.2");
        }
    }

    /** IPv6 address labels: the kernel's defaults, added and deleted ones, ip's refusals, a flush. */
    @Test
    void addressLabels() {
        bothWays("addrlabel", "addrlabel list", "-j addrlabel show", "addrlabel add prefix 2001:db8::/32 label 100",
                "addrlabel add prefix 2001:db9::/32 label 101 dev va", "addrlabel add prefix 2001:db8::/32 label 100", "addrlabel list",
                "-j addrlabel list", "addrlabel del prefix 2001:db8::/32 label 100", "addrlabel del prefix 2001:dba::/32 label 100",
                "addrlabel bogus", "addrlabel help", "addrlabel list x", "addrlabel add", "addrlabel add prefix 2001:db8::/32",
                "addrlabel add prefix 2001:db8::/32 label x", "addrlabel add prefix bogus label 5",
                "addrlabel add prefix 2001:db8::/32 label 5 dev nosuch", "addrlabel add prefix 10.0.0.0/8 label 5", "addrl",
                "addrlabel flush x", "addrlabel flush", "addrlabel list");
    }

    /** VRFs and the "vrf NAME" selectors: a name that is no VRF's refused as ip refuses it (here, where VRFs may not exist). */
    @Test
    void vrfs() {
        bothWays("vrf show", "vrf", "-j vrf show", "vrf show blue", "vrf exec blue true", "vrf pids blue", "route show vrf blue",
                "link show vrf blue", "addr show vrf blue", "neigh show vrf blue", "vrf bogus", "route get 10.5.0.2 vrf blue", "vrf exec",
                "vrf exec blue", "vrf pids", "vrf identify 1 2", "vrf identify x", "vrf identify 1", "vrf help", "vrf show a b",
                "-j vrf show blue", "route add 10.1.0.0/16 dev lo vrf blue", "link show vrf lo", "route flush vrf blue", "vrf l");
    }

    /** Each interface's IP settings, every family's in one dump or one family's asked alone. */
    @Test
    void netconf() {
        Sh.ok("ip", "netns", "exec", a, "sysctl", "-qw", "net.ipv4.conf.va.forwarding=1", "net.ipv4.conf.va.rp_filter=2");
        Sh.ok("ip", "netns", "exec", b, "sysctl", "-qw", "net.ipv4.conf.va.forwarding=1", "net.ipv4.conf.va.rp_filter=2");
        bothWays("netconf", "netconf show dev va", "-j netconf show dev va", "-j netconf", "-4 netconf", "-6 netconf show dev va",
                "-j -6 netconf show dev va", "netconf show dev nosuch", "netconf bogus", "netconf help", "netconf show bogus dev vb",
                "netconf list", "netc", "netconf show dev");
    }

    /** Nexthop objects and the routes that name them (nhid), with ip's refusals and the kernel's. */
    @Test
    void nexthopsAndRoutesByNexthopId() {
        bothWays("addr add 2001:db8::1/64 dev va nodad", "nexthop add id 1 via 10.5.0.2 dev va", "nexthop add id 2 blackhole",
                "nexthop add id 3 group 1/2", "nexthop add id 4 dev vb", "nexthop add id 5 group 1,3/4,1",
                "nexthop add id 6 via 2001:db8::2 dev va", "nexthop add id 7 via 10.5.0.3 dev va onlink proto static",
                "nexthop add id 8 via inet 10.5.0.4 dev va", "nexthop add id 9 via 10.5.0.5", "nexthop add id 10 via 10.5.0.5 dev nosuch",
                "nexthop add id 11 via bogus dev va", "nexthop add id 12 group 1/x", "nexthop add id 12 group 1,0/4",
                "nexthop add id 12 type bogus", "nexthop add id x", "nexthop add id 13 bogus", "nexthop add id 1 via 10.5.0.2 dev va",
                "nexthop replace id 1 via 10.5.0.7 dev va", "-6 nexthop add id 14 via 10.5.0.2 dev va", "nexthop add id 15 group 1/6",
                "route add 10.8.0.0/24 nhid 1", "route add 10.7.0.0/24 nhid 5", "route add 10.6.0.0/24 nhid 99", "route add 10.6.0.0/24 nhid x",
                "route show", "-j route show", "route get 10.8.0.1", "nexthop", "nexthop list", "-j nexthop show", "-d nexthop show",
                "nexthop show id 5", "nexthop get id 5", "-j nexthop get id 1", "nexthop get id 99", "nexthop get", "nexthop show dev va",
                "nexthop show groups", "nexthop show fdb", "nexthop show protocol 4", "nexthop show protocol static", "nexthop show bogus",
                "-6 nexthop show", "nexthop help", "nexthop bogus", "nexthop del id 5", "nexthop del id 99", "nexthop flush dev vb",
                "nexthop flush id 7", "nexthop show", "nexthop flush", "nexthop flush", "nexthop show");
    }

    /**
     * ip tunnel's grammar and refusals in ip's order; a kernel without a tunnel driver has no base device (gre0,
     * tunl0, sit0, ip_vti0), where both tools say so in the same words, and one with them makes the same tunnels.
     */
    @Test
    void tunnelsAsIpMakesThem() {
        bothWays("tunnel show", "tunl show", "t", "-j tunnel show", "tunnel show va", "tunnel show mode gre", "tunnel help",
                "tunnel add gre1 mode gre remote 10.5.0.2 local 10.5.0.1 ttl 255", "tunnel add ipip1 mode ipip remote 10.5.0.2",
                "tunnel add sit1 mode sit remote 10.5.0.2 local 10.5.0.1 ttl 64", "tunnel add vti1 mode vti remote 10.5.0.2 key 7",
                "tunnel add gre2 mode gre tos inherit/0x20 okey 1.2.3.4 ikey 9 csum seq dev va", "tunnel show", "tunnel show gre1",
                "tunnel change gre1 ttl 64", "tunnel add foo remote 1.2.3.4", "tunnel add gre3 mode gre key 5 nopmtudisc ttl 3",
                "tunnel add x mode bogus", "tunnel bogus", "tunnel add ipip2 mode ipip key 4", "tunnel add gre3 mode gre dev nosuch",
                "tunnel add gre3 mode gre remote bogus", "tunnel add gre3 key bogus", "tunnel add gre3 mode gre mode ipip",
                "tunnel add gre3 mode", "tunnel add gre3 gre4", "tunnel add gre3 mode gre ttl 300", "tunnel add gre3 mode gre tos bogus",
                "tunnel add gre3 mode gre remote 224.1.1.1", "tunnel add gre3 name 1234567890123456", "tunnel change", "tunnel del",
                "tunnel del gre1", "tunnel del mode ipip", "tunnel del nosuch",
                // IPv6 tunnels: -6, or a mode of theirs
                "-6 tunnel show", "-j -6 tunnel show", "tunnel add t6 mode ip6ip6 remote 2001:db8::2 local 2001:db8::1",
                "-6 tunnel add t6 remote 2001:db8::2 local 2001:db8::1 dev va hoplimit 32 tclass 0x10 flowlabel 0x123 encaplimit none",
                "tunnel add g6 mode ip6gre remote 2001:db8::2 local 2001:db8::1 key 5 csum", "tunnel add v6 mode vti6 remote 2001:db8::2",
                "tunnel add x mode ipip6 remote 10.0.0.1", "-6 tunnel add x mode bogus", "-6 tunnel add x hoplimit 300",
                "-6 tunnel add x tclass zz", "-6 tunnel add x flowlabel 0x123456", "-6 tunnel add x dscp foo", "-6 tunnel add x dev nosuch",
                "-6 tunnel add mode ip6ip6", "-6 tunnel del t6", "-6 tunnel change t6 hoplimit 3", "-6 tunnel show t6",
                "-6 tunnel show mode ip6gre", "-6 tunnel help", "-6 tunnel bogus", "-6 tunnel add x y");
    }

    @Test
    void linkFlags() {
        bothWays("link set va promisc on", "link set dev va arp off", "link set va multicast off allmulticast on",
                "link show va", "link set va promisc off arp on", "link set va promisc maybe", "link show va", "-j link show va");
    }

    @Test
    void tunAndTapDevices() {
        bothWays("tuntap add dev tap0 mode tap", "tuntap add tun0 mode tun pi user 1000 group 100",
                "tuntap add dev tap1 mode tap vnet_hdr multi_queue", "tuntap show", "tuntap list", "-j tuntap show",
                "tuntap add dev tap0 mode tap", "tuntap add dev tap9", "tuntap add dev tap9 mode sideways",
                "tap add dev tap2 mode tap", "-br addr show tap2", "tuntap del dev tap0 mode tap", "tuntap del tun0 mode tun pi",
                "tuntap del dev tap1", "tuntap del dev tap1 mode tap", "tuntap del dev tap1 mode tap vnet_hdr multi_queue",
                "tuntap show");
    }

    @Test
    void queueLengthGroupsRulesByMarkAndAddressFilters() {
        bothWays("link set va txqueuelen 500", "link set dev vb qlen 600 group 5", "link show group 5", "-br link show group default",
                "link set va group bogus", "rule add fwmark 7 table 7", "rule add fwmark 0x10/0xf0 table 6 priority 200",
                "rule add to 10.8.0.0/16 lookup 8", "rule show", "-j rule show", "rule del fwmark 7 table 7", "rule show",
                "rule flush", "rule show", "addr add 10.5.9.1/24 dev vb", "addr show scope global", "-br addr show scope host",
                "-o -4 addr show scope global", "addr show permanent", "addr show dynamic", "-4 addr show scope link");
    }

    /** vxlan and macvlan made by hand: their settings are compared in what the namespaces hold (MAC addresses masked). */
    @Test
    void vxlanAndMacvlanFromTheCommandLine() {
        bothWays("link add vx1 type vxlan id 42 remote 10.5.0.2 dev va",
                "link add vx2 type vxlan id 43 group 239.1.1.1 dev va dstport 4789 ttl 5 nolearning local 10.5.0.1",
                "link add vx3 type vxlan remote 10.5.0.7", "link add link va name mv1 type macvlan mode bridge",
                "link add mv2 link va type macvlan", "link add mv3 link va type macvlan mode bogus", "-br addr show mv1");
    }

    /**
     * ip's every vxlan option, with its checks in its order and its words; -d of them; a vxlan's and a macvlan's or
     * macvtap's settings changed with link set (what the kernel refuses to change, in its words).
     */
    @Test
    void vxlanOptionsMacvtapsAndKindChangesAsIpHasThem() {
        bothWays(x -> x.replaceAll("([0-9a-f]{2}:){5}[0-9a-f]{2}", "MAC"), "link add vxa type vxlan id 5 remote 10.0.0.1 group 239.1.1.1 dev va", "link add vxa type vxlan id 5 group 239.1.1.1",
                "link add vxa type vxlan id 5 group 10.0.0.1 dev va", "link add vxa type vxlan id 5 remote 239.1.1.1", "link add vxa type vxlan id 5 id 6",
                "link add vxa type vxlan id 99999999", "link add vxa type vxlan id 5 dev nosuch", "link add vxa type vxlan id 5 ttl 300",
                "link add vxa type vxlan id 5 ttl", "link add vxa type vxlan id 5 tos 0x1000", "link add vxa type vxlan id 5 df maybe",
                "link add vxa type vxlan id 5 flowlabel 0x1fffff", "link add vxa type vxlan external id 5", "link add vxa type vxlan vnifilter id 5",
                "link add vxa type vxlan id 5 lear nolear dstport 0", "link add vxa type vxlan id 5 l dstport 0",
                "link add vx1 type vxlan id 7 group 239.1.1.1 dev va dstport 4789 ttl 10 tos 0x10 learning",
                "link add vx2 type vxlan id 8 remote 10.0.0.2 local 10.0.0.1 ageing none maxaddress 100 srcport 1000 2000 dstport 4789 df set "
                        + "flowlabel 0x123 proxy rsc l2miss l3miss noudpcsum",
                "link add vx3 type vxlan external dstport 4789", "link add vx4 type vxlan id 9 ttl inherit tos inherit dstport 0 nolearning gbp",
                "link add vx5 type vxlan id 10 remote 2001:db8::2 local 2001:db8::1 dstport 4789 udp6zerocsumtx udp6zerocsumrx hoplimit 3",
                "link add vx7 type vxlan id 12 dstport 4789 remcsumtx remcsumrx", "-d link show vx1", "-d link show vx2", "-d link show vx3",
                "-d link show vx4", "-d link show vx5", "-d link show vx7", "-d -j link show vx2", "link set vx1 type vxlan ttl 20 ageing 100 nolearning",
                "-d link show vx1", "link set vx1 type vxlan id 99", "link add link va name mt0 type macvtap mode bridge",
                "link add link va name mv0 type macvlan mode private", "link set mv0 type macvlan mode bridge", "link set mt0 type macvtap mode passthru",
                "link set mv0 type macvlan mod vepa", "-d link show mv0", "-d link show mt0", "-d -j link show mt0",
                "link add link va name m1 type macvlan mode bridge bcqueuelen 500", "link add link va name m2 type macvlan mode passthru flag nopromisc",
                "link add link va name m4 type macvlan mode private nodst", "link add link va name m5 type macvlan flag foo",
                "link add link va name m6 type macvlan bcqueuelen x", "link add link va name m7 type macvtap mode vepa bcqueuelen 100",
                "-d link show m1", "-d link show m2", "-d link show m4", "-d link show m7", "link set m1 type macvlan bcqueuelen 2000", "-d link show m1");
        firstLineAsIp("link add vxa type vxlan id 5 foo", "link set mv0 type macvlan foo", "link add link va name m3 type macvlan nopromisc");
    }

    @Test
    void bridgeSettings() {
        bothWays("link add br0 address 02:00:00:00:00:01 type bridge stp_state 1 forward_delay 500 hello_time 300",
                "link set br0 type bridge priority 100 ageing_time 1000 max_age 1000 mcast_snooping 0 group_fwd_mask 0x4000",
                "link set br0 type bridge vlan_protocol 802.1ad", "link set br0 type bridge stp 0", "link set br0 up type bridge stp_state 1",
                "link set br0 type bridge mcast_querier 1 nf_call_iptables 0 mcast_igmp_version 3 vlan_default_pvid 5",
                "link set br0 type bridge vlan_filtering 1 hello_time 200", "link set br0 type bridge stp_state x",
                "link set br0 type bridge priority 70000", "link set br0 type bridge vlan_protocol foo", "link set br0 type bridge max_age 1",
                "link set va type bridge stp_state 1", "link set br0 type bridge", "link set vb master br0");
    }

    @Test
    void routeGetWithSourceInterfacesAndMark() {
        for (String ns : List.of(a, b)) {
            Sh.ok("ip", "-n", ns, "addr", "add", "10.6.0.1/24", "dev", "vb");
            Sh.ok("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        }
        bothWays("route get 10.5.0.2 from 10.5.0.1", "route get from 10.5.0.1 10.5.0.2", "route get 10.5.0.2 oif va",
                "route get 10.5.0.2 dev vb", "route get 10.5.0.2 from 10.6.0.9 iif vb", "-j route get 10.5.0.2 from 10.6.0.9 iif vb",
                "route get 10.5.0.1 from 10.6.0.9 iif vb", "route get 10.5.0.2 mark 20", "-j route get 10.5.0.2 mark 20",
                "route get 10.5.0.2 from 10.5.0.1 oif va mark 7", "route get 10.5.0.2 from 10.9.9.9", "route get 10.5.0.2 iif vb",
                "route get 10.5.0.2 oif nosuch", "route get 10.5.0.2 mark x", "route get 10.5.0.2 from x");
    }

    @Test
    void addressReplaceChangeLifetimesAndScope() {
        bothWays("addr replace 10.5.0.1/24 dev va", "addr replace 10.5.0.7/24 dev va", "addr change 10.5.0.7/24 dev va preferred_lft 100 valid_lft 200",
                "addr change 10.5.0.9/24 dev va", "addr add 10.5.1.1/24 dev va scope link", "addr add 10.5.2.1/24 dev va noprefixroute",
                "addr add 10.5.3.1/24 dev va valid_lft 300", "addr add 10.5.4.1/24 dev va valid_lft 0", "addr add 10.5.4.1/24 dev va preferred_lft 9 valid_lft 5",
                "addr add 10.5.4.1/24 dev va valid_lft x", "addr add 10.5.4.1/24 dev va scope nowhere", "addr replace 10.5.0.7/24 dev va valid_lft forever",
                "-6 addr replace 2001:db8::1/64 dev va nodad", "addr show dev va", "-j addr show dev va");
    }

    /** A refused line prints what ip prints (the kernel's own words where it gives some) and exits as ip does. */
    @Test
    void refusalsInIpsWordsAndStatuses() {
        bothWays("link add va type veth peer name vx", "link add d0 type dummy", "link add link va name va.10 type vlan id 10",
                "link add x0 type ifb", "link del x0", "link add x1 type ifb extra words", "link del x1",
                "addr add 10.5.0.1/24 dev va", "route add 10.10.0.0/16 via 10.11.0.1", "route del 10.12.0.0/16", "addr del 10.9.9.9/24 dev va",
                "link set nosuch up", "link set va master nosuch", "link set va netns nosuch", "neigh add 10.5.0.5 lladdr zz dev va",
                "route add 300.1.1.0/24 dev va", "addr add 10.5.0.300/24 dev va", "-6 addr add 10.5.0.300/24 dev va",
                "route add 10.13.0.0/16 dev va", "route add 10.13.0.0/16 dev va", "netns add " + a, "netns del " + t.n("nosuch"),
                "netns exec " + t.n("nosuch") + " true", "netns identify 999999999");
        firstLineAsIp("link add link va name vl type vlan foo 1");
    }

    /**
     * sysctl's forms and refusals, against the real sysctl (procps-ng) run in the twin: each item on its own, the
     * statuses as it has them; -a of the namespace's own parameters, -N, -b, -r, --dry-run, directories, files of
     * settings (-p, --load, globs with exclusions and overrides, -KEY, invalid lines), getopt's long option prefixes.
     */
    @Test
    void sysctlAsSysctlDoesIt(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("s.conf"), globs = dir.resolve("g.conf");
        Files.writeString(conf, "net.ipv4.ip_forward = 1\n# a comment\n; another\n  net.ipv4.conf.all.rp_filter=0  \n-net.ipv4.nosuch = 1\n"
                + "net.ipv4.nosuch2 = 1\n\nx\nno equals sign\n-net.ipv4.conf.lo.forwarding = 1");
        Files.writeString(globs, "net.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.lo.rp_filter\nnet.ipv4.conf.all.rp_filter=1\n");
        for (String line : List.of("-w net.ipv4.ip_forward=1", "net.ipv4.ip_forward", "-n net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding=0",
                "-q -w net.ipv4.ip_forward=1", "-w net.ipv4.conf.lo.rp_filter=2 net.ipv4.conf.all.rp_filter=0", "net.ipv4.nosuch",
                "-e net.ipv4.nosuch", "-w net.ipv4.ip_forward", "-w net/ipv4/ip_forward=0", "net/ipv4/ip_forward", "-w net.ipv4.ip_forward=x",
                "-w net.ipv4.icmp_echo_ignore_all=1 -w net.ipv4.ip_forward=1", "net.ipv4.nosuch net.ipv4.ip_forward",
                "net.ipv4.nosuch net.ipv4.nosuch2", "''", "-N net.ipv4.ip_forward", "-b net.ipv4.ip_forward net.ipv4.tcp_rmem",
                "-w net.ipv4.ping_group_range='0 2147483647'", "net.ipv4.ping_group_range", "--val net.ipv4.ip_forward",
                "-a -r ^net\\.ipv4\\.conf\\.", "-ar 'ipv4.conf.lo.(rp_filter|forwarding)'", "-a -N --pattern conf.lo.rp", "-a --deprecated -r neigh.lo",
                "-a -r neigh.lo", "net.ipv4.conf.lo", "net.ipv6.conf.lo", "net.ipv6.conf.lo.stable_secret", "-w net.ipv4.conf.all.mc_forwarding=1",
                "-w net.ipv4.route.flush=1", "net.ipv4.route.flush", "--dry-run net.ipv4.ip_forward=0", "net..ipv4.ip_forward",
                "net.ipv4.conf.lo/rp_filter", "-w -- -net.ipv4.nosuch=1", "-w 'net.ipv4.conf.*.rp_filter=2'", "-e -w net.ipv4.nosuch=3",
                "-w net.ipv4.ip_forward=1 -q net.ipv4.conf.all.forwarding=0", "-N -q net.ipv4.ip_forward", "-n",
                "-p " + conf, "--load=" + conf, "-p" + dir.resolve("nosuch.conf") + " " + conf, "-p " + globs, "-r rp_f -p " + globs,
                "-p '" + dir + "/*.conf'", "-q -p " + conf, "--all -n -r ^net.ipv4.conf.lo.")) {
            List<String> real = new ArrayList<>(List.of("ip", "netns", "exec", a, "sysctl"));
            real.addAll(Sh.shellWords(line));
            Sh.Result want = Sh.run(real, null);
            List<String> mine = new ArrayList<>(List.of("-n", b, "sysctl"));
            mine.addAll(Sh.shellWords(line));
            Nslab.Out got = Nslab.run(mine.toArray(String[]::new));
            assertEquals(want.out(), got.out(), "stdout of: sysctl " + line);
            assertEquals(want.err(), got.err(), "stderr of: sysctl " + line);
            assertEquals(want.code(), got.code(), "exit status of: sysctl " + line);
        }
        // a refused option: getopt's words, then the usage (nslab's own text), and success, as sysctl has it
        for (String line : List.of("-z", "--pat", "--d net.ipv4.ip_forward", "--all=1", "--nosuch")) {
            List<String> real = new ArrayList<>(List.of("ip", "netns", "exec", a, "sysctl"));
            real.addAll(Sh.shellWords(line));
            Sh.Result want = Sh.run(real, null);
            List<String> mine = new ArrayList<>(List.of("-n", b, "sysctl"));
            mine.addAll(Sh.shellWords(line));
            Nslab.Out got = Nslab.run(mine.toArray(String[]::new));
            assertEquals(want.err().replaceFirst("^[^:]*sysctl:", "sysctl:"), got.err(), "stderr of: sysctl " + line);
            assertEquals(want.code(), got.code(), "exit status of: sysctl " + line);
            assertTrue(got.out().startsWith("Usage: nslab [-n NETNS] sysctl"), got.out());
        }
    }

    /**
     * Policy rules with everything ip rule reads (not, IP protocol and ports, user ids, suppressors, goto, nop, the
     * verdict types, TOS, realms, protocol, l3mdev), show's and flush's selectors, -d, and ip's refusals.
     */
    @Test
    void rulesAsIpHasThem() {
        bothWays("rule add", "rule del", "rule add from 10.1.0.0/16 lookup 100 pref 100", "rule add not from 10.2.0.0/16 table 101 pref 101",
                "rule add ipproto tcp dport 80 table 102 pref 102", "rule add ipproto udp sport 1000-2000 table 103 pref 103",
                "rule add uidrange 1000-2000 table 104 pref 104", "rule add from all lookup main suppress_prefixlength 0 pref 105",
                "rule add from 10.3.0.0/16 goto 110 pref 106", "rule add from 10.4.0.0/16 blackhole pref 107", "rule add from 10.5.0.0/16 unreachable pref 108",
                "rule add from 10.6.0.0/16 prohibit pref 109", "rule add nop pref 110", "rule add tos 0x10 table 105 pref 111",
                "rule add iif va oif vb table 106 pref 112", "rule add from 10.7.0.0/16 realms 5 table 107 pref 113", "rule add l3mdev pref 114",
                "rule add from 10.8.0.0/16 table 108 suppress_ifgroup 5 pref 115", "rule add to 10.9.0.0/16 protocol static table 109 pref 116",
                "rule add from 10.10.0.0/16 table 110 pref 117 fwmark 0x5/0xff", "rule add ipproto 200 table 102 pref 118", "rule add ipproto foo table 102",
                "rule add sport x table 102", "rule add uidrange 5 table 102", "rule add goto x", "rule add type blackhole pref 119",
                "rule add goto 999 pref 120", "rule add bogus", "rule add pref x", "rule add tos 300", "rule add l3mdev table 5",
                "rule add dev nosuch sup_pl 8 pref 121", "rule add from 10.11.0.0/16 table 5000 pref 122", "rule show", "-j rule show", "-d rule show",
                "rule show pref 103", "rule show table 100", "rule show from 10.1.0.0/16", "rule show not", "rule show to 10.9.0.0/16",
                "rule show to 10.0.0.0/8", "rule show from 10.0.0.0/8", "rule show table main", "rule show lookup 5000", "rule show ipproto 200",
                "rule show dev nosuch", "rule show pref 32766", "rule show protocol kernel", "rule show from all", "rule show sport 1000-2000",
                "rule show uidrange 1000-2000", "rule show fwmark 0x5/0xff", "rule del pref 100", "rule del from 10.3.0.0/16 goto 110",
                "rule flush table 101", "rule show", "rule del type blackhole", "-6 rule add from 2001:db8::/32 table 200", "-6 rule show",
                "rule flush", "rule show");
    }

    /**
     * Neighbours with flags (router, extern_learn) and a protocol, get of one entry, change (which creates nothing) and
     * replace, the unused filter. Each listing shows one entry: the kernel's table lists them in an order of its own per
     * namespace.
     */
    @Test
    void neighbourFlagsProtocolsAndGet() {
        bothWays(x -> x.replaceAll("([0-9a-f]{2}:){5}[0-9a-f]{2}", "MAC"), "neigh add 10.5.0.9 lladdr 02:00:00:00:00:09 dev va router",
                "neigh add 10.5.0.12 lladdr 02:00:00:00:00:12 dev va extern_learn", "neigh add 10.5.0.13 lladdr 02:00:00:00:00:13 dev va protocol static",
                "neigh add 10.5.0.14 lladdr 02:00:00:00:00:14 dev va protocol foo", "neigh show 10.5.0.9", "neigh show 10.5.0.12", "neigh show 10.5.0.13",
                "-j neigh show 10.5.0.13", "-j neigh show 10.5.0.12", "neigh show unused 10.5.0.9", "neigh get 10.5.0.9 dev va", "neigh get 10.5.0.99 dev va",
                "neigh get 10.5.0.9", "neigh get 10.5.0.9 dev nosuch", "-j neigh get 10.5.0.13 dev va", "neigh change 10.5.0.9 lladdr 02:00:00:00:00:19 dev va",
                "neigh change 10.5.0.50 lladdr 02:00:00:00:00:50 dev va", "neigh replace 10.5.0.51 lladdr 02:00:00:00:00:51 dev va", "neigh show 10.5.0.9",
                "neigh show 10.5.0.50", "neigh show 10.5.0.51", "neigh del 10.5.0.9 dev va");
    }

    /** A link's queues, GSO/GRO limits, address generation mode, carrier, link mode and operational state, at add and set, with ip's refusals. */
    @Test
    void linkQueuesLimitsModesAndStates() {
        bothWays(x -> x.replaceAll("([0-9a-f]{2}:){5}[0-9a-f]{2}", "MAC"), "link add v3 numtxqueues 4 numrxqueues 4 type veth peer name v4",
                "-d link show v3", "link set v3 gso_max_size 32000 gso_max_segs 100", "link set v3 addrgenmode none", "link set v3 gro_max_size 1000",
                "-d link show v3", "link set v3 carrier off", "link set v3 carrier x", "link set v3 addrgenmode foo", "link set v3 gso_max_segs 70000",
                "link set v3 gso_max_size x", "link set v3 mode dormant", "link set v3 state dormant", "link set v3 mode x", "link set v3 state foo",
                "link set v3 protodown on", "link set v3 dynamic on", "link set v3 trailers off", "link show v3", "-j link show v3",
                "link add v5 numtxqueues 2 numtxqueues 3 type veth peer name v6", "link add v5 numtxqueues x type veth peer name v6",
                "link add v5 numrxq 3 gso_max_size 1000 type veth peer name v6", "-d link show v5", "link set v5 addrgenmode random", "-d link show v5");
    }

    /** route get with every selector of ip's (fibmatch, ipproto and ports, uid, tos, connected, a table a rule chose), -o, and what the kernel refuses. */
    @Test
    void routeGetAsIpAsks() {
        bothWays("route add 10.8.0.0/16 via 10.5.0.2", "route add 10.20.0.0/16 via 10.5.0.3 table 100", "rule add to 10.20.0.0/16 table 100 pref 100",
                "route get 10.8.1.1", "route get fibmatch 10.8.1.1", "-j route get fibmatch 10.8.1.1", "route get 10.8.1.1 ipproto tcp dport 80 sport 1000",
                "route get 10.8.1.1 uid 1000", "route get 10.8.1.1 tos 0x10", "route get 10.8.1.1 connected", "route get 10.8.1.1 oif va",
                "route get 10.5.0.5 from 10.5.0.1", "route get 10.99.0.1", "-o route get 10.8.1.1", "route get 10.8.1.1 as 10.5.0.1",
                "route get 10.20.1.1", "route get fibmatch 10.20.1.1", "route get 10.8.1.1/24", "route get 10.8.1.1 sport x", "route get 10.8.1.1 mark 0",
                "-o route get 10.8.1.1 from 10.5.0.1", "rule del pref 100");
    }

    /** A bridge port's settings (link set DEV type bridge_slave ...), each as ip reads and refuses it, shown with -d. */
    @Test
    void bridgePortSettings() {
        bothWays(x -> x.replaceAll("8000\\.[0-9a-f:]+", "8000.ID").replaceAll("([0-9a-f]{2}:){5}[0-9a-f]{2}", "MAC"),
                "link add br0 address 02:00:00:00:00:01 type bridge", "link add v0 type veth peer name v1", "link add v2 type veth peer name v3", "link set v0 master br0",
                "link set v2 master br0", "link set v0 type bridge_slave cost 100 priority 32 guard on learning off",
                "link set v0 type bridge_slave hairpin on root_block on fastleave on flood off mcast_flood off bcast_flood off",
                "link set v0 type bridge_slave proxy_arp on mcast_router 2 neigh_suppress on group_fwd_mask 0x4000 isolated on",
                "link set v0 type bridge_slave vlan_tunnel on", "link set v0 type bridge_slave backup_port v2",
                "link set v0 type bridge_slave backup_port nosuch", "link set v0 type bridge_slave state 3", "link set v0 type bridge_slave cost x",
                "link set v0 type bridge_slave guard maybe", "link set v0 type bridge_slave fdb_flush", "-d link show v0", "-d -j link show v0",
                "link set v0 type bridge_slave nobackup_port mcast_to_unicast on locked on", "-d link show v0");
        firstLineAsIp("link set v0 type bridge_slave foo 1");
    }

    /** Point-to-point addresses: a local address and its peer (or "remote"), whose prefix is the address's, added, shown and removed as with ip. */
    @Test
    void addressesWithAPeer() {
        bothWays("addr add 10.7.3.1 peer 10.7.3.2 dev vb", "addr add 10.7.4.1/24 peer 10.7.5.0/24 dev vb", "addr add 10.7.6.1 remote 10.7.6.2/30 brd + dev vb",
                "addr add 10.7.7.1 peer 10.7.7.2 peer 10.7.7.3 dev vb", "addr add 2001:db8::1 peer 2001:db8::2 dev vb nodad", "addr show dev vb",
                "-j addr show dev vb", "route show", "addr del 10.7.3.1 peer 10.7.3.2 dev vb", "addr del 10.7.4.1/24 dev vb", "addr show dev vb");
    }

    /** Address flags (home, mngtmpaddr, optimistic, autojoin; warnings for the read-only and the IPv6-only ones), a prefix route's metric, anycast. */
    @Test
    void addressFlagsMetricsAndAnycast() {
        bothWays("addr add 10.7.0.1/24 dev vb metric 100", "addr add 2001:db8::1/64 dev vb nodad home mngtmpaddr",
                "addr add 2001:db8:1::1/64 dev vb nodad optimistic", "addr add 239.1.1.1/32 dev vb autojoin", "addr add 10.7.1.1/24 dev vb anycast 10.7.1.255",
                "addr show dev vb", "-j addr show dev vb", "-br addr show dev vb", "-j -br addr show dev vb", "route show dev vb", "-6 route show dev vb",
                "addr change 10.7.0.1/24 dev vb metric 200", "route show dev vb", "addr add 10.7.5.1/24 dev vb nodad", "addr add nodad 10.7.6.1/24 dev vb",
                "addr add 2001:db8:6::1/64 dev vb dadfailed", "addr add 10.7.7.1/24 dev vb metric x", "addr add 10.7.8.1/24 dev vb noprefixroute autojoin",
                "addr show dev vb");
    }

    /** A route's metrics (locked or not, times with their units, features, congestion control) and realms, as ip reads and prints them. */
    @Test
    void routeMetricsAndRealms() {
        for (String ns : List.of(a, b)) Sh.ok("ip", "-n", ns, "addr", "add", "2001:db8:5::1/64", "dev", "va", "nodad");
        bothWays("route add 10.8.0.0/16 via 10.5.0.2 mtu lock 1400 advmss 1300 initcwnd 10 initrwnd 20",
                "route add 10.9.0.0/16 via 10.5.0.2 realm 5 window 1000 rtt 100ms rttvar 10ms ssthresh 30 cwnd 20 hoplimit 30 reordering 3",
                "route add 10.12.0.0/16 via 10.5.0.2 features ecn quickack 1 congctl reno fastopen_no_cookie 1",
                "route add 10.13.0.0/16 via 10.5.0.2 rto_min 200ms rtt 2s congctl lock cubic", "route add 10.14.0.0/16 via 10.5.0.2 realms 3/4 rtt 80 rttvar 8",
                "route add 10.15.0.0/16 via 10.5.0.2 mtu x", "route add 10.15.0.0/16 via 10.5.0.2 hoplimit 300", "route add 10.15.0.0/16 via 10.5.0.2 quickack 2",
                "route add 10.15.0.0/16 via 10.5.0.2 features foo", "route add 10.15.0.0/16 via 10.5.0.2 rtt 1x", "route add 10.15.0.0/16 via 10.5.0.2 advmss x",
                "route add 2001:db8:1::/64 via 2001:db8:5::2 mtu 1300 hoplimit 5", "route show", "-j route show", "-6 route show", "route get 10.8.1.1",
                "route get 10.9.1.1", "-j route get 10.13.1.1", "route get 10.14.1.1", "-6 route get 2001:db8:1::5",
                "route replace 10.8.0.0/16 via 10.5.0.2 mtu 1300", "route show 10.8.0.0/16", "route show cache", "-6 route show cache",
                "route list cloned", "route flush cache", "-4 route flush cache");
    }

    /** sysctl -p in a named namespace reads its /etc/netns/NAME/sysctl.conf, as under ip netns exec (which binds it over /etc's). */
    @Test
    void sysctlReadsTheNamespacesOwnEtcFiles() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/etc/sysctl.conf")), "ip netns exec binds only over a file /etc has: this machine has no /etc/sysctl.conf");
        List<Path> made = new ArrayList<>();
        try {
            for (String ns : List.of(a, b)) {
                Path dir = Files.createDirectories(Path.of("/etc/netns", ns));
                made.add(dir);
                Files.writeString(dir.resolve("sysctl.conf"), "net.ipv4.ip_forward = 1\nnet.ipv4.conf.lo.rp_filter = 2\n");
            }
            Sh.Result want = Sh.run(List.of("ip", "netns", "exec", a, "sysctl", "-p"), null);
            Nslab.Out got = Nslab.run("-n", b, "sysctl", "-p");
            assertEquals("net.ipv4.ip_forward = 1\nnet.ipv4.conf.lo.rp_filter = 2\n", want.out(), want.err());
            assertEquals(want.out(), got.out(), got.err());
            assertEquals(want.code(), got.code());
            assertEquals("1", Sh.ok("ip", "netns", "exec", b, "sysctl", "-n", "net.ipv4.ip_forward").strip());
        } finally {
            for (Path dir : made) {
                Files.deleteIfExists(dir.resolve("sysctl.conf"));
                Files.deleteIfExists(dir);
            }
        }
    }

    @Test
    void routeSelectorsProxyNeighboursAndAddressesByPrefix() {
        for (String ns : List.of(a, b)) Sh.ok("ip", "-n", ns, "addr", "add", "10.6.0.1/24", "dev", "vb");
        bothWays("route add default via 10.5.0.2 dev va metric 100 onlink", "route add 10.90.0.0/16 via 10.6.0.2",
                "route add 10.90.1.0/24 via 10.5.0.2", "route show default", "route show match 10.90.1.5", "route show to match 10.90.2.1",
                "route show root 10.90.0.0/16", "route show exact 10.90.0.0/16", "route show to root 10.90.0.0/16", "route show via 10.6.0.2",
                "-j route show via 10.6.0.2", "route show dev vb", "route show root default", "route show match default",
                "route show match 10.90.1.300", "route flush root 10.90.0.0/16", "route show",
                "neigh add proxy 10.5.0.77 dev va", "neigh show proxy", "-j neigh show proxy", "neigh show", "neigh del proxy 10.5.0.77 dev va",
                "neigh show proxy", "addr show to 10.5.0.0/24", "addr show to 10.0.0.0/8", "addr show to 10.7.0.0/16", "-j addr show to 10.6.0.0/24");
    }

    /** -s shows what the kernel tells of each neighbour's use; flush goes in rounds, said with -s, shown with -s -s. */
    @Test
    void neighbourCountersAndFlushRounds() {
        // the neighbour table is one hash of every namespace's entries: a dump's order differs between the twins, so
        // each show names one entry
        bothWays("neigh add 10.5.0.2 lladdr 00:11:22:33:44:55 dev va nud stale", "neigh add 10.5.0.3 lladdr 00:11:22:33:44:56 dev va nud reachable",
                "neigh add 10.5.0.9 lladdr 00:00:00:00:00:09 dev va nud permanent", "-s neigh show 10.5.0.3", "-s -s neigh show to 10.5.0.2 dev va",
                "-j -s neigh show 10.5.0.9", "-j -s neigh show 10.5.0.3", "neigh del 10.5.0.3 dev va", "-s -s neigh flush dev va",
                "-s neigh flush dev va", "neigh flush dev va", "-s neigh flush all", "-s neigh", "neigh");
    }

    @Test
    void multipathRoutes() {
        bothWays("route add 10.40.0.0/16 nexthop via 10.5.0.2 weight 1 nexthop via 10.5.0.3 dev va weight 3",
                "route add 10.41.0.0/16 proto static nexthop via 10.5.0.2 nexthop via 10.5.0.4", "route show", "-j route show",
                "route show 10.40.0.0/16", "route del 10.40.0.0/16", "route show");
    }

    @Test
    void alternativeNames() {
        bothWays("link property add dev va altname uplink", "link property add dev va altname uplink", "link show uplink",
                "link property add vb altname downlink altname other", "link prop del dev va altname nosuch",
                "link property del dev va altname uplink", "link show va", "-br link show other");
    }
}
