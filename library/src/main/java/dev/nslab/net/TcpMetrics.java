package dev.nslab.net;

import dev.nslab.error.KernelException;
import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A namespace's TCP metrics cache (the kernel's generic netlink family "tcp_metrics"): what TCP remembers per
 * destination (and source) after a connection closes (RTT, congestion window, slow-start threshold), as {@code ip
 * tcp_metrics} shows and removes it.
 */
public final class TcpMetrics implements AutoCloseable {
    public static final String FAMILY = "tcp_metrics";

    private static final int VERSION = 1, GENL_HEADER = 4, CMD_GET = 1, CMD_DEL = 2;
    private static final int ADDR_IPV4 = 1, ADDR_IPV6 = 2, AGE = 3, TW_TSVAL = 4, TW_TS_STAMP = 5, VALS = 6, FOPEN_MSS = 7,
            FOPEN_SYN_DROPS = 8, FOPEN_SYN_DROP_TS = 9, FOPEN_COOKIE = 10, SADDR_IPV4 = 11, SADDR_IPV6 = 12;

    /** The metrics' indexes (tcp_metric_index): a value's attribute type is its index plus one. */
    public static final int RTT = 0, RTTVAR = 1, SSTHRESH = 2, CWND = 3, REORDERING = 4, RTT_US = 5, RTTVAR_US = 6;

    /**
     * One entry. Null where the kernel did not say: {@code age} in milliseconds, {@code twTsval}/{@code twTsStamp}
     * the TIME-WAIT timestamp, {@code metrics} by index (unsigned 32-bit values), the Fast Open fields, the source.
     */
    public record Entry(InetAddress dst, Long age, Long twTsval, Integer twTsStamp, Map<Integer, Long> metrics, Integer fopenMss,
                        Integer fopenSynDrops, Long fopenSynDropTs, byte[] fopenCookie, InetAddress src) { }

    private final GenlFamily genl;

    private TcpMetrics(GenlFamily genl) { this.genl = genl; }

    /** The cache of {@code ns}; ENOENT's {@link KernelException} where the kernel has no such family. */
    public static TcpMetrics open(Namespaces registry, NsRef ns) { return new TcpMetrics(GenlFamily.open(registry, ns, FAMILY, VERSION)); }

    /** Every entry, in the kernel's order. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (NlMessage m : genl.nl.dump(genl.request(CMD_GET, NetlinkSocket.NLM_F_DUMP))) {
            if (m.type() != genl.id || m.u8(0) != CMD_GET) continue;
            Entry e = entry(m.attrs(GENL_HEADER));
            if (e != null) out.add(e);
        }
        return out;
    }

    /** The entry of a destination (and source, when given); the kernel's ESRCH where there is none. */
    public Entry get(InetAddress dst, InetAddress src) { return entry(genl.nl.request(addressed(CMD_GET, dst, src)).attrs(GENL_HEADER)); }

    /** Removes the entry of a destination (and source); every entry when {@code dst} is null. */
    public void delete(InetAddress dst, InetAddress src) { genl.nl.execute(addressed(CMD_DEL, dst, src)); }

    /** Removes each entry, as one pipelined round; one result per entry (null: removed). */
    public List<KernelException> deleteAll(List<Entry> entries) {
        List<NlRequest> rs = new ArrayList<>();
        for (Entry e : entries) rs.add(addressed(CMD_DEL, e.dst(), e.src()));
        return genl.nl.executeAll(rs);
    }

    private NlRequest addressed(int cmd, InetAddress dst, InetAddress src) {
        NlRequest r = genl.request(cmd, 0);
        if (dst != null) r.attr(dst.getAddress().length == 4 ? ADDR_IPV4 : ADDR_IPV6, dst.getAddress());
        if (src != null) r.attr(src.getAddress().length == 4 ? SADDR_IPV4 : SADDR_IPV6, src.getAddress());
        return r;
    }

    private static Entry entry(NlAttrs a) {
        InetAddress dst = address(a, ADDR_IPV4, ADDR_IPV6);
        if (dst == null) return null;
        Map<Integer, Long> metrics = new TreeMap<>();
        NlAttrs vals = a.nested(VALS);
        if (vals != null) for (int t : vals.types()) metrics.put(t - 1, Integer.toUnsignedLong(vals.u32(t, 0)));
        return new Entry(dst, a.has(AGE) ? a.u64(AGE, 0) : null, a.has(TW_TS_STAMP) ? Integer.toUnsignedLong(a.u32(TW_TSVAL, 0)) : null,
                a.has(TW_TS_STAMP) ? a.u32(TW_TS_STAMP, 0) : null, metrics, a.has(FOPEN_MSS) ? a.u16(FOPEN_MSS, 0) : null,
                a.has(FOPEN_SYN_DROPS) ? a.u16(FOPEN_SYN_DROPS, 0) : null, a.has(FOPEN_SYN_DROPS) ? a.u64(FOPEN_SYN_DROP_TS, 0) : null,
                a.bytes(FOPEN_COOKIE), address(a, SADDR_IPV4, SADDR_IPV6));
    }

    private static InetAddress address(NlAttrs a, int v4, int v6) {
        byte[] b = a.has(v4) ? a.bytes(v4) : a.bytes(v6);
        if (b == null || (b.length != 4 && b.length != 16)) return null;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() { genl.close(); }

}
