package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.error.UnreachableException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.NsRef;
import dev.nslab.net.Pinger;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * {@code nslab [-n NETNS] ping [-c N] [-W SEC] [-i SEC] [-q] DEST}: ICMP echo from inside the namespace with
 * iputils-like output. Exit 0 if any reply came (with {@code -w}: if COUNT came), 1 if not, 2 on error.
 */
final class PingCmd {
    private final Cli cli;
    private final NsRef ns;
    private Family family;

    PingCmd(Cli cli, NsRef ns, Family family) {
        this.cli = cli;
        this.ns = ns;
        this.family = family;
    }

    int run(Args a) {
        int count = -1;
        double interval = 1.0, wait = 10.0, deadline = -1;
        boolean quiet = false;
        String dest = null;
        while (a.more()) {
            String w = a.next();
            if (w.startsWith("-") && w.length() > 1) {
                char o = w.charAt(1);
                String inline = w.length() > 2 ? w.substring(2) : null;
                switch (o) {
                    case 'c' -> count = (int) number(inline != null ? inline : a.value("-c"), "-c");
                    case 'i' -> interval = number(inline != null ? inline : a.value("-i"), "-i");
                    case 'W' -> wait = number(inline != null ? inline : a.value("-W"), "-W");
                    case 'w' -> deadline = number(inline != null ? inline : a.value("-w"), "-w");
                    case 'q' -> quiet = true;
                    case '4' -> family = Family.INET;
                    case '6' -> family = Family.INET6;
                    case 'h' -> { Help.ping(cli.out); return 0; }
                    default -> throw new UsageException("ping: invalid option -- '" + o + "' (nslab ping supports -c -i -W -w -q -4 -6)");
                }
            } else if (dest == null) {
                dest = w;
            } else {
                throw new UsageException("ping: extra argument \"" + w + "\" (one destination only)");
            }
        }
        if (dest == null) throw new UsageException("ping: usage error: Destination address required");
        if (count == 0 || interval <= 0 || wait <= 0) throw new UsageException("ping: -c, -i and -W need positive values");
        InetAddress dst;
        try {
            dst = Cidr.parseAddress(dest);
        } catch (KernelException e) {
            cli.err.println("ping: " + dest + ": Name or service not known (nslab ping takes an IPv4 or IPv6 address)");
            return 2;
        }
        if (family != null && family != Cidr.family(dst)) {
            cli.err.println("ping: " + dest + ": Address family for hostname not supported");
            return 2;
        }
        return ping(dst, count, interval, wait, deadline, quiet);
    }

