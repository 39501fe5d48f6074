package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestImages;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes that run a container image (containerlab's {@code image:}), by a real engine (podman), in the namespaces
 * nslab makes and wires: the image's files and command, exec lines inside it, links, faults and verify as for any
 * node, next to bare nodes; a missing image refused at its line before anything exists; down leaves no container.
 * Images are built here from Debian's static busybox (no registry is reachable); podman and ip are the witnesses.
 */
@Needs(programs = {"ip", "ping", "podman", "tar", "ldd", "busybox"})
class ImageNodesTest {
    final TestNet t = new TestNet();
    final TestImages images = new TestImages();
    @TempDir
    Path dir;
    String lab;

    @BeforeEach
    void needStaticBusybox() {
        Assumptions.assumeTrue(TestImages.staticBusybox(), "needs Debian's static busybox at /bin/busybox (package busybox-static) to build a test image");
    }

    @AfterEach
    void cleanUp() {
        if (lab != null) Nslab.inState(dir, "down", lab);
        t.close();
        images.close();
    }

    private Nslab.Out nslab(String... args) { return Nslab.inState(dir, args); }

    private List<String> containers() {
        return Sh.ok("podman", "ps", "--all", "--filter", "label=nslab.lab=" + lab, "--format", "{{.Names}}").lines().toList();
    }

    @Test
    void anImageNodeRunsItsImageInTheNodesNetworkBesideABareNode() throws Exception {
        String image = images.busybox("localhost/nslab-test-" + t.prefix + "/web:1", "sh", "-c",
                "echo serving as $(hostname); exec httpd -f -p 8080 -h /www");
        lab = t.n("im");
        Path f = t.writeNamed(dir, "lab.yml", """
                name: @im
                topology:
                  nodes:
                    web:
                      kind: linux
                      image: %s
                      env: {GREETING: hello}
                      exec: ["ip addr add 10.78.0.1/24 dev eth0"]
                      healthcheck: {test: [CMD-SHELL, "test -e /www/index.html"], retries: 1}
                    client: {kind: linux, interfaces: {eth0: 10.78.0.2/24}}
                  links:
                    - endpoints: ["web:eth0", "client:eth0"]
                expect:
                  - {node: web, listening: {tcp: 8080}, wait: 5s}
                """.formatted(image));
        nslab("up", f.toString()).ok();
        List<String> running = containers();
        assertEquals(1, running.size(), running.toString());
        String container = running.getFirst();
        assertEquals("running", Sh.ok("podman", "inspect", "--format", "{{.State.Status}}", container).strip());
        // the container lives in the node's namespace: the same inode as /run/netns/LAB-web
        String pid = Sh.ok("podman", "inspect", "--format", "{{.State.Pid}}", container).strip();
        assertEquals(Files.readSymbolicLink(Path.of("/proc", pid, "ns", "net")).toString(),
                "net:[" + Files.getAttribute(Path.of("/run/netns", lab + "-web"), "unix:ino") + "]");
        // its files and host name are the image's, the exec line ran inside it, and its command serves
        assertEquals("web", Sh.ok("podman", "exec", container, "hostname").strip());
        assertEquals("hello", Sh.ok("podman", "exec", container, "sh", "-c", "echo $GREETING").strip(), "the node's env is the container's");
        assertFalse(Sh.ok("podman", "exec", container, "ls", "/").contains("usr"), "busybox's tree, not the machine's");
        assertTrue(Sh.ok("ip", "-n", lab + "-web", "addr", "show", "eth0").contains("10.78.0.1/24"));
        // nslab exec enters the container (exec replaces the process it runs in: a JVM of its own)
        assertTrue(Nslab.process(null, "exec", lab, "web", "--state-dir", dir.toString(), "--", "cat", "/www/index.html").ok().out()
                .contains("hello from the image"));
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-client", "ping", "-c", "1", "-W", "2", "10.78.0.1").code());
        Nslab.Out v = nslab("verify", lab);
        assertEquals(0, v.code(), v.out());
        assertTrue(v.out().contains("expect web listening tcp 8080 (wait 5s): holds"), v.out());
        // the engine's log is written by its monitor (conmon, the shim) a moment after the container printed: waited for
        String logs = nslab("logs", lab, "web").ok().out();
        for (long end = System.nanoTime() + 10_000_000_000L; !logs.contains("serving as web") && System.nanoTime() < end; ) {
            logs = nslab("logs", lab, "web").ok().out();
        }
        assertTrue(logs.contains("serving as web"), "logs shows the container's output: " + logs);
        String status = nslab("status", lab).ok().out();
        assertTrue(status.contains("container " + container + " of image " + image + ": running (healthy)"), status);
        // its healthcheck, run when status asks (podman's own timer needs systemd): failing, it makes the lab unhealthy
        Sh.ok("podman", "exec", container, "rm", "/www/index.html");
        Nslab.Out sick = nslab("status", lab);
        assertEquals(1, sick.code(), sick.out());
        assertTrue(sick.out().contains("UNHEALTHY: container " + container + " of node web is unhealthy"), sick.out());

        // faults between an image node and a bare node, as between any two nodes
        nslab("partition", lab, "web", "client").ok();
        assertEquals(1, Sh.run("ip", "netns", "exec", lab + "-client", "ping", "-c", "1", "-W", "1", "10.78.0.1").code());
        nslab("heal", lab).ok();
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-client", "ping", "-c", "1", "-W", "2", "10.78.0.1").code());

        nslab("down", lab).ok();
        assertEquals(List.of(), containers(), "down removes the lab's container");
        assertFalse(Files.exists(Path.of("/run/netns", lab + "-web")));
        lab = null;
    }

    /** containerlab's wait-for of another node's healthy stage: the exec lines wait until that node's health check passes. */
    @Test
    void execLinesWaitForTheHealthyStageOfAnotherNode() throws Exception {
        String image = images.busybox("localhost/nslab-test-" + t.prefix + "/hc:1", "sleep", "1000");
        lab = t.n("hc");
        Path f = t.writeNamed(dir, "lab.yml", """
                name: @hc
                topology:
                  nodes:
                    db:
                      image: %s
                      cmd: sh -c "sleep 2; echo up > /www/ready; exec httpd -f -p 8080 -h /www"
                      interfaces: {eth0: 10.79.0.1/24}
                      healthcheck: {test: [CMD-SHELL, "test -e /www/ready"], interval: 1, retries: 1}
                    app:
                      image: %s
                      interfaces: {eth0: 10.79.0.2/24}
                      stages: {create: {wait-for: [{node: db, stage: healthy}]}}
                      exec: ["wget -q -O - http://10.79.0.1:8080/ready"]
                  links:
                    - endpoints: ["db:eth0", "app:eth0"]
                """.formatted(image, image));
        Nslab.Out up = nslab("up", f.toString()).ok();
        String err = up.err();
        int waited = err.indexOf("app: waiting for db to be healthy"), ran = err.indexOf("app$ wget -q -O - http://10.79.0.1:8080/ready");
        assertTrue(waited >= 0 && ran > waited, err);
        assertFalse(err.substring(ran).lines().findFirst().orElse("").contains("(exit"), "db served when app asked: " + err);
        assertTrue(err.substring(ran).contains("  up"), err);
        nslab("down", lab).ok();
        lab = null;
    }

    @Test
    void anImageThatIsNowhereIsRefusedAtItsLineBeforeAnythingIsMade() throws Exception {
        lab = t.n("no");
        Path f = t.writeNamed(dir, "lab.yml", """
                name: @no
                topology:
                  nodes:
                    a:
                      image: localhost/nslab-test-%s/nowhere:1
                      image-pull-policy: Never
                    b: {}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """.formatted(t.prefix));
        Nslab.Out up = nslab("up", f.toString());
        assertEquals(1, up.code());
        assertTrue(up.err().contains(f + ":5:14: image localhost/nslab-test-" + t.prefix + "/nowhere:1 of node a is not in podman's local store "
                + "(image-pull-policy Never): podman pull"), up.err());
        assertFalse(Files.exists(Path.of("/run/netns", lab + "-a")));
        assertFalse(Files.exists(Path.of("/run/netns", lab + "-b")), "nothing was made");
        assertFalse(Files.exists(dir.resolve(lab + ".json")), "not even a state");
        lab = null;
    }
}
