package dev.nslab.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * containerlab's own frr01 example (lab-examples/frr01, kept unchanged in test resources): three FRR routers of
 * {@code quay.io/frrouting/frr:10.5.1} in a ring running OSPF, a {@code wbitt/network-multitool:3.22.2} PC behind each,
 * the PCs addressed by exec lines. No registry is reachable, so the two images are built here from Debian's packages
 * (scripts/build-image) and tagged under the file's names where the store lacks them (a store that has the real images
 * runs those). Witnesses: vtysh inside the containers, ping and iperf3 between the PCs, podman for what is left.
 */
@Needs(programs = {"ip", "podman", "mmdebstrap", "ping"})
// beside the other tests: most of its two minutes is waiting (Debian's packages for the images, OSPF's 40 s election)
@Execution(ExecutionMode.CONCURRENT)
class ContainerlabFrr01Test {
    static final String FRR = "quay.io/frrouting/frr:10.5.1", HOST = "docker.io/wbitt/network-multitool:3.22.2";
    final TestNet t = new TestNet();
    @TempDir
    Path dir;
    String lab;
    /** Image names this test put into the store, removed after it (the names only: images another run tagged keep theirs). */
    final List<String> tagged = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        if (lab != null) Nslab.inState(dir, "down", lab);
        t.close();
        for (String tag : tagged.reversed()) Sh.run("podman", "rmi", tag);
    }

    /** Builds an image of {@code kind} under a tag of this test's, and gives it {@code name} when the store has none. */
    private void image(String kind, String name) {
        String own = Sh.run("scripts/build-image", kind, "localhost/nslab-test-" + t.prefix + "/" + kind + ":1").ok().out().strip();
        tagged.add(own);
        if (Sh.run("podman", "image", "exists", name).code() != 0) {
            Sh.ok("podman", "tag", own, name);
            tagged.add(name);
        }
    }

    private String container(String node) {
        return Sh.ok("podman", "ps", "--filter", "label=nslab.lab=" + lab, "--filter", "label=nslab.node=" + lab + "-" + node, "--format", "{{.Names}}").strip();
    }

    private int fullNeighbours(String router) {
        Sh.Result r = Sh.run("podman", "exec", container(router), "vtysh", "-c", "show ip ospf neighbor");
        return r.code() != 0 ? 0 : (int) r.out().lines().filter(l -> l.contains("Full/")).count();
    }

    /** The ring's six networks: the routers' three links and the three PCs' LANs. */
    static final List<String> NETWORKS = List.of("192.168.1.0/24", "192.168.2.0/24", "192.168.3.0/24", "192.168.11.0/24",
            "192.168.12.0/24", "192.168.13.0/24");

    /** Whether {@code router}'s kernel has a route to every network of the ring (ip, the witness). */
    private boolean routesEverywhere(String router) {
        List<String> routes = Sh.run("ip", "-n", lab + "-" + router, "route", "show").out().lines().toList();
        return NETWORKS.stream().allMatch(n -> routes.stream().anyMatch(l -> l.startsWith(n + " ")));
    }

    private boolean ping(String from, String to) {
        return Sh.run("podman", "exec", container(from), "ping", "-c", "1", "-W", "1", to).code() == 0;
    }

    /** Mbit/s of a TCP stream from PC1 to PC3 (iperf3 of the PCs' image). */
    private double mbits() {
        return Iperf.mbits(List.of("podman", "exec", container("PC3")), lab + "-PC3", List.of("podman", "exec", container("PC1")), "192.168.13.2", 3);
    }

    @Test
    void containerlabsFrr01ComesUpUnchangedConvergesAndIsMeasured() throws Exception {
        image("frr", FRR);
        image("host", HOST);
        Path from = Path.of(getClass().getResource("/containerlab/frr01").toURI());
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) Files.copy(p, dir.resolve(from.relativize(p).toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path file = dir.resolve("frr01.clab.yml");
        assertEquals(Files.readString(from.resolve("frr01.clab.yml")), Files.readString(file), "the file as containerlab has it");
        lab = t.n("c1");
        // its binds are writable (containerlab's way): up lists them and wants --allow-host
        Nslab.Out refused = Nslab.inState(dir, "up", file.toString(), "--name", lab);
        assertEquals(1, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("node router1 may write to the machine's"), refused.err());
        assertEquals("", Sh.ok("podman", "ps", "--all", "--filter", "label=nslab.lab=" + lab, "--format", "{{.Names}}").strip(), "nothing was made");
        Nslab.inState(dir, "up", file.toString(), "--name", lab, "--allow-host").ok();

        // OSPF: every router's two neighbours Full (the election waits 40 s) and every network in every router's kernel
        // (Full comes before the routes: verify reads the tables once, so it must not start while they still fill), then
        // PC1 reaches PC3 across the routers
        long deadline = System.nanoTime() + 120_000_000_000L;
        List<String> routers = List.of("router1", "router2", "router3");
        while (!(routers.stream().allMatch(r -> fullNeighbours(r) == 2 && routesEverywhere(r)) && ping("PC1", "192.168.13.2"))) {
            assertTrue(System.nanoTime() < deadline, "OSPF did not converge in 120 s");
            Thread.sleep(500); // polling a routing daemon's state: no event to wait on
        }
        assertTrue(Sh.ok("ip", "-n", lab + "-router1", "route", "show", "192.168.13.0/24").contains("proto ospf"), "a route learnt with OSPF");
        Nslab.Out v = Nslab.inState(dir, "verify", lab, "-j");
        assertEquals(0, v.code(), v.out() + v.err());
        boolean judged = false;
        for (JsonNode p : TestNet.json(v.out()).path("pairs")) {
            if (p.path("from").asText().equals("PC1") && p.path("address").asText().equals("192.168.13.2")) {
                assertEquals("reply", p.path("outcome").asText(), p.toString());
                judged = true;
            }
        }
        assertTrue(judged, "verify measured PC1 to PC3: " + v.out());

        // an impairment on PC1's link, measured by iperf3 between two containers
        Nslab.inState(dir, "impair", lab, "PC1:eth1", "--rate", "10mbit").ok();
        double slow = mbits();
        assertTrue(slow > 5 && slow < 10.5, "10mbit on PC1:eth1: " + slow + " Mbit/s");
        Nslab.inState(dir, "impair", lab, "PC1:eth1", "--clear").ok();
        // a partition between the PCs and their routers, and healed
        Nslab.inState(dir, "partition", lab, "PC1", "router1,router2,router3,PC2,PC3").ok();
        assertTrue(!ping("PC1", "192.168.13.2") && ping("PC2", "192.168.13.2"), "PC1 alone is cut off");
        Nslab.inState(dir, "heal", lab).ok();
        assertTrue(ping("PC1", "192.168.13.2"), "healed");

        Nslab.inState(dir, "down", lab).ok();
        assertEquals("", Sh.ok("podman", "ps", "--all", "--filter", "label=nslab.lab=" + lab, "--format", "{{.Names}}").strip(), "down removes every container");
        assertEquals("", Sh.ok("ip", "netns", "list").lines().filter(l -> l.startsWith(lab + "-")).reduce("", String::concat));
        lab = null;
    }
}
