package dev.nslab.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A link's counters as the kernel keeps them (struct rtnl_link_stats64, IFLA_STATS64), in the kernel's order, and
 * how often its carrier changed ({@code carrierChanges} null when the kernel does not say). Fields a kernel too old
 * to send are zero.
 */
public record LinkStats(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxErrors, long txErrors,
                        long rxDropped, long txDropped, long multicast, long collisions, long rxLengthErrors,
                        long rxOverErrors, long rxCrcErrors, long rxFrameErrors, long rxFifoErrors, long rxMissedErrors,
                        long txAbortedErrors, long txCarrierErrors, long txFifoErrors, long txHeartbeatErrors,
                        long txWindowErrors, long rxCompressed, long txCompressed, long rxNohandler,
                        long rxOtherhostDropped, Long carrierChanges) {

    static LinkStats parse(byte[] raw, Long carrierChanges) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        long[] v = new long[25];
        for (int i = 0; i < v.length && b.remaining() >= 8; i++) v[i] = b.getLong();
        return new LinkStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14],
                v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23], v[24], carrierChanges);
    }
}
