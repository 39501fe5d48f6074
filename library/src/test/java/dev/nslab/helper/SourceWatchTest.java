package dev.nslab.helper;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the helper vouches for when the launcher skips its checks: a source newer than the jar is seen by the very
 * next question (the kernel queues the event within the write), what the launcher would not build for is not, and
 * new directories are watched too. inotify needs no privilege.
 */
@Tag("unit")
class SourceWatchTest {
    @TempDir
    Path tree;

    final Instant built = Instant.now().minusSeconds(60);

    Path file(String path, Instant time) throws IOException {
        Path p = tree.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x");
        Files.setLastModifiedTime(p, FileTime.from(time));
        return p;
    }

    SourceWatch watch() throws IOException {
        file("pom.xml", built.minusSeconds(60));
        file("library/pom.xml", built.minusSeconds(60));
        file("library/target/nslab.jar", built);
        file("library/src/main/java/dev/nslab/cli/Cli.java", built.minusSeconds(30));
        file("library/src/main/resources/dev/nslab/web/page/index.html", built.minusSeconds(30));
        assertEquals(tree, SourceWatch.treeOf(tree.resolve("library/target/nslab.jar")));
        return SourceWatch.of(tree, FileTime.from(built));
    }

    @Test
    void aSourceSavedAfterTheJarIsSeenAtOnce() throws IOException {
        try (SourceWatch w = watch()) {
            assertFalse(w.newer());
            Files.writeString(tree.resolve("library/src/main/java/dev/nslab/cli/Cli.java"), "changed");
            assertTrue(w.newer());
            assertTrue(w.newer(), "newer for good");
        }
    }

    @Test
    void whatTheLauncherWouldNotBuildForIsNotNewer() throws IOException {
        try (SourceWatch w = watch()) {
            assertFalse(w.newer());
            file("library/src/main/java/dev/nslab/cli/.Cli.java.swp", Instant.now()); // an editor's swap file
            file("library/src/main/java/dev/nslab/cli/notes.txt", Instant.now());
            file("README.md", Instant.now());
            file("library/src/test/java/dev/nslab/SomeTest.java", Instant.now());
            assertFalse(w.newer());
            file("library/src/main/java/dev/nslab/cli/Old.java", built.minusSeconds(1)); // checked out with an old time
            assertFalse(w.newer());
        }
    }

    @Test
    void aNewPackageAndAPomAreWatched() throws IOException {
        try (SourceWatch w = watch()) {
            assertFalse(w.newer());
            Path dir = Files.createDirectories(tree.resolve("library/src/main/java/dev/nslab/fresh"));
            assertFalse(w.newer());
            Files.writeString(dir.resolve("Fresh.java"), "class Fresh {}");
            assertTrue(w.newer());
        }
        try (SourceWatch w = SourceWatch.of(tree, FileTime.from(Instant.now().plusSeconds(1)))) {
            assertFalse(w.newer(), "everything older than a jar of a second from now");
        }
        try (SourceWatch w = SourceWatch.of(tree, FileTime.from(built))) {
            Files.setLastModifiedTime(tree.resolve("library/src/main/java/dev/nslab/fresh/Fresh.java"), FileTime.from(built.minusSeconds(5)));
            assertFalse(w.newer());
            Files.setLastModifiedTime(tree.resolve("library/pom.xml"), FileTime.from(Instant.now()));
            assertTrue(w.newer());
        }
    }

    @Test
    void onlyASourceTreesJarHasATree() throws IOException {
        file("library/target/nslab.jar", built);
        assertNull(SourceWatch.treeOf(tree.resolve("library/target/nslab.jar")), "no pom.xml: not a tree");
        file("pom.xml", built);
        assertEquals(tree, SourceWatch.treeOf(tree.resolve("library/target/nslab.jar")));
        assertNull(SourceWatch.treeOf(tree.resolve("nslab.jar")), "an installed jar");
        assertNull(SourceWatch.treeOf(null));
    }
}
