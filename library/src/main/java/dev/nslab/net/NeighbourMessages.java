package dev.nslab.net;

import dev.nslab.netlink.NdMsg;
import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import java.net.InetAddress;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_EXCL;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_REPLACE;
import static dev.nslab.netlink.Rtnl.*;

/** The rtnetlink messages of neighbour entries (ARP and NDP). Pure. */
public final class NeighbourMessages {
    private NeighbourMessages() {}

    /** RTM_NEWNEIGH: {@code dst} on interface {@code index}, link-layer address {@code lladdr} (or null), NUD {@code state}. */
    public static NlRequest add(int index, InetAddress dst, byte[] lladdr, int state, boolean replace) {
        return add(index, dst, lladdr, state, replace, false);
    }

    /** The same, or ({@code proxy}) a proxy entry: the namespace answers for {@code dst} on that interface. */
    public static NlRequest add(int index, InetAddress dst, byte[] lladdr, int state, boolean replace, boolean proxy) {
        return set(index, dst, lladdr, state, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL), proxy ? NTF_PROXY : 0, null);
    }

    /** Neighbour flags (ndm_flags) ip neigh add may give: {@code router}, {@code use}, {@code extern_learn}. */
    public static final int NTF_USE = 0x01, NTF_EXT_LEARNED = 0x10, NTF_ROUTER = 0x80;
    private static final int NDA_PROTOCOL = 12;

    /**
     * RTM_NEWNEIGH with the netlink flags of ip's verb ({@code nlFlags}: add, change or replace), neighbour flags
     * ({@code ntfFlags}) and a protocol (null: none).
     */
    public static NlRequest set(int index, InetAddress dst, byte[] lladdr, int state, int nlFlags, int ntfFlags, Integer protocol) {
        NlRequest r = new NdMsg(Cidr.family(dst).code(), index, state, ntfFlags, 0).writeTo(new NlRequest(RTM_NEWNEIGH, nlFlags));
        r.attr(NDA_DST, dst.getAddress());
        if (lladdr != null) r.attr(NDA_LLADDR, lladdr);
        if (protocol != null) r.attrU8(NDA_PROTOCOL, protocol);
        return r;
    }

    /** RTM_GETNEIGH of one entry ({@code ip neigh get}). */
    public static NlRequest get(int index, InetAddress dst, boolean proxy) {
        return new NdMsg(Cidr.family(dst).code(), index, 0, proxy ? NTF_PROXY : 0, 0).writeTo(new NlRequest(RTM_GETNEIGH, 0)).attr(NDA_DST, dst.getAddress());
    }

    public static NlRequest delete(int index, InetAddress dst, boolean proxy) {
        return new NdMsg(Cidr.family(dst).code(), index, 0, proxy ? NTF_PROXY : 0, 0).writeTo(new NlRequest(RTM_DELNEIGH, 0)).attr(NDA_DST, dst.getAddress());
    }

    /** The neighbour table, or ({@code proxy}) the proxy entries, which a dump lists only when asked with NTF_PROXY. */
    public static NlRequest dump(Family family, boolean proxy) {
        return new NdMsg(Family.codeOf(family), 0, 0, proxy ? NTF_PROXY : 0, 0).writeTo(new NlRequest(RTM_GETNEIGH, NLM_F_DUMP));
    }

    /** An RTM_NEWNEIGH answer; null for a family nslab does not know or an entry without an address. */
    public static Neighbour parse(NlMessage m) {
        NdMsg h = NdMsg.read(m);
        Family fam = Family.of(h.family());
        NlAttrs a = m.attrs(NdMsg.LEN);
        if (fam == null || !a.has(NDA_DST)) return null;
        java.nio.ByteBuffer ci = a.value(NDA_CACHEINFO);
        Neighbour.Cache cache = ci == null || ci.remaining() < 16 ? null : new Neighbour.Cache(Integer.toUnsignedLong(ci.getInt(0)),
                Integer.toUnsignedLong(ci.getInt(4)), Integer.toUnsignedLong(ci.getInt(8)), Integer.toUnsignedLong(ci.getInt(12)));
        Integer probes = a.has(NDA_PROBES) ? a.u32(NDA_PROBES, 0) : null;
        return new Neighbour(fam, Cidr.fromBytes(a.bytes(NDA_DST)), h.index(), a.bytes(NDA_LLADDR), h.state(), h.flags(), cache, probes,
                a.u8(NDA_PROTOCOL, 0));
    }
}
