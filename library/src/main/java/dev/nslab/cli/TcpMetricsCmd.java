package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.TcpMetrics;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab tcp_metrics show|flush|delete ...}: the namespace's TCP metrics cache as ip tcp_metrics (iproute2 6.1)
 * shows and removes it, with its selectors, words, -j and exit statuses.
 */
final class TcpMetricsCmd extends NsCmd {
    TcpMetricsCmd(Cli cli, NsRef ns) { super(cli, ns); }

    private static final String USAGE = """
            Usage:	ip tcp_metrics/tcpmetrics { COMMAND | help }
            	ip tcp_metrics { show | flush } SELECTOR
            	ip tcp_metrics delete [ address ] ADDRESS
            SELECTOR := [ [ address ] PREFIX ]""";

    private enum Cmd { LIST, DEL, FLUSH }

    /** A selector's prefix: its address (null: none given) and length (-1: none given). */
    private record Prefix(InetAddress addr, int bits) {
        boolean exact() { return addr != null && bits == addr.getAddress().length * 8; }

        boolean matches(InetAddress a) { return addr == null || bits < 0 || new Cidr(addr, bits).contains(a); }
    }

    @Override
    int run(Args a) {
        if (!a.more()) return run(Cmd.LIST, a);
        String w = a.next();
        for (Object[] c : new Object[][] {{"list", Cmd.LIST}, {"lst", Cmd.LIST}, {"show", Cmd.LIST}, {"delete", Cmd.DEL}, {"remove", Cmd.DEL},
                {"flush", Cmd.FLUSH}}) {
            if (Args.matches(w, (String) c[0])) return run((Cmd) c[1], a);
        }
        if (Args.matches(w, "help")) throw new UsageException(USAGE);
        throw new UsageException("Command \"" + w + "\" is unknown, try \"ip tcp_metrics help\".");
    }

    private Prefix prefix(String v) {
        if (v.equals("default") || v.equals("any") || v.equals("all")) return new Prefix(null, 0);
        Cidr c = cli.prefix(v);
        if (cli.family != null && Family.of(c.address()) != cli.family) throw cli.prefixExpected(v);
        return new Prefix(c.address(), c.prefixLength());
    }

    private int run(Cmd cmd, Args a) {
        Prefix dst = new Prefix(null, -1), src = new Prefix(null, -1);
        while (a.more()) {
            String w = a.next();
            if (w.equals("src") || w.equals("source")) {
                if (!a.more()) throw new UsageException("Command line is not complete. Try option \"help\"");
                String v = a.next();
                if (Args.matches(v, "help")) throw new UsageException(USAGE);
                if (src.bits() >= 0) throw new UsageException("Error: either \"" + w + "\" or \"" + v + "\" is duplicate.");
                src = prefix(v);
                if (!src.exact()) throw new UsageException("Error: a specific IP address is expected rather than \"" + v + "\"", 1);
            } else {
                String who = "address", v = w;
                if (w.equals("addr") || w.equals("address")) {
                    who = w;
                    if (!a.more()) throw new UsageException("Command line is not complete. Try option \"help\"");
                    v = a.next();
                }
                if (Args.matches(v, "help")) throw new UsageException(USAGE);
                if (dst.bits() >= 0) throw new UsageException("Error: either \"" + who + "\" or \"" + v + "\" is duplicate.");
                dst = prefix(v);
                if (cmd == Cmd.DEL && !dst.exact()) throw new UsageException("Error: a specific IP address is expected rather than \"" + v + "\"", 1);
            }
        }
        if (cmd == Cmd.DEL && !dst.exact()) throw new UsageException("Error: argument \"address\" is required");
        if (cmd == Cmd.FLUSH && dst.exact()) cmd = Cmd.DEL; // a flush of one address is its delete
        boolean all = cmd == Cmd.FLUSH && dst.bits() <= 0 && src.bits() <= 0 && cli.family == null;
        try (TcpMetrics m = KernelWords.genlFamily(cli, () -> TcpMetrics.open(cli.registry, ns))) {
            if (m == null) return 1;
            if (all) {
                m.delete(null, null); // every entry, in one request
                return 0;
            }
            if (cmd == Cmd.DEL) {
                m.delete(dst.addr(), src.exact() ? src.addr() : null);
                return 0;
            }
            if (cmd == Cmd.FLUSH) return flush(m, dst, src);
            List<TcpMetrics.Entry> entries = dst.exact() ? List.of(m.get(dst.addr(), src.exact() ? src.addr() : null)) : m.entries();
            print(entries, dst, src, false);
            return 0;
        }
    }

