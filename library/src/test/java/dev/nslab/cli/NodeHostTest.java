package dev.nslab.cli;

import dev.nslab.lab.apply.HostApplier;
import dev.nslab.lab.apply.IdRanges;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes that are hosts: a file system of their own over the machine's (binds made inside the node, writes kept in the
 * node), a host name, processes of their own, confinement (what a lab file runs cannot change the machine), and
 * nothing left after down, also after kill -9 during up. Witnesses: the machine's own files, ip, /proc, mountinfo.
 */
@Needs(programs = {"ip", "nsenter"})
class NodeHostTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        for (String lab : List.of("h", "k")) Nslab.inState(dir, "down", t.n(lab));
        t.close();
    }

    private Nslab.Out lab(String... args) { return Nslab.inState(dir, args); }

    private Path file(String name, String text) throws Exception { return t.writeNamed(dir, name, text); }

    /** {@code nslab exec LAB NODE -- sh -c SH} in this test's state directory: its output. */
    private String in(String lab, String node, String sh) { return exec(lab, node, "sh", "-c", sh).ok().out(); }

    private Nslab.Out exec(String lab, String node, String... command) {
        List<String> a = new ArrayList<>(List.of("exec", lab, node, "--state-dir", dir.toString(), "--"));
        a.addAll(List.of(command));
        return Nslab.process(null, a.toArray(String[]::new)); // exec replaces the process it runs in: a JVM of its own
    }

    @Test
    void eachNodeHasItsOwnFilesHostNameAndProcessesAndTheMachineKeepsItsOwn() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "hello from the site\n");
        String srv = "/srv/" + t.n("srv"); // the machine has no such path, and must not have one after
        String motd = Files.exists(Path.of("/etc/motd")) ? Files.readString(Path.of("/etc/motd")) : null;
        Path f = file("h.yml", """
                name: @h
                topology:
                  nodes:
                    a:
                      binds: ["./site:%s/site:ro"]
                      exec: ["echo motd of a > /etc/motd", "echo x of a > /tmp/@x"]
                      interfaces: {eth0: 10.81.0.1/24}
                    b:
                      hostname: bee
                      exec: ["echo motd of b > /etc/motd", "echo x of b > /tmp/@x", "sleep 300 &"]
                      interfaces: {eth0: 10.81.0.2/24}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """.formatted(srv));
        String lab = t.n("h");
        lab("up", f.toString()).ok();
        assertFalse(Files.exists(Path.of(srv)), "the bind's node path was made inside the node, not on the machine");

        assertEquals("hello from the site\n", in(lab, "a", "cat " + srv + "/site/index.html"));
        assertTrue(exec(lab, "a", "touch", srv + "/site/new").code() != 0, "read-only");
        assertEquals("motd of a\nx of a\n", in(lab, "a", "cat /etc/motd /tmp/" + t.n("x")));
        assertEquals("motd of b\nx of b\n", in(lab, "b", "cat /etc/motd /tmp/" + t.n("x")));
        assertEquals(motd, Files.exists(Path.of("/etc/motd")) ? Files.readString(Path.of("/etc/motd")) : null, "the machine's /etc/motd");
        assertFalse(Files.exists(Path.of("/tmp", t.n("x"))), "the machine's /tmp");

        assertEquals("a\n", in(lab, "a", "hostname"));
        assertEquals("bee\n", in(lab, "b", "hostname"), "containerlab's hostname:");
        // the node's processes: its init, the sleep its exec line left, and the ps asking; nothing of the machine's
        List<String> ps = in(lab, "b", "ps -e -o pid=,comm=").lines().map(String::strip).toList();
        assertTrue(ps.getFirst().matches("1 nslab-host.*"), ps.toString());
        assertTrue(ps.stream().anyMatch(p -> p.endsWith(" sleep")) && ps.size() <= 5, ps.toString());
        assertTrue(ps.stream().noneMatch(p -> p.contains("java")), "not the machine's processes: " + ps);
        assertTrue(in(lab, "a", "ping -c 1 -W 2 b >/dev/null && echo yes").contains("yes"), "names resolve inside a host");

        // status shows each host's namespaces and its writable layer
        String status = lab("status", lab).ok().out();
        assertTrue(status.matches("(?s).*host: init \\d+, net:\\[\\d+] mnt:\\[\\d+] uts:\\[\\d+] pid:\\[\\d+].*writable layer.*"), status);
        // and so does the inventory of the machine, which knows no lab: the init is found in the namespace, /proc the witness
        com.fasterxml.jackson.databind.JsonNode inv = dev.nslab.testkit.TestNet.json(Nslab.run("-j", "inventory").ok().out());
        com.fasterxml.jackson.databind.JsonNode hostA = null;
        for (com.fasterxml.jackson.databind.JsonNode n : inv.path("namespaces")) if (n.path("label").asText().equals(lab + "-a")) hostA = n.path("host");
        assertTrue(hostA != null && hostA.path("init").asInt() > 0, inv.toString());
        String mnt = Files.readSymbolicLink(Path.of("/proc", hostA.path("init").asText(), "ns", "mnt")).toString();
        assertEquals(mnt, hostA.path("namespaces").get(0).asText());
        assertTrue(hostA.path("layer").asText().endsWith("/" + lab + "-a/upper"), hostA.toString());

        lab("down", lab).ok();
        nothingLeft(lab);
        assertFalse(Files.exists(Path.of(srv)), "and not after down either");
    }

    /** Whatever a lab's hosts were made of is gone: processes, namespaces, mounts, layers, the user namespace, its ids. */
    private void nothingLeft(String lab) throws Exception {
        assertEquals(List.of(), t.ipNetnsList().stream().filter(n -> n.startsWith(t.prefix)).toList(), "namespaces");
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        assertFalse(mounts.contains(dir.toString()) || mounts.contains(lab + ".userns"), "mounts: " + mounts);
        assertFalse(Files.exists(HostApplier.dir(dir, lab)), "the hosts' layers");
        List<String> left = new ArrayList<>();
        for (String line : Sh.ok("ps", "-e", "-o", "pid=,args=").lines().toList()) if (line.contains(HostApplier.dir(dir, lab).toString())) left.add(line);
        assertEquals(List.of(), left, "the hosts' inits");
        assertFalse(Files.exists(IdRanges.RECORD) && Files.readString(IdRanges.RECORD).contains(dir.toString()), "the lab's ids are given back");
    }

    @Test
    void whatALabFileRunsCannotChangeTheMachine() throws Exception {
        String pwned = "/etc/" + t.n("pwned"), iface = t.n("evil");
        Path f = file("k.yml", """
                name: @k
                topology:
                  nodes:
                    a:
                      exec:
                        - "echo owned > %s"
                        - "nsenter -t 1 -n ip link add %s type veth peer name %sp"
                        - "echo 1 > /proc/sys/kernel/core_pattern_nslab_test || true"
                        - "mount -t tmpfs none /mnt && echo mounted"
                """.formatted(pwned, iface, iface));
        String lab = t.n("k");
        Nslab.Out up = lab("up", f.toString()).ok();
        assertFalse(Files.exists(Path.of(pwned)), "the machine has no " + pwned);
        assertTrue(in(lab, "a", "cat " + pwned).contains("owned"), "the node's own view may");
        assertEquals(null, t.link(null, iface), "no interface in the machine's namespace: " + up.err());
        assertTrue(in(lab, "a", "ip -br link").contains(iface), "pid 1 of the node is the node's: the interface is the node's own");
        lab("down", lab).ok();
        nothingLeft(lab);
    }

    @Test
    void killNineDuringUpThenDownLeavesNothing() throws Exception {
        StringBuilder nodes = new StringBuilder();
        for (int i = 1; i <= 6; i++) nodes.append("    n").append(i).append(": {exec: [\"sleep 30\"]}\n");
        Path f = file("k.yml", "name: @k\ntopology:\n  nodes:\n" + nodes);
        String lab = t.n("k");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.nslab.cli.Main",
                "up", f.toString(), "--state-dir", dir.toString()));
        Process up = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("up.log").toFile()).start();
        // killed once the first exec line runs: the hosts exist, their programs run, the run has not finished
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.readString(dir.resolve("up.log")).contains("$ sleep 30")) {
            if (System.nanoTime() > deadline || !up.isAlive()) throw new AssertionError("up did not get to its exec lines: " + Files.readString(dir.resolve("up.log")));
            Thread.sleep(20); // polling a condition: up's output
        }
        up.destroyForcibly();
        up.waitFor(10, TimeUnit.SECONDS);
        lab("down", lab).ok();
        nothingLeft(lab);
    }

    @Test
    void badBindsAreRefusedWhereTheyAreWrittenAndNothingIsMade() throws Exception {
        String[][] cases = {
                {"./nosuch:/srv/x", ":5:", "the host path", "does not exist"},
                {"/tmp:/proc/x", ":5:", "/proc is the node's own"},
                {"/tmp:/", ":5:", "the node's whole file system"},
                {"/tmp:srv", ":5:", "the node path absolute"},
        };
        for (String[] c : cases) {
            Path f = file("b.yml", "name: @h\ntopology:\n  nodes:\n    a:\n      binds: [\"" + c[0] + "\"]\n");
            Nslab.Out r = lab("up", f.toString());
            assertEquals(1, r.code(), c[0]);
            assertTrue(r.err().startsWith(f + c[1]), c[0] + ": " + r.err());
            for (int i = 2; i < c.length; i++) assertTrue(r.err().contains(c[i]), c[0] + ": " + r.err());
            assertEquals(List.of(), t.ipNetnsList().stream().filter(n -> n.startsWith(t.prefix)).toList(), "nothing made for " + c[0]);
        }
    }
}
