package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_REPLACE;

/**
 * One of the kernel's neighbour tables (ARP's "arp_cache", IPv6's "ndisc_cache") as rtnetlink shows it
 * ({@code ip ntable}): the table's own thresholds, held once for the whole machine, or (with {@code ifindex}) one
 * interface's parameters, which are the namespace's own.
 *
 * @param family     the address family's kernel number (2, 10)
 * @param thresholds NDTA_THRESH1..3 and NDTA_GC_INTERVAL by number, where given
 * @param ifindex    the interface the parameters are of, or null for the table's defaults
 * @param parameters NDTPA_* values by number, in the kernel's order (each a u32 or a u64 of milliseconds)
 * @param config     struct ndt_config's fields in order, or null where not given
 * @param stats      struct ndt_stats's counters in order, or null where not given
 */
public record NeighbourTable(int family, String name, Map<Integer, Long> thresholds, Integer ifindex, Map<Integer, Long> parameters,
                             long[] config, long[] stats) {
    public static final int THRESH1 = 2, THRESH2 = 3, THRESH3 = 4, GC_INTERVAL = 8;
    private static final int NAME = 1, CONFIG = 5, PARMS = 6, STATS = 7;
    /** NDTPA_IFINDEX; the parameters after it are numbered 2 (refcnt) to 19. */
    public static final int IFINDEX = 1;
    /** The parameters the kernel gives as u64 (milliseconds); the others are u32. */
    private static final java.util.Set<Integer> U64_PARAMETERS = java.util.Set.of(3, 4, 5, 6, 7, 12, 13, 15, 19);

    /** Whether the kernel takes parameter {@code parameter} (or, {@code threshold}, the table's own value) as a u64. */
    public static boolean wide(int number, boolean threshold) { return threshold ? number == GC_INTERVAL : U64_PARAMETERS.contains(number); }
    static final int RTM_NEWNEIGHTBL = 64, RTM_GETNEIGHTBL = 66, RTM_SETNEIGHTBL = 67;

    /** RTM_GETNEIGHTBL of every table and interface, of one family (0: all). */
    static NlRequest dump(int family) { return new NlRequest(RTM_GETNEIGHTBL, NLM_F_DUMP).u8(family).u8(0).u16(0); }

    static NeighbourTable parse(NlMessage m) {
        NlAttrs a = m.attrs(4);
        Map<Integer, Long> thresholds = new LinkedHashMap<>();
        for (int t : new int[] {THRESH1, THRESH2, THRESH3}) if (a.has(t)) thresholds.put(t, Integer.toUnsignedLong(a.u32(t, 0)));
        if (a.has(GC_INTERVAL)) thresholds.put(GC_INTERVAL, a.u64(GC_INTERVAL, 0));
        Integer ifindex = null;
        Map<Integer, Long> parameters = new LinkedHashMap<>();
        if (a.has(PARMS)) {
            NlAttrs p = a.nested(PARMS);
            if (p.has(IFINDEX)) ifindex = p.u32(IFINDEX, 0);
            for (int t = 2; t <= 19; t++) {
                if (t == 18 || !p.has(t)) continue; // NDTPA_PAD
                parameters.put(t, wide(t, false) ? p.u64(t, 0) : Integer.toUnsignedLong(p.u32(t, 0)));
            }
        }
        long[] config = null, stats = null;
        ByteBuffer c = a.value(CONFIG);
        if (c != null && c.remaining() >= 32) {
            config = new long[] {Short.toUnsignedLong(c.getShort(0)), Short.toUnsignedLong(c.getShort(2)), Integer.toUnsignedLong(c.getInt(4)),
                    Integer.toUnsignedLong(c.getInt(8)), Integer.toUnsignedLong(c.getInt(12)), Integer.toUnsignedLong(c.getInt(16)),
                    Integer.toUnsignedLong(c.getInt(20)), Integer.toUnsignedLong(c.getInt(24)), Integer.toUnsignedLong(c.getInt(28))};
        }
        ByteBuffer s = a.value(STATS);
        if (s != null && s.remaining() >= 88) {
            stats = new long[11];
            for (int i = 0; i < 11; i++) stats[i] = s.getLong(i * 8);
        }
        return new NeighbourTable(m.u8(0), a.string(NAME), Collections.unmodifiableMap(thresholds), ifindex,
                Collections.unmodifiableMap(parameters), config, stats);
    }

    /**
     * RTM_SETNEIGHTBL of table {@code name} in {@code family} (0: the one of that name): {@code thresholds} (the whole
     * machine's) and, for interface {@code ifindex} (null: the table's defaults), {@code parameters} by number.
     */
    static NlRequest change(int family, String name, Map<Integer, Long> thresholds, Integer ifindex, Map<Integer, Long> parameters) {
        NlRequest r = new NlRequest(RTM_SETNEIGHTBL, NLM_F_REPLACE).u8(family).u8(0).u16(0).attrString(NAME, name);
        thresholds.forEach((t, v) -> {
            if (wide(t, true)) r.attr(t, u64(v));
            else r.attrU32(t, (int) (long) v);
        });
        if (ifindex != null || !parameters.isEmpty()) {
            int mark = r.beginNestedPlain(PARMS);
            if (ifindex != null) r.attrU32(IFINDEX, ifindex);
            parameters.forEach((t, v) -> {
                if (wide(t, false)) r.attr(t, u64(v));
                else r.attrU32(t, (int) (long) v);
            });
            r.endNested(mark);
        }
        return r;
    }

    private static byte[] u64(long v) { return ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder()).putLong(v).array(); }
}
