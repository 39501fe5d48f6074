package dev.nslab.net;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A route's metrics (RTA_METRICS): values by their RTAX_* number in the order given (the kernel lists them by number),
 * the ones locked (RTAX_LOCK's bit per number: the kernel keeps them as they are), and the congestion control
 * algorithm by name (RTAX_CC_ALGO). Times are the kernel's: RTT in eighths, RTT variance in quarters of a millisecond.
 */
public record RouteMetrics(Map<Integer, Long> values, int lock, String congctl) {
    public static final int LOCK = 1, MTU = 2, WINDOW = 3, RTT = 4, RTTVAR = 5, SSTHRESH = 6, CWND = 7, ADVMSS = 8, REORDERING = 9,
            HOPLIMIT = 10, INITCWND = 11, FEATURES = 12, RTO_MIN = 13, INITRWND = 14, QUICKACK = 15, CC_ALGO = 16, FASTOPEN_NO_COOKIE = 17,
            MAX = 17;
    /** RTAX_FEATURES' bit for explicit congestion notification. */
    public static final long FEATURE_ECN = 1;
    public static final RouteMetrics NONE = new RouteMetrics(Map.of(), 0, null);

    public RouteMetrics { values = Collections.unmodifiableMap(new LinkedHashMap<>(values)); }

    public boolean isEmpty() { return values.isEmpty() && lock == 0 && congctl == null; }

    /** These metrics with {@code rtax} set to {@code value}. */
    public RouteMetrics with(int rtax, long value) {
        Map<Integer, Long> v = new LinkedHashMap<>(values);
        v.put(rtax, value);
        return new RouteMetrics(v, lock, congctl);
    }

    /** These metrics with {@code rtax} locked. */
    public RouteMetrics locked(int rtax) { return new RouteMetrics(values, lock | 1 << rtax, congctl); }

    public RouteMetrics congctl(String algorithm) { return new RouteMetrics(values, lock, algorithm); }

    public boolean isLocked(int rtax) { return (lock & 1 << rtax) != 0; }

    /** The value of {@code rtax}, or -1 where it is not set. */
    public long value(int rtax) { return values.getOrDefault(rtax, -1L); }
}
