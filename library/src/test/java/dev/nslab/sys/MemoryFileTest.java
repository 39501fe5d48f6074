package dev.nslab.sys;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A child's output captured in a memory file: read back whole, even with a process left holding it, and no name on disk. */
@Tag("unit")
class MemoryFileTest {
    @Test
    void aChildsOutputIsReadBackAndTheFileHasNoNameOnDisk() throws Exception {
        Path seen;
        try (MemoryFile f = new MemoryFile("nslab-test")) {
            seen = f.file().toPath();
            // a command that leaves a process in the background holding the output: waitFor returns all the same
            Process p = new ProcessBuilder("sh", "-c", "printf 'h\\303\\251llo \\377\\n'; sleep 30 & echo $! >&2")
                    .redirectErrorStream(true).redirectOutput(f.file()).start();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            String text = f.text();
            assertTrue(text.startsWith("héllo \uFFFD\n"), text);
            long pid = Long.parseLong(text.lines().toList().getLast().trim());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy); // ours, by its pid
            assertTrue(Files.readSymbolicLink(seen).toString().startsWith("/memfd:nslab-test"), Files.readSymbolicLink(seen).toString());
        }
        assertFalse(Files.exists(seen) && Files.readSymbolicLink(seen).toString().startsWith("/memfd:nslab-test"), "closed with its descriptor");
    }
}
