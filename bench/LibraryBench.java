import dev.nslab.NetLab;
import dev.nslab.Node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The library's costs, in this JVM: what a test pays for its lab (create, two nodes, a cable, two addresses, close),
 * warm; and a star from a lab file brought up in-process, round after round, each round next to the C floor's build of
 * the same star (its own clock), so that both meet the same machine. Run by bench/library.
 *
 * <p>Arguments: ROUNDS, the lab file, the C floor's binary, its prefix, N, STAR_ROUNDS.
 */
public class LibraryBench {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        double[] ms = new double[rounds];
        for (int i = -rounds / 4; i < rounds; i++) { // the first quarter warms up and is not counted
            long t0 = System.nanoTime();
            try (NetLab lab = NetLab.create()) {
                Node a = lab.node("a"), b = lab.node("b");
                lab.link(a, "eth0", b, "eth0");
                a.address("eth0", "10.44.0.1/24");
                b.address("eth0", "10.44.0.2/24");
            }
            if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("per-test lab (create, 2 nodes, link, 2 addresses, close), %d rounds warm: median %.2f ms, p90 %.2f ms%n",
                rounds, ms[rounds / 2], ms[rounds * 9 / 10]);
        if (args.length > 1) star(Path.of(args[1]), args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
    }

    /**
     * Each round builds the star both ways on a settled kernel, in alternating order (a machine that gets busier or
     * quieter meets both alike). The first rounds show the JVM warming up (parser and engine compiled as they run);
     * the ratio is taken over the rounds after them.
     */
    private static void star(Path file, String floor, String prefix, int n, int starRounds) throws Exception {
        int warming = starRounds / 3; // the JIT compiler is still busy with nslab's code for the first rounds
        double[] lib = new double[starRounds], c = new double[starRounds];
        for (int r = 0; r < starRounds; r++) {
            for (int way = 0; way < 2; way++) {
                if ((way + r) % 2 == 0) lib[r] = library(file);
                else c[r] = floor(floor, prefix, n);
                run(floor, "settle"); // the kernel frees namespaces asynchronously: wait for it before the next build
            }
            System.out.printf("  round %2d: NetLab.fromFile %5.1f ms, C floor %5.1f ms%s%n", r + 1, lib[r], c[r],
                    r == 0 ? "  (first build in this JVM: cold)" : r < warming ? "  (warming up)" : "");
        }
        double[] libWarm = Arrays.copyOfRange(lib, warming, starRounds), cWarm = Arrays.copyOfRange(c, warming, starRounds);
        double ml = median(libWarm), mc = median(cWarm);
        System.out.printf("from-file star of %d hosts, in-process: cold %.0f ms; warm (rounds %d-%d) median %.0f ms against the C floor's %.0f ms: %.2fx%n",
                n, lib[0], warming + 1, starRounds, ml, mc, ml / mc);
    }

    private static double library(Path file) {
        long t0 = System.nanoTime();
        NetLab lab = NetLab.fromFile(file);
        double took = (System.nanoTime() - t0) / 1e6;
        try (lab) {
            if (!lab.node("h1").ping("10.200.0.3").reachable()) throw new IllegalStateException("the lab from the file does not answer");
        }
        return took;
    }

    private static final Pattern TOTAL = Pattern.compile("total_s=([0-9.]+)");

    /** The C floor's build of the star, by its own clock (no process start), checked with a ping and taken down. */
    private static double floor(String floor, String prefix, int n) throws Exception {
        String err = run(floor, "-p", prefix, "star", Integer.toString(n));
        Matcher m = TOTAL.matcher(err);
        if (!m.find()) throw new IllegalStateException("the C floor printed no total: " + err);
        try {
            run("ip", "netns", "exec", prefix + "h1", "ping", "-c", "1", "-W", "2", "10.200.0.3");
        } finally {
            run(floor, "-p", prefix, "teardown");
        }
        return Double.parseDouble(m.group(1)) * 1000;
    }

    /** Runs a command to its end; returns its error stream; a failure is the benchmark's. */
    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + err);
        return err;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
