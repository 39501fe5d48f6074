package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_EXCL;
import static dev.nslab.netlink.Rtnl.*;

/** The rtnetlink messages of nexthop objects (struct nhmsg and the NHA_* attributes), in the order ip sends them. Pure. */
public final class NexthopMessages {
    private NexthopMessages() {}

    private static final int NLM_F_REPLACE = 0x100;

    /** RTM_NEWNEXTHOP: a new nexthop, or ({@code replace}) one that takes the place of the one with its id. */
    public static NlRequest add(Nexthop n, boolean replace) {
        NlRequest r = header(new NlRequest(RTM_NEWNEXTHOP, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL)), n.family(), n.protocol(), n.flags());
        if (n.id() != 0) r.attrU32(NHA_ID, n.id());
        if (n.gateway() != null) r.attr(NHA_GATEWAY, n.gateway().getAddress()); // "via GW dev DEV": ip's order
        if (n.oif() != 0) r.attrU32(NHA_OIF, n.oif());
        if (n.blackhole()) r.attr(NHA_BLACKHOLE, new byte[0]);
        if (n.fdb()) r.attr(NHA_FDB, new byte[0]);
        if (n.isGroup()) {
            // struct nexthop_grp: id, weight less one (low byte, then high byte), reserved
            ByteBuffer g = ByteBuffer.allocate(8 * n.group().size()).order(ByteOrder.nativeOrder());
            for (Nexthop.Member m : n.group()) g.putInt(m.id()).put((byte) (m.weight() - 1)).put((byte) ((m.weight() - 1) >> 8)).putShort((short) 0);
            r.attr(NHA_GROUP, g.array());
            if (n.groupType() != 0) r.attrU16(NHA_GROUP_TYPE, n.groupType());
        }
        return r;
    }

    /** RTM_DELNEXTHOP of nexthop {@code id}. */
    public static NlRequest delete(int id) { return header(new NlRequest(RTM_DELNEXTHOP, 0), null, 0, 0).attrU32(NHA_ID, id); }

    /** RTM_GETNEXTHOP of nexthop {@code id}. */
    public static NlRequest get(int id) { return header(new NlRequest(RTM_GETNEXTHOP, 0), null, 0, 0).attrU32(NHA_ID, id); }

    /** RTM_GETNEXTHOP of every nexthop, filtered by the kernel: of device {@code oif} (0: any), groups only, fdb ones only. */
    public static NlRequest dump(Family family, int oif, boolean groups, boolean fdb) {
        NlRequest r = header(new NlRequest(RTM_GETNEXTHOP, NLM_F_DUMP), family, 0, 0);
        if (oif != 0) r.attrU32(NHA_OIF, oif);
        if (groups) r.attr(NHA_GROUPS, new byte[0]);
        if (fdb) r.attr(NHA_FDB, new byte[0]);
        return r;
    }

    private static NlRequest header(NlRequest r, Family family, int protocol, int flags) {
        return r.u8(family == null ? 0 : family.code()).u8(0).u8(protocol).u8(0).u32(flags);
    }

    /** An RTM_NEWNEXTHOP answer read as a {@link Nexthop}. */
    public static Nexthop parse(NlMessage m) {
        NlAttrs a = m.attrs(NHMSG_LEN);
        List<Nexthop.Member> group = new ArrayList<>();
        ByteBuffer g = a.value(NHA_GROUP);
        boolean high = (a.u32(NHA_OP_FLAGS, 0) & NHA_OP_FLAG_RESP_GRP_RESVD_0) != 0;
        if (g != null) {
            g = g.slice().order(ByteOrder.nativeOrder());
            for (int at = 0; at + 8 <= g.limit(); at += 8) {
                int w = Byte.toUnsignedInt(g.get(at + 4)) | (high ? Byte.toUnsignedInt(g.get(at + 5)) << 8 : 0);
                group.add(new Nexthop.Member(g.getInt(at), w + 1));
            }
        }
        byte[] gw = a.bytes(NHA_GATEWAY);
        return new Nexthop(a.u32(NHA_ID, 0), Family.of(m.u8(0)), gw == null ? null : Cidr.fromBytes(gw), a.u32(NHA_OIF, 0),
                a.has(NHA_BLACKHOLE), a.has(NHA_FDB), m.i32(4), m.u8(2), m.u8(1), group, a.u16(NHA_GROUP_TYPE, 0));
    }
}
