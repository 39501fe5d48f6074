package dev.nslab.net;

import dev.nslab.error.KernelException;
import dev.nslab.netlink.IfAddrMsg;
import dev.nslab.netlink.IfInfoMsg;
import dev.nslab.netlink.NdMsg;
import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.RtGenMsg;
import dev.nslab.netlink.RtMsg;
import dev.nslab.netlink.TcMsg;
import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;
import dev.nslab.sys.Errno;
import dev.nslab.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_EXCL;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_REPLACE;
import static dev.nslab.netlink.Rtnl.*;

/**
 * Links, addresses, routes and namespace ids of one network namespace, through an rtnetlink socket opened
 * inside it. One method per kernel operation; errors come back as {@link KernelException} naming the object.
 * Not thread-safe; cheap to keep open for many operations.
 */
public final class NetHandle implements AutoCloseable {
    private final NetlinkSocket nl;
    private final Namespaces registry;
    private final NsRef ns;

    private NetHandle(NetlinkSocket nl, Namespaces registry, NsRef ns) {
        this.nl = nl;
        this.registry = registry;
        this.ns = ns;
    }

    /** Opens a handle in {@code ns}; the socket stays bound to that namespace for its life. */
    public static NetHandle open(Namespaces registry, NsRef ns) {
        NetlinkSocket s = registry.call(ns, () -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE));
        return new NetHandle(s, registry, ns);
    }

    public NsRef namespace() { return ns; }

    public Namespaces registry() { return registry; }

    private int nsFd = -1;

    @Override public void close() {
        nl.close();
        Libc.close(nsFd);
        nsFd = -1;
    }

    NetlinkSocket socket() { return nl; }

    /** Changes to this namespace sent together ({@link NetBatch}). */
    public NetBatch batch() { return new NetBatch(this); }

    private static final long SIOCGSKNS = 0x894C;

    /**
     * A descriptor of this handle's namespace, owned by the handle (IFLA_NET_NS_FD for a peer made here from
     * elsewhere). Asked of the socket itself (SIOCGSKNS), so no path is looked up: opening /run/netns/NAME costs a walk
     * through every mount there, which adds up over a thousand namespaces.
     */
    public int namespaceFd() {
        if (nsFd < 0) nsFd = Libc.ioctlValue(nl.fd(), SIOCGSKNS, ns.toString());
        return nsFd;
    }

    // ---- queueing disciplines ------------------------------------------------------------------------------

    /** Makes {@code q} the root discipline of {@code dev}, in place of whatever was there. */
    public void replaceRootQdisc(String dev, Qdisc q) {
        try {
            nl.execute(q.request(link(dev).index(), NLM_F_CREATE | NLM_F_REPLACE));
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT) {
                throw KernelException.of("Error: this kernel has no " + q.kind() + " queueing discipline (CONFIG_NET_SCH_"
                        + q.kind().toUpperCase() + ")", e.errno(), dev, e.extAck(), true);
            }
            throw e;
        }
    }

    /** Removes the root discipline of {@code dev} (back to the default); false when it had none of its own. */
    public boolean deleteRootQdisc(String dev) {
        NlRequest r = new TcMsg(0, link(dev).index(), 0, TC_H_ROOT, 0).writeTo(new NlRequest(RTM_DELQDISC, 0));
        try {
            nl.execute(r);
            return true;
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.EINVAL) return false; // the default, handle 0
            throw e;
        }
    }

    /** The kind of {@code dev}'s root discipline ("noqueue", "tbf"...), or empty when the device has none. */
    public Optional<String> rootQdiscKind(String dev) {
        int index = link(dev).index();
        for (NlMessage m : nl.dump(new TcMsg(0, index, 0, 0, 0).writeTo(new NlRequest(RTM_GETQDISC, NLM_F_DUMP)))) {
            TcMsg t = TcMsg.read(m);
            if (t.index() == index && t.parent() == TC_H_ROOT) return Optional.ofNullable(m.attrs(TcMsg.LEN).string(TCA_KIND));
        }
        return Optional.empty();
    }

    // ---- links ---------------------------------------------------------------------------------------------

    private static NlRequest ifinfo(int type, int flags, int index, int ifFlags, int change) {
        return IfInfoMsg.of(index, ifFlags, change).writeTo(new NlRequest(type, flags));
    }

    /** Every link's counters, by interface index (one dump that asks for them, which {@link #links} skips). */
    public java.util.Map<Integer, LinkStats> linkStats() {
        NlRequest r = ifinfo(RTM_GETLINK, NLM_F_DUMP, 0, 0, 0);
        java.util.Map<Integer, LinkStats> out = new java.util.HashMap<>();
        for (NlMessage m : nl.dump(r)) {
            if (m.type() != RTM_NEWLINK) continue;
            NlAttrs a = m.attrs(IfInfoMsg.LEN);
            byte[] raw = a.bytes(IFLA_STATS64);
            if (raw == null) continue;
            long cc = a.u32(IFLA_CARRIER_CHANGES, -1);
            out.put(IfInfoMsg.read(m).index(), LinkStats.parse(raw, cc < 0 ? null : cc & 0xFFFFFFFFL));
        }
        return out;
    }

    /** Every Linux bridge's (or, {@code ports}, every bridge port's) extended counters, in the kernel's order. */
    public List<BridgeXstats> bridgeXstats(boolean ports) {
        NlRequest r = new NlRequest(BridgeXstats.RTM_GETSTATS, NLM_F_DUMP).u8(0).u8(0).u16(0).u32(0).u32(BridgeXstats.filterMask(ports));
        List<BridgeXstats> out = new ArrayList<>();
        for (NlMessage m : nl.dump(r)) {
            if (m.type() != BridgeXstats.RTM_NEWSTATS) continue;
            BridgeXstats x = BridgeXstats.parse(m, ports);
            if (x != null) out.add(x);
        }
        return out;
    }

    /** Every link's details (ip -d), by interface index: one dump. */
    public java.util.Map<Integer, LinkDetails> linkDetails() {
        NlRequest r = ifinfo(RTM_GETLINK, NLM_F_DUMP, 0, 0, 0).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        java.util.Map<Integer, LinkDetails> out = new java.util.HashMap<>();
        for (NlMessage m : nl.dump(r)) {
            if (m.type() == RTM_NEWLINK) out.put(IfInfoMsg.read(m).index(), LinkDetails.parse(m.attrs(IfInfoMsg.LEN)));
        }
        return out;
    }

    public List<Link> links() {
        NlRequest r = ifinfo(RTM_GETLINK, NLM_F_DUMP, 0, 0, 0).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        List<Link> out = new ArrayList<>();
        for (NlMessage m : nl.dump(r)) if (m.type() == RTM_NEWLINK) out.add(parseLink(m));
        return out;
    }

    /** The link called {@code name}, or empty. */
    public Optional<Link> findLink(String name) {
        if (!Link.isValidName(name)) return Optional.empty();
        NlRequest r = ifinfo(RTM_GETLINK, 0, 0, 0, 0).attrString(IFLA_IFNAME, name).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        try {
            return Optional.of(parseLink(nl.request(r)));
        } catch (KernelException e) {
            if (e.errno() == Errno.ENODEV) return Optional.empty();
            throw e;
        }
    }

    /** The link called {@code name}; throws {@code Cannot find device "name"} if there is none. */
    public Link link(String name) {
        return findLink(name).orElseThrow(() -> noDevice(name));
    }

    public Optional<Link> findLink(int index) {
        NlRequest r = ifinfo(RTM_GETLINK, 0, index, 0, 0).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        try {
            return Optional.of(parseLink(nl.request(r)));
        } catch (KernelException e) {
            if (e.errno() == Errno.ENODEV) return Optional.empty();
            throw e;
        }
    }

    public static KernelException noDevice(String name) {
        return KernelException.of("Cannot find device \"" + name + "\"", Errno.ENODEV, name);
    }

    public static void validateIfName(String name) {
        if (!Link.isValidName(name)) {
            throw KernelException.of("\"" + name + "\" is not a valid interface name: use 1 to 15 bytes without \"/\", \":\" or white space",
                    Errno.EINVAL, name);
        }
    }

    /** Creates a link (veth pair or bridge); nothing is left behind when the kernel refuses it. */
    public void addLink(LinkSpec spec) {
        validateIfName(spec.name());
        if (spec.peer() != null) validateIfName(spec.peer());
        int nsFd = -1, peerFd = -1;
        try {
            NlRequest r = ifinfo(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, 0, 0).attrString(IFLA_IFNAME, spec.name());
            if (spec.mtu() != null) r.attrU32(IFLA_MTU, spec.mtu());
            if (spec.address() != null) r.attr(IFLA_ADDRESS, spec.address());
            // Target namespaces are opened while the request is built: a missing one fails before anything is sent.
            if (spec.netns() != null) nsFd = nsAttr(r, spec.netns());
            if (spec.parent() != null) r.attrU32(IFLA_LINK, link(spec.parent()).index());
            int info = r.beginNested(IFLA_LINKINFO);
            r.attrString(IFLA_INFO_KIND, spec.kind());
            if ("veth".equals(spec.kind()) && spec.peer() != null) {
                int data = r.beginNested(IFLA_INFO_DATA);
                int peer = r.beginNested(VETH_INFO_PEER);
                IfInfoMsg.of(0, 0, 0).writeTo(r); // the peer's own header
                r.attrString(IFLA_IFNAME, spec.peer());
                if (spec.mtu() != null) r.attrU32(IFLA_MTU, spec.mtu());
                if (spec.peerNetns() != null) peerFd = nsAttr(r, spec.peerNetns());
                r.endNested(peer);
                r.endNested(data);
            }
            if ("bridge".equals(spec.kind()) && Boolean.TRUE.equals(spec.vlanFiltering())) {
                // off is the default, and a kernel without filtering refuses even an explicit "off"
                int data = r.beginNested(IFLA_INFO_DATA);
                r.attrU8(IFLA_BR_VLAN_FILTERING, spec.vlanFiltering() ? 1 : 0);
                r.endNested(data);
            }
            if (spec.data() instanceof LinkSpec.Macvlan m) {
                int data = r.beginNested(IFLA_INFO_DATA);
                r.attrU32(IFLA_MACVLAN_MODE, m.code());
                r.endNested(data);
            } else if (spec.data() instanceof LinkSpec.Vxlan v) {
                int data = r.beginNested(IFLA_INFO_DATA);
                r.attrU32(IFLA_VXLAN_ID, v.vni());
                r.attr(v.remote() instanceof java.net.Inet6Address ? IFLA_VXLAN_GROUP6 : IFLA_VXLAN_GROUP, v.remote().getAddress());
                r.attr(IFLA_VXLAN_PORT, new byte[] {(byte) (v.port() >> 8), (byte) v.port()}); // network byte order
                r.endNested(data);
            }
            r.endNested(info);
            try {
                nl.execute(r);
            } catch (KernelException e) {
                throw linkError(e, spec);
            }
            // the kernel ignores IFLA_IFALIAS when it creates a link: set it on the new link (when it stayed here)
            if (spec.alias() != null && spec.netns() == null) setLink(LinkChange.of(spec.name()).alias(spec.alias()));
        } finally {
            Libc.close(nsFd);
            Libc.close(peerFd);
        }
    }

    /** Adds IFLA_NET_NS_FD (named or current namespace) or IFLA_NET_NS_PID; returns a descriptor to close, or -1. */
    private int nsAttr(NlRequest r, NsRef target) {
        if (target instanceof NsRef.Pid p) {
            r.attrU32(IFLA_NET_NS_PID, p.pid());
            return -1;
        }
        int fd = registry.open(target);
        r.attrU32(IFLA_NET_NS_FD, fd);
        return fd;
    }

    private static KernelException linkError(KernelException e, LinkSpec spec) {
        String name = spec.name(), peer = spec.peer();
        if (e.errno() == Errno.EEXIST) {
            return KernelException.of("RTNETLINK answers: File exists (an interface named \"" + name + "\""
                    + (peer != null ? " or \"" + peer + "\"" : "") + " already exists)", Errno.EEXIST, name, null, true);
        }
        if (e.errno() == Errno.EOPNOTSUPP && Boolean.TRUE.equals(spec.vlanFiltering())) {
            return KernelException.of("Error: this kernel has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING), so a Linux bridge "
                    + "cannot keep VLANs apart: use Open vSwitch for VLAN tags (nslab ovs add-br BR; nslab ovs add-port BR PORT tag=N)",
                    e.errno(), name);
        }
        if (e.errno() == Errno.EOPNOTSUPP && !List.of("veth", "bridge").contains(spec.kind())) {
            // the kernel has no driver for this kind (its extended ACK says "Unknown device type")
            return KernelException.of("Error: " + (e.extAck() != null ? e.extAck() : "Unknown device type") + ": this kernel lacks the "
                    + spec.kind() + " driver (module not available)", e.errno(), name);
        }
        return e;
    }

    /** Applies every non-null field of {@code change} in one request ({@code ip link set}). */
    public void setLink(LinkChange change) {
        String dev = change.dev();
        validateIfName(dev);
        int index = 0;
        if (change.newName() != null) {
            validateIfName(change.newName());
            index = link(dev).index();
        }
        int ifFlags = 0, ifChange = 0;
        if (change.up() != null) {
            ifChange = IFF_UP;
            ifFlags = change.up() ? IFF_UP : 0;
        }
        NlRequest r = ifinfo(RTM_NEWLINK, 0, index, ifFlags, ifChange);
        r.attrString(IFLA_IFNAME, change.newName() != null ? change.newName() : dev);
        if (change.mtu() != null) r.attrU32(IFLA_MTU, change.mtu());
        if (change.address() != null) r.attr(IFLA_ADDRESS, change.address());
        if (change.alias() != null) r.attrString(IFLA_IFALIAS, change.alias());
        if (change.group() != null) r.attrU32(IFLA_GROUP, change.group());
        if (change.master() != null) r.attrU32(IFLA_MASTER, change.master().isEmpty() ? 0 : link(change.master()).index());
        int fd = -1;
        try {
            if (change.netns() != null) fd = nsAttr(r, change.netns());
            nl.execute(r);
        } catch (KernelException e) {
            if (e.errno() == Errno.ENODEV) throw noDevice(dev);
            if (e.errno() == Errno.EEXIST && change.newName() != null) {
                throw KernelException.of("RTNETLINK answers: File exists (an interface named \"" + change.newName() + "\" already exists)", Errno.EEXIST, change.newName(), null, true);
            }
            throw e;
        } finally {
            Libc.close(fd);
        }
    }

    public void setUp(String dev, boolean up) { setLink(LinkChange.of(dev).up(up)); }

    /** Deletes a link; deleting one end of a veth pair deletes both. */
    public void deleteLink(String dev) {
        validateIfName(dev);
        try {
            nl.execute(ifinfo(RTM_DELLINK, 0, 0, 0, 0).attrString(IFLA_IFNAME, dev));
        } catch (KernelException e) {
            if (e.errno() == Errno.ENODEV) throw noDevice(dev);
            throw e;
        }
    }

    /**
     * Deletes every link of device group {@code group} in this namespace in one request ({@code ip link delete group
     * N}): the kernel unregisters them together, with one wait for readers instead of one per link.
     */
    public void deleteGroup(int group) {
        nl.execute(ifinfo(RTM_DELLINK, 0, 0, 0, 0).attrU32(IFLA_GROUP, group));
    }

    static Link parseLink(NlMessage m) {
        IfInfoMsg h = IfInfoMsg.read(m);
        int type = h.type(), index = h.index(), flags = h.flags();
        NlAttrs a = m.attrs(IfInfoMsg.LEN);
        NlAttrs info = a.nested(IFLA_LINKINFO);
        String kind = info == null ? null : info.string(IFLA_INFO_KIND);
        String slaveKind = info == null ? null : info.string(IFLA_INFO_SLAVE_KIND);
        List<String> alt = new ArrayList<>();
        NlAttrs props = a.nested(IFLA_PROP_LIST);
        if (props != null) {
            for (ByteBuffer b : props.all(IFLA_ALT_IFNAME)) alt.add(cString(b));
        }
        return new Link(index, a.string(IFLA_IFNAME), kind, flags, a.u32(IFLA_MTU, 0), a.string(IFLA_QDISC),
                a.u32(IFLA_MASTER, 0), a.u8(IFLA_OPERSTATE, 0), a.u8(IFLA_LINKMODE, 0), a.u32(IFLA_GROUP, 0),
                a.u32(IFLA_TXQLEN, 0), type, a.bytes(IFLA_ADDRESS), a.bytes(IFLA_BROADCAST),
                a.has(IFLA_LINK) ? a.u32(IFLA_LINK, -1) : -1,
                a.has(IFLA_LINK_NETNSID) ? a.u32(IFLA_LINK_NETNSID, -1) : null, slaveKind, a.string(IFLA_IFALIAS), alt);
    }

    private static String cString(ByteBuffer b) {
        int n = 0;
        while (n < b.remaining() && b.get(n) != 0) n++;
        byte[] raw = new byte[n];
        b.get(0, raw);
        return new String(raw, StandardCharsets.UTF_8);
    }

    // ---- device features (ethtool) ------------------------------------------------------------------------

    private static final long SIOCETHTOOL = 0x8946;
    private static final int ETHTOOL_STXCSUM = 0x17;

    /** Turns TX checksum offload on or off ({@code ethtool -K DEV tx on|off}). */
    public void setTxChecksumOffload(String dev, boolean on) { ethtoolValue(dev, ETHTOOL_STXCSUM, on ? 1 : 0); }

    private int ethtoolValue(String dev, int cmd, int data) {
        validateIfName(dev);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(8, 8);      // struct ethtool_value { u32 cmd; u32 data; }
            value.set(ValueLayout.JAVA_INT, 0, cmd);
            value.set(ValueLayout.JAVA_INT, 4, data);
            MemorySegment ifreq = arena.allocate(40, 8);     // struct ifreq: name[16], then ifr_data
            byte[] name = dev.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(name, 0, ifreq, ValueLayout.JAVA_BYTE, 0, name.length);
            ifreq.set(ValueLayout.ADDRESS, 16, value);
            try {
                nl.ioctl(SIOCETHTOOL, ifreq, dev);
            } catch (KernelException e) {
                if (e.errno() == Errno.ENODEV) throw noDevice(dev);
                throw e;
            }
            return value.get(ValueLayout.JAVA_INT, 4);
        }
    }

    private static final long SIOCADDMULTI = 0x8931, SIOCDELMULTI = 0x8932;

    /** The system's words for {@code errno} (what perror prints after the colon). */
    public static String strerror(int errno) { return Libc.strerror(errno); }

    /**
     * Joins (or leaves) link-layer multicast address {@code lladdr} on {@code dev}: the SIOCADDMULTI and
     * SIOCDELMULTI requests, the only way the kernel offers (rtnetlink has none).
     */
    public void setMulticast(String dev, byte[] lladdr, boolean join) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(40, 8);     // struct ifreq: name[16], then ifr_hwaddr (family 0, data[14])
            byte[] name = dev.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(name, 0, ifreq, ValueLayout.JAVA_BYTE, 0, Math.min(name.length, 15));
            MemorySegment.copy(lladdr, 0, ifreq, ValueLayout.JAVA_BYTE, 18, Math.min(lladdr.length, 14));
            nl.ioctl(join ? SIOCADDMULTI : SIOCDELMULTI, ifreq, dev);
        }
    }

    // ---- addresses -----------------------------------------------------------------------------------------

    /** Every address in the namespace, of one family, or of all ({@code family} null). */
    public List<IfAddress> addresses(Family family) {
        NlRequest r = new IfAddrMsg(Family.codeOf(family), 0, 0, 0, 0).writeTo(new NlRequest(RTM_GETADDR, NLM_F_DUMP));
        List<IfAddress> out = new ArrayList<>();
        for (NlMessage m : nl.dump(r)) {
            if (m.type() != RTM_NEWADDR) continue;
            IfAddrMsg h = IfAddrMsg.read(m);
            Family fam = Family.of(h.family());
            if (fam == null || (family != null && fam != family)) continue;
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
            out.add(new IfAddress(fam, Cidr.fromBytes(local), h.prefixLen(), h.scope(), a.u32(IFA_FLAGS, h.flags()), h.index(),
                    a.string(IFA_LABEL), a.has(IFA_BROADCAST) ? Cidr.fromBytes(a.bytes(IFA_BROADCAST)) : null, peer,
                    valid, preferred));
        }
        return out;
    }

    /** Adds an address ({@code ip address add CIDR dev DEV}); the kernel adds the prefix route. */
    public void addAddress(String dev, Cidr cidr) { changeAddress(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, dev, cidr, 0, null); }

    /** Adds an IPv4 address with a broadcast address ({@code ip address add CIDR brd ADDR dev DEV}). */
    public void addAddress(String dev, Cidr cidr, InetAddress broadcast) {
        changeAddress(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, dev, cidr, 0, broadcast);
    }

    /** Adds an IPv6 address without duplicate address detection, usable at once. */
    public void addAddressNoDad(String dev, Cidr cidr) {
        changeAddress(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, dev, cidr, cidr.family() == Family.INET6 ? IFA_F_NODAD : 0, null);
    }

    public void deleteAddress(String dev, Cidr cidr) { changeAddress(RTM_DELADDR, 0, dev, cidr, 0, null); }

    private void changeAddress(int type, int flags, String dev, Cidr cidr, int ifaFlags, InetAddress broadcast) {
        int index = link(dev).index();
        boolean loopback = cidr.address().isLoopbackAddress();
        NlRequest r = new IfAddrMsg(cidr.family().code(), cidr.prefixLength(), ifaFlags & 0xff, loopback ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE, index)
                .writeTo(new NlRequest(type, flags));
        byte[] raw = cidr.address().getAddress();
        r.attr(IFA_LOCAL, raw).attr(IFA_ADDRESS, raw);
        if (broadcast != null) r.attr(IFA_BROADCAST, broadcast.getAddress());
        if (ifaFlags > 0xff) r.attrU32(IFA_FLAGS, ifaFlags);
        try {
            nl.execute(r);
        } catch (KernelException e) {
            if (type == RTM_DELADDR && e.errno() == Errno.EADDRNOTAVAIL) {
                throw KernelException.of("RTNETLINK answers: Cannot assign requested address (" + cidr + " is not on " + dev + ")", e.errno(), cidr.toString(), null, true);
            }
            if (e.errno() == Errno.EEXIST) {
                throw KernelException.of("RTNETLINK answers: File exists (" + cidr + " is already on " + dev + ")", e.errno(), cidr.toString(), null, true);
            }
            throw e;
        }
    }

    // ---- neighbours ----------------------------------------------------------------------------------------

    /** The neighbour table of the namespace, of one family, or of both ({@code family} null). */
    public List<Neighbour> neighbours(Family family) {
        NlRequest r = new NdMsg(Family.codeOf(family), 0, 0, 0, 0).writeTo(new NlRequest(RTM_GETNEIGH, NLM_F_DUMP));
        List<Neighbour> out = new ArrayList<>();
        for (NlMessage m : nl.dump(r)) {
            if (m.type() != RTM_NEWNEIGH) continue;
            NdMsg h = NdMsg.read(m);
            Family fam = Family.of(h.family());
            if (fam == null || (family != null && fam != family)) continue;
            NlAttrs a = m.attrs(NdMsg.LEN);
            if (!a.has(NDA_DST)) continue;
            out.add(new Neighbour(fam, Cidr.fromBytes(a.bytes(NDA_DST)), h.index(), a.bytes(NDA_LLADDR), h.state(), h.flags()));
        }
        return out;
    }

    /**
     * Adds (or, with {@code replace}, adds or changes) the neighbour {@code dst} on {@code dev} ({@code ip neigh add
     * ADDR lladdr MAC nud STATE dev DEV}); {@code lladdr} may be null for states that need none.
     */
    public void setNeighbour(String dev, InetAddress dst, byte[] lladdr, int state, boolean replace) {
        int index = link(dev).index();
        NlRequest r = new NdMsg(Cidr.family(dst).code(), index, state, 0, 0)
                .writeTo(new NlRequest(RTM_NEWNEIGH, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL)));
        r.attr(NDA_DST, dst.getAddress());
        if (lladdr != null) r.attr(NDA_LLADDR, lladdr);
        nl.execute(r);
    }

    /** Deletes the neighbour {@code dst} on {@code dev}. */
    public void deleteNeighbour(String dev, InetAddress dst) {
        int index = link(dev).index();
        nl.execute(new NdMsg(Cidr.family(dst).code(), index, 0, 0, 0).writeTo(new NlRequest(RTM_DELNEIGH, 0)).attr(NDA_DST, dst.getAddress()));
    }

    // ---- routes --------------------------------------------------------------------------------------------

    /** Routes of the main table, of one family (2 or 10), without cached clones: what {@code ip route} shows. */
    public List<Route> routes(Family family) { return routes(family, RT_TABLE_MAIN); }

    /** Routes of one table ({@code table} null: of all), of one family, without cached clones. */
    public List<Route> routes(Family family, Integer table0) {
        NlRequest r = RtMsg.dump(Family.codeOf(family)).writeTo(new NlRequest(RTM_GETROUTE, NLM_F_DUMP));
        List<Route> out = new ArrayList<>();
        for (NlMessage m : nl.dump(r)) {
            if (m.type() != RTM_NEWROUTE) continue;
            RtMsg h = RtMsg.read(m);
            NlAttrs a = m.attrs(RtMsg.LEN);
            int table = a.u32(RTA_TABLE, h.table());
            int rtFlags = h.flags();
            Integer tableWanted = table0;
            if ((tableWanted != null && table != tableWanted) || (rtFlags & RTM_F_CLONED) != 0) continue;
            Family fam = Family.of(h.family());
            int dstLen = h.dstLen();
            if (fam == null) continue;
            Cidr dst = null;
            if (a.has(RTA_DST)) dst = new Cidr(Cidr.fromBytes(a.bytes(RTA_DST)), dstLen);
            else if (dstLen == 0) dst = null;
            out.add(new Route(fam, dst, a.has(RTA_GATEWAY) ? Cidr.fromBytes(a.bytes(RTA_GATEWAY)) : null,
                    a.u32(RTA_OIF, 0), table, h.protocol(), h.scope(), h.type(),
                    a.has(RTA_PREFSRC) ? Cidr.fromBytes(a.bytes(RTA_PREFSRC)) : null,
                    a.has(RTA_PRIORITY) ? a.u32(RTA_PRIORITY, 0) : -1, rtFlags, a.u8(RTA_PREF, -1)));
        }
        return out;
    }

    // ---- policy routing rules ------------------------------------------------------------------------------

    /** The rules of one family, in the kernel's order (by priority). */
    public List<Rule> rules(Family family) {
        NlRequest r = new NlRequest(RTM_GETRULE, NLM_F_DUMP).u8(family.code()).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
        List<Rule> out = new ArrayList<>();
        for (NlMessage m : nl.dump(r)) {
            if (m.type() != RTM_NEWRULE) continue;
            NlAttrs a = m.attrs(FIB_RULE_HDR_LEN);
            int dstLen = m.u8(1), srcLen = m.u8(2), table = a.u32(FRA_TABLE, m.u8(4));
            out.add(new Rule(family, a.has(FRA_SRC) ? new Cidr(Cidr.fromBytes(a.bytes(FRA_SRC)), srcLen) : null,
                    a.has(FRA_DST) ? new Cidr(Cidr.fromBytes(a.bytes(FRA_DST)), dstLen) : null, a.string(FRA_IIFNAME), a.string(FRA_OIFNAME),
                    table, a.u32(FRA_PRIORITY, 0)));
        }
        return out;
    }

    public void addRule(Rule rule) { changeRule(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, rule); }

    public void deleteRule(Rule rule) { changeRule(RTM_DELRULE, 0, rule); }

    private void changeRule(int type, int flags, Rule rule) {
        boolean add = type == RTM_NEWRULE;
        NlRequest r = new NlRequest(type, flags).u8(rule.family().code()).u8(rule.to() == null ? 0 : rule.to().prefixLength())
                .u8(rule.from() == null ? 0 : rule.from().prefixLength()).u8(0).u8(rule.table() < 256 ? rule.table() : 0).u8(0).u8(0)
                .u8(add || rule.table() != 0 ? FR_ACT_TO_TBL : 0).u32(0);
        if (rule.from() != null) r.attr(FRA_SRC, rule.from().address().getAddress());
        if (rule.to() != null) r.attr(FRA_DST, rule.to().address().getAddress());
        if (rule.iif() != null) r.attrString(FRA_IIFNAME, rule.iif());
        if (rule.oif() != null) r.attrString(FRA_OIFNAME, rule.oif());
        if (rule.priority() != null) r.attrU32(FRA_PRIORITY, rule.priority());
        if (rule.table() != 0) r.attrU32(FRA_TABLE, rule.table());
        nl.execute(r);
    }

    /** The route a packet to {@code dst} would take from this namespace, as the kernel looks it up. */
    public RouteLookup getRoute(InetAddress dst) {
        Family fam = Cidr.family(dst);
        NlRequest r = new RtMsg(fam.code(), fam == Family.INET ? 32 : 128, 0, 0, 0, 0, 0, 0, 0).writeTo(new NlRequest(RTM_GETROUTE, 0));
        r.attr(RTA_DST, dst.getAddress());
        NlMessage m = nl.request(r);
        RtMsg h = RtMsg.read(m);
        NlAttrs a = m.attrs(RtMsg.LEN);
        Route route = new Route(fam, a.has(RTA_DST) ? new Cidr(Cidr.fromBytes(a.bytes(RTA_DST)), h.dstLen()) : null,
                a.has(RTA_GATEWAY) ? Cidr.fromBytes(a.bytes(RTA_GATEWAY)) : null, a.u32(RTA_OIF, 0), a.u32(RTA_TABLE, h.table()),
                h.protocol(), h.scope(), h.type(), a.has(RTA_PREFSRC) ? Cidr.fromBytes(a.bytes(RTA_PREFSRC)) : null,
                a.has(RTA_PRIORITY) ? a.u32(RTA_PRIORITY, 0) : -1, h.flags(), a.u8(RTA_PREF, -1));
        return new RouteLookup(route, a.has(RTA_SRC) ? Cidr.fromBytes(a.bytes(RTA_SRC)) : null, h.srcLen(),
                a.has(RTA_UID) ? a.u32(RTA_UID, 0) : null);
    }

    public void addRoute(RouteSpec spec) { changeRoute(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, spec); }

    public void deleteRoute(RouteSpec spec) { changeRoute(RTM_DELROUTE, 0, spec); }

    private void changeRoute(int type, int flags, RouteSpec spec) {
        int family = spec.family().code();
        boolean add = type == RTM_NEWROUTE;
        int dstLen = spec.dst() == null ? 0 : spec.dst().prefixLength();
        int scope = !add ? RT_SCOPE_NOWHERE : spec.via() == null && spec.dev() != null ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        NlRequest r = new RtMsg(family, dstLen, 0, 0, RT_TABLE_MAIN, add ? RTPROT_BOOT : 0, scope, add ? RTN_UNICAST : 0, 0)
                .writeTo(new NlRequest(type, flags));
        if (spec.dst() != null && dstLen > 0) r.attr(RTA_DST, spec.dst().network().address().getAddress());
        if (spec.via() != null) r.attr(RTA_GATEWAY, spec.via().getAddress());
        if (spec.dev() != null) r.attrU32(RTA_OIF, link(spec.dev()).index());
        if (spec.metric() != null) r.attrU32(RTA_PRIORITY, spec.metric());
        String what = spec.dst() == null ? "default" : spec.dst().network().toString();
        try {
            nl.execute(r);
        } catch (KernelException e) {
            String why = switch (e.errno()) {
                case Errno.EEXIST -> "File exists (a route to " + what + " is already there)";
                case Errno.ENETUNREACH -> "Network is unreachable (gateway " + (spec.via() == null ? "?" : Cidr.format(spec.via()))
                        + " is not on a connected subnet)";
                case Errno.ESRCH -> "No such process (no route to " + what + ")";
                default -> null;
            };
            if (why != null) throw KernelException.of("RTNETLINK answers: " + why, e.errno(), what, null, true);
            throw e;
        }
    }

    // ---- namespace ids -------------------------------------------------------------------------------------

    /** The id this namespace gives {@code other}, or -1 if it has none yet. */
    public int nsid(NsRef other) {
        int fd = registry.open(other);
        try {
            return nsidOfFd(fd);
        } finally {
            Libc.close(fd);
        }
    }

    /** The id this namespace gives the namespace open at {@code fd}, or -1. */
    public int nsidOfFd(int fd) {
        NlRequest r = new RtGenMsg(0).writeTo(new NlRequest(RTM_GETNSID, 0)).attrU32(NETNSA_FD, fd);
        NlMessage m = nl.request(r);
        return m.attrs(RtGenMsg.LEN).u32(NETNSA_NSID, NETNSA_NSID_NOT_ASSIGNED);
    }

    /** Assigns id {@code id} (or -1 for the next free one) to {@code other} as seen from this namespace. */
    public void setNsid(NsRef other, int id) {
        int fd = registry.open(other);
        try {
            nl.execute(new RtGenMsg(0).writeTo(new NlRequest(RTM_NEWNSID, 0)).attrU32(NETNSA_FD, fd).attrU32(NETNSA_NSID, id));
        } catch (KernelException e) {
            if (e.errno() == Errno.EEXIST) throw KernelException.of("RTNETLINK answers: File exists (id " + id + " or namespace " + other + " already has an id)", e.errno(), other.toString(), null, true);
            throw e;
        } finally {
            Libc.close(fd);
        }
    }

    /** Every namespace id this namespace has assigned. */
    public List<Integer> nsids() {
        List<Integer> out = new ArrayList<>();
        for (NlMessage m : nl.dump(new RtGenMsg(0).writeTo(new NlRequest(RTM_GETNSID, NLM_F_DUMP)))) {
            if (m.type() == RTM_NEWNSID) out.add(m.attrs(RtGenMsg.LEN).u32(NETNSA_NSID, -1));
        }
        return out;
    }

    /**
     * A namespace id as another namespace sees it ({@code ip netns list-id target-nsid}): {@code nsid} is the id in
     * the namespace looked from, {@code current} the id this namespace gives the same namespace (null: not asked, or
     * the kernel did not say; -1: none assigned).
     */
    public record NsidEntry(int nsid, Integer current) { }

    /**
     * The ids assigned in the namespace this one calls {@code targetNsid} (null: in this one), or only {@code nsid}
     * (null: all). An id that does not exist is the kernel's refusal (ENOENT, "Peer netns reference is invalid.").
     */
    public List<NsidEntry> nsids(Integer targetNsid, Integer nsid) {
        NlRequest r = new RtGenMsg(0).writeTo(new NlRequest(RTM_GETNSID, nsid == null ? NLM_F_DUMP : 0));
        if (nsid != null) r.attrU32(NETNSA_NSID, nsid);
        if (targetNsid != null) r.attrU32(NETNSA_TARGET_NSID, targetNsid);
        List<NlMessage> answers = nsid != null ? List.of(nl.request(r)) : targetNsid != null ? nl.dumpFiltered(r) : nl.dump(r);
        List<NsidEntry> out = new ArrayList<>();
        for (NlMessage m : answers) {
            if (m.type() != RTM_NEWNSID) continue;
            NlAttrs a = m.attrs(RtGenMsg.LEN);
            int cur = a.u32(NETNSA_CURRENT_NSID, Integer.MIN_VALUE);
            out.add(new NsidEntry(a.u32(NETNSA_NSID, -1), cur == Integer.MIN_VALUE ? null : cur));
        }
        return out;
    }

    /** Registered namespace names by the id this namespace gives them (for "link-netns NAME"). */
    public Map<Integer, String> nsidNames() {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (String name : registry.list()) {
            int fd;
            try {
                fd = registry.open(NsRef.named(name));
            } catch (KernelException e) {
                continue;
            }
            try {
                int id = nsidOfFd(fd);
                if (id >= 0) out.putIfAbsent(id, name);
            } catch (KernelException ignored) {
                // a stale registration file: nothing to name
            } finally {
                Libc.close(fd);
            }
        }
        return out;
    }
}
