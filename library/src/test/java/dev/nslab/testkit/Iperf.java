package dev.nslab.testkit;

import java.util.ArrayList;
import java.util.List;

/** iperf3 as the witness of a rate: one stream measured between two nodes, whatever enters them (ip netns exec, podman exec). */
public final class Iperf {
    private Iperf() {}

    /**
     * Mbit/s of a TCP stream to {@code address} (the receiver's count) over {@code seconds}, the first second left
     * out: slow start overshoots a token bucket's queue, and a retransmission timeout there would otherwise cost a
     * short measurement more than the headers do. The server runs by {@code server} (a command prefix that enters the
     * receiving node, whose namespace is {@code serverNs}: where it is seen listening), the client by {@code client}.
     */
    public static double mbits(List<String> server, String serverNs, List<String> client, String address, int seconds) {
        // the server of a measurement before ends on its own (-1) a moment after its client: until then it holds the port
        awaitListening(serverNs, false);
        Sh.run(with(server, "iperf3", "-s", "-1", "-D", "-B", address), null).ok();
        awaitListening(serverNs, true);
        Sh.Result r = Sh.run(with(client, "iperf3", "-c", address, "-t", Integer.toString(seconds + 1), "-O", "1", "-J"), null).ok();
        var report = TestNet.json(r.out());
        if (report.has("error")) throw new AssertionError("iperf3 to " + address + ": " + report.path("error").asText());
        return report.path("end").path("sum_received").path("bits_per_second").asDouble() / 1e6;
    }

    private static void awaitListening(String ns, boolean listening) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Sh.run("ip", "netns", "exec", ns, "ss", "-ltnH", "sport = :5201").out().contains("5201") != listening) {
            if (System.nanoTime() > deadline) throw new AssertionError("iperf3's port in " + ns + (listening ? " is not listening" : " is still taken"));
            Thread.onSpinWait();
        }
    }

    /** Enters namespace {@code ns} (ip netns exec), for {@link #mbits}. */
    public static List<String> in(String ns) { return List.of("ip", "netns", "exec", ns); }

    private static List<String> with(List<String> prefix, String... words) {
        List<String> out = new ArrayList<>(prefix);
        out.addAll(List.of(words));
        return out;
    }
}