    private boolean selected(TcpMetrics.Entry e, Prefix dst, Prefix src) {
        Family f = cli.family;
        if (f != null && Family.of(e.dst()) != f) return false;
        if (!dst.matches(e.dst())) return false;
        if (e.src() != null) {
            if (f != null && Family.of(e.src()) != f) return false;
            return src.matches(e.src());
        }
        return true;
    }

    /** ip's rounds: the selected entries deleted, until a dump finds none ("Nothing to flush." when the first does). */
    private int flush(TcpMetrics m, Prefix dst, Prefix src) {
        for (int round = 0; ; ) {
            List<TcpMetrics.Entry> chosen = m.entries().stream().filter(e -> selected(e, dst, src)).toList();
            if (chosen.isEmpty()) {
                cli.out.flush();
                if (round == 0) cli.err.println("Nothing to flush.");
                else if (cli.stats > 0) cli.out.println("*** Flush is complete after " + round + " round" + (round > 1 ? "s" : "") + " ***");
                return 0;
            }
            round++;
            if (cli.stats > 1) print(chosen, dst, src, true);
            for (KernelException e : m.deleteAll(chosen)) {
                if (e != null) {
                    cli.out.flush();
                    cli.err.println("Failed to send flush request\n: " + NetHandle.strerror(e.errno()));
                    return 1;
                }
            }
            if (cli.stats > 0) cli.out.print("\n*** Round " + round + ", deleting " + chosen.size() + " entries ***\n");
        }
    }

    private void print(List<TcpMetrics.Entry> entries, Prefix dst, Prefix src, boolean deleted) {
        List<Object> json = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        for (TcpMetrics.Entry e : entries) {
            if (!selected(e, dst, src)) continue;
            Map<String, Object> j = new LinkedHashMap<>();
            if (deleted) {
                j.put("deleted", true);
                out.append("Deleted ");
            }
            String h = Cidr.format(e.dst());
            j.put("dst", h);
            out.append(h);
            if (e.age() != null) {
                double age = e.age() / 1000.0;
                j.put("age", new Json.G(age));
                out.append(String.format(" age %.03fsec", age));
            }
            if (e.twTsStamp() != null) {
                String tw = Long.toUnsignedString(e.twTsval() == null ? 0 : e.twTsval()) + "/" + e.twTsStamp();
                j.put("tw_ts_stamp", tw);
                out.append(" tw_ts ").append(tw).append(" ago");
            }
            long rtt = 0, rttvar = 0;
            for (var mv : e.metrics().entrySet()) {
                int i = mv.getKey();
                long v = mv.getValue();
                String name;
                switch (i) {
                    case TcpMetrics.RTT -> {
                        if (rtt == 0) rtt = (v * 1000) >> 3;
                        continue;
                    }
                    case TcpMetrics.RTTVAR -> {
                        if (rttvar == 0) rttvar = (v * 1000) >> 2;
                        continue;
                    }
                    case TcpMetrics.RTT_US -> {
                        rtt = v >> 3;
                        continue;
                    }
                    case TcpMetrics.RTTVAR_US -> {
                        rttvar = v >> 2;
                        continue;
                    }
                    case TcpMetrics.SSTHRESH -> name = "ssthresh";
                    case TcpMetrics.CWND -> name = "cwnd";
                    case TcpMetrics.REORDERING -> name = "reordering";
                    default -> name = " metric_" + i + " ";
                }
                j.put(name, v);
                out.append(' ').append(name).append(' ').append(v);
            }
            if (rtt != 0) {
                j.put("rtt", new Json.G(rtt / 1e6));
                out.append(" rtt ").append(rtt).append("us");
            }
            if (rttvar != 0) {
                j.put("rttvar", new Json.G(rttvar / 1e6));
                out.append(" rttvar ").append(rttvar).append("us");
            }
            if (e.fopenMss() != null) {
                j.put("fopen_miss", e.fopenMss());
                out.append(" fo_mss ").append(e.fopenMss());
            }
            if (e.fopenSynDrops() != null) {
                double ts = (e.fopenSynDropTs() == null ? 0 : e.fopenSynDropTs()) / 1e6;
                j.put("fopen_syn_drops", e.fopenSynDrops());
                j.put("fopen_syn_drop_ts", new Json.G(ts));
                out.append(" fo_syn_drops ").append(e.fopenSynDrops()).append(String.format("/%.03fusec ago", ts));
            }
            if (e.fopenCookie() != null) {
                StringBuilder c = new StringBuilder();
                for (int i = 0; i < Math.min(16, e.fopenCookie().length); i++) c.append(String.format("%02x", e.fopenCookie()[i] & 0xff));
                j.put("fo_cookie", c.toString());
                out.append(" fo_cookie ").append(c);
            }
            if (e.src() != null) {
                String s = Cidr.format(e.src());
                j.put("source", s);
                out.append(" source ").append(s);
            }
            out.append('\n');
            json.add(j);
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(out);
    }
}
