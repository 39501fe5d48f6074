package dev.nslab.junit;

import dev.nslab.NetLab;
import dev.nslab.Node;
import dev.nslab.error.LabException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example of docs/library.md, as a test: a server socket opened in node b accepts a client socket opened in node a,
 * across a veth pair, in one JVM; the test's own namespace cannot reach it; ping works both ways; and once the lab is
 * closed, no namespace, interface or thread of it is left (judged by /run/netns, ip and the JVM's threads).
 */
@ExtendWith(NetLabExtension.class) // skipped, with the missing privileges named, where labs cannot be made
class LibraryExampleTest {
    @Test
    void aServerInOneNodeAndAClientInAnother() throws Exception {
        String name;
        try (NetLab lab = NetLab.create()) {
            name = lab.name();
            Node a = lab.node("a"), b = lab.node("b");
            lab.link(a, "eth0", b, "eth0");
            a.address("eth0", "10.42.0.1/24");
            b.address("eth0", "10.42.0.2/24");

            ServerSocket server = b.call(() -> new ServerSocket(8080, 50, java.net.InetAddress.getByName("10.42.0.2")));
            Future<String> served = b.executor().submit(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    String got = new String(in.readNBytes(5), StandardCharsets.UTF_8);
                    out.write(("hello " + got).getBytes(StandardCharsets.UTF_8));
                    return got;
                }
            });
            String answer = a.call(() -> {
                try (Socket s = new Socket("10.42.0.2", 8080)) {
                    s.getOutputStream().write("world".getBytes(StandardCharsets.UTF_8));
                    s.shutdownOutput();
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                }
            });
            assertEquals("hello world", answer);
            assertEquals("world", served.get());
            server.close();

            // the test's own (root) namespace has no way into the lab. Connecting from there would send the SYN to
            // this machine's default gateway, off the machine, so the kernel is asked where it would go instead
            Process route = new ProcessBuilder("ip", "-o", "route", "get", "10.42.0.2").start();
            String via = new String(route.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(route.waitFor() != 0 || !via.contains(" dev eth0 ") || via.contains(" via "),
                    "from the root namespace, 10.42.0.2 is no neighbour on any interface: " + via);
            assertFalse(via.contains(name), via);
            // and a node of the lab without a cable to b cannot connect: refused at once, nothing is sent
            Node c = lab.node("c");
            LabException refused = assertThrows(LabException.class, () -> c.call(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("10.42.0.2", 8080), 300);
                }
                return null;
            }));
            assertTrue(refused.getCause() instanceof IOException, refused.toString());
            assertTrue(a.ping("10.42.0.2").reachable());
            assertTrue(b.ping("10.42.0.1").reachable());
            assertTrue(ParallelLabsTest.witnessPing(name + "-a", "10.42.0.2"), "ping(8) agrees");
            assertTrue(ParallelLabsTest.witnessPing(name + "-b", "10.42.0.1"), "ping(8) agrees");
            assertTrue(Files.exists(Path.of("/run/netns", name + "-a")));
            assertTrue(lab.verify().agrees());
        }
        assertFalse(Files.exists(Path.of("/run/netns", name + "-a")), "namespace a is gone");
        assertFalse(Files.exists(Path.of("/run/netns", name + "-b")), "namespace b is gone");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("nslab-" + name)),
                "no thread of the lab is left");
        // the interfaces went with their namespaces: ip finds none of them anywhere it can look
        Process ip = new ProcessBuilder("ip", "-o", "link").start();
        String links = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertFalse(links.contains(name), links);
    }

    @Test
    @ExtendWith(NetLabExtension.class)
    void theExtensionGivesEachTestALabOfItsOwn(NetLab lab) {
        Node a = lab.node("a"), b = lab.node("b");
        lab.link(a, "eth0", b, "eth0");
        a.address("eth0", "fd42::1/64");
        b.address("eth0", "fd42::2/64");
        assertTrue(a.ping("fd42::2").reachable());
        assertEquals(List.of(), lab.verify().disagreements());
    }
}
