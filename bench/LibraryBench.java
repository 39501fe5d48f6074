import dev.nslab.NetLab;
import dev.nslab.Node;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The library's costs, in this JVM: what a test pays for its lab (create, two nodes, a cable, two addresses, close),
 * warm; and a lab file brought up and taken down in-process. Run by bench/library.
 */
public class LibraryBench {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path file = args.length > 1 ? Path.of(args[1]) : null;
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
        if (file != null) {
            StringBuilder times = new StringBuilder();
            double[] warm = new double[7];
            for (int i = 0; i < 8; i++) { // the first is cold (parser, engine); the later ones are what a test suite sees
                long t0 = System.nanoTime();
                NetLab lab = NetLab.fromFile(file);
                long t1 = System.nanoTime();
                boolean ok = lab.node("h1").ping("10.200.0.3").reachable();
                lab.close();
                if (!ok) throw new IllegalStateException("the lab from the file does not answer");
                times.append(String.format(" %.0f", (t1 - t0) / 1e6));
                if (i > 0) warm[i - 1] = (t1 - t0) / 1e6;
                // the kernel frees the namespaces asynchronously: wait for it, as the shell side's settle does
                awaitSettled(file);
            }
            Arrays.sort(warm);
            System.out.printf("from-file up, in-process, ms (first cold):%s; warm median %.0f ms%n", times, warm[3]);
        }
    }

    private static void awaitSettled(Path file) throws Exception {
        Process p = new ProcessBuilder(System.getenv().getOrDefault("NLBENCH", "true"), "settle").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
    }
}
