package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Services of lab nodes: ready when up returns (a request by name from another node answers at once), logs, an edited
 * service restarted alone, restart on failure after SIGKILL, a service that never gets ready failing up with its log,
 * env and binds; all judged from outside (bash's /dev/tcp through ip netns exec, ps through the JDK, /proc).
 */
@Needs(programs = {"ip", "python3"})
class ServicesTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        for (String lab : List.of("web", "slow", "bad")) Nslab.inState(dir, "down", t.n(lab));
        t.close();
    }

    private Nslab.Out lab(String... args) { return Nslab.inState(dir, args); }

    private static final String WEB = """
            name: @web
            topology:
              nodes:
                srv:
                  interfaces: {eth0: 10.30.0.2/24}
                  env: {GREETING: hello}
                  binds: ["./site:/mnt:ro"]
                  services:
                    - name: web
                      cmd: python3 -m http.server 8000 --bind 10.30.0.2 --directory /mnt
                      ready: {tcp: 8000}
                      restart: on-failure
                    - name: echo
                      cmd: sh -c 'echo "$GREETING from echo"; exec sleep 1000'
                      ready: {cmd: "test -n \\"$GREETING\\""}
                cli:
                  interfaces: {eth0: 10.30.0.1/24}
                  exec: ["echo exec-line:$GREETING"]
              links:
                - endpoints: ["cli:eth0", "srv:eth0"]
            """;

    private Path web() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "hello from srv\n");
        return t.writeNamed(dir, "web.yml", WEB);
    }

    /** An HTTP GET from node {@code from} to srv by name, with bash's /dev/tcp: the witness needs no client program. */
    private String get(String from) {
        return Sh.run("ip", "netns", "exec", t.n("web-" + from), "timeout", "3", "bash", "-c",
                "exec 3<>/dev/tcp/srv/8000 && printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3").out();
    }

    private JsonNode service(String name) {
        for (JsonNode n : TestNet.json(lab("status", t.n("web"), "-j").out()).path("nodes")) {
            for (JsonNode s : n.path("services")) if (s.path("name").asText().equals(name)) return s;
        }
        throw new AssertionError("no service " + name);
    }

    @Test
    void readyWhenUpReturnsWithLogsEnvAndBinds() throws Exception {
        Path f = web();
        Nslab.Out up = lab("up", f.toString()).ok();
        assertTrue(get("cli").contains("hello from srv"), "the first request, right after up, by name");
        assertTrue(up.err().contains("exec-line:"), up.err());
        String logs = lab("logs", t.n("web"), "srv", "web").ok().out();
        assertTrue(logs.contains("\"GET /index.html HTTP/1.0\" 200"), "the request is in the service's log: " + logs);
        // echo's readiness is its environment, not its output: the line may reach its log a moment after up returns
        String echoed = lab("logs", t.n("web"), "srv", "echo").ok().out();
        for (long end = System.nanoTime() + 10_000_000_000L; !echoed.contains("hello from echo") && System.nanoTime() < end; ) {
            echoed = lab("logs", t.n("web"), "srv", "echo").ok().out();
        }
        assertTrue(echoed.contains("hello from echo"), "the node's env: " + echoed);
        assertTrue(lab("logs", t.n("web"), "srv", "nope").err().contains("no service nope (services: web, echo)"));
        // nslab exec sees the node's env and binds; the bind is read-only
        Nslab.Out ex = Nslab.process(null, "exec", "--state-dir", dir.toString(), t.n("web"), "srv", "--", "sh", "-c",
                "echo $GREETING; cat /mnt/index.html; touch /mnt/x 2>&1 || echo read-only");
        assertTrue(ex.out().contains("hello\nhello from srv\n") && ex.out().contains("read-only"), ex.out() + ex.err());
        String status = lab("status", t.n("web")).ok().out();
        assertTrue(status.contains("service web: running") && status.contains("service echo: running"), status);
        assertFalse(status.contains("supervise.sh"), "the supervisors are shown as services: " + status);
    }

    @Test
    void anEditedServiceRestartsAloneAndOnFailureRestartsAfterSigkill() throws Exception {
        Path f = web();
        lab("up", f.toString()).ok();
        long web = service("web").path("pid").asLong(), echo = service("echo").path("pid").asLong();
        assertTrue(web > 0 && echo > 0);
        assertTrue(ProcessHandle.of(web).orElseThrow().info().commandLine().orElse("").contains("http.server"), "the program itself");
        Files.writeString(f, Files.readString(f).replace("from echo", "from echo, edited"));
        lab("up", f.toString()).ok();
        assertEquals(web, service("web").path("pid").asLong(), "the unchanged service keeps running");
        assertNotEquals(echo, service("echo").path("pid").asLong(), "the edited one was restarted");
        assertFalse(dev.nslab.sys.ProcState.running(echo), "ended (a zombie waiting for the machine's init counts as ended)");
        // SIGKILL: on-failure starts it again; status counts the restart
        ProcessHandle.of(web).orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!(service("web").path("restarts").asInt() == 1 && service("web").path("state").asText().equals("running"))) {
            if (System.nanoTime() > deadline) throw new AssertionError("not restarted: " + service("web"));
            Thread.onSpinWait();
        }
        long restarted = service("web").path("pid").asLong();
        assertNotEquals(web, restarted);
        long waitUntil = System.nanoTime() + 10_000_000_000L;
        String answer = "";
        while (!answer.contains("hello from srv") && System.nanoTime() < waitUntil) answer = get("cli"); // listening again
        assertTrue(answer.contains("hello from srv"), answer);
        assertTrue(lab("status", t.n("web")).out().contains("restarted 1 time"));
        Nslab.Out down = lab("down", t.n("web")).ok();
        assertTrue(down.err().contains("ended"), down.err());
        assertFalse(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false), "down ended the service");
    }

    @Test
    void aServiceThatNeverGetsReadyFailsUpWithItsLogAndRollsBack() throws Exception {
        Path f = t.writeNamed(dir, "slow.yml", """
                name: @slow
                topology:
                  nodes:
                    a:
                      interfaces: {eth0: 10.31.0.1/24}
                      services:
                        - {name: never, cmd: "echo starting up; exec sleep 1001", ready: {tcp: 9}, timeout: 1s}
                    b: {interfaces: {eth0: 10.31.0.2/24}}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """);
        long t0 = System.nanoTime();
        Nslab.Out up = lab("up", f.toString()).fails();
        assertTrue((System.nanoTime() - t0) / 1e9 < 15, "within its timeout (and the rollback)");
        assertTrue(up.err().contains("service never of node a") && up.err().contains("was not ready within 1s (ready: tcp 9)")
                && up.err().contains("starting up"), up.err());
        assertTrue(t.ipNetnsList().stream().noneMatch(n -> n.startsWith(t.n("slow"))), "rolled back");
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").equals("sleep 1001")
                && p.info().startInstant().isPresent()), "its process ended with the rollback");
    }

    @Test
    void badServicesAndBindsAreLocated() throws Exception {
        String base = """
                name: @bad
                topology:
                  nodes:
                    a:
                      SVC
                  links: []
                """;
        String[][] cases = {
                {"services: [{name: x}]", ":5:", "needs a cmd"},
                {"services: [{name: x, cmd: a}, {name: x, cmd: b}]", ":5:", "two services named x"},
                {"services: [{name: x, cmd: a, ready: {http: 80}}]", ":5:", "unknown ready form \"http\""},
                {"binds: [\"./nowhere:/mnt\"]", ":5:", "the host path"},
                {"services: [{name: x, cmd: a, restart: sometimes}]", ":5:", "use no, on-failure or always"},
        };
        for (String[] c : cases) {
            Path f = t.writeNamed(dir, "bad.yml", base.replace("SVC", c[0]));
            Nslab.Out up = lab("up", f.toString()).fails();
            assertTrue(up.err().contains(f + c[1]) && up.err().contains(c[2]), c[0] + " -> " + up.err());
        }
        assertTrue(t.ipNetnsList().stream().noneMatch(n -> n.startsWith(t.n("bad"))));
    }

    @Test
    void containerlabsVerbsTakeItsFlags() throws Exception {
        Path f = t.writeNamed(dir, "bad.clab.yml", """
                name: @bad
                topology:
                  nodes:
                    a: {interfaces: {eth0: 10.32.0.1/24}}
                    b: {interfaces: {eth0: 10.32.0.2/24}}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """);
        lab("deploy", "-t", f.toString(), "--reconfigure").ok();
        JsonNode st = TestNet.json(lab("inspect", "-t", f.toString(), "--format", "json").ok().out());
        assertEquals(t.n("bad"), st.path("lab").asText());
        assertTrue(st.path("healthy").asBoolean());
        lab("destroy", "-t", f.toString(), "--cleanup").ok();
        assertTrue(t.ipNetnsList().stream().noneMatch(n -> n.startsWith(t.n("bad"))));
        // without a file: the single *.clab.yml of the working directory (the repository root has none)
        assertTrue(lab("deploy").fails().err().contains("no *.clab.yml in this directory"));
    }
}
