package dev.nslab.cli;

import dev.nslab.net.Family;
import dev.nslab.net.NeighbourTable;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab ntable [show [dev DEV|none] [name NAME]]} and {@code ntable change name NAME [dev DEV] ...}: the
 * kernel's neighbour tables (ARP's and IPv6's), their thresholds and each interface's parameters, shown and changed
 * as ip 6.1 does (with -s, their configuration and counters). The thresholds are the whole machine's.
 */
final class NtableCmd extends NsCmd {
    NtableCmd(Cli cli, NsRef ns) { super(cli, ns); }

    private static final String USAGE = """
            Usage: ip ntable change name NAME [ dev DEV ]
                    [ thresh1 VAL ] [ thresh2 VAL ] [ thresh3 VAL ] [ gc_int MSEC ]
                    [ PARMS ]
            Usage: ip ntable show [ dev DEV ] [ name NAME ]
            PARMS := [ base_reachable MSEC ] [ retrans MSEC ] [ gc_stale MSEC ]
                     [ delay_probe MSEC ] [ queue LEN ]
                     [ app_probes VAL ] [ ucast_probes VAL ] [ mcast_probes VAL ]
                     [ anycast_delay MSEC ] [ proxy_delay MSEC ] [ proxy_queue LEN ]
                     [ locktime MSEC ]""";

    /** The thresholds' words and kernel numbers, in ip's order. */
    private static final Map<String, Integer> THRESHOLDS = words("thresh1", NeighbourTable.THRESH1, "thresh2", NeighbourTable.THRESH2,
            "thresh3", NeighbourTable.THRESH3, "gc_int", NeighbourTable.GC_INTERVAL);
    /** The parameters ip shows, by their kernel numbers, in its lines (-1 ends a line). */
    private static final int[] SHOWN = {2, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1, 12, 13, 14, 15};
    private static final Map<Integer, String> SHOWN_NAMES = Map.ofEntries(Map.entry(2, "refcnt"), Map.entry(3, "reachable"),
            Map.entry(4, "base_reachable"), Map.entry(5, "retrans"), Map.entry(6, "gc_stale"), Map.entry(7, "delay_probe"), Map.entry(8, "queue"),
            Map.entry(9, "app_probes"), Map.entry(10, "ucast_probes"), Map.entry(11, "mcast_probes"), Map.entry(12, "anycast_delay"),
            Map.entry(13, "proxy_delay"), Map.entry(14, "proxy_queue"), Map.entry(15, "locktime"));
    /** The parameters change takes, by ip's words. */
    private static final Map<String, Integer> CHANGED = words("base_reachable", 4, "retrans", 5, "gc_stale", 6, "delay_probe", 7, "queue", 8,
            "app_probes", 9, "ucast_probes", 10, "mcast_probes", 11, "anycast_delay", 12, "proxy_delay", 13, "proxy_queue", 14, "locktime", 15);