    private static double number(String s, String opt) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new UsageException("ping: invalid argument for " + opt + ": '" + s + "'");
        }
    }

    private int ping(InetAddress dst, int count, double interval, double wait, double deadline, boolean quiet) {
        String d = Cidr.format(dst);
        boolean v6 = Cidr.family(dst) == Family.INET6;
        try (Pinger p = Pinger.open(cli.registry, ns, Cidr.family(dst))) {
            long start = System.nanoTime();
            // The first request goes out before the banner: with no route, ping says only "Network is unreachable".
            if (!sendOrFail(p, dst, 1)) return 2;
            cli.out.println(v6 ? "PING " + d + "(" + d + ") " + Pinger.PAYLOAD + " data bytes"
                    : "PING " + d + " (" + d + ") " + Pinger.PAYLOAD + "(" + (Pinger.PAYLOAD + 28) + ") bytes of data.");
            cli.out.flush();
            long intervalNs = (long) (interval * 1e9);
            long endAt = deadline > 0 ? start + (long) (deadline * 1e9) : Long.MAX_VALUE;
            int sent = 1, errors = 0;
            Set<Integer> got = new HashSet<>();
            double min = Double.MAX_VALUE, max = 0, sum = 0, sum2 = 0;
            long lastEvent = start;
            long nextSend = start + (long) (interval * 1e9);
            long lastSend = start;
            while (true) {
                long now = System.nanoTime();
                // With a deadline ping does not stop at COUNT requests: it goes on until COUNT are answered (as
                // iputils does), so requests lost while a fresh link comes up are made good.
                boolean moreToSend = now < endAt && (count < 0 || (deadline > 0 ? got.size() + errors < count : sent < count));
                if (deadline > 0 && (errors > 0 || (count > 0 && got.size() >= count))) break;
                if (moreToSend && now >= nextSend) {
                    if (!sendOrFail(p, dst, sent + 1)) return 2;
                    sent++;
                    lastSend = System.nanoTime();
                    nextSend += intervalNs;
                    continue;
                }
                long until;
                if (moreToSend) until = nextSend;
                else {
                    if (got.size() + errors >= sent || now >= endAt) break;
                    until = Math.min(endAt, lastSend + (long) (wait * 1e9));
                }
                long waitMs = Math.max(0, (until - System.nanoTime()) / 1_000_000L);
                Pinger.Reply r = p.receive(waitMs);
                if (r == null) {
                    if (!moreToSend && System.nanoTime() >= until) break;
                    continue;
                }
                lastEvent = System.nanoTime();
                if (!r.isEcho()) {
                    errors++;
                    if (!quiet) cli.out.println("From " + Cidr.format(r.from()) + " icmp_seq=" + r.seq() + " " + r.error());
                    cli.out.flush();
                    continue;
                }
                if (!got.add(r.seq())) continue;
                double ms = r.rttNanos() / 1e6;
                min = Math.min(min, ms);
                max = Math.max(max, ms);
                sum += ms;
                sum2 += ms * ms;
                if (!quiet) {
                    cli.out.println(r.bytes() + " bytes from " + Cidr.format(r.from()) + ": icmp_seq=" + r.seq()
                            + (r.ttl() >= 0 ? " ttl=" + r.ttl() : "") + " time=" + rtt(ms) + " ms");
                    cli.out.flush();
                    // the reader went away (ping ... | head): ping ends by SIGPIPE, which the JVM ignores
                    if (cli.out.checkError()) return 1;
                }
            }
            long totalMs = (Math.max(lastEvent, lastSend) - start) / 1_000_000L;
            int received = got.size();
            cli.out.println();
            cli.out.println("--- " + d + " ping statistics ---");
            StringBuilder sb = new StringBuilder();
            sb.append(sent).append(" packets transmitted, ").append(received).append(" received, ");
            if (errors > 0) sb.append('+').append(errors).append(" errors, ");
            sb.append(percent(sent == 0 ? 0 : 100.0 * (sent - received) / sent)).append("% packet loss, time ").append(totalMs).append("ms");
            cli.out.println(sb);
            if (received > 0) {
                double avg = sum / received, mdev = Math.sqrt(Math.max(0, sum2 / received - avg * avg));
                cli.out.println(String.format(Locale.ROOT, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms", min, avg, max, mdev));
            }
            cli.out.flush();
            // with a deadline, fewer answers than COUNT is a failure too (iputils' rule)
            return received > 0 && !(deadline > 0 && count > 0 && received < count) ? 0 : 1;
        }
    }

    /** Sends one request; on "no route" prints ping's message and returns false. */
    private boolean sendOrFail(Pinger p, InetAddress dst, int seq) {
        try {
            p.send(dst, seq);
            return true;
        } catch (KernelException e) {
            if (e instanceof UnreachableException) {
                cli.out.flush();
                cli.err.println("ping: connect: " + (e.errno() == dev.nslab.error.Errno.EHOSTUNREACH ? "No route to host" : "Network is unreachable"));
                return false;
            }
            throw e;
        }
    }

    private static String rtt(double ms) {
        if (ms >= 100) return String.format(Locale.ROOT, "%.0f", ms);
        if (ms >= 10) return String.format(Locale.ROOT, "%.1f", ms);
        if (ms >= 1) return String.format(Locale.ROOT, "%.2f", ms);
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    private static String percent(double v) {
        if (v == Math.rint(v)) return String.valueOf((long) v);
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
