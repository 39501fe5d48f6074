package dev.nslab.helper;

import dev.nslab.testkit.LabTexts;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.OpenVswitch;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resident helper for real: its C client (compiled here from the sources), a helper JVM started as a user
 * starts it, and every answer compared with the same command run in a JVM of its own (stdout, stderr, exit status).
 * What the helper must not serve (writes, another namespace, another environment, another user) runs on its own,
 * and says so in the helper's counters.
 */
@ExtendWith(OpenVswitch.class)
@Needs(programs = {"ip", "ping", "cc", "nsenter", "setpriv", "bash", "unshare", "python3"}, openVswitch = true)
class HelperTest {
    static final TestNet t = new TestNet();
    static Path dir, client, socket;
    static long helperPid = -1;

    @BeforeAll
    static void startHelper() throws Exception {
        dir = Files.createTempDirectory("nslab-helper-test");
        client = dir.resolve("nslab-client");
        Sh.run("cc", "-O2", "-o", client.toString(), "library/src/main/c/nslab-client.c").ok();
        socket = dir.resolve("h.sock");
        Files.createDirectories(dir.resolve("state"));
        Sh.Result r = Sh.run(env(java(HelperMain.class.getName(), "start")), null).ok();
        assertTrue(r.out().contains("running (pid "), r.out());
        helperPid = status().path("pid").asLong();
        Sh.run("ip", "netns", "add", t.n("h")).ok();
        Sh.run("ip", "-n", t.n("h"), "link", "add", t.n("a"), "type", "veth", "peer", "name", t.n("b")).ok();
        Sh.run("ip", "-n", t.n("h"), "address", "add", "10.77.0.1/24", "dev", t.n("a")).ok();
    }

    @AfterAll
    static void stopHelper() throws Exception {
        try {
            if (helperPid > 0) {
                Sh.run(env(java(HelperMain.class.getName(), "stop")), null);
                // it was ours: if it did not stop when asked, end it by its pid
                ProcessHandle.of(helperPid).ifPresent(h -> {
                    if (!h.onExit().completeOnTimeout(h, 30, TimeUnit.SECONDS).join().isAlive()) return;
                    h.destroyForcibly();
                });
            }
        } finally {
            t.close();
            Sh.run("rm", "-rf", dir.toString());
        }
    }

    /** The same command served by the helper and run in its own JVM: identical output and status. */
    @Test
    void readCommandsAreServedWithTheSameOutputAndStatus() {
        List<List<String>> lines = List.of(List.of("netns", "list"), List.of("-j", "link", "show"), List.of("link"),
                List.of("-n", t.n("h"), "address", "show"), List.of("-n", t.n("h"), "-br", "-j", "-p", "address"),
                List.of("-n", t.n("h"), "-s", "link", "show", "dev", t.n("a")), List.of("-n", t.n("h"), "route", "show"),
                List.of("-n", t.n("h"), "link", "show", "dev", "nosuchdev"), List.of("-n", t.n("nosuch"), "link", "show"),
                List.of("ls"), List.of("status"), List.of("-j", "inventory"));
        long before = status().path("served").asLong();
        int asked = 0;
        for (List<String> l : lines) {
            Sh.Result own = Sh.run(env(java("dev.nslab.cli.Main", l.toArray(String[]::new))), null);
            Sh.Result served = Sh.run(env(viaClient(l)), null);
            asked++;
            // what the whole machine holds may change between the two runs (another run's namespaces): asked again
            for (int again = 0; again < 3 && !own.out().equals(served.out()) && !l.contains(t.n("h")); again++) {
                own = Sh.run(env(java("dev.nslab.cli.Main", l.toArray(String[]::new))), null);
                served = Sh.run(env(viaClient(l)), null);
                asked++;
            }
            String what = String.join(" ", l);
            if (what.contains("inventory")) {
                // the machine may change between the two runs (other tests); the shape and our namespace must agree
                assertEquals(own.code(), served.code(), what);
                assertTrue(served.out().contains(t.n("h")), served.out());
                continue;
            }
            assertEquals(own.out(), served.out(), what);
            assertEquals(own.err(), served.err(), what);
            assertEquals(own.code(), served.code(), what);
        }
        assertEquals(before + asked, status().path("served").asLong(), "every one of them was served by the helper");
    }

