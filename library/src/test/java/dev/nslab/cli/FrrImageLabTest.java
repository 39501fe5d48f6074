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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/frr-ospf-image.yml: routers that are containers of an FRR image built here from Debian's packages
 * (scripts/build-frr-image: mmdebstrap and podman import; its root file system cached in /var/cache/nslab/images),
 * learning their routes with OSPF between two bare nodes. verify waits for the neighbours, then judges every pair;
 * vtysh inside the container, ip and ping are the witnesses; down leaves no container, and the test's image tag goes.
 */
@Needs(programs = {"ip", "podman", "mmdebstrap", "ping"})
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

    @Test
    void routersThatAreContainersOfAnFrrImageLearnTheirRoutes() throws Exception {
        image = Sh.run("scripts/build-frr-image", "localhost/nslab-test-" + t.prefix + "/frr:1").ok().out().strip();
        lab = t.n("fi");
        for (String r : new String[] {"r1", "r2", "r3"}) {
            Path to = Files.createDirectories(dir.resolve("frr-ospf").resolve(r));
            try (var files = Files.list(Path.of("examples/frr-ospf", r))) {
                for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        Path f = dir.resolve("lab.yml");
        Files.writeString(f, Files.readString(Path.of("examples/frr-ospf-image.yml")).replaceFirst("(?m)^name: .*$", "name: " + lab)
                .replace("localhost/nslab/frr:bookworm", image));
        Nslab.inState(dir, "up", f.toString()).ok();
        Nslab.Out v = Nslab.inState(dir, "verify", lab);
        assertEquals(0, v.code(), v.out() + v.err());
        assertTrue(v.out().contains("expect r2 command \"vtysh -c 'show ip ospf neighbor'\""), v.out());
        String container = Sh.ok("podman", "ps", "--filter", "label=nslab.lab=" + lab, "--filter", "label=nslab.node=" + lab + "-r2",
                "--format", "{{.Names}}").strip();
        String neighbours = Sh.ok("podman", "exec", container, "vtysh", "-c", "show ip ospf neighbor");
        assertEquals(2, neighbours.lines().filter(l -> l.contains("Full/")).count(), neighbours);
        assertTrue(Sh.ok("ip", "-n", lab + "-r1", "route", "show", "10.20.3.0/24").contains("proto ospf"), "a route learnt with OSPF");
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-h1", "ping", "-c", "1", "-W", "2", "10.20.3.10").code());
        Nslab.inState(dir, "down", lab).ok();
        assertEquals("", Sh.ok("podman", "ps", "--all", "--filter", "label=nslab.lab=" + lab, "--format", "{{.Names}}").strip());
        lab = null;
    }

    /** containerlab's kind frr (examples/frr-ring.yml): startup-configs and the daemons named become each router's /etc/frr. */
    @Test
    void kindFrrRoutersComeUpFromTheirStartupConfigs() throws Exception {
        image = Sh.run("scripts/build-frr-image", "localhost/nslab-test-" + t.prefix + "/frr:1").ok().out().strip();
        lab = t.n("fk");
        Path configs = Files.createDirectories(dir.resolve("frr-ring"));
        for (String r : new String[] {"r1", "r2", "r3"}) Files.copy(Path.of("examples/frr-ring", r + ".conf"), configs.resolve(r + ".conf"));
        Path f = dir.resolve("ring.yml");
        Files.writeString(f, Files.readString(Path.of("examples/frr-ring.yml")).replaceFirst("(?m)^name: .*$", "name: " + lab)
                .replace("localhost/nslab/frr:bookworm", image));
        Nslab.inState(dir, "up", f.toString()).ok();
        Nslab.Out v = Nslab.inState(dir, "verify", lab);
        assertEquals(0, v.code(), v.out() + v.err());
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
