package dev.nslab.cli;

import dev.nslab.net.RouteMetrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A route's metrics and realms in ip's words, both ways: {@code mtu [lock] N}, {@code advmss}, {@code window},
 * {@code rtt 100ms}, {@code initcwnd}, {@code features ecn}, {@code congctl reno}, {@code realms FROM/TO}... as ip
 * route add reads them, and as ip route show prints them (number order, "lock" after a locked one's name).
 */
final class RouteMetricWords {
    private RouteMetricWords() {}

    /** ip's name of each RTAX_* number. */
    private static final String[] NAMES = new String[RouteMetrics.MAX + 1];
    static {
        String[] n = {null, null, "mtu", "window", "rtt", "rttvar", "ssthresh", "cwnd", "advmss", "reordering", "hoplimit", "initcwnd",
                "features", "rto_min", "initrwnd", "quickack", "congctl", "fastopen_no_cookie"};
        System.arraycopy(n, 0, NAMES, 0, n.length);
    }

    /** The words ip takes by any prefix, in the order it tries them (mtu, hoplimit, advmss, rtt and rto_min only whole). */
    private static final List<String> PREFIXED = List.of("reordering", "window", "cwnd", "initcwnd", "initrwnd", "features", "quickack",
            "congctl", "rttvar", "ssthresh", "realms", "fastopen_no_cookie");

    /** The metric word (or "realms") {@code w} stands for, or null. */
    static String word(String w) {
        if (List.of("mtu", "hoplimit", "advmss", "rtt", "rto_min").contains(w)) return w;
        for (String p : PREFIXED) if (Args.matches(w, p)) return p;
        return null;
    }

    /** {@code mx} with what the words after metric word {@code word} say. */
    static RouteMetrics read(Args a, String word, RouteMetrics mx) {
        int rtax = java.util.Arrays.asList(NAMES).indexOf(word);
        switch (word) {
            case "features" -> {
                String v = a.value(null);
                if (!v.equals("ecn")) Args.known(null, v, "\"features\" value not valid");
                return mx.with(RouteMetrics.FEATURES, RouteMetrics.FEATURE_ECN);
            }
            case "quickack", "fastopen_no_cookie" -> {
                String v = a.value(null);
                long n = Args.known(Args.unsigned(v, 0xffff_ffffL), v, "\"" + word + "\" value is invalid");
                if (n > 1) Args.known(null, v, "\"" + word + "\" value should be 0 or 1");
                return mx.with(rtax, n);
            }
            case "congctl" -> {
                String v = a.value(null);
                if (v.equals("lock")) {
                    mx = mx.locked(RouteMetrics.CC_ALGO);
                    v = a.value(null);
                }
                return mx.congctl(v);
            }
            case "rto_min" -> { // always locked, as ip sends it
                String v = a.value(null);
                Time t = Args.known(time(v), v, "\"rto_min\" value is invalid");
                return mx.locked(RouteMetrics.RTO_MIN).with(RouteMetrics.RTO_MIN, t.value());
            }
            default -> {
                String v = a.value(null);
                if (v.equals("lock")) {
                    mx = mx.locked(rtax);
                    v = a.value(null);
                }
                if (rtax == RouteMetrics.RTT || rtax == RouteMetrics.RTTVAR) {
                    Time t = Args.known(time(v), v, "\"" + word + "\" value is invalid");
                    // a number without a unit is the kernel's own (eighths, quarters); with one, milliseconds
                    return mx.with(rtax, t.raw() ? t.value() : t.value() * (rtax == RouteMetrics.RTT ? 8 : 4));
                }
                Long n = Args.unsigned(v, 0xffff_ffffL);
                String what = word.equals("advmss") ? "mss" : word;
                if (n == null || rtax == RouteMetrics.HOPLIMIT && n > 255) Args.known(null, v, "\"" + what + "\" value is invalid");
                return mx.with(rtax, n);
            }
        }
    }

    /** A time as ip's get_time_rtt reads it: a number (raw: the kernel's unit), or with s/sec/secs or ms/msec/msecs (milliseconds, rounded up). */
    private record Time(long value, boolean raw) { }

    private static Time time(String v) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]*\\.?[0-9]*)([a-zA-Z]*)").matcher(v);
        if (!m.matches() || m.group(1).isEmpty() || m.group(1).equals(".")) return null;
        double t;
        try {
            t = m.group(1).contains(".") ? Double.parseDouble(m.group(1)) : Args.unsigned(m.group(1), Long.MAX_VALUE);
        } catch (RuntimeException e) {
            return null;
        }
        String unit = m.group(2).toLowerCase(java.util.Locale.ROOT);
        if (List.of("s", "sec", "secs").contains(unit)) t *= 1000;
        else if (!unit.isEmpty() && !List.of("ms", "msec", "msecs").contains(unit)) return null;
        long whole = (long) t;
        return new Time(whole < t ? whole + 1 : whole, unit.isEmpty());
    }

    /** ip's words for the metrics, each followed by a space. */
    static String text(RouteMetrics mx) {
        StringBuilder sb = new StringBuilder();
        for (int i = RouteMetrics.MTU; i <= RouteMetrics.MAX; i++) {
            boolean set = i == RouteMetrics.CC_ALGO ? mx.congctl() != null : mx.values().containsKey(i);
            if (!set && !mx.isLocked(i)) continue;
            long val = i == RouteMetrics.CC_ALGO ? 0 : Math.max(0, mx.value(i));
            if (i == RouteMetrics.HOPLIMIT && (int) val == -1) continue;
            sb.append(NAMES[i]).append(' ');
            if (mx.isLocked(i)) sb.append("lock ");
            switch (i) {
                case RouteMetrics.FEATURES -> {
                    if ((val & RouteMetrics.FEATURE_ECN) != 0) sb.append("ecn ");
                    if ((val & ~RouteMetrics.FEATURE_ECN) != 0) sb.append("0x").append(Long.toHexString(val)).append(' ');
                }
                case RouteMetrics.RTT, RouteMetrics.RTTVAR, RouteMetrics.RTO_MIN -> {
                    long ms = i == RouteMetrics.RTT ? val / 8 : i == RouteMetrics.RTTVAR ? val / 4 : val;
                    sb.append(ms >= 1000 ? dev.nslab.ovs.Datum.cFormatG(ms / 1e3, 6) + "s " : ms + "ms ");
                }
                case RouteMetrics.CC_ALGO -> sb.append(mx.congctl() == null ? "" : mx.congctl()).append(' ');
                default -> sb.append(val).append(' ');
            }
        }
        return sb.toString();
    }

    /** The same as ip -j has it: one object in a list under "metrics". */
    static Map<String, Object> json(RouteMetrics mx) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = RouteMetrics.MTU; i <= RouteMetrics.MAX; i++) {
            boolean set = i == RouteMetrics.CC_ALGO ? mx.congctl() != null : mx.values().containsKey(i);
            if (!set && !mx.isLocked(i)) continue;
            long val = i == RouteMetrics.CC_ALGO ? 0 : Math.max(0, mx.value(i));
            if (i == RouteMetrics.HOPLIMIT && (int) val == -1) continue;
            switch (i) {
                case RouteMetrics.FEATURES -> {
                    if ((val & RouteMetrics.FEATURE_ECN) != 0) m.put("ecn", null);
                    if ((val & ~RouteMetrics.FEATURE_ECN) != 0) m.put("features", "0x" + Long.toHexString(val));
                }
                case RouteMetrics.RTT -> m.put(NAMES[i], val / 8);
                case RouteMetrics.RTTVAR -> m.put(NAMES[i], val / 4);
                case RouteMetrics.CC_ALGO -> m.put("congestion", mx.congctl());
                default -> m.put(NAMES[i], val);
            }
        }
        return m;
    }

    /** {@code realms FROM/TO|TO|NUMBER}: ip's get_rt_realms_or_raw, names from rt_realms ({@code names}). */
    static int realms(String v, NameTable names) {
        Long raw = Args.unsigned(v, 0xffff_ffffL);
        if (raw != null) return (int) (long) raw;
        int slash = v.indexOf('/');
        Integer from = slash < 0 ? Integer.valueOf(0) : names.value(v.substring(0, slash)), to = names.value(slash < 0 ? v : v.substring(slash + 1));
        if (from == null || to == null) Args.known(null, v, "\"realm\" value is invalid");
        return from << 16 | to;
    }

    /** "realm TO " or "realms FROM/TO ", as ip prints RTA_FLOW. */
    static String realmsText(long flow, NameTable names) {
        int to = (int) (flow & 0xffff), from = (int) (flow >>> 16);
        return (from != 0 ? "realms " + names.name(from) + "/" : "realm ") + names.name(to) + " ";
    }

    static Map<String, Object> realmsJson(long flow, NameTable names) {
        Map<String, Object> m = new LinkedHashMap<>();
        int to = (int) (flow & 0xffff), from = (int) (flow >>> 16);
        if (from != 0) m.put("from", names.name(from));
        m.put("to", names.name(to));
        return m;
    }
}
