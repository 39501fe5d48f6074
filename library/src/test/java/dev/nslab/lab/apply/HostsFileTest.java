package dev.nslab.lab.apply;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lab's hosts file goes with the lab, with what an interrupted write of it left. */
@Tag("unit")
class HostsFileTest {
    @Test
    void removeTakesTheTemporaryFileOfAnInterruptedWriteToo(@TempDir Path state) throws Exception {
        Path dir = HostsFile.dir(state, "lab1");
        Files.createDirectories(dir);
        Files.writeString(HostsFile.path(state, "lab1"), "127.0.0.1\tlocalhost\n");
        Files.writeString(dir.resolve(".hosts.6265d70b7e8df103.tmp"), "# cut short\n"); // its writer was killed before the rename
        Files.writeString(state.resolve("other"), "not the lab's");
        HostsFile.remove(state, "lab1", List.of());
        assertFalse(Files.exists(dir), "the lab's directory is gone");
        assertTrue(Files.exists(state.resolve("other")), "nothing else is touched");
    }

    @Test
    void aFileOfSomebodyElsesKeepsTheDirectory(@TempDir Path state) throws Exception {
        Path dir = HostsFile.dir(state, "lab2");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "somebody's");
        HostsFile.remove(state, "lab2", List.of());
        assertTrue(Files.exists(dir.resolve("notes.txt")), "only the hosts file and its temporary files are the lab's");
    }
}
