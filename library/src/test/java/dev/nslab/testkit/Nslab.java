package dev.nslab.testkit;

import dev.nslab.cli.Cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs nslab commands the way a user does. {@link #run} goes through the CLI in this JVM (fast, same code as the
 * launcher's); {@link #process} starts a separate JVM, needed for commands that replace the process (netns exec,
 * unshare) and for batch input on stdin.
 */
public final class Nslab {
    private Nslab() {}

    public record Out(int code, String out, String err) {
        public Out ok() {
            if (code != 0) throw new AssertionError("nslab exit " + code + "\nstdout: " + out + "\nstderr: " + err);
            return this;
        }

        public Out fails() {
            if (code == 0) throw new AssertionError("nslab was expected to fail but exited 0\nstdout: " + out);
            return this;
        }
    }

    public static Out run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8), pe = new PrintStream(e, true, StandardCharsets.UTF_8);
        int code = new Cli(po, pe).run(args);
        return new Out(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** {@code nslab ARGS --state-dir DIR}: a lab command against a state directory of the test's own. */
    public static Out inState(Path stateDir, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--state-dir");
        a.add(stateDir.toString());
        return run(a.toArray(String[]::new));
    }

    /** A line as typed after "nslab", split on white space. */
    public static Out line(String line) { return run(Sh.words(line).toArray(String[]::new)); }

    public static Out process(String stdin, String... args) { return processIn(null, stdin, args); }

    /**
     * A separate JVM whose network namespace is {@code netns} (nsenter --net, null: this one): to nslab, that
     * namespace is the root one, the test's stand-in for a machine (its mount namespace stays the machine's, so
     * the namespaces nslab names are everyone's to see, as ip netns's are).
     */
    public static Out processIn(String netns, String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        if (netns != null) cmd.addAll(List.of("nsenter", "--net=/run/netns/" + netns));
        cmd.addAll(command());
        cmd.addAll(List.of(args));
        Sh.Result r = Sh.run(cmd, stdin);
        return new Out(r.code(), r.out(), r.err());
    }

    /** A separate JVM with {@code env} added to this one's environment (such as the engine nslab uses). */
    public static Out processWith(java.util.Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of("env"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(command());
        cmd.addAll(List.of(args));
        Sh.Result r = Sh.run(cmd, null);
        return new Out(r.code(), r.out(), r.err());
    }

    /** The words that run nslab's command line in a JVM of its own (for a shell line that redirects its files). */
    public static List<String> command() {
        return List.of(javaBin(), "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.nslab.cli.Main");
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