    private static Map<String, Integer> words(Object... kv) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Integer) kv[i + 1]);
        return m;
    }

    @Override
    int run(Args a) {
        if (!a.more()) return show(a);
        String verb = a.next();
        if (Args.matches(verb, "change") || Args.matches(verb, "chg")) return change(a);
        if (Args.matches(verb, "show") || Args.matches(verb, "lst") || Args.matches(verb, "list")) return show(a);
        if (Args.matches(verb, "help")) throw new UsageException(USAGE);
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip ntable help\".");
    }

    private int family() { return cli.family == null ? 0 : Family.codeOf(cli.family); }

    private int show(Args a) {
        NetHandle h = cli.handle(ns);
        Integer index = null; // 0: the tables' own entries only ("dev none")
        String name = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) {
                String d = a.value(null);
                index = d.equals("none") ? Integer.valueOf(0) : h.findLink(d).map(dev.nslab.net.Link::index).orElse(null);
                if (index == null) throw new UsageException("Error: argument \"" + d + "\" is wrong: \"DEV\" is invalid");
            } else if (w.equals("name")) {
                name = a.value(null);
            } else {
                throw new UsageException("Error: argument \"" + w + "\" is wrong: unknown");
            }
        }
        Map<Integer, String> names = h.linkNames();
        StringBuilder sb = new StringBuilder();
        List<Object> json = new ArrayList<>();
        for (NeighbourTable t : h.neighbourTables(family())) {
            if (name != null && !name.equals(t.name())) continue;
            if (index != null && index != (t.ifindex() == null ? 0 : t.ifindex())) continue;
            if (cli.json) json.add(json(t, names));
            else text(sb, t, names);
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    private static String familyName(int f) { return f == 2 ? "inet" : f == 10 ? "inet6" : f == 7 ? "bridge" : f == 0 ? "unspec" : "???"; }

    private void text(StringBuilder sb, NeighbourTable t, Map<Integer, String> names) {
        sb.append(familyName(t.family())).append(' ');
        if (t.name() != null) sb.append(t.name()).append(' ');
        sb.append('\n');
        if (!t.thresholds().isEmpty()) {
            sb.append("    ");
            THRESHOLDS.forEach((w, n) -> {
                if (t.thresholds().containsKey(n)) sb.append(w).append(' ').append(t.thresholds().get(n)).append(' ');
            });
            sb.append('\n');
        }
        long[] c = t.config();
        if (c != null && cli.stats > 0) {
            sb.append("    config key_len ").append(c[0]).append(" entry_size ").append(c[1]).append(" entries ").append(c[2]).append(" \n")
                    .append("        last_flush ").append(ago(c[3])).append(" last_rand ").append(ago(c[4])).append(" \n")
                    .append("        hash_rnd ").append(c[5]).append(" hash_mask ").append(String.format("%08x", c[6]))
                    .append(" hash_chain_gc ").append(c[7]).append(" proxy_qlen ").append(c[8]).append(" \n");
        }
        if (t.ifindex() != null || !t.parameters().isEmpty()) {
            if (t.ifindex() != null) sb.append("    dev ").append(names.getOrDefault(t.ifindex(), "if" + t.ifindex())).append(" \n");
            sb.append("    ");
            for (int n : SHOWN) {
                if (n < 0) sb.append("\n    ");
                else if (t.parameters().containsKey(n)) sb.append(SHOWN_NAMES.get(n)).append(' ').append(t.parameters().get(n)).append(' ');
            }
            sb.append('\n');
        }
        long[] s = t.stats();
        if (s != null && cli.stats > 0) {
            sb.append("    stats allocs ").append(s[0]).append(" destroys ").append(s[1]).append(" hash_grows ").append(s[2]).append(" \n")
                    .append("    res_failed ").append(s[3]).append(" lookups ").append(s[4]).append(" hits ").append(s[5]).append(" \n")
                    .append("    rcv_probes_mcast ").append(s[6]).append(" rcv_probes_ucast ").append(s[7]).append(" \n")
                    .append("    periodic_gc_runs ").append(s[8]).append(" forced_gc_runs ").append(s[9]).append(" \n")
                    .append("    table_fulls ").append(s[10]).append(" \n");
        }
        sb.append('\n');
    }

    /** ip's time of an event {@code msec} milliseconds ago, local, to the second ("(error)" for none). */
    private static String ago(long msec) {
        if (msec == 0) return "(error)";
        return LocalDateTime.now().minusSeconds(msec / 1000).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    }

    private Map<String, Object> json(NeighbourTable t, Map<Integer, String> names) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("family", familyName(t.family()));
        if (t.name() != null) m.put("name", t.name());
        THRESHOLDS.forEach((w, n) -> {
            if (t.thresholds().containsKey(n)) m.put(n == NeighbourTable.GC_INTERVAL ? "gc_interval" : w, t.thresholds().get(n));
        });
        long[] c = t.config();
        if (c != null && cli.stats > 0) {
            String[] keys = {"key_length", "entry_size", "entries", "last_flush", "last_rand", "hash_rnd", "hash_mask", "hash_chain_gc", "proxy_qlen"};
            for (int i = 0; i < keys.length; i++) m.put(keys[i], i == 3 || i == 4 ? ago(c[i]) : i == 6 ? String.format("0x%x", c[i]) : (Object) c[i]);
        }
        if (t.ifindex() != null) m.put("dev", names.getOrDefault(t.ifindex(), "if" + t.ifindex()));
        for (int n : SHOWN) if (n > 0 && t.parameters().containsKey(n)) m.put(SHOWN_NAMES.get(n), t.parameters().get(n));
        long[] s = t.stats();
        if (s != null && cli.stats > 0) {
            String[] keys = {"allocs", "destroys", "hash_grows", "res_failed", "lookups", "hits", "rcv_probes_mcast", "rcv_probes_ucast",
                    "periodic_gc_runs", "forced_gc_runs", "table_fulls"};
            for (int i = 0; i < keys.length; i++) m.put(keys[i], s[i]);
        }
        return m;
    }

    /** {@code change name NAME [dev DEV] [THRESHOLD VALUE]... [PARAMETER VALUE]...}, as ip reads and sends it. */
    private int change(Args a) {
        NetHandle h = cli.handle(ns);
        String name = null;
        Integer ifindex = null;
        Map<Integer, Long> thresholds = new LinkedHashMap<>(), parameters = new LinkedHashMap<>();
        while (a.more()) {
            String w = a.next();
            if (w.equals("name")) {
                String v = a.value(null);
                if (name != null) throw new UsageException("Error: duplicate \"NAME\": \"" + v + "\" is the second value.");
                name = v;
            } else if (w.equals("dev")) {
                String d = a.value(null);
                ifindex = h.findLink(d).map(dev.nslab.net.Link::index).orElse(null);
                if (ifindex == null) {
                    cli.err.println("Cannot find device \"" + d + "\"");
                    return 1;
                }
            } else if (THRESHOLDS.containsKey(w) || CHANGED.containsKey(w)) {
                boolean threshold = THRESHOLDS.containsKey(w);
                int n = threshold ? THRESHOLDS.get(w) : CHANGED.get(w);
                String v = a.value(null);
                long max = NeighbourTable.wide(n, threshold) ? Long.MAX_VALUE : 0xFFFF_FFFFL;
                Long value = Args.unsigned(v, max);
                if (value == null) throw new UsageException("Error: argument \"" + v + "\" is wrong: \"" + w + "\" value is invalid");
                (threshold ? thresholds : parameters).put(n, value);
            } else {
                throw new UsageException("Error: argument \"" + w + "\" is wrong: unknown");
            }
        }
        if (name == null) throw new UsageException("Error: argument \"NAME\" is required");
        if (thresholds.isEmpty() && parameters.isEmpty()) throw new UsageException("Not enough information: changeable attributes required.");
        h.changeNeighbourTable(family(), name, thresholds, ifindex, parameters);
        return 0;
    }
}
