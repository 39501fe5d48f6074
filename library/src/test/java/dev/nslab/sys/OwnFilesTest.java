package dev.nslab.sys;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nslab's own directories and files: made with their mode, checked on use, never reached through a link. */
@Tag("unit")
class OwnFilesTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aDirectoryIsMadeWithItsModeWhateverTheUmaskAndCheckedOnUse() throws IOException {
        Path d = OwnFiles.directory(dir.resolve("a/b"), "rwx--x--x");
        assertEquals("rwx--x--x", mode(d));
        assertEquals(d, OwnFiles.directory(d, "rwx------"), "an existing directory of this user's is taken as it is");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException open = assertThrows(IOException.class, () -> OwnFiles.directory(d, "rwx------"));
        assertTrue(open.getMessage().contains("may be written by others (mode 777): chmod go-w"), open.getMessage());
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir);
        IOException l = assertThrows(IOException.class, () -> OwnFiles.directory(link, "rwx------"));
        assertTrue(l.getMessage().contains("is a symbolic link"), l.getMessage());
    }

    @Test
    void filesAreWrittenWholeForThisUserOnlyAndALinkIsReplacedNotFollowed() throws IOException {
        Path target = dir.resolve("target");
        Path f = dir.resolve("state.json");
        Files.createSymbolicLink(f, target);
        OwnFiles.write(f, "{}");
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "the link's target is not written");
        assertFalse(Files.isSymbolicLink(f));
        assertEquals("{}", Files.readString(f));
        assertEquals("rw-------", mode(f));
        OwnFiles.write(f, "x".getBytes(), "rw-r--r--");
        assertEquals("rw-r--r--", mode(f));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(), "no temporary file left");
        }
    }

    @Test
    void aLockOrLogIsNeverOpenedThroughALink() throws IOException {
        Path target = dir.resolve("elsewhere");
        Path lock = Files.createSymbolicLink(dir.resolve(".lab.lock"), target);
        assertThrows(IOException.class, () -> OwnFiles.open(lock, StandardOpenOption.WRITE).close());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
        try (var ch = OwnFiles.open(dir.resolve(".other.lock"), StandardOpenOption.WRITE)) {
            assertTrue(ch.isOpen());
        }
        assertEquals("rw-------", mode(dir.resolve(".other.lock")));
    }
}
