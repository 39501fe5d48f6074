package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Sh;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The AOT cache's workload runs as it means to: a command of it that fails where it should work (or works where it
 * should be refused) trains less than it claims, silently — the cache then misses the code of the lab verbs, and
 * every `nslab up` pays for it at start-up. Runs in the workload's own private namespaces.
 */
@Needs
class TrainingTest {
    @Test
    void everyStepOfTheWorkloadEndsAsItExpects() throws Exception {
        List<String> surprises = Training.run(new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(List.of(), surprises, "run `java -cp library/target/nslab.jar dev.nslab.cli.Training --report` to see why");
        assertEquals(List.of(), Training.reads(new PrintStream(OutputStream.nullOutputStream())), "the read-only workload alone (--reads)");
    }

    /**
     * The cache keeps the path its classes were loaded from when it was made: made with a relative one, a command run
     * from another directory could not find its own jar (`-V` said "commit unknown", the helper's programs were not
     * found beside it). The same command with and without the cache, from /, says the same.
     */
    @Test
    void theCachedClassesFindTheirJarFromAnyDirectory() {
        Path jar = Path.of("library/target/nslab.jar").toAbsolutePath();
        for (String cache : List.of("nslab.aot", "nslab-reads.aot")) {
            Path aot = jar.resolveSibling(cache);
            assumeTrue(Files.exists(jar) && Files.exists(aot), "needs the jar and its caches (scripts/build)");
            List<String> plain = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xss512k"));
            List<String> cached = new ArrayList<>(plain);
            cached.addAll(List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off"));
            for (List<String> l : List.of(plain, cached)) l.addAll(List.of("-jar", jar.toString(), "-V"));
            assertEquals(fromRoot(plain), fromRoot(cached), cache);
        }
    }

    private static String fromRoot(List<String> cmd) {
        List<String> l = new ArrayList<>(List.of("sh", "-c", "cd / && exec \"$@\"", "sh"));
        l.addAll(cmd);
        return Sh.run(l, null).ok().out();
    }
}
