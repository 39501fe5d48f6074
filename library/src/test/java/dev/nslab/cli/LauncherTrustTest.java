package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Sh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher as root: it runs no program that another user could have changed, and says which one and why. */
@Needs(programs = {"bash", "stat", "env"})
class LauncherTrustTest {
    @TempDir
    Path dir;

    @Test
    void aJvmOthersMayWriteIsNotRunByRoot() throws Exception {
        Path java = Files.createDirectories(dir.resolve("jdk/bin")).resolve("java");
        Path ran = dir.resolve("ran");
        Files.writeString(java, "#!/bin/sh\ntouch " + ran + "\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxrwxr-x"));
        Sh.Result r = Sh.run(List.of("env", "NSLAB_JAVA_HOME=" + dir.resolve("jdk"), "NSLAB_HELPER=off", "bash", "nslab", "netns", "list"), null);
        assertEquals(125, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(java + " may be written by others (mode 775)"), r.err());
        assertTrue(Files.notExists(ran), "it did not run");
    }

    /**
     * The check is spared while a stamp of root's vouches for the same unchanged files; a file written after the
     * stamp (by whoever could: here, one made writable by others) is checked again, and refused.
     */
    @Test
    void aFileChangedAfterTheStampIsCheckedAgain() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("library/target/nslab.jar")),
                "needs the jar (library/target/nslab.jar, made by scripts/build)");
        Path tree = Files.createDirectories(dir.resolve("installed"));
        for (String f : List.of("nslab.jar", "nslab.aot", "nslab-reads.aot")) {
            Path from = Path.of("library/target", f);
            if (Files.exists(from)) Files.copy(from, tree.resolve(f));
        }
        Files.copy(Path.of("nslab"), tree.resolve("nslab"));
        List<String> run = List.of("env", "NSLAB_JAVA_HOME=" + System.getProperty("java.home"), "NSLAB_HELPER=off", "bash",
                tree.resolve("nslab").toString(), "-V");
        Sh.run(run, null).ok();
        Path stamp = tree.resolve("nslab.trusted");
        assertTrue(Files.readString(stamp).contains(tree.resolve("nslab.jar").toString()), "the stamp names the files it vouches for");
        Sh.run(run, null).ok(); // vouched for: runs

        Path jar = tree.resolve("nslab.jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(2)));
        Sh.Result r = Sh.run(run, null);
        assertEquals(125, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(jar + " may be written by others (mode 666)"), r.err());
    }
}
