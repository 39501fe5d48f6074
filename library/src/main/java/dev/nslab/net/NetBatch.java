package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.netlink.NlRequest;
import dev.nslab.netlink.Rtnl;
import dev.nslab.sys.Libc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Many changes to one namespace, sent pipelined in a few sendmsg calls, with one outcome per change. Everything is
 * named by interface index, never by name: the caller chooses the indexes of the interfaces it creates (the kernel
 * takes a requested index when it is free), so that later changes in the same batch can name them without a lookup.
 * This is how a lab's share of a namespace costs one round trip instead of several per object. The messages are
 * the same as {@link NetHandle}'s, built by the objects' messages classes.
 */
public final class NetBatch {
    private final NetHandle handle;
    private final List<NlRequest> requests = new ArrayList<>();
    private final List<String> objects = new ArrayList<>();
    private final List<Integer> tolerated = new ArrayList<>();
    private final Map<Integer, Consumer<Link>> answers = new HashMap<>();

    NetBatch(NetHandle handle) { this.handle = handle; }

    private int add(NlRequest r, String object, int toleratedErrno) {
        requests.add(r);
        objects.add(object);
        tolerated.add(toleratedErrno);
        return requests.size() - 1;
    }

    /** A Linux bridge, up, with the given index and device group. */
    public int bridge(String name, int index, int group) {
        NetHandle.validateIfName(name);
        return add(LinkMessages.create(name, "bridge").index(index).group(group).up(true).request(), name, 0);
    }

    /**
     * A veth pair: this end up, in {@code group}, joined to {@code master} (an index, 0 for none); the peer made
     * directly in the namespace open at {@code peerNsFd} (-1: this one) with its own index and group, left down (the
     * kernel will not bring up a peer before the pair is linked).
     */
    public int veth(String name, int index, int master, int group, Integer mtu, String peer, int peerIndex, int peerNsFd, int peerGroup) {
        NetHandle.validateIfName(name);
        NetHandle.validateIfName(peer);
        NlRequest r = LinkMessages.create(name, "veth").index(index).group(group).master(master).up(true).mtu(mtu)
                .peer(peer, peerIndex, peerGroup, peerNsFd).request();
        return add(r, name + "|" + peer, 0);
    }

    /** Sets what is not null on the link {@code index}: alias, up, master (0: none), group. */
    public int setLink(int index, String name, String alias, Boolean up, Integer master, Integer group) {
        return add(LinkMessages.change(index, name, up, null, null, alias, group, master, null), name, 0);
    }

    /** An address on the link {@code index}; IPv6 without duplicate address detection. {@code tolerateExisting}: EEXIST is fine. */
    public int address(int index, String dev, Cidr cidr, boolean tolerateExisting) {
        int flags = cidr.family() == Family.INET6 ? AddressMessages.NODAD : 0;
        return add(AddressMessages.add(index, cidr, flags, null), cidr + " on " + dev, tolerateExisting ? Errno.EEXIST : 0);
    }

    /** A route of the main table; {@code oif} 0 lets the kernel find the interface from the gateway. */
    public int route(RouteSpec spec, int oif, boolean tolerateExisting) {
        return add(RouteMessages.add(spec, oif), "route to " + (spec.dst() == null ? "default" : spec.dst().network().toString()),
                tolerateExisting ? Errno.EEXIST : 0);
    }

    /**
     * Asks for the link {@code name}; {@code seen} gets the kernel's answer. Asking makes a kernel of 6.7 or later
     * first finish the link's pending carrier change (see {@code rtnl_getlink}), which a dump does not.
     */
    public int ask(String name, Consumer<Link> seen) {
        int i = add(LinkMessages.get(name), name, 0);
        answers.put(i, seen);
        return i;
    }

    /**
     * Sends every change and returns one outcome per change, in order: null where it was done (or found done, where
     * that was tolerated), the kernel's refusal, naming the object, where not. Every change is sent even when an
     * earlier one fails. The batch is empty afterwards.
     */
    public List<KernelException> execute() {
        List<KernelException> res = handle.socket().executeAll(requests, (i, m) -> {
            var seen = answers.get(i);
            if (seen != null && m.type() == Rtnl.RTM_NEWLINK) seen.accept(LinkMessages.parse(m));
        });
        List<KernelException> out = new ArrayList<>(res.size());
        for (int i = 0; i < res.size(); i++) {
            KernelException e = res.get(i);
            if (e == null || e.errno() == tolerated.get(i)) {
                out.add(null);
            } else {
                String ext = e.extAck() == null ? "" : ": " + e.extAck();
                out.add(KernelException.of(Libc.strerror(e.errno()) + " (" + objects.get(i) + ")" + ext, e.errno(), objects.get(i), e.extAck(), true));
            }
        }
        requests.clear();
        objects.clear();
        tolerated.clear();
        answers.clear();
        return out;
    }
}
