package dev.nslab.junit;

import dev.nslab.NetLab;
import dev.nslab.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A JVM killed with kill -9 in the middle of a test leaves a lab behind; the next NetLab.create() removes it. */
@ExtendWith(NetLabExtension.class) // skipped, with the missing privileges named, where labs cannot be made
class KillNineTest {
    /** The victim: makes a lab with two linked nodes and brings up a lab file, says so, and waits to be killed. */
    public static final class Victim {
        public static void main(String[] args) throws Exception {
            NetLab lab = NetLab.create();
            Node a = lab.node("a"), b = lab.node("b");
            lab.link(a, "eth0", b, "eth0");
            a.address("eth0", "10.78.0.1/24");
            NetLab.fromFile(Path.of(args[0]));
            System.out.println(lab.name());
            System.out.flush();
            Thread.sleep(600_000);
        }
    }

    /** The victim of the second test: brings up a lab file and is killed while it does. */
    public static final class FileVictim {
        public static void main(String[] args) {
            NetLab.fromFile(Path.of(args[0]));
        }
    }

    @TempDir
    Path dir;

    @Test
    void whatAKilledJvmLeftIsRemovedByTheNextCreate() throws Exception {
        String fileLab = "kn" + Long.toString(System.nanoTime() % 100_000_000L, 36);
        Path file = dir.resolve("lab.yml");
        Files.writeString(file, """
                name: %s
                topology:
                  nodes:
                    h1: {interfaces: {eth0: 10.79.0.1/24}}
                    h2: {interfaces: {eth0: 10.79.0.2/24}}
                  links:
                    - endpoints: ["h1:eth0", "h2:eth0"]
                """.formatted(fileLab));
        Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Victim.class.getName(),
                file.toString()).redirectErrorStream(true).start();
        String name;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream()))) {
            name = out.readLine();
            assertTrue(name != null && name.startsWith("nl-" + victim.pid() + "-"), "the lab's name carries its owner: " + name);
            assertTrue(Files.exists(Path.of("/run/netns", name + "-a")));
            victim.destroyForcibly(); // SIGKILL: no close(), no shutdown hook
            assertTrue(victim.waitFor(10, TimeUnit.SECONDS));
        }
        assertTrue(Files.exists(Path.of("/run/netns", name + "-a")), "the dead JVM left its lab");
        assertTrue(Files.exists(Path.of("/run/netns", fileLab + "-h1")), "and the lab it brought up from a file");
        try (NetLab next = NetLab.create()) {
            assertFalse(Files.exists(Path.of("/run/netns", name + "-a")), "reaped");
            assertFalse(Files.exists(Path.of("/run/netns", name + "-b")), "reaped");
            assertFalse(Files.exists(Path.of("/run/netns", fileLab + "-h1")), "the file's lab is down");
            assertFalse(Files.exists(Path.of("/run/nslab", fileLab + ".json")), "and its state is gone");
            assertTrue(next.name().startsWith("nl-" + ProcessHandle.current().pid() + "-"));
        }
        Process ip = new ProcessBuilder("ip", "netns", "list").start();
        List<String> left = new String(ip.getInputStream().readAllBytes()).lines().filter(l -> l.startsWith(name)).toList();
        assertEquals(List.of(), left);
    }

    /**
     * A JVM killed between a namespace's registration file and its mount leaves a name without a namespace (two,
     * here, names of one file as a run's are): there is no mark to check, and the next create() removes them since
     * their owner is gone. The same left by a living owner stays.
     */
    @Test
    void namesLeftWithoutTheirNamespaceByADeadOwnerAreReaped() throws Exception {
        Process gone = new ProcessBuilder("sleep", "60").start();
        String dead = owner(gone.pid()) + "-zzzz";
        gone.destroyForcibly();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        String self = owner(ProcessHandle.current().pid());
        Path a = Path.of("/run/netns", dead + "-a"), b = Path.of("/run/netns", dead + "-b"), mine = Path.of("/run/netns", self + "-zzzz-c");
        Files.createDirectories(a.getParent());
        try {
            Files.createFile(a);
            Files.createLink(b, a);
            Files.createFile(mine);
            try (NetLab next = NetLab.create()) {
                assertFalse(Files.exists(a) || Files.exists(b), "the dead owner's names are reaped");
                assertTrue(Files.exists(mine), "a living owner's stays");
            }
        } finally {
            for (Path p : List.of(a, b, mine)) Files.deleteIfExists(p);
        }
    }

    /** "nl-PID-START" of a running process, as its labs' names begin. */
    private static String owner(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return "nl-" + pid + "-" + Long.toString(Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]), 36);
    }

    @Test
    void aJvmKilledWhileItBringsUpALabFileLeavesNothingTheNextCreateMisses() throws Exception {
        String fileLab = "kh" + Long.toString(System.nanoTime() % 100_000_000L, 36);
        StringBuilder lab = new StringBuilder("name: " + fileLab + "\ntopology:\n  nodes:\n    sw: {kind: bridge}\n");
        StringBuilder links = new StringBuilder("  links:\n");
        for (int i = 1; i <= 150; i++) {
            lab.append("    h").append(i).append(": {interfaces: {eth0: 10.81.").append(i / 250).append('.').append(i % 250 + 1).append("/16}}\n");
            links.append("    - endpoints: [\"h").append(i).append(":eth0\", \"sw:p").append(i).append("\"]\n");
        }
        Path file = dir.resolve("lab.yml");
        Files.writeString(file, lab.append(links).toString());
        Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), FileVictim.class.getName(),
                file.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Path first = Path.of("/run/netns", fileLab + "-h1"), last = Path.of("/run/netns", fileLab + "-h150");
        try {
            // killed as soon as its first host exists: the owner must already be on record
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(first) && victim.isAlive() && System.nanoTime() < deadline) Thread.sleep(1);
            assertTrue(Files.exists(first), "the victim began the lab");
        } finally {
            victim.destroyForcibly(); // SIGKILL
            assertTrue(victim.waitFor(10, TimeUnit.SECONDS));
        }
        boolean halfway = !Files.exists(last); // (on a very fast machine it may have finished: reaped all the same)
        try (NetLab next = NetLab.create()) {
            Process ip = new ProcessBuilder("ip", "netns", "list").start();
            List<String> left = new String(ip.getInputStream().readAllBytes()).lines().filter(l -> l.startsWith(fileLab)).toList();
            assertEquals(List.of(), left, "reaped" + (halfway ? " though killed halfway" : ""));
            assertFalse(Files.exists(Path.of("/run/nslab", fileLab + ".json")), "its state is gone");
            assertFalse(Files.exists(Path.of("/etc/netns", fileLab + "-h1")), "and its names in /etc/netns");
        }
    }
}