    @Test
    void writesAbbreviationsAndFilesRunInTheirOwnJvm() throws Exception {
        long declined = status().path("declined").asLong();
        Sh.run(env(viaClient(List.of("netns", "add", t.n("w")))), null).ok();
        assertTrue(t.ipNetnsList().contains(t.n("w")), "made by the JVM the client became");
        // "l s" is "link set" for ip: never taken for a read
        Sh.Result r = Sh.run(env(viaClient(List.of("l", "s"))), null);
        assertEquals(255, r.code(), r.err());
        // a lab file in the client's directory: read there, not in the helper's
        Files.writeString(dir.resolve("state").resolve("x.clab.yml"), "name: x\n");
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "cd \"$0\" && exec \"$@\"", dir.resolve("state").toString()));
        cmd.addAll(env(viaClient(List.of("status", "x.clab.yml"))));
        Sh.run(cmd, null);
        assertEquals(declined + 3, status().path("declined").asLong());
        Sh.run("ip", "netns", "del", t.n("w")).ok();
    }

    /**
     * A lab's up and down and a batch file, named relative to the client's directory: served, and what they made is
     * in the kernel. A lab file reading a variable the helper does not know, or a batch line that starts a program,
     * runs in the client's own JVM instead, with the same result.
     */
    @Test
    void labsAndBatchesAreServedInTheClientsDirectory() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        String lab = t.n("L"), ns = t.n("bn");
        String two = """
                name: NAME
                topology:
                  nodes:
                    a: {interfaces: {eth0: {address: 10.231.7.1/24}}}
                    b: {interfaces: {eth0: {address: 10.231.7.2/24}}}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """;
        Files.writeString(work.resolve("two.yml"), two.replace("NAME", lab));
        Files.writeString(work.resolve("var.yml"), two.replace("NAME", "${NSLAB_TEST_UNSET_NAME:=" + lab + "}")
                .replace("10.231.7.1/24", "${ADDRESS_A:=10.231.7.1/24}"));
        Files.writeString(work.resolve("b.txt"), "netns add " + ns + "\n-n " + ns + " link set lo up\n");
        Files.writeString(work.resolve("exec.txt"), "netns exec " + ns + " true\n");
        long served = status().path("served").asLong(), declined = status().path("declined").asLong();
        try {
            Sh.Result up = inDir(work, "up", "two.yml").ok();
            assertTrue(up.out().startsWith("lab " + lab + " is up: 2 nodes, 1 links"), up.out());
            Sh.run("ip", "netns", "exec", lab + "-a", "ping", "-c", "1", "-W", "2", "10.231.7.2").ok();
            assertTrue(inDir(work, "up", "two.yml").ok().out().contains("is up to date"));
            assertTrue(inDir(work, "down", "two.yml").ok().out().startsWith("lab " + lab + " is down"));
            assertFalse(t.ipNetnsList().contains(lab + "-a"));
            assertEquals(served + 3, status().path("served").asLong(), "up, up again and down were the helper's");

            // ${ADDRESS_A} is the client's to expand: it runs in a JVM of its own, and comes up the same
            assertTrue(inDir(work, "up", "var.yml").ok().out().startsWith("lab " + lab + " is up"));
            assertEquals(declined + 1, status().path("declined").asLong());
            Sh.run("ip", "netns", "exec", lab + "-b", "ping", "-c", "1", "-W", "2", "10.231.7.1").ok();
            inDir(work, "down", lab).ok();
            assertFalse(t.ipNetnsList().contains(lab + "-b"));

            inDir(work, "-batch", "b.txt").ok();
            assertTrue(t.ipNetnsList().contains(ns));
            assertEquals(served + 5, status().path("served").asLong(), "down and the batch were the helper's");
            inDir(work, "-batch", "exec.txt").ok();
            assertEquals(declined + 2, status().path("declined").asLong(), "netns exec starts a program: not from the helper");
        } finally {
            inDir(work, "down", lab);
            Sh.run("ip", "netns", "del", ns);
        }
    }

    /**
     * A client that goes away while its up runs (its user's Ctrl-C; here the client says so after 40 steps): the up
     * stops as a failure does and removes what it had made, leaving no namespace and no state of the lab.
     */
    @Test
    void anUpWhoseClientWentAwayIsTakenBack() throws Exception {
        Path work = Files.createDirectories(dir.resolve("gone")), state = dir.resolve("gone-state");
        String lab = t.n("G");
        Files.writeString(work.resolve("g.yml"), star(lab, 60));
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(), err = new java.io.ByteArrayOutputStream();
        dev.nslab.cli.Cli cli = new dev.nslab.cli.Cli(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true))
                .servingFor(new dev.nslab.cli.Resident.Client(work, Map.of(), () -> asked.incrementAndGet() > 40));
        try {
            assertEquals(1, cli.run("up", "g.yml", "--state-dir", state.toString()), err.toString());
            assertTrue(err.toString().contains("up failed; removing what this run created"), err.toString());
            assertTrue(err.toString().contains("the client went away"), err.toString());
            assertTrue(t.ipNetnsList().stream().noneMatch(n -> n.startsWith(lab + "-")), t.ipNetnsList().toString());
            assertFalse(Files.exists(dev.nslab.lab.state.LabState.path(state, lab)), "no state of a lab that is not there");
        } finally {
            Nslab.run("down", lab, "--state-dir", state.toString());
        }
    }

    /**
     * The same through the helper for real: the client of an up of 300 hosts is killed once the build has begun; the
     * helper sees it go and removes what it had made (a JVM of the user's own, killed, would leave it half made).
     */
    @Test
    void anUpServedByTheHelperStopsWhenItsClientIsKilled() throws Exception {
        Path work = Files.createDirectories(dir.resolve("killed"));
        String lab = t.n("K");
        Files.writeString(work.resolve("k.yml"), star(lab, 300));
        long served = status().path("served").asLong();
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "cd \"$0\" && exec \"$@\"", work.toString()));
        cmd.addAll(env(viaClient(List.of("up", "k.yml"))));
        Path err = work.resolve("err");
        Process client = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try {
            // the progress line of the first phase: the helper is building
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(err) && Files.readString(err).contains("namespaces and links")) && client.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(client.isAlive(), "the up was still running: " + Files.readString(err));
            client.destroyForcibly().waitFor();
            // the helper answers the next command once the stopped up has removed what it made (changes run one at a time)
            Sh.Result ls = Sh.run(env(viaClient(List.of("down", lab))), null);
            assertTrue(t.ipNetnsList().stream().noneMatch(n -> n.startsWith(lab + "-")), t.ipNetnsList() + " " + ls.out());
            assertTrue(ls.out().contains("no lab named " + lab), ls.out() + ls.err());
            assertTrue(status().path("served").asLong() >= served + 1, "the up was the helper's");
        } finally {
            client.destroyForcibly();
            Sh.run(env(viaClient(List.of("down", lab))), null);
        }
    }

    /** In a terminal, an up served by the helper draws its progress bar, as a JVM of the user's own does there. */
    @Test
    @Needs(programs = "script")
    void anUpInATerminalDrawsItsProgressBar() throws Exception {
        Path work = Files.createDirectories(dir.resolve("tty"));
        String lab = t.n("T");
        Files.writeString(work.resolve("t.yml"), star(lab, 30));
        long served = status().path("served").asLong();
        List<String> cmd = new ArrayList<>(List.of("cd", work.toString(), "&&", "exec"));
        cmd.addAll(env(viaClient(List.of("up", "t.yml"))));
        // script(1) gives the client a terminal for its standard input, output and error
        String line = String.join(" ", cmd.stream().map(w -> w.equals("&&") ? w : "'" + w.replace("'", "'\\''") + "'").toList());
        try {
            Sh.Result r = Sh.run(List.of("script", "-qec", line, "/dev/null"), null);
            assertTrue(r.out().contains("\r[") && r.out().contains("namespaces and links"), r.out());
            assertTrue(r.out().contains("lab " + lab + " is up"), r.out());
            assertEquals(served + 1, status().path("served").asLong(), "the helper's");
        } finally {
            Sh.run(env(viaClient(List.of("down", lab))), null);
        }
    }

    /** A lab of {@code hosts} hosts on one bridge, named {@code lab}. */
    static String star(String lab, int hosts) { return LabTexts.star(hosts, "bridge").replace("name: star", "name: " + lab); }

    /** The client run in {@code work}, as a user in that directory runs nslab. */
    static Sh.Result inDir(Path work, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "cd \"$0\" && exec \"$@\"", work.toString()));
        cmd.addAll(env(viaClient(List.of(args))));
        return Sh.run(cmd, null);
    }

    @Test
    void anotherNamespaceOrEnvironmentIsNotServed() {
        long declined = status().path("declined").asLong();
        // a client inside the test's namespace sees that namespace's interfaces, not the helper's
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + t.n("h")));
        cmd.addAll(env(viaClient(List.of("-j", "link", "show"))));
        Sh.Result r = Sh.run(cmd, null).ok();
        List<String> names = new ArrayList<>();
        for (JsonNode l : TestNet.json(r.out())) names.add(l.path("ifname").asText());
        assertEquals(List.of("lo", t.n("b"), t.n("a")).stream().sorted().toList(), names.stream().sorted().toList());
        // another state directory is another set of labs
        List<String> other = new ArrayList<>(env(viaClient(List.of("ls"))));
        other.add(4, "NSLAB_STATE_DIR=" + dir.resolve("other"));
        Sh.Result ls = Sh.run(other, null).ok();
        assertTrue(ls.out().contains(dir.resolve("other").toString()), ls.out());
        assertEquals(declined + 2, status().path("declined").asLong());
    }

    /** The launcher's quick way names its tree; a helper that is not that tree's build cannot vouch for its sources. */
    @Test
    void aTreeTheHelperWasNotBuiltFromIsNotVouchedFor() {
        long served = status().path("served").asLong();
        List<String> cmd = new ArrayList<>(List.of("env", "NSLAB_HELPER_TREE=" + dir));
        cmd.addAll(env(List.of(client.toString(), socket.toString(), "2", "netns", "list", "/bin/echo", "ran on its own")));
        assertEquals("ran on its own\n", Sh.run(cmd, null).ok().out());
        assertEquals(served, status().path("served").asLong());
    }

    @Test
    void aProcessWithFewerCapabilitiesThanTheHelperIsNotServed() {
        // root without CAP_NET_ADMIN: what the helper would run with its own capabilities is not this process's to run
        long served = status().path("served").asLong();
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin"));
        cmd.addAll(env(List.of(client.toString(), socket.toString(), "2", "netns", "list", "/bin/echo", "ran on its own")));
        Sh.Result r = Sh.run(cmd, null).ok();
        assertEquals("ran on its own\n", r.out());
        assertEquals(served, status().path("served").asLong());
    }

    @Test
    void aRequestThatLiesAboutItsNamespacesIsNotBelieved() throws Exception {
        // a client in a mount namespace of its own that says it is in the helper's: the kernel's record tells
        Path request = dir.resolve("forged.bin");
        Files.write(request, new Request("run", Identity.current(), "/", Identity.environment(Map.of("NSLAB_STATE_DIR", dir.resolve("state").toString())),
                List.of("netns", "list")).encode());
        String py = "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\ns.sendall(open(sys.argv[2],'rb').read())\n"
                + "print(s.recv(1).decode())";
        Sh.Result r = Sh.run(List.of("unshare", "--mount", "python3", "-c", py, socket.toString(), request.toString()), null).ok();
        assertEquals("F", r.out().strip(), "told to run it itself, not served");
    }

    @Test
    void anotherUserCannotConnect() {
        // the socket is the owner's only: nobody's client falls back (here to echo) without the helper hearing it
        long served = status().path("served").asLong(), declined = status().path("declined").asLong();
        Sh.run("chmod", "755", dir.toString()).ok();
        Sh.Result r = Sh.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", client.toString(),
                socket.toString(), "2", "netns", "list", "/bin/echo", "ran on its own"), null).ok();
        assertEquals("ran on its own\n", r.out());
        assertEquals(served, status().path("served").asLong());
        assertEquals(declined, status().path("declined").asLong());
    }

    @Test
    void ovsTransactionsAreServedAndDoTheWholeJob() {
        Nslab.run("ovs", "start"); // the helper serves no command that would start Open vSwitch
        long served = status().path("served").asLong();
        String br = t.n("br"), p = t.n("p1"), q = t.n("q1");
        Sh.run("ip", "link", "add", p, "type", "veth", "peer", "name", q).ok();
        Sh.run("ip", "link", "set", p, "up").ok();
        Sh.run(env(viaClient(List.of("ovs", "add-br", br))), null).ok();
        Sh.run(env(viaClient(List.of("ovs", "add-port", br, p, "tag=7", "--", "set", "port", p, "tag=8"))), null).ok();
        assertEquals("8", Sh.run("ovs-vsctl", "get", "port", p, "tag").ok().out().trim(), "ovs-vsctl sees the tag");
        if (Sh.run("sh", "-c", "test -d /sys/module/openvswitch").code() != 0) {
            // the userspace datapath's part of the job: checksum offload off on the port and its peer, as ethtool says
            assertTrue(Sh.run("ethtool", "-k", p).ok().out().contains("tx-checksumming: off"), "offload off on " + p);
            assertTrue(Sh.run("ethtool", "-k", q).ok().out().contains("tx-checksumming: off"), "offload off on " + q);
        }
        Sh.Result own = Sh.run(env(java("dev.nslab.cli.Main", "ovs", "list-ports", br)), null);
        Sh.Result via = Sh.run(env(viaClient(List.of("ovs", "list-ports", br))), null);
        assertEquals(p + "\n", via.out());
        assertEquals(own, via);
        Sh.Result refused = Sh.run(env(viaClient(List.of("ovs", "add-port", t.n("nosuch"), p))), null);
        assertEquals(Sh.run(env(java("dev.nslab.cli.Main", "ovs", "add-port", t.n("nosuch"), p)), null), refused);
        assertTrue(refused.code() != 0 && refused.err().startsWith("ovs-vsctl: "), refused.err());
        Sh.run(env(viaClient(List.of("ovs", "del-br", br))), null).ok();
        assertEquals(2, Sh.run("ovs-vsctl", "br-exists", br).code(), "the bridge is gone");
        assertEquals(served + 5, status().path("served").asLong());
        Sh.run("ip", "link", "del", p).ok();
    }

    @Test
    void aSocketOfAnotherUserIsNotAsked() throws Exception {
        // somebody else's listener where the helper's socket would be: the client must not believe what it says
        Path open = dir.resolve("open");
        Files.createDirectories(open);
        Sh.run("chmod", "777", dir.toString(), open.toString()).ok();
        Path fake = open.resolve("fake.sock");
        String server = "import socket,struct\n"
                + "s=socket.socket(socket.AF_UNIX); s.bind('" + fake + "'); s.listen(1); s.settimeout(60)\n"
                + "c,_=s.accept()\n"
                + "try:\n  c.sendall(b'O'+struct.pack('>I',8)+b'spoofed\\n'+b'X'+struct.pack('>I',4)+struct.pack('>I',0))\n"
                + "except OSError: pass\n";
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", server)
                .redirectErrorStream(true).start();
        try {
            for (int i = 0; i < 500 && !Files.exists(fake) && p.isAlive(); i++) p.waitFor(10, TimeUnit.MILLISECONDS);
            assertTrue(Files.exists(fake), "the stand-in listener is up");
            Sh.Result r = Sh.run(List.of(client.toString(), fake.toString(), "2", "netns", "list", "/bin/echo", "ran on its own"), null).ok();
            assertEquals("ran on its own\n", r.out());
        } finally {
            p.destroyForcibly(); // ours, by its handle
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void statusSaysWhatRuns() {
        JsonNode s = status();
        assertTrue(s.path("running").asBoolean(), s.toString());
        assertTrue(ProcessHandle.of(s.path("pid").asLong()).isPresent());
        assertEquals(socket.toString(), s.path("socket").asText());
        assertFalse(Sh.run(env(java(HelperMain.class.getName(), "start")), null).ok().out().contains("did not start"));
        assertEquals(helperPid, status().path("pid").asLong(), "a second start keeps the one that runs");
    }

    static JsonNode status() {
        return TestNet.json(Sh.run(env(java(HelperMain.class.getName(), "status", "-j")), null).out());
    }

    /** The environment of a user of this test's helper: its socket and a state directory of its own. */
    static List<String> env(List<String> cmd) {
        List<String> l = new ArrayList<>(List.of("env", "NSLAB_HELPER_SOCKET=" + socket, "NSLAB_STATE_DIR=" + dir.resolve("state"),
                "NSLAB_HELPER_IDLE=600"));
        l.addAll(cmd);
        return l;
    }

    static List<String> java(String main, String... args) {
        List<String> l = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main));
        l.addAll(List.of(args));
        return l;
    }

    /** As the launcher does it: the client, the command, and the JVM command it becomes when not served. */
    static List<String> viaClient(List<String> args) {
        List<String> l = new ArrayList<>(List.of(client.toString(), socket.toString(), Integer.toString(args.size())));
        l.addAll(args);
        l.addAll(java("dev.nslab.cli.Main", args.toArray(String[]::new)));
        return l;
    }
}
