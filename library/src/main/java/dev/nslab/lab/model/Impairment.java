package dev.nslab.lab.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a link's end does to the packets it sends: a rate limit, delay with jitter, and random loss, duplication and
 * corruption. Values are as the user wrote them in tc's units (rate in bits per second, times in nanoseconds,
 * probabilities in percent); a null field is not impaired. {@link #words()} is the canonical spelling, which
 * {@link #parse(Map)} reads back.
 */
public record Impairment(Long rate, Long delay, Long jitter, Double loss, Double duplicate, Double corrupt) {
    public static final Impairment NONE = new Impairment(null, null, null, null, null, null);

    /** The keys a lab file and {@code nslab impair} know, in the order {@link #words()} writes them. */
    public static final List<String> KEYS = List.of("rate", "delay", "jitter", "loss", "duplicate", "corrupt");

    /** Thrown with the key and value that are wrong, and what is right. */
    public static final class BadValue extends IllegalArgumentException {
        public final String key;

        BadValue(String key, String message) {
            super(message);
            this.key = key;
        }
    }

    public boolean isNone() { return equals(NONE); }

    /** Whether it asks for what only netem does (everything but rate and loss). */
    public boolean needsNetem() { return delay != null || jitter != null || duplicate != null || corrupt != null; }

    /** {@code rate 10mbit delay 40ms jitter 5ms loss 1% duplicate 0.1% corrupt 0.1%}, only what is set; "none" for none. */
    public String words() {
        List<String> w = new ArrayList<>();
        map().forEach((k, v) -> w.add(k + " " + v));
        return w.isEmpty() ? "none" : String.join(" ", w);
    }

    /** The set values, by key, in canonical spelling. */
    public Map<String, String> map() {
        Map<String, String> m = new LinkedHashMap<>();
        if (rate != null) m.put("rate", rateText(rate));
        if (delay != null) m.put("delay", timeText(delay));
        if (jitter != null) m.put("jitter", timeText(jitter));
        if (loss != null) m.put("loss", percentText(loss));
        if (duplicate != null) m.put("duplicate", percentText(duplicate));
        if (corrupt != null) m.put("corrupt", percentText(corrupt));
        return m;
    }

    @Override public String toString() { return words(); }

    /** Reads key/value pairs (a lab file's map, the command line's options); throws {@link BadValue}. */
    public static Impairment parse(Map<String, String> values) {
        Long rate = null, delay = null, jitter = null;
        Double loss = null, dup = null, corrupt = null;
        for (Map.Entry<String, String> e : values.entrySet()) {
            String k = e.getKey(), v = e.getValue() == null ? "" : e.getValue().strip();
            switch (k) {
                case "rate" -> rate = rate(v);
                case "delay" -> delay = time(k, v);
                case "jitter" -> jitter = time(k, v);
                case "loss" -> loss = percent(k, v);
                case "duplicate" -> dup = percent(k, v);
                case "corrupt" -> corrupt = percent(k, v);
                default -> throw new BadValue(k, "unknown impairment \"" + k + "\" (known: " + String.join(", ", KEYS) + ")");
            }
        }
        if (jitter != null && delay == null) throw new BadValue("jitter", "jitter varies a delay: give a delay too (delay: 40ms, jitter: 5ms)");
        if (jitter != null && jitter > delay) throw new BadValue("jitter", "jitter " + timeText(jitter) + " is larger than the delay " + timeText(delay) + ": packets cannot leave before they are sent");
        return new Impairment(rate, delay, jitter, loss, dup, corrupt);
    }

    /** Reads {@link #words()} back. */
    public static Impairment parseWords(String words) {
        if (words.isBlank() || words.equals("none")) return NONE;
        String[] w = words.strip().split("\\s+");
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < w.length; i += 2) m.put(w[i], w[i + 1]);
        return parse(m);
    }

    /** The same, with the values of {@code other} where it has them (a run-time change over the file's). */
    public Impairment with(Impairment other) {
        return new Impairment(other.rate != null ? other.rate : rate, other.delay != null ? other.delay : delay,
                other.jitter != null ? other.jitter : jitter, other.loss != null ? other.loss : loss,
                other.duplicate != null ? other.duplicate : duplicate, other.corrupt != null ? other.corrupt : corrupt);
    }

    // ---- units: tc's words ---------------------------------------------------------------------------------

    private static final Map<String, Double> RATE_UNITS = new LinkedHashMap<>();
    static {
        RATE_UNITS.put("bit", 1.0);
        RATE_UNITS.put("kbit", 1e3);
        RATE_UNITS.put("mbit", 1e6);
        RATE_UNITS.put("gbit", 1e9);
        RATE_UNITS.put("tbit", 1e12);
        RATE_UNITS.put("kibit", 1024.0);
        RATE_UNITS.put("mibit", 1024.0 * 1024);
        RATE_UNITS.put("gibit", 1024.0 * 1024 * 1024);
        RATE_UNITS.put("bps", 8.0);
        RATE_UNITS.put("kbps", 8e3);
        RATE_UNITS.put("mbps", 8e6);
        RATE_UNITS.put("gbps", 8e9);
    }

    private static Long rate(String v) {
        String[] nu = split(v);
        Double unit = nu[1].isEmpty() ? Double.valueOf(1.0) : RATE_UNITS.get(nu[1].toLowerCase(Locale.ROOT));
        double n = number("rate", v, nu[0]);
        if (unit == null) throw new BadValue("rate", "rate \"" + v + "\": unknown unit \"" + nu[1] + "\" (use bit, kbit, mbit, gbit, or bps, kbps, mbps for bytes per second; e.g. 10mbit)");
        long bits = Math.round(n * unit);
        if (bits < 8) throw new BadValue("rate", "rate \"" + v + "\" is below 8 bit/s: give a positive rate such as 10mbit");
        return bits;
    }

    /** A time in tc's words ("60s", "500ms") in nanoseconds; {@link BadValue} names the key and the fix. */
    public static long parseTime(String key, String v) { return time(key, v); }

    private static Long time(String key, String v) {
        String[] nu = split(v);
        double n = number(key, v, nu[0]);
        long scale = switch (nu[1].toLowerCase(Locale.ROOT)) {
            case "s", "sec", "secs" -> 1_000_000_000L;
            case "ms", "msec", "msecs" -> 1_000_000L;
            case "us", "usec", "usecs" -> 1_000L;
            case "ns", "nsec", "nsecs" -> 1L;
            case "" -> throw new BadValue(key, key + " \"" + v + "\" needs a unit: s, ms, us or ns (e.g. 40ms)");
            default -> throw new BadValue(key, key + " \"" + v + "\": unknown unit \"" + nu[1] + "\" (use s, ms, us or ns; e.g. 40ms)");
        };
        return Math.round(n * scale);
    }

    private static Double percent(String key, String v) {
        String s = v.endsWith("%") ? v.substring(0, v.length() - 1) : v;
        double p = number(key, v, s.strip());
        if (p < 0 || p > 100) throw new BadValue(key, key + " " + v + " is not a percentage from 0 to 100 (e.g. 1% or 0.1%)");
        return p;
    }

    private static double number(String key, String whole, String digits) {
        try {
            double d = Double.parseDouble(digits);
            if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new BadValue(key, key + " \"" + whole + "\" is not a non-negative number with a unit (e.g. "
                    + switch (key) { case "rate" -> "10mbit"; case "delay", "jitter" -> "40ms"; case "wait" -> "60s"; default -> "1%"; } + ")");
        }
    }

    private static String[] split(String v) {
        int i = 0;
        while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) i++;
        return new String[] {v.substring(0, i), v.substring(i).strip()};
    }

    static String rateText(long bits) {
        for (String[] u : new String[][] {{"gbit", "1000000000"}, {"mbit", "1000000"}, {"kbit", "1000"}}) {
            long s = Long.parseLong(u[1]);
            if (bits % s == 0) return bits / s + u[0];
        }
        return bits + "bit";
    }

    public static String timeText(long ns) {
        if (ns % 1_000_000_000L == 0 && ns > 0) return ns / 1_000_000_000L + "s";
        if (ns % 1_000_000L == 0) return ns / 1_000_000L + "ms";
        if (ns % 1_000L == 0) return ns / 1_000L + "us";
        return ns + "ns";
    }

    public static String percentText(double p) {
        String s = java.math.BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
        return s + "%";
    }
}
