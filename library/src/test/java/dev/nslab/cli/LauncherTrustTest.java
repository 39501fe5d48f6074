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
}
