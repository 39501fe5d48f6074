package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Family;
import dev.nslab.net.MplsRoute;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.RouteSpec;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code nslab -f mpls route ...} (or {@code -M}): MPLS routes, label to label and next hop, as ip sends them. Where the
 * kernel has no MPLS (as here) it refuses them as it refuses ip ({@code RTNETLINK answers: Operation not supported})
 * and a listing is empty; where it has MPLS routes, listing them is not supported yet and says so.
 */
final class MplsRouteCmd extends NsCmd {
    MplsRouteCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override
    int run(Args a) {
        String verb = a.more() ? a.next() : "show";
        if (Args.matches(verb, "add")) return change(a, RouteSpec.Verb.ADD);
        if (Args.matches(verb, "change")) return change(a, RouteSpec.Verb.CHANGE);
        if (Args.matches(verb, "replace")) return change(a, RouteSpec.Verb.REPLACE);
        if (Args.matches(verb, "prepend")) return change(a, RouteSpec.Verb.PREPEND);
        if (Args.matches(verb, "append")) return change(a, RouteSpec.Verb.APPEND);
        if (Args.matches(verb, "delete")) return change(a, null);
        boolean flush = Args.matches(verb, "flush");
        if (flush && !a.more()) {
            cli.out.flush();
            cli.err.println("\"ip route flush\" requires arguments.");
            return 1;
        }
        if (Args.matches(verb, "list") || Args.matches(verb, "show") || Args.matches(verb, "lst") || flush) {
            if (cli.handle(ns).mplsRouteCount() > 0) {
                throw new UsageException("nslab: MPLS routes are not listed or flushed yet (this namespace has some: ip -f mpls route shows them)", 1);
            }
            return 0; // none to print or flush
        }
        throw new UsageException("nslab: \"-f mpls route " + verb + "\" is not supported yet", 1);
    }

    private int change(Args a, RouteSpec.Verb verb) {
        NetHandle h = cli.handle(ns);
        Integer label = null, protocol = null, table = null, metric = null;
        List<Integer> out = List.of();
        InetAddress via = null;
        String dev = null;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "as" -> {
                    String v = a.value(null);
                    if (v.equals("to")) v = a.value(null);
                    out = labels(v, "address");
                }
                case "via" -> {
                    String v = a.value(null);
                    String family = v.equals("inet") || v.equals("inet6") ? v : null;
                    if (family != null) v = a.value(null);
                    via = via(v, family);
                }
                case "dev", "oif" -> dev = a.value(null);
                case "proto", "protocol" -> {
                    String v = a.value(null);
                    protocol = Args.known(new RouteWords.Protocols().parse(v), v, "\"protocol\" value is invalid");
                }
                case "table" -> {
                    String v = a.value(null);
                    table = cli.tables.known(v, "\"table\" value is invalid\n");
                }
                case "metric", "priority", "preference" -> {
                    String v = a.value(null);
                    Long n = Args.unsigned(v, 0xffffffffL);
                    metric = (int) (long) Args.known(n, v, "\"metric\" value is invalid\n");
                }
                default -> {
                    if (label != null) throw new UsageException("Error: either \"to\" is duplicate, or \"" + w + "\" is a garbage.");
                    String v = w.equals("to") ? a.value(null) : w;
                    List<Integer> l = labels(v, "prefix");
                    if (l.size() != 1) throw new UsageException("Error: mpls prefix is expected rather than \"" + v + "\".", 1);
                    label = l.getFirst();
                }
            }
        }
        if (label == null) throw new UsageException("Error: mpls prefix is expected rather than \"\".", 1);
        int oif = 0;
        if (dev != null) {
            try {
                oif = h.index(dev);
            } catch (KernelException e) {
                throw new UsageException("Cannot find device \"" + dev + "\"", 1);
            }
        }
        h.mplsRoute(new MplsRoute(label, out, via, oif, protocol, table, metric), verb);
        return 0;
    }

    /** A label stack (LABEL[/LABEL...]), each label below 2^20; ip's refusal of anything else. */
    private static List<Integer> labels(String v, String what) {
        List<Integer> l = new ArrayList<>();
        for (String part : v.split("/", -1)) {
            Long n = Args.unsigned(part, (1 << 20) - 1);
            if (n == null || l.size() == 64) throw new UsageException("Error: mpls " + what + " is expected rather than \"" + v + "\".", 1);
            l.add(n.intValue());
        }
        return l;
    }

    /** The next hop: of the family named (inet or inet6), else an MPLS address (which a next hop cannot be). */
    private static InetAddress via(String v, String family) {
        if (family == null) throw new UsageException("Error: mpls address is expected rather than \"" + v + "\".", 1);
        return AddressWords.getAddr(v, family.equals("inet") ? Family.INET : Family.INET6);
    }
}
