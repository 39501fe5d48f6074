package dev.nslab.sys;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Libc#entries}: a directory's names by getdents64, against Java's own listing. */
@Tag("unit")
class DirectoryEntriesTest {
    @Test
    void aDirectoryLargerThanOneReadIsListedWhole(@TempDir Path dir) throws Exception {
        // 1,500 long names: about 150 KB of records, several reads of the 32 KB buffer
        for (int i = 0; i < 1500; i++) Files.createFile(dir.resolve("entry-" + "x".repeat(80) + "-" + i));
        Files.createDirectory(dir.resolve("sub"));
        List<String> want;
        try (Stream<Path> s = Files.list(dir)) {
            want = new ArrayList<>(s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        List<String> got = new ArrayList<>(Libc.entries(dir.toString()));
        got.sort(null);
        assertEquals(want, got);
    }

    @Test
    void procAndWhatIsNotThere() {
        assertTrue(Libc.entries("/proc/self/fd").contains("0"));
        assertTrue(Libc.entries("/proc").contains(Long.toString(ProcessHandle.current().pid())));
        assertNull(Libc.entries("/proc/self/no-such-directory"));
        assertNull(Libc.entries("/proc/self/stat"), "a file is no directory");
    }
}
