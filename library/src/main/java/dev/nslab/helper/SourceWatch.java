package dev.nslab.helper;

import dev.nslab.error.Errno;
import dev.nslab.sys.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * Whether a source tree's code is newer than its jar, answered for the launcher's quick way in (a read from a clone
 * asks the helper before any of the launcher's checks, which cost more than the read): the helper watches the tree's
 * sources with inotify and looks at the files again only after something there changed. The kernel queues an event
 * within the write that caused it, so a file saved before the command was typed is always seen.
 *
 * <p>What counts is a superset of the launcher's own rule (its glob over library/src/main and the two pom.xml): every
 * file but hidden ones (an editor's swap file) under library/src/main/resources, every {@code .java} under
 * library/src/main/java, at any depth. Where the two disagree the launcher's full checks decide, only slower.
 */
final class SourceWatch implements AutoCloseable {
    private static final int EVENTS = Libc.IN_MODIFY | Libc.IN_ATTRIB | Libc.IN_MOVED_TO | Libc.IN_CREATE;

    private final Path tree, java, resources;
    private final FileTime built;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events = arena.allocate(4096, 8);
    /** Something changed since the last look (at first: never looked). */
    private boolean dirty = true;
    /** Once newer, newer for good: only a new jar (which ends the helper) makes it current again. */
    private boolean newer;

    private SourceWatch(Path tree, FileTime built) {
        this.tree = tree;
        this.java = tree.resolve("library/src/main/java");
        this.resources = tree.resolve("library/src/main/resources");
        this.built = built;
        this.fd = Libc.inotifyInit();
    }

    /** The tree of {@code jar} when it is a source tree's build ({@code TREE/library/target/nslab.jar}), else null. */
    static Path treeOf(Path jar) {
        Path target = jar == null ? null : jar.getParent();
        if (target == null || !target.endsWith("library/target") || target.getParent().getParent() == null) return null;
        Path tree = target.getParent().getParent();
        return Files.isRegularFile(tree.resolve("pom.xml")) ? tree : null;
    }

    /** A watch of {@code tree}'s sources against a jar built at {@code built}. */
    static SourceWatch of(Path tree, FileTime built) { return new SourceWatch(tree, built); }

    Path tree() { return tree; }

    /** Whether a source file is newer than the jar, as of this call. */
    synchronized boolean newer() {
        if (newer) return true;
        drain();
        if (!dirty) return false;
        dirty = false; // before the look: what changes during it is an event for the next call
        newer = look();
        return newer;
    }

    /** Reads the queued events; any at all (an overflow too) means look again. */
    private void drain() {
        while (true) {
            long n = Libc.read(fd, events);
            if (n > 0) {
                dirty = true;
                continue;
            }
            if (n == 0 || n == -Errno.EAGAIN) return;
            dirty = true; // a failing watch vouches for nothing
            return;
        }
    }

    /** Watches every directory of the sources (new ones too) and compares their files' times with the jar's. */
    private boolean look() {
        try {
            boolean found = false;
            for (Path dir : new Path[] {tree, tree.resolve("library")}) {
                watch(dir);
                Path pom = dir.resolve("pom.xml");
                if (Files.isRegularFile(pom) && Files.getLastModifiedTime(pom).compareTo(built) > 0) found = true;
            }
            return lookUnder(java, ".java") | lookUnder(resources, "") | found;
        } catch (IOException | RuntimeException e) { // UncheckedIOException: a directory gone during the walk
            dirty = true; // what could not be read is not vouched for: asked again next time
            return true;
        }
    }

    private boolean lookUnder(Path root, String suffix) throws IOException {
        if (!Files.isDirectory(root)) return false;
        boolean found = false;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isDirectory(p)) {
                    watch(p);
                    continue;
                }
                String name = p.getFileName().toString();
                if (name.startsWith(".") || !name.endsWith(suffix)) continue;
                if (Files.getLastModifiedTime(p).compareTo(built) > 0) found = true;
            }
        }
        return found;
    }

    private void watch(Path dir) {
        if (!Libc.inotifyAddWatch(fd, dir.toString(), EVENTS)) dirty = true;
    }

    @Override
    public synchronized void close() {
        Libc.close(fd);
        arena.close();
    }
}
