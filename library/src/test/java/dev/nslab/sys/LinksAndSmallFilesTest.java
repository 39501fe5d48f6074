package dev.nslab.sys;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Libc#links}, {@link Libc#readlink}, {@link Libc#readText} and {@link Libc#device}, against Java's own answers. */
@Tag("unit")
class LinksAndSmallFilesTest {
    @Test
    void linksOfADirectoryAsJavaReadsThem(@TempDir Path dir) throws Exception {
        Map<String, String> want = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String target = "/somewhere/t" + "t".repeat(i % 50) + "/" + i;
            Files.createSymbolicLink(dir.resolve("l" + i), Path.of(target));
            want.put("l" + i, target);
        }
        Files.writeString(dir.resolve("a-file"), "not a link"); // readlinkat refuses it (EINVAL): left out, the rest read
        Map<String, String> got = new HashMap<>();
        for (Libc.Link l : Libc.links(dir.toString())) got.put(l.name(), l.target());
        assertEquals(want, got);
        assertNull(Libc.links(dir.resolve("none").toString()));
    }

    @Test
    void procLinksAndFiles() throws Exception {
        Map<String, String> fds = new HashMap<>();
        for (Libc.Link l : Libc.links("/proc/self/fd")) fds.put(l.name(), l.target());
        assertTrue(fds.containsKey("0") && fds.containsKey("1"), fds.toString());
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(), Libc.readlink("/proc/self/ns/net"));
        assertNull(Libc.readlink("/proc/self/stat"), "a file is no link");
        assertNull(Libc.readlink("/proc/self/no-such-link"));
        String stat = Libc.readText("/proc/self/stat");
        assertTrue(stat.startsWith(ProcessHandle.current().pid() + " ("), stat);
        assertNull(Libc.readText("/proc/self/no-such-file"));
    }

    @Test
    void aFileLargerThanOneReadIsReadWhole(@TempDir Path dir) throws Exception {
        String text = "line ä\n".repeat(20_000); // 160 KB: several reads of the 32 KB buffer, characters split between them
        Files.writeString(dir.resolve("big"), text);
        assertEquals(text, Libc.readText(dir.resolve("big").toString()));
        Files.writeString(dir.resolve("empty"), "");
        assertEquals("", Libc.readText(dir.resolve("empty").toString()));
    }

    @Test
    void devicesTellFileSystemsApart(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a"), "a");
        Files.writeString(dir.resolve("b"), "b");
        assertEquals(Libc.device(dir.resolve("a").toString()), Libc.device(dir.resolve("b").toString()));
        assertEquals(Libc.device("/proc/self/ns/net"), Libc.device("/proc/self/ns/uts"), "every namespace file is on nsfs");
        assertNotEquals(Libc.device("/proc/self/ns/net"), Libc.device(dir.resolve("a").toString()));
        assertEquals(-1, Libc.device(dir.resolve("none").toString()));
    }
}
