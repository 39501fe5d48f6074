package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher's quick way in, for real: in a source tree of the test's own (the launcher, the built jar, a client
 * compiled here, a stand-in for scripts/build that notes each call), the machine's root's first command starts the
 * tree's helper, the next reads go straight to it, and a source saved after the jar makes the very next command
 * take the full way: the helper declines it, the launcher builds, and the command runs in a JVM of its own.
 */
@Needs(programs = {"sh", "bash", "cc", "stat", "env"})
class LauncherQuickWayTest {
    @TempDir
    Path tree;

    @Test
    void aReadGoesStraightToTheTreesHelperUntilASourceIsSaved() throws Exception {
        Path jar = Path.of("library/target/nslab.jar");
        assumeTrue(Files.exists(jar) && Files.isDirectory(jar.resolveSibling("lib")),
                "needs the jar and its dependencies (library/target/nslab.jar and lib/, made by scripts/build)");
        Instant now = Instant.now();
        Path target = Files.createDirectories(tree.resolve("library/target"));
        Path source = Files.createDirectories(tree.resolve("library/src/main/java/dev/nslab/cli")).resolve("Cli.java");
        for (Path p : List.of(tree.resolve("pom.xml"), tree.resolve("library/pom.xml"), source)) {
            Files.writeString(p, "");
            Files.setLastModifiedTime(p, FileTime.from(now.minusSeconds(120)));
        }
        Files.copy(jar, target.resolve("nslab.jar"));
        Path lib = Files.createDirectories(target.resolve("lib")); // the jar's manifest names its dependencies there
        try (var deps = Files.list(jar.resolveSibling("lib"))) {
            for (Path d : deps.toList()) Files.copy(d, lib.resolve(d.getFileName()));
        }
        Files.setLastModifiedTime(target.resolve("nslab.jar"), FileTime.from(now.minusSeconds(60)));
        Files.copy(Path.of("nslab"), tree.resolve("nslab"));
        Files.setPosixFilePermissions(tree.resolve("nslab"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(tree.resolve("scripts/lib"));
        // the full way searches for a JDK (it sources this file), the quick way does not: a line for each search
        Path searches = tree.resolve("jdk-searches");
        Files.writeString(tree.resolve("scripts/lib/jdk.sh"), "echo search >> " + searches + "\n" + Files.readString(Path.of("scripts/lib/jdk.sh")));
        Path builds = tree.resolve("builds");
        Path build = tree.resolve("scripts/build");
        Files.writeString(build, "#!/bin/sh\necho build \"$@\" >> " + builds + "\n");
        Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwxr-xr-x"));
        // stand for the caches: newer than the jar, so not made again
        for (String cache : List.of("nslab.aot", "nslab-reads.aot")) Files.writeString(target.resolve(cache), "");
        Sh.run("cc", "-O2", "-o", target.resolve("nslab-client").toString(), "library/src/main/c/nslab-client.c").ok();

        long helper = -1;
        try {
            // a read whose answer no other run changes (the namespaces listed may: the suite runs some tests side by side)
            Sh.Result first = nslab("link", "show", "dev", "lo"); // no helper yet: the full way, which starts one beside it
            assertEquals(0, first.code(), first.err());
            helper = waitForHelper();
            assertTrue(Files.notExists(builds), "nothing to build: " + (Files.exists(builds) ? Files.readString(builds) : ""));

            JsonNode before = status();
            long searched = Files.readAllLines(searches).size();
            Sh.Result read = nslab("link", "show", "dev", "lo");
            assertEquals(searched, Files.readAllLines(searches).size(), "the quick way: no JDK search, straight to the helper");
            assertEquals(first.out(), read.out());
            assertEquals(0, read.code(), read.err());
            JsonNode after = status();
            assertEquals(before.path("served").asLong() + 1, after.path("served").asLong(), "served by the tree's helper: " + after);
            assertEquals(before.path("declined").asLong(), after.path("declined").asLong(), after.toString());

            // saved now, after the jar: the helper learns it from the kernel's queue, with no wait
            Files.writeString(source, "// changed\n");
            searched = Files.readAllLines(searches).size();
            Sh.Result changed = nslab("link", "show", "dev", "lo");
            assertEquals(0, changed.code(), changed.err());
            assertEquals(first.out(), changed.out());
            assertEquals("build\n", Files.readString(builds), "the full way built the tree once");
            assertEquals(searched + 1, Files.readAllLines(searches).size(), "declined: the full way, once");
            JsonNode declined = status();
            assertEquals(after.path("declined").asLong() + 1, declined.path("declined").asLong(), "declined, not served: " + declined);
            assertEquals(after.path("served").asLong(), declined.path("served").asLong(), declined.toString());
        } finally {
            nslab("helper", "stop");
            // ours: if it did not stop when asked, it is ended by its pid
            ProcessHandle.of(helper).ifPresent(h -> {
                if (h.onExit().completeOnTimeout(h, 30, TimeUnit.SECONDS).join().isAlive()) h.destroyForcibly();
            });
        }
    }

    /**
     * The tree's launcher as the machine's root runs it (as a program: its quick way is /bin/sh's, the rest bash's),
     * with the helper allowed (the suite turns it off).
     */
    private Sh.Result nslab(String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "-u", "NSLAB_HELPER", "-u", "NSLAB_HELPER_SOCKET", "-u", "NSLAB_STATE_DIR",
                "NSLAB_JAVA_HOME=" + System.getProperty("java.home"), tree.resolve("nslab").toString()));
        cmd.addAll(List.of(args));
        return Sh.run(cmd, null);
    }

    /** Exit status 1 while none runs, the same JSON either way. */
    private JsonNode status() { return TestNet.json(nslab("helper", "status", "-j").out()); }

    /** Started in the background, it answers once warmed up: waited for by condition. */
    private long waitForHelper() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            JsonNode s = status();
            if (s.path("running").asBoolean()) return s.path("pid").asLong();
            Thread.sleep(100);
        }
        throw new AssertionError("the tree's helper did not answer within 120 s: " + status());
    }
}
