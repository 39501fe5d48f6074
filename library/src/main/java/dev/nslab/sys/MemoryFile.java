package dev.nslab.sys;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file in memory (memfd) for a child process's output: a file, not a pipe, so a command that leaves a process in
 * the background returns when the command does; and no name on disk, so an nslab killed while it waits leaves
 * nothing in /tmp.
 */
public final class MemoryFile implements AutoCloseable {
    private final int fd;

    public MemoryFile(String name) { fd = Libc.memfdCreate(name); }

    /** A path this process opens it by: for {@link ProcessBuilder#redirectOutput(File)}. */
    public File file() { return new File("/proc/self/fd/" + fd); }

    /** What was written, as UTF-8 (a malformed byte becomes U+FFFD). */
    public String text() throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc/self/fd/" + fd)), StandardCharsets.UTF_8);
    }

    @Override
    public void close() { Libc.close(fd); }
}
