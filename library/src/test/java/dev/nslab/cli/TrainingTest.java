package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;

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
    }
}
