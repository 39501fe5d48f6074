package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Namespaces added through one adder: names of one registration file, each still its own namespace to iproute2. */
@Needs(programs = {"ip", "stat", "unshare", "umount"})
class NamespaceAdderTest {
    final TestNet t = new TestNet();

    @AfterEach
    void cleanUp() { t.close(); }

    @Test
    void namespacesOfOneAdderShareTheirFileAndNothingElse() {
        Namespaces registry = new Namespaces();
        List<String> names = List.of(t.n("a"), t.n("b"), t.n("c"));
        try (Namespaces.Adder adder = registry.adder()) {
            for (String ns : names) adder.add(ns, null);
            KernelException taken = assertThrows(KernelException.class, () -> adder.add(names.get(1), null));
            assertEquals(Errno.EEXIST, taken.errno());
            assertTrue(taken.getMessage().contains("netns \"" + names.get(1) + "\" already exists"), taken.getMessage());
        }
        assertTrue(t.ipNetnsList().containsAll(names), "ip netns list shows them: " + t.ipNetnsList());
        // iproute2 and /proc are the witnesses: three different namespaces, each behind its own name
        Set<String> inside = new HashSet<>();
        for (String ns : names) {
            String net = Sh.ok("ip", "netns", "exec", ns, "readlink", "/proc/self/ns/net").trim();
            assertEquals("net:[" + Sh.ok("stat", "-L", "-c", "%i", "/run/netns/" + ns).trim() + "]", net);
            inside.add(net);
        }
        assertEquals(3, inside.size(), "three namespaces: " + inside);
        // under the mounts (seen from a private mount namespace, which leaves ours alone): one file, three names
        String files = Sh.ok("unshare", "-m", "--propagation", "private", "sh", "-c",
                "for n in " + String.join(" ", names) + "; do umount /run/netns/$n && stat -c '%i %h' /run/netns/$n; done");
        List<String> stats = files.lines().toList();
        assertEquals(3, stats.size(), files);
        assertEquals(1, Set.copyOf(stats).size(), "one inode: " + files);
        assertTrue(stats.getFirst().endsWith(" 3"), "three names of it: " + files);
        // a name deleted leaves the others working
        registry.delete(names.get(0));
        assertFalse(Files.exists(Path.of("/run/netns", names.get(0))));
        assertEquals(0, Sh.run("ip", "netns", "exec", names.get(2), "true").code());
        for (String ns : names.subList(1, 3)) registry.delete(ns);
        assertTrue(t.ipNetnsList().stream().noneMatch(names::contains), "all gone: " + t.ipNetnsList());
        assertFalse(Sh.ok("cat", "/proc/self/mountinfo").contains("/run/netns/" + t.n("")), "no mount left");
    }
}
