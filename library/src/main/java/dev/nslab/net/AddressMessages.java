package dev.nslab.net;

import dev.nslab.netlink.IfAddrMsg;
import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_EXCL;
import static dev.nslab.netlink.Rtnl.*;

/**
 * The rtnetlink messages of addresses, built once for {@link NetHandle} and {@link NetBatch}. The scope rule is
 * iproute2's: a loopback address is of host scope, every other of global scope. Pure.
 */
public final class AddressMessages {
    private AddressMessages() {}

    /** IPv6 without duplicate address detection: usable at once ({@code ip address add ... nodad}). */
    public static final int NODAD = IFA_F_NODAD;
    /** The flags ip address add may set besides nodad and noprefixroute: IPv6's optimistic, home, mngtmpaddr; autojoin. */
    public static final int OPTIMISTIC = 0x04, HOME = 0x10, MANAGE_TEMP_ADDR = 0x100, MC_AUTOJOIN = 0x400;
    private static final int IFA_ANYCAST = 5, IFA_RT_PRIORITY = 9;

    /** RTM_NEWADDR: {@code cidr} on interface {@code index}, with {@code flags} (IFA_F_*) and an IPv4 broadcast (or null). */
    public static NlRequest add(int index, Cidr cidr, int flags, InetAddress broadcast) {
        return message(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, index, cidr, flags, broadcast);
    }

    /** RTM_NEWADDR of {@code spec} on interface {@code index}, added, changed or replaced as {@code verb} says. */
    public static NlRequest change(int index, AddressSpec spec, AddressSpec.Verb verb) {
        Cidr cidr = spec.cidr();
        int flags = (spec.nodad() && cidr.family() == Family.INET6 ? IFA_F_NODAD : 0) | (spec.noPrefixRoute() ? IFA_F_NOPREFIXROUTE : 0)
                | spec.flags();
        NlRequest r = message(RTM_NEWADDR, verb.nlFlags, index, cidr, flags, spec.broadcast(), spec.scope(), spec.peer());
        if (spec.anycast() != null) r.attr(IFA_ANYCAST, spec.anycast().getAddress());
        if (spec.metric() != null) r.attrU32(IFA_RT_PRIORITY, (int) (long) spec.metric());
        if (spec.label() != null) r.attrString(IFA_LABEL, spec.label());
        if (spec.preferredLft() != null || spec.validLft() != null) {
            // struct ifa_cacheinfo: preferred, valid (0xffffffff: forever), then two stamps the kernel fills in
            ByteBuffer ci = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            ci.putInt((int) (spec.preferredLft() == null ? FOREVER : spec.preferredLft()));
            ci.putInt((int) (spec.validLft() == null ? FOREVER : spec.validLft()));
            r.attr(IFA_CACHEINFO, ci.array());
        }
        return r;
    }

    /** A lifetime of "forever" in ifa_cacheinfo. */
    public static final long FOREVER = 0xffff_ffffL;

    /** RTM_DELADDR of {@code cidr} on interface {@code index}. */
    public static NlRequest delete(int index, Cidr cidr) { return delete(index, cidr, null); }

    /** RTM_DELADDR of local address {@code cidr} with peer {@code peer} (null: none) on interface {@code index}. */
    public static NlRequest delete(int index, Cidr cidr, Cidr peer) { return message(RTM_DELADDR, 0, index, cidr, 0, null, null, peer); }

    private static NlRequest message(int type, int nlFlags, int index, Cidr cidr, int flags, InetAddress broadcast) {
        return message(type, nlFlags, index, cidr, flags, broadcast, null, null);
    }

    /** An address message: a point-to-point address's peer (IFA_ADDRESS) gives the prefix length, as with ip. */
    private static NlRequest message(int type, int nlFlags, int index, Cidr cidr, int flags, InetAddress broadcast, Integer scope, Cidr peer) {
        boolean loopback = cidr.address().isLoopbackAddress();
        int sc = scope != null ? scope : loopback ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
        NlRequest r = new IfAddrMsg(cidr.family().code(), peer != null ? peer.prefixLength() : cidr.prefixLength(), flags & 0xff, sc, index)
                .writeTo(new NlRequest(type, nlFlags));
        byte[] raw = cidr.address().getAddress();
        r.attr(IFA_LOCAL, raw).attr(IFA_ADDRESS, peer != null ? peer.address().getAddress() : raw);
        if (broadcast != null) r.attr(IFA_BROADCAST, broadcast.getAddress());
        if (flags > 0xff) r.attrU32(IFA_FLAGS, flags); // the header has room for the first eight only
        return r;
    }

    /** RTM_GETADDR of every address of one family (null: all). */
    public static NlRequest dump(Family family) {
        return new IfAddrMsg(Family.codeOf(family), 0, 0, 0, 0).writeTo(new NlRequest(RTM_GETADDR, NLM_F_DUMP));
    }

    /** An RTM_NEWADDR answer read as an {@link IfAddress}; null for a family nslab does not know. */
    public static IfAddress parse(NlMessage m) {
        IfAddrMsg h = IfAddrMsg.read(m);
        Family fam = Family.of(h.family());
        if (fam == null) return null;
        NlAttrs a = m.attrs(IfAddrMsg.LEN);
        byte[] local = a.has(IFA_LOCAL) ? a.bytes(IFA_LOCAL) : a.bytes(IFA_ADDRESS);
        byte[] address = a.bytes(IFA_ADDRESS);
        InetAddress peer = null;
        if (a.has(IFA_LOCAL) && address != null && !java.util.Arrays.equals(local, address)) peer = Cidr.fromBytes(address);
        long valid = IfAddress.FOREVER, preferred = IfAddress.FOREVER;
        ByteBuffer ci = a.value(IFA_CACHEINFO);
        if (ci != null && ci.remaining() >= 8) {
            preferred = Integer.toUnsignedLong(ci.getInt(0));
            valid = Integer.toUnsignedLong(ci.getInt(4));
        }
        return new IfAddress(fam, Cidr.fromBytes(local), h.prefixLen(), h.scope(), a.u32(IFA_FLAGS, h.flags()), h.index(),
                a.string(IFA_LABEL), a.has(IFA_BROADCAST) ? Cidr.fromBytes(a.bytes(IFA_BROADCAST)) : null, peer, valid, preferred,
                a.has(IFA_RT_PRIORITY) ? Integer.toUnsignedLong(a.u32(IFA_RT_PRIORITY, 0)) : null,
                a.has(IFA_ANYCAST) ? Cidr.fromBytes(a.bytes(IFA_ANYCAST)) : null);
    }
}
