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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers made by someone else, wired into a lab (containerlab's kind ext-container, and network-mode
 * container:NAME naming no node of the file): the lab names their network namespaces, cables them and runs their
 * exec lines inside them, only when allowed (--allow-host); down takes its cables away and leaves the containers
 * running. The containers are the test's own, run by podman from an image built here; podman, ip and ping witness.
 */
@Needs(programs = {"ip", "ping", "podman", "tar", "ldd", "busybox"})
class OutsideContainerTest {
    final TestNet t = new TestNet();
    final TestImages images = new TestImages();
    final List<String> containers = new ArrayList<>();
    @TempDir
    Path dir;

    @BeforeEach
    void needStaticBusybox() {
        Assumptions.assumeTrue(TestImages.staticBusybox(), "needs Debian's static busybox at /bin/busybox (package busybox-static) to build a test image");
    }

    @AfterEach
    void cleanUp() {
        Nslab.inState(dir, "down", t.n("oc"));
        for (String c : containers) Sh.run("podman", "rm", "--force", "--time", "0", c); // the test's own, by name
        t.close();
        images.close();
    }

    /** A container of the test's own, with a network namespace of its own holding only lo. */
    private String container(String image, String name) {
        List<String> run = new ArrayList<>(List.of("podman", "run", "--detach", "--name", name, "--network", "none", "--ulimit", "nofile=1024:1024",
                "--ulimit", "nproc=1024:1024"));
        // as nslab runs its own: runc where installed (crun, podman's default when both are, refuses a hybrid cgroup layout)
        dev.nslab.sys.Tools.ofMachine("runc").ifPresent(r -> run.addAll(List.of("--runtime", r.toString())));
        run.add(image);
        Sh.run(run, null).ok();
        containers.add(name);
        return name;
    }

    private String inContainer(String name, String... cmd) {
        List<String> a = new ArrayList<>(List.of("podman", "exec", name));
        a.addAll(List.of(cmd));
        return Sh.run(a, null).ok().out();
    }

    @Test
    void containersOutsideTheLabAreWiredAndLeftRunning() throws Exception {
        String image = images.busybox("localhost/nslab-test-" + t.prefix + "/outside:1", "sleep", "100000");
        String x1 = container(image, t.n("x1")), x2 = container(image, t.n("x2"));
        Path f = t.writeNamed(dir, "oc.clab.yml", """
                name: @oc
                topology:
                  nodes:
                    @x1:
                      kind: ext-container
                      exec: ["ip address add dev eth1 192.168.71.1/24"]
                    side:
                      network-mode: container:@x2
                      exec: ["ip address add dev eth1 192.168.72.1/24"]
                    a: {interfaces: {eth1: 192.168.71.2/24, eth2: 192.168.72.2/24}}
                  links:
                    - endpoints: ["@x1:eth1", "a:eth1"]
                    - endpoints: ["side:eth1", "a:eth2"]
                """);
        // joining containers the lab did not make reaches beyond it: said, and nothing done until allowed
        Nslab.Out refused = Nslab.inState(dir, "up", f.toString());
        assertEquals(1, refused.code(), refused.err());
        assertTrue(refused.err().contains(":5: node " + x1 + " is the container " + x1 + ", which is outside the lab"), refused.err());
        assertTrue(refused.err().contains(":8: node side is the container " + x2 + ", which is outside the lab"), refused.err());
        assertFalse(inContainer(x1, "ip", "link").contains("eth1"), "nothing made");
        Nslab.inState(dir, "up", "--allow-host", f.toString()).ok();
        // the cables end inside the containers, addressed by the exec lines that ran in them
        assertTrue(inContainer(x1, "ip", "addr", "show", "eth1").contains("192.168.71.1/24"));
        assertTrue(inContainer(x2, "ip", "addr", "show", "eth1").contains("192.168.72.1/24"));
        String a = t.n("oc-a");
        assertEquals(0, Sh.run("ip", "netns", "exec", a, "ping", "-c", "1", "-W", "2", "192.168.71.1").code());
        assertEquals(0, Sh.run("ip", "netns", "exec", a, "ping", "-c", "1", "-W", "2", "192.168.72.1").code());
        // nslab exec runs in the container itself (its host name), and status says the lab is whole
        String hostname = Sh.ok("podman", "inspect", "--format", "{{.Config.Hostname}}", x1).strip();
        // (a process of its own: exec becomes the command)
        assertEquals(hostname, Nslab.process(null, "exec", t.n("oc"), "--state-dir", dir.toString(), x1, "--", "hostname").ok().out().strip());
        assertTrue(Nslab.inState(dir, "status", t.n("oc")).ok().out().contains("healthy"));
        // a container that stops is said by status
        Sh.ok("podman", "stop", "--time", "0", x2);
        String status = Nslab.inState(dir, "status", t.n("oc")).out();
        assertTrue(status.contains("container " + x2 + " of node side (outside the lab) is exited"), status);
        Sh.ok("podman", "start", x2);
        // down: the lab's cables and names go; the containers stay, as they were
        Nslab.inState(dir, "down", t.n("oc")).ok();
        assertEquals("running", Sh.ok("podman", "inspect", "--format", "{{.State.Status}}", x1).strip());
        assertFalse(inContainer(x1, "ip", "link").contains("eth1"));
        assertFalse(t.ipNetnsList().contains(t.n("oc-" + x1)) || t.ipNetnsList().contains(t.n("oc-side")), t.ipNetnsList().toString());
    }

