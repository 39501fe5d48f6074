package dev.nslab.net;

import dev.nslab.error.KernelException;
import dev.nslab.netlink.IfAddrMsg;
import dev.nslab.netlink.IfInfoMsg;
import dev.nslab.netlink.NlRequest;
import dev.nslab.netlink.RtMsg;
import dev.nslab.sys.Errno;
import dev.nslab.sys.Libc;

import java.util.ArrayList;
import java.util.List;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_EXCL;
import static dev.nslab.netlink.Rtnl.*;

/**
 * Many changes to one namespace, sent pipelined in a few sendmsg calls, with one outcome per change. Everything is
 * named by interface index, never by name: the caller chooses the indexes of the interfaces it creates (the kernel
 * takes a requested index when it is free), so that later changes in the same batch can name them without a lookup.
 * This is how a lab's share of a namespace costs one round trip instead of several per object.
 */
public final class NetBatch {
    private final NetHandle handle;
    private final List<NlRequest> requests = new ArrayList<>();
    private final List<String> objects = new ArrayList<>();
    private final List<Integer> tolerated = new ArrayList<>();

    NetBatch(NetHandle handle) { this.handle = handle; }

    private static NlRequest ifinfo(int type, int flags, int index, boolean up) {
        return IfInfoMsg.of(index, up ? IFF_UP : 0, up ? IFF_UP : 0).writeTo(new NlRequest(type, flags));
    }

    private int add(NlRequest r, String object, int toleratedErrno) {
        requests.add(r);
        objects.add(object);
        tolerated.add(toleratedErrno);
        return requests.size() - 1;
    }

    /** A Linux bridge, up, with the given index and device group. */
    public int bridge(String name, int index, int group) {
        NetHandle.validateIfName(name);
        NlRequest r = ifinfo(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, index, true).attrString(IFLA_IFNAME, name).attrU32(IFLA_GROUP, group);
        int info = r.beginNested(IFLA_LINKINFO);
        r.attrString(IFLA_INFO_KIND, "bridge");
        r.endNested(info);
        return add(r, name, 0);
    }

    /**
     * A veth pair: this end up, in {@code group}, joined to {@code master} (an index, 0 for none); the peer made
     * directly in the namespace open at {@code peerNsFd} (-1: this one) with its own index and group, left down (the
     * kernel will not bring up a peer before the pair is linked).
     */
    public int veth(String name, int index, int master, int group, Integer mtu, String peer, int peerIndex, int peerNsFd, int peerGroup) {
        NetHandle.validateIfName(name);
        NetHandle.validateIfName(peer);
        NlRequest r = ifinfo(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, index, true).attrString(IFLA_IFNAME, name).attrU32(IFLA_GROUP, group);
        if (master != 0) r.attrU32(IFLA_MASTER, master);
        if (mtu != null) r.attrU32(IFLA_MTU, mtu);
        int info = r.beginNested(IFLA_LINKINFO);
        r.attrString(IFLA_INFO_KIND, "veth");
        int data = r.beginNested(IFLA_INFO_DATA);
        int p = r.beginNested(VETH_INFO_PEER);
        IfInfoMsg.of(peerIndex, 0, 0).writeTo(r);
        r.attrString(IFLA_IFNAME, peer).attrU32(IFLA_GROUP, peerGroup);
        if (mtu != null) r.attrU32(IFLA_MTU, mtu);
        if (peerNsFd >= 0) r.attrU32(IFLA_NET_NS_FD, peerNsFd);
        r.endNested(p);
        r.endNested(data);
        r.endNested(info);
        return add(r, name + "|" + peer, 0);
    }

    /** Sets what is not null on the link {@code index}: alias, up, master (0: none), group. */
    public int setLink(int index, String name, String alias, Boolean up, Integer master, Integer group) {
        NlRequest r = IfInfoMsg.of(index, Boolean.TRUE.equals(up) ? IFF_UP : 0, up == null ? 0 : IFF_UP).writeTo(new NlRequest(RTM_NEWLINK, 0));
        if (alias != null) r.attrString(IFLA_IFALIAS, alias);
        if (master != null) r.attrU32(IFLA_MASTER, master);
        if (group != null) r.attrU32(IFLA_GROUP, group);
        return add(r, name, 0);
    }

    /** An address on the link {@code index}; IPv6 without duplicate address detection. {@code tolerateExisting}: EEXIST is fine. */
    public int address(int index, String dev, Cidr cidr, boolean tolerateExisting) {
        int flags = cidr.family() == Family.INET6 ? IFA_F_NODAD : 0;
        boolean loopback = cidr.address().isLoopbackAddress();
        NlRequest r = new IfAddrMsg(cidr.family().code(), cidr.prefixLength(), flags, loopback ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE, index)
                .writeTo(new NlRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL));
        byte[] raw = cidr.address().getAddress();
        r.attr(IFA_LOCAL, raw).attr(IFA_ADDRESS, raw);
        return add(r, cidr + " on " + dev, tolerateExisting ? Errno.EEXIST : 0);
    }

    /** A route of the main table; {@code oif} 0 lets the kernel find the interface from the gateway. */
    public int route(RouteSpec spec, int oif, boolean tolerateExisting) {
        int dstLen = spec.dst() == null ? 0 : spec.dst().prefixLength();
        int scope = spec.via() == null && oif != 0 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        NlRequest r = new RtMsg(spec.family().code(), dstLen, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, scope, RTN_UNICAST, 0)
                .writeTo(new NlRequest(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL));
        if (spec.dst() != null && dstLen > 0) r.attr(RTA_DST, spec.dst().network().address().getAddress());
        if (spec.via() != null) r.attr(RTA_GATEWAY, spec.via().getAddress());
        if (oif != 0) r.attrU32(RTA_OIF, oif);
        if (spec.metric() != null) r.attrU32(RTA_PRIORITY, spec.metric());
        return add(r, "route to " + (spec.dst() == null ? "default" : spec.dst().network().toString()), tolerateExisting ? Errno.EEXIST : 0);
    }

    /**
     * Sends every change and returns one outcome per change, in order: null where it was done (or found done, where
     * that was tolerated), the kernel's refusal, naming the object, where not. Every change is sent even when an
     * earlier one fails. The batch is empty afterwards.
     */
    public List<KernelException> execute() {
        List<KernelException> res = handle.socket().executeAll(requests);
        List<KernelException> out = new ArrayList<>(res.size());
        for (int i = 0; i < res.size(); i++) {
            KernelException e = res.get(i);
            if (e == null || e.errno() == tolerated.get(i)) {
                out.add(null);
            } else {
                String ext = e.extAck() == null ? "" : ": " + e.extAck();
                out.add(KernelException.of("RTNETLINK answers: " + Libc.strerror(e.errno()) + " (" + objects.get(i) + ")" + ext,
                        e.errno(), objects.get(i), null, true));
            }
        }
        requests.clear();
        objects.clear();
        tolerated.clear();
        return out;
    }
}
