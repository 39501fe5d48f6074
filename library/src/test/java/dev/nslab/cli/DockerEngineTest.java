package dev.nslab.cli;

import dev.nslab.testkit.Dockerd;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestImages;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Image nodes run by Docker ({@code NSLAB_ENGINE=docker}): a real dockerd of the test's own (its own socket and data,
 * no bridge, no iptables), whose container makes its network namespace itself; nslab names it as the node's and
 * wires it, so links, exec lines, faults, status, logs, exec and down work as with podman. Docker's own client and
 * ip are the witnesses; the images are built here from Debian's static busybox.
 */
@Needs(programs = {"ip", "ping", "dockerd", "docker", "tar", "ldd", "busybox"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerEngineTest {
    final TestNet t = new TestNet();
    Dockerd dockerd;
    TestImages images;
    @TempDir
    Path dir;
    String lab;

    @BeforeAll
    void startDockerd() throws Exception {
        Assumptions.assumeTrue(TestImages.staticBusybox(), "needs Debian's static busybox at /bin/busybox (package busybox-static) to build a test image");
        dockerd = Dockerd.start();
        images = new TestImages(dockerd.client());
    }

    @AfterEach
    void downTheLab() {
        if (lab != null) nslab("down", lab);
        lab = null;
    }

    @AfterAll
    void stopDockerd() {
        t.close();
        if (images != null) images.close();
        if (dockerd != null) dockerd.close();
    }

    private Nslab.Out nslab(String... args) {
        List<String> a = new java.util.ArrayList<>(List.of(args));
        int end = a.indexOf("--"); // before the node's command
        a.addAll(end < 0 ? a.size() : end, List.of("--state-dir", dir.toString()));
        return Nslab.processWith(Map.of("NSLAB_ENGINE", "docker", "DOCKER_HOST", dockerd.host), a.toArray(String[]::new));
    }

    private List<String> containers() {
        return dockerd.docker("ps", "--all", "--filter", "label=nslab.lab=" + lab, "--format", "{{.Names}}").ok().out().lines().toList();
    }

    @Test
    void anImageNodeIsADockerContainerWhoseNamespaceNslabWires() throws Exception {
        String image = images.busybox("localhost/nslab-test-" + t.prefix + "/web:1", "sh", "-c",
                "echo serving as $(hostname); exec httpd -f -p 8080 -h /www");
        lab = t.n("dk");
        Path f = t.writeNamed(dir, "lab.yml", """
                name: @dk
                topology:
                  nodes:
                    web:
                      kind: linux
                      image: %s
                      env: {GREETING: hello}
                      exec: ["ip addr add 10.77.0.1/24 dev eth0"]
                      healthcheck: {test: [CMD, test, -e, /www/index.html], interval: 1, retries: 3}
                    client:
                      kind: linux
                      interfaces: {eth0: 10.77.0.2/24}
                      stages: {create: {wait-for: [{node: web, stage: healthy}]}}
                      exec: ["busybox wget -q -O /dev/null http://10.77.0.1:8080/"]
                  links:
                    - endpoints: ["web:eth0", "client:eth0"]
                expect:
                  - {node: web, listening: {tcp: 8080}, wait: 5s}
                  - {from: client, to: web, reach: true}
                """.formatted(image));
        Nslab.Out up = nslab("up", f.toString()).ok();
        assertTrue(up.err().contains("client: waiting for web to be healthy"), up.err());
        List<String> made = containers();
        assertEquals(1, made.size(), made.toString());
        String container = made.getFirst();
        assertEquals("running", dockerd.docker("inspect", "--format", "{{.State.Status}}", container).ok().out().strip());
        // the node's namespace is the container's: /run/netns/LAB-web names the one docker made
        String pid = dockerd.docker("inspect", "--format", "{{.State.Pid}}", container).ok().out().strip();
        assertEquals(Files.readSymbolicLink(Path.of("/proc", pid, "ns", "net")).toString(),
                "net:[" + Files.getAttribute(Path.of("/run/netns", lab + "-web"), "unix:ino") + "]");
        assertEquals("web", dockerd.docker("exec", container, "hostname").ok().out().strip());
        assertEquals("hello", dockerd.docker("exec", container, "sh", "-c", "echo $GREETING").ok().out().strip());
        assertFalse(dockerd.docker("exec", container, "ls", "/").ok().out().contains("usr"), "busybox's tree, not the machine's");
        // the link nslab made is in it, with the exec line's address; the bare node reaches its server
        assertTrue(dockerd.docker("exec", container, "ip", "addr", "show", "eth0").ok().out().contains("10.77.0.1/24"));
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-client", "ping", "-c", "1", "-W", "2", "10.77.0.1").code());
        assertTrue(Sh.run("ip", "netns", "exec", lab + "-client", "busybox", "wget", "-q", "-O", "-", "http://10.77.0.1:8080/").out()
                .contains("hello from the image"));
        assertTrue(nslab("exec", lab, "web", "--", "cat", "/www/index.html").ok().out().contains("hello from the image"));
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

        nslab("partition", lab, "web", "client").ok();
        assertEquals(1, Sh.run("ip", "netns", "exec", lab + "-client", "ping", "-c", "1", "-W", "1", "10.77.0.1").code());
        nslab("heal", lab).ok();
        assertEquals(0, Sh.run("ip", "netns", "exec", lab + "-client", "ping", "-c", "1", "-W", "2", "10.77.0.1").code());

        nslab("down", lab).ok();
        assertEquals(List.of(), containers(), "down removes the lab's container");
        assertFalse(Files.exists(Path.of("/run/netns", lab + "-web")));
        lab = null;
    }

    @Test
    void anImageThatIsNowhereIsRefusedAtItsLineNamingDocker() throws Exception {
        lab = t.n("dn");
        Path f = t.writeNamed(dir, "lab.yml", """
                name: @dn
                topology:
                  nodes:
                    a: {image: localhost/nslab-test-none/x:1, image-pull-policy: never}
                    b: {}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """);
        Nslab.Out up = nslab("up", f.toString());
        assertEquals(1, up.code());
        assertTrue(up.err().contains(f + ":4:") && up.err().contains("not in docker's local store") && up.err().contains("docker load -i FILE"), up.err());
        assertFalse(t.ipNetnsList().contains(lab + "-b"), "nothing made");
        assertEquals(List.of(), containers());
        lab = null;
    }
}