    @Test
    void containerNamingANodeOfAnotherLabJoinsThatNodesNamespace() throws Exception {
        // containerlab's 06-ext-container/02-shared-namespace: a lab with prefix "" first (its node's container, here its
        // namespace, is called by the node's name), then a lab whose node shares it by network-mode container:NAME
        Path first = t.writeNamed(dir, "ext.clab.yml", """
                name: @ch1
                prefix: ""
                topology:
                  nodes:
                    @ext: {exec: ["ip address add 128.66.0.1/32 dev lo"]}
                """);
        Path second = t.writeNamed(dir, "shared.clab.yml", """
                name: @oc
                topology:
                  nodes:
                    node0: {interfaces: {net0: 10.73.0.1/24}}
                    node1: {network-mode: "container:@ext", exec: ["ip address add 10.73.0.2/24 dev net0"]}
                  links:
                    - endpoints: ["node0:net0", "node1:net0"]
                """);
        try {
            Nslab.inState(dir, "up", first.toString()).ok();
            Nslab.inState(dir, "up", "--allow-host", second.toString()).ok();
            String ext = t.n("ext");
            assertTrue(Sh.ok("ip", "-n", ext, "addr", "show", "net0").contains("10.73.0.2/24"), "node1's cable and address are in the other lab's node");
            assertEquals(0, Sh.run("ip", "netns", "exec", t.n("oc-node0"), "ping", "-c", "1", "-W", "2", "10.73.0.2").code());
            assertTrue(Nslab.inState(dir, "status", t.n("oc")).ok().out().contains("healthy"));
            Nslab.inState(dir, "down", t.n("oc")).ok();
            assertTrue(t.ipNetnsList().contains(ext), "the other lab's node stays");
            assertFalse(Sh.ok("ip", "-n", ext, "link").contains("net0"), "its cable went with the lab that made it");
            assertTrue(Sh.ok("ip", "-n", ext, "addr", "show", "lo").contains("128.66.0.1"));
        } finally {
            Nslab.inState(dir, "down", t.n("ch1"));
        }
        assertFalse(t.ipNetnsList().contains(t.n("ext")));
    }

    @Test
    void aContainerThatIsNotThereIsRefusedAndNothingIsLeft() throws Exception {
        Path f = t.writeNamed(dir, "oc.clab.yml", """
                name: @oc
                topology:
                  nodes:
                    @x9: {kind: ext-container}
                    a: {}
                  links:
                    - endpoints: ["@x9:eth1", "a:eth1"]
                """);
        Nslab.Out o = Nslab.inState(dir, "up", "--allow-host", f.toString());
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("container " + t.n("x9") + " (outside the lab, whose network namespace is " + t.n("oc-" + t.n("x9")) + ") does not exist"), o.err());
        assertFalse(t.ipNetnsList().stream().anyMatch(n -> n.startsWith(t.n("oc"))), t.ipNetnsList().toString());
    }
}
