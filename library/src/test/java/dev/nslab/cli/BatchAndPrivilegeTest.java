package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** -batch with per-line -n, -force, error locations; and the message for a user without privileges. */
@Needs(programs = {"ip", "ping", "setpriv"})
class BatchAndPrivilegeTest {
    final TestNet t = new TestNet();

    @AfterEach
    void cleanUp() { t.close(); }

    @Test
    void batchBuildsAMultiNamespaceNetworkInOneProcess() throws Exception {
        String p = t.prefix;
        String script = String.join("\n",
                "# two hosts and a hub, one file",
                "netns add " + p + "hub",
                "netns add " + p + "h1",
                "netns add " + p + "h2",
                "-n " + p + "hub link add " + p + "e1 type veth peer name eth0 netns " + p + "h1",
                "-n " + p + "hub link add " + p + "e2 type veth peer name eth0 netns " + p + "h2",
                "-n " + p + "hub link add br0 type bridge",
                "-n " + p + "hub link set " + p + "e1 master br0 up",
                "-n " + p + "hub link set " + p + "e2 master br0 up",
                "-n " + p + "hub link set br0 up",
                "-n " + p + "h1 address add 10.30.0.1/24 dev eth0",
                "-n " + p + "h1 link set eth0 up",
                "-n " + p + "h2 address add 10.30.0.2/24 dev eth0",
                "-n " + p + "h2 link set eth0 up",
                "");
        Path f = Files.createTempFile("nslab-batch", ".txt");
        try {
            Files.writeString(f, script);
            Nslab.run("-batch", f.toString()).ok();
        } finally {
            Files.delete(f);
        }
        assertEquals("br0", t.link(p + "hub", p + "e1").path("master").asText());
        Sh.run("ip", "netns", "exec", p + "h1", "ping", "-c", "1", "-W", "3", "10.30.0.2").ok();

        // stdin, a failing line: stops there and names file:line; -force goes on
        Nslab.Out o = Nslab.process("netns add " + p + "x1\nlink set nosuch up\nnetns add " + p + "x2\n", "-batch", "-");
        assertEquals(1, o.code());
        assertTrue(o.err().contains("Cannot find device \"nosuch\"") && o.err().contains("Command failed -:2"), o.err());
        assertTrue(t.ipNetnsList().contains(p + "x1"));
        assertTrue(!t.ipNetnsList().contains(p + "x2"), "stopped at the failing line");
        o = Nslab.process("link set nosuch up\nnetns add " + p + "x2\n", "-force", "-batch", "-");
        assertEquals(1, o.code());
        assertTrue(t.ipNetnsList().contains(p + "x2"), "-force went on");
        // the names a batch adds share one registration file, yet each holds its own namespace
        assertTrue(!Sh.run("stat", "-L", "-c", "%i", "/run/netns/" + p + "x1").ok().out()
                .equals(Sh.run("stat", "-L", "-c", "%i", "/run/netns/" + p + "x2").ok().out()));
        assertTrue(!Sh.run("stat", "-L", "-c", "%i", "/run/netns/" + p + "h1").ok().out()
                .equals(Sh.run("stat", "-L", "-c", "%i", "/run/netns/" + p + "h2").ok().out()));
        // ip's words for a name taken and a master that is not there
        o = Nslab.process("netns add " + p + "x1\n-n " + p + "hub link set " + p + "e1 master nosuch\n", "-force", "-batch", "-");
        assertTrue(o.err().contains("Cannot create namespace file \"/run/netns/" + p + "x1\": File exists")
                && o.err().contains("Error: argument \"nosuch\" is wrong: Device does not exist"), o.err());
    }

    @Test
    void withoutPrivilegesOneSentenceNamesTheMissingCapabilities() {
        String ns = t.n("np");
        List<String> cmd = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all"));
        // -XX:-UsePerfData: a JVM run as nobody would leave /tmp/hsperfdata_nobody behind
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.nslab.cli.Main", "netns", "add", ns));
        Sh.Result r = Sh.run(cmd, null);
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("CAP_SYS_ADMIN") && r.err().contains("root"), r.err());
        assertTrue(!t.ipNetnsList().contains(ns));
    }

    @Test
    void failedCreateLeavesNothing() {
        String ns = t.n("f");
        Nslab.run("netns", "add", ns).ok();
        // peer name invalid: refused before anything is sent
        Nslab.run("-n", ns, "link", "add", "ok0", "type", "veth", "peer", "name", "bad/name").fails();
        assertNull(t.link(ns, "ok0"));
        // the kernel refuses the peer name (taken): the first end must not remain
        Nslab.run("-n", ns, "link", "add", "ok1", "type", "veth", "peer", "name", "lo").fails();
        assertNull(t.link(ns, "ok1"));
        assertNotNull(t.link(ns, "lo"));
    }
}
