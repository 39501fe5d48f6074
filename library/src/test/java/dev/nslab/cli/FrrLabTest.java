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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real routing software in hosts: examples/frr-ospf.yml, three FRR routers (Debian's frr, as real daemons) that learn
 * their routes with OSPF, each with its own /etc/frr from binds and its own /var/run/frr. Witnesses: vtysh in each
 * router, the kernel's routes (ip), ping between the hosts, and what is left after down (/proc, ip netns, mountinfo).
 */
@Needs(programs = {"ip", "ping", "vtysh"})
class FrrLabTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        Nslab.inState(dir, "down", t.n("frr"));
        t.close();
    }

    private Nslab.Out lab(String... args) { return Nslab.inState(dir, args); }

    private Nslab.Out exec(String lab, String node, String... command) {
        List<String> a = new ArrayList<>(List.of("exec", lab, node, "--state-dir", dir.toString(), "--"));
        a.addAll(List.of(command));
        return Nslab.process(null, a.toArray(String[]::new));
    }

    @Test
    void threeRoutersLearnTheirRoutesWithOspfAndTheHostsReachEachOther() throws Exception {
        // the example as it is, under a name of this run's, its binds pointing at the example's configurations
        String text = Files.readString(Path.of("examples/frr-ospf.yml")).replaceFirst("(?m)^name: .*$", "name: " + t.n("frr"))
                .replace("\"frr-ospf/", "\"" + Path.of("examples").toAbsolutePath() + "/frr-ospf/");
        Path f = dir.resolve("frr.yml");
        Files.writeString(f, text);
        String lab = t.n("frr");
        lab("up", f.toString()).ok();

        long deadline = System.nanoTime() + 60_000_000_000L;
        for (String r : List.of("r1", "r2", "r3")) {
            int want = r.equals("r2") ? 2 : 1;
            while (true) {
                String out = exec(lab, r, "vtysh", "-c", "show ip ospf neighbor").ok().out();
                if (out.lines().filter(l -> l.contains("Full/")).count() == want) break;
                if (System.nanoTime() > deadline) throw new AssertionError(r + " has not its " + want + " OSPF neighbours Full within 60 s:\n" + out);
                Thread.sleep(200); // polling a condition: the routers' OSPF state
            }
        }
        // the routes are learnt: every subnet in every router's kernel (Full comes before them, and a ping's reply needs
        // the way back: r3's route to h1's subnet), from OSPF; none of them is in the file
        for (String r : List.of("r1", "r2", "r3")) {
            for (String subnet : List.of("10.20.1.0/24", "10.20.12.0/24", "10.20.23.0/24", "10.20.3.0/24")) {
                while (Sh.ok("ip", "-n", lab + "-" + r, "route").lines().noneMatch(l -> l.startsWith(subnet + " "))) {
                    if (System.nanoTime() > deadline) throw new AssertionError("no route to " + subnet + " in " + r + ": " + Sh.ok("ip", "-n", lab + "-" + r, "route"));
                    Thread.sleep(200); // polling a condition: the routers' kernel tables
                }
            }
        }
        assertTrue(Sh.ok("ip", "-n", lab + "-r1", "route", "show", "10.20.3.0/24").contains("proto ospf"));
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-h1", "ping", "-c", "2", "-W", "2", "10.20.3.10").code(), "h1 reaches h2 over learnt routes");
        Nslab.Out verify = lab("verify", lab);
        assertEquals(0, verify.code(), verify.out());
        assertTrue(verify.out().contains("expect h1 -> h2 reach true: holds"), verify.out());
        // each router's own files: its configuration bound in, its run directory its own
        assertTrue(exec(lab, "r2", "sh", "-c", "grep router-id /etc/frr/frr.conf; ls /var/run/frr").ok().out().contains("10.0.0.2"));

        lab("down", lab).ok();
        assertEquals(List.of(), t.ipNetnsList().stream().filter(n -> n.startsWith(t.prefix)).toList());
        assertFalse(Sh.ok("ps", "-e", "-o", "args=").contains(dir.toString()), "no process of the lab's hosts");
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(dir.toString()), "no mount");
    }
}
