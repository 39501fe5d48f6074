package dev.nslab.cli;

import dev.nslab.testkit.Iperf;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/frr-ospf-image.yml: routers that are containers of an FRR image built here from Debian's packages
 * (scripts/build-image frr: mmdebstrap and podman import; its root file system cached in /var/cache/nslab/images),
 * learning their routes with OSPF between two bare nodes. verify waits for the neighbours, then judges every pair;
 * vtysh inside the container, ip, ping and iperf3 are the witnesses (of faults between bare nodes and containers too);
 * down leaves no container, and the test's image tag goes.
 */
@Needs(programs = {"ip", "podman", "mmdebstrap", "ping", "iperf3", "ss"})
// beside the other tests: most of its time is waiting (the image's packages on a fresh machine, OSPF converging)
@Execution(ExecutionMode.CONCURRENT)
class FrrImageLabTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;
    String lab, image;

    @AfterEach
    void cleanUp() {
        if (lab != null) Nslab.inState(dir, "down", lab);
        t.close();
        if (image != null) Sh.run("podman", "rmi", image); // the tag only: never a container it did not make
    }

    /**
     * Example {@code example} (its configuration directory {@code configs} copied beside) as this test's lab {@code name}
     * on the test's own FRR image, brought up and verified: verify's output, which must agree.
     */
    private Nslab.Out upAndVerify(String example, String configs, String name) throws Exception {
        image = Sh.run("scripts/build-image", "frr", "localhost/nslab-test-" + t.prefix + "/frr:1").ok().out().strip();
        lab = t.n(name);
        try (var files = Files.walk(Path.of("examples", configs))) {
            for (Path from : files.toList()) Files.copy(from, dir.resolve(Path.of("examples").relativize(from).toString()));
        }
        Path f = dir.resolve(example);
        Files.writeString(f, Files.readString(Path.of("examples", example)).replaceFirst("(?m)^name: .*$", "name: " + lab)
                .replace("localhost/nslab/frr:bookworm", image));
        Nslab.inState(dir, "up", f.toString()).ok();
        Nslab.Out v = Nslab.inState(dir, "verify", lab);
        assertEquals(0, v.code(), v.out() + v.err());
        return v;
    }

    /** Mbit/s of a TCP stream from h2 to h1 across the three routers (iperf3). */
    private double mbitsToH1() { return Iperf.mbits(Iperf.in(lab + "-h1"), lab + "-h1", Iperf.in(lab + "-h2"), "10.20.1.10", 3); }

    @Test
    @Execution(ExecutionMode.SAME_THREAD) // one lab of FRR containers at a time: the class runs beside the others already
    void routersThatAreContainersOfAnFrrImageLearnTheirRoutes() throws Exception {
        Nslab.Out v = upAndVerify("frr-ospf-image.yml", "frr-ospf", "fi");
        assertTrue(v.out().contains("expect r2 command \"vtysh -c 'show ip ospf neighbor'\""), v.out());
        String container = Sh.ok("podman", "ps", "--filter", "label=nslab.lab=" + lab, "--filter", "label=nslab.node=" + lab + "-r2",
                "--format", "{{.Names}}").strip();
        String neighbours = Sh.ok("podman", "exec", container, "vtysh", "-c", "show ip ospf neighbor");
        assertEquals(2, neighbours.lines().filter(l -> l.contains("Full/")).count(), neighbours);
        assertTrue(Sh.ok("ip", "-n", lab + "-r1", "route", "show", "10.20.3.0/24").contains("proto ospf"), "a route learnt with OSPF");
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-h1", "ping", "-c", "1", "-W", "2", "10.20.3.10").code());

        // faults between bare nodes and containers, measured as between any nodes: a rate on the router's end toward h1
        Nslab.inState(dir, "impair", lab, "r1:eth0", "--rate", "10mbit").ok();
        double slow = mbitsToH1();
        assertTrue(slow > 5 && slow < 10.5, "10mbit on r1:eth0: " + slow + " Mbit/s");
        Nslab.inState(dir, "impair", lab, "r1:eth0", "--clear").ok();
        double free = mbitsToH1();
        assertTrue(free > 50, "the rate is gone: " + free + " Mbit/s");
        Nslab.inState(dir, "partition", lab, "h1", "r1,r2,r3,h2").ok();
        assertEquals(1, Sh.run("ip", "netns", "exec", lab + "-h1", "ping", "-c", "1", "-W", "1", "10.20.3.10").code(), "h1 is cut off");
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-h2", "ping", "-c", "1", "-W", "2", "10.20.12.2").code(), "the rest still reach each other");
        Nslab.inState(dir, "heal", lab).ok();
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-h1", "ping", "-c", "1", "-W", "2", "10.20.3.10").code(), "healed");
        Nslab.inState(dir, "down", lab).ok();
        assertEquals("", Sh.ok("podman", "ps", "--all", "--filter", "label=nslab.lab=" + lab, "--format", "{{.Names}}").strip());
        lab = null;
    }

    /** containerlab's kind frr (examples/frr-ring.yml): startup-configs and the daemons named become each router's /etc/frr. */
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void kindFrrRoutersComeUpFromTheirStartupConfigs() throws Exception {
        upAndVerify("frr-ring.yml", "frr-ring", "fk");
        String r1 = Sh.ok("podman", "ps", "--filter", "label=nslab.node=" + lab + "-r1", "--format", "{{.Names}}").strip();
        String daemons = Sh.ok("podman", "exec", r1, "cat", "/etc/frr/daemons");
        assertTrue(daemons.contains("ospfd=yes\n") && daemons.contains("bgpd=no\n"), daemons);
        String ps = Sh.ok("podman", "exec", r1, "ps", "-eo", "comm");
        assertTrue(ps.contains("ospfd") && !ps.contains("bgpd"), ps);
        assertTrue(Sh.ok("ip", "-n", lab + "-r1", "addr", "show", "eth1").contains("10.30.12.1/24"), "zebra set the startup-config's address");
        assertEquals("1", Sh.ok("ip", "netns", "exec", lab + "-r1", "sysctl", "-n", "net.ipv4.ip_forward").strip(), "a router forwards");
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-pc1", "ping", "-c", "1", "-W", "2", "10.31.3.2").code());
    }
}
