package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A Linux bridge's or bridge port's extended counters (RTM_GETSTATS, the bridge's LINK_XSTATS): multicast
 * (struct br_mcast_stats, in the kernel's order: IGMP v1/v2/v3 queries, leaves, v1/v2/v3 reports by direction, RX
 * then TX, IGMP parse errors, MLD v1/v2 queries, leaves, parse errors, v1/v2 reports) and, for a port, STP (struct
 * bridge_stp_xstats: transitions to blocking and forwarding, BPDUs and TCNs received and sent). {@code parts} lists
 * what the kernel sent, in its order: "mcast", "stp".
 */
public record BridgeXstats(int index, List<String> parts, long[] mcast, long[] stp) {
    static final int RTM_NEWSTATS = 92, RTM_GETSTATS = 94;
    private static final int LINK_XSTATS = 2, LINK_XSTATS_SLAVE = 3, TYPE_BRIDGE = 1, MCAST = 2, STP = 4;

    /** The filter mask of a stats dump: the bridge's own counters, or its ports'. */
    static int filterMask(boolean ports) { return 1 << ((ports ? LINK_XSTATS_SLAVE : LINK_XSTATS) - 1); }

    /** One RTM_NEWSTATS message; null when it carries no bridge counters. */
    static BridgeXstats parse(NlMessage m, boolean ports) {
        int index = m.i32(4);
        NlAttrs a = m.attrs(12); // struct if_stats_msg
        NlAttrs xs = a.nested(ports ? LINK_XSTATS_SLAVE : LINK_XSTATS);
        NlAttrs br = xs == null ? null : xs.nested(TYPE_BRIDGE);
        if (br == null) return null;
        List<String> parts = new ArrayList<>();
        long[] mcast = null, stp = null;
        for (int type : br.types()) {
            if (type == MCAST && mcast == null) {
                mcast = longs(br.value(MCAST), 26);
                parts.add("mcast");
            } else if (type == STP && stp == null) {
                stp = longs(br.value(STP), 6);
                parts.add("stp");
            }
        }
        return new BridgeXstats(index, List.copyOf(parts), mcast, stp);
    }

    private static long[] longs(ByteBuffer b, int n) {
        b.order(ByteOrder.nativeOrder());
        long[] v = new long[n];
        for (int i = 0; i < n && b.remaining() >= 8; i++) v[i] = b.getLong();
        return v;
    }
}
