package dev.nslab.net;

import dev.nslab.netlink.NlRequest;
import dev.nslab.netlink.RtMsg;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;

import static dev.nslab.netlink.Rtnl.RTA_DST;
import static dev.nslab.netlink.Rtnl.RTA_OIF;
import static dev.nslab.netlink.Rtnl.RTA_PRIORITY;
import static dev.nslab.netlink.Rtnl.RTA_TABLE;
import static dev.nslab.netlink.Rtnl.RTM_DELROUTE;
import static dev.nslab.netlink.Rtnl.RTM_NEWROUTE;

/**
 * A route of the MPLS family ({@code ip -f mpls route add LABEL [as LABEL/...] via inet|inet6 ADDR dev DEV}): packets
 * with incoming label {@code label} get their label replaced by {@code outLabels} (none: popped) and go to {@code via}
 * on device index {@code oif}. The kernel keeps these only with its mpls_router module (and a non-zero
 * net.mpls.platform_labels); without it, it refuses them (EOPNOTSUPP).
 */
public record MplsRoute(int label, List<Integer> outLabels, InetAddress via, int oif, Integer protocol, Integer table, Integer metric) {
    public static final int AF_MPLS = 28;
    private static final int RTA_NEWDST = 19, RTA_VIA = 18;
    private static final int RT_TABLE_MAIN = 254, RTPROT_BOOT = 3, RT_SCOPE_UNIVERSE = 0, RTN_UNICAST = 1;

    /** A label stack as the kernel reads it: 4 bytes each, big-endian, the label in the top 20 bits, the bottom one marked. */
    public static byte[] stack(List<Integer> labels) {
        ByteBuffer b = ByteBuffer.allocate(4 * labels.size());
        for (int i = 0; i < labels.size(); i++) b.putInt(labels.get(i) << 12 | (i == labels.size() - 1 ? 1 << 8 : 0));
        return b.array();
    }

    /** The request that adds ({@code nlFlags} of a {@link RouteSpec.Verb}) or, with {@code delete}, removes this route, as ip builds it. */
    public NlRequest request(boolean delete, int nlFlags) {
        int table = this.table == null ? RT_TABLE_MAIN : this.table;
        int protocol = this.protocol != null ? this.protocol : delete ? 0 : RTPROT_BOOT;
        NlRequest r = new RtMsg(AF_MPLS, 20, 0, 0, table < 256 ? table : 0, protocol, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0)
                .writeTo(new NlRequest(delete ? RTM_DELROUTE : RTM_NEWROUTE, nlFlags));
        r.attr(RTA_DST, stack(List.of(label)));
        if (!outLabels.isEmpty()) r.attr(RTA_NEWDST, stack(outLabels));
        if (via != null) {
            byte[] a = via.getAddress();
            ByteBuffer v = ByteBuffer.allocate(2 + a.length).order(java.nio.ByteOrder.nativeOrder());
            v.putShort((short) (a.length == 4 ? 2 : 10)).put(a);
            r.attr(RTA_VIA, v.array());
        }
        if (table >= 256) r.attrU32(RTA_TABLE, table);
        if (metric != null) r.attrU32(RTA_PRIORITY, metric);
        if (oif != 0) r.attrU32(RTA_OIF, oif);
        return r;
    }
}
