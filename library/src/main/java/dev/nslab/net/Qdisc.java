package dev.nslab.net;

import dev.nslab.netlink.NlRequest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.nslab.netlink.Rtnl.*;

/**
 * A root queueing discipline of an interface, as rtnetlink carries it: the kind and its options. Values are in the
 * kernel's units (bytes per second, nanoseconds, probabilities scaled to 2^32-1), already chosen by the caller.
 */
public sealed interface Qdisc {
    /** The kind the kernel knows it by ("tbf", "netem"). */
    String kind();

    /** Writes TCA_KIND and TCA_OPTIONS. */
    void encode(NlRequest r);

    /** The request that makes this the root discipline of interface {@code index} ({@code flags}: create, replace...). */
    default NlRequest request(int index, int flags) {
        NlRequest r = new dev.nslab.netlink.TcMsg(0, index, 0, TC_H_ROOT, 0).writeTo(new NlRequest(RTM_NEWQDISC, flags));
        encode(r);
        return r;
    }

    /** RTM_DELQDISC of interface {@code index}'s root discipline (back to the default). */
    static NlRequest deleteRoot(int index) {
        return new dev.nslab.netlink.TcMsg(0, index, 0, TC_H_ROOT, 0).writeTo(new NlRequest(RTM_DELQDISC, 0));
    }

    /** RTM_GETQDISC of every discipline (the answer holds every interface's; the caller picks {@code index}'s). */
    static NlRequest dump(int index) {
        return new dev.nslab.netlink.TcMsg(0, index, 0, 0, 0).writeTo(new NlRequest(RTM_GETQDISC, dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP));
    }

    /** A probability (0 to 100 percent) as netem wants it: scaled to 2^32-1 and rounded, as iproute2 does. */
    static int probability(double percent) { return (int) (long) Math.rint(percent / 100.0 * 4294967295.0); }

    /**
     * A token bucket: {@code rate} bytes per second, bursts of {@code burst} bytes, at most {@code limit} bytes
     * queued. The link layer is given (Ethernet), so the kernel needs no rate table.
     */
    record Tbf(long rate, int burst, int limit) implements Qdisc {
        public String kind() { return "tbf"; }

        public void encode(NlRequest r) {
            r.attrString(TCA_KIND, kind());
            int opts = r.beginNestedPlain(TCA_OPTIONS);
            ByteBuffer p = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
            ratespec(p, rate);
            ratespec(p, 0); // no peak rate
            p.putInt(limit).putInt(0).putInt(0); // limit, buffer (from TCA_TBF_BURST), mtu
            r.attr(TCA_TBF_PARMS, p.array());
            if (rate >= 1L << 32) r.attr(TCA_TBF_RATE64, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(rate).array());
            r.attrU32(TCA_TBF_BURST, burst);
            r.endNested(opts);
        }

        private static void ratespec(ByteBuffer p, long rate) {
            p.put((byte) 0).put((byte) (rate == 0 ? 0 : TC_LINKLAYER_ETHERNET)).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt((int) Math.min(rate, 0xFFFFFFFFL));
        }
    }

    /**
     * The network emulator. {@code latency}/{@code jitter} in nanoseconds, {@code loss}/{@code duplicate}/{@code corrupt}
     * as {@link #probability} values, {@code rate} in bytes per second; a null field is not sent at all.
     *
     * @param form how delays travel: in scheduler ticks inside the fixed options (what every kernel reads, and what
     *             iproute2 sent before 6.9), or as 64-bit nanoseconds (iproute2 6.9 and later)
     */
    record Netem(Long latency, Long jitter, Integer loss, Integer duplicate, Integer corrupt, Long rate, int limit, Form form) implements Qdisc {
        public enum Form { TICKS, NS64 }

        /** Ticks of the packet scheduler per microsecond: its clock counts 64 ns (PSCHED_SHIFT). */
        private static final double TICKS_PER_USEC = 1000.0 / 64;

        public String kind() { return "netem"; }

        /** Delay in ticks, truncated twice as iproute2 does (to whole microseconds, then to whole ticks). */
        public static long ticks(long ns) { return (long) ((double) (ns / 1000) * TICKS_PER_USEC); }

        /** Whether the delays fit the fixed options' 32-bit tick counts. */
        public boolean fitsTicks() {
            return (latency == null || ticks(latency) < 1L << 32) && (jitter == null || ticks(jitter) < 1L << 32);
        }

        public void encode(NlRequest r) {
            r.attrString(TCA_KIND, kind());
            int opts = r.beginNestedPlain(TCA_OPTIONS);
            boolean ticks = form == Form.TICKS;
            ByteBuffer q = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
            q.putInt(ticks && latency != null ? (int) ticks(latency) : 0).putInt(limit).putInt(loss == null ? 0 : loss).putInt(0)
                    .putInt(duplicate == null ? 0 : duplicate).putInt(ticks && jitter != null ? (int) ticks(jitter) : 0);
            r.bytes(q.array());
            if (!ticks && latency != null) r.attr(TCA_NETEM_LATENCY64, le64(latency));
            if (!ticks && jitter != null) r.attr(TCA_NETEM_JITTER64, le64(jitter));
            if (corrupt != null) {
                r.attr(TCA_NETEM_CORRUPT, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(corrupt).putInt(0).array());
            }
            if (rate != null) {
                if (rate >= 1L << 32) r.attr(TCA_NETEM_RATE64, le64(rate));
                r.attr(TCA_NETEM_RATE, ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                        .putInt(rate >= 1L << 32 ? -1 : (int) (long) rate).putInt(0).putInt(0).putInt(0).array());
            }
            r.endNested(opts);
        }

        private static byte[] le64(long v) { return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array(); }
    }
}
