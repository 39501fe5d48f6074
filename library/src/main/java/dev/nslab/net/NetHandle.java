package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.error.NoSuchObjectException;
import dev.nslab.netlink.IfInfoMsg;
import dev.nslab.netlink.Netlink;
import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;
import dev.nslab.netlink.RtGenMsg;
import dev.nslab.netlink.RtMsg;
import dev.nslab.netlink.TcMsg;
import dev.nslab.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_REPLACE;
import static dev.nslab.netlink.Rtnl.*;

/**
 * Links, addresses, neighbours, routes, rules, namespace ids and queueing disciplines of one network namespace,
 * through an rtnetlink socket opened inside it: one method per kernel operation, its message built by the object's
 * messages class ({@link LinkMessages}, {@link AddressMessages}, {@link RouteMessages}, {@link RuleMessages},
 * {@link NeighbourMessages}, {@link NsidMessages}, {@link Qdisc}), which {@link NetBatch} shares. Errors come back as
 * {@link KernelException} naming the object, in the kernel's words. Not thread-safe; cheap to keep open for many
 * operations.
 */
public final class NetHandle implements AutoCloseable {
    private final Netlink nl;
    private final Namespaces registry;
    private final NsRef ns;

    private NetHandle(Netlink nl, Namespaces registry, NsRef ns) {
        this.nl = nl;
        this.registry = registry;
        this.ns = ns;
    }

    /** Opens a handle in {@code ns}; the socket stays bound to that namespace for its life. */
    public static NetHandle open(Namespaces registry, NsRef ns) {
        NetlinkSocket s = registry.call(ns, () -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE));
        return new NetHandle(s, registry, ns);
    }

    /**
     * Opens a handle in the calling thread's namespace, known as {@code as}: for a caller standing inside a namespace
     * it has just made ({@link Namespaces#add(String, Runnable)}), which spares entering it again later.
     */
    public static NetHandle openHere(Namespaces registry, NsRef as) {
        return new NetHandle(NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE), registry, as);
    }

    /** A handle over another netlink transport than the kernel's socket (a scripted kernel, in tests). */
    public static NetHandle over(Netlink nl, Namespaces registry, NsRef ns) { return new NetHandle(nl, registry, ns); }

    public NsRef namespace() { return ns; }

    public Namespaces registry() { return registry; }

    private int nsFd = -1;

    @Override public void close() {
        nl.close();
        Libc.close(nsFd);
        nsFd = -1;
    }

    Netlink socket() { return nl; }

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

    // ---- links ---------------------------------------------------------------------------------------------

    public List<Link> links() {
        List<Link> out = new ArrayList<>();
        for (NlMessage m : nl.dump(LinkMessages.dump(false))) if (m.type() == RTM_NEWLINK) out.add(LinkMessages.parse(m));
        return out;
    }

    /** Every link's counters, by interface index (one dump that asks for them, which {@link #links} skips). */
    public Map<Integer, LinkStats> linkStats() {
        Map<Integer, LinkStats> out = new HashMap<>();
        for (NlMessage m : nl.dump(LinkMessages.dump(true))) {
            if (m.type() != RTM_NEWLINK) continue;
            NlAttrs a = m.attrs(IfInfoMsg.LEN);
            byte[] raw = a.bytes(IFLA_STATS64);
            if (raw == null) continue;
            long cc = a.u32(IFLA_CARRIER_CHANGES, -1);
            out.put(IfInfoMsg.read(m).index(), LinkStats.parse(raw, cc < 0 ? null : cc & 0xFFFFFFFFL));
        }
        return out;
    }

    /** A link with its counters (null where the kernel gives none). */
    public record LinkSample(Link link, LinkStats stats) { }

    /** Every link with its counters, in one dump: what a live view samples each second. */
    public List<LinkSample> linkSamples() {
        List<LinkSample> out = new ArrayList<>();
        for (NlMessage m : nl.dump(LinkMessages.dump(true))) {
            if (m.type() != RTM_NEWLINK) continue;
            NlAttrs a = m.attrs(IfInfoMsg.LEN);
            byte[] raw = a.bytes(IFLA_STATS64);
            long cc = a.u32(IFLA_CARRIER_CHANGES, -1);
            out.add(new LinkSample(LinkMessages.parse(m), raw == null ? null : LinkStats.parse(raw, cc < 0 ? null : cc & 0xFFFFFFFFL)));
        }
        return out;
    }

    /** Every link's details (ip -d), by interface index: one dump. */
    public Map<Integer, LinkDetails> linkDetails() {
        Map<Integer, LinkDetails> out = new HashMap<>();
        for (NlMessage m : nl.dump(LinkMessages.dump(false))) {
            if (m.type() == RTM_NEWLINK) out.put(IfInfoMsg.read(m).index(), LinkDetails.parse(m.attrs(IfInfoMsg.LEN)));
        }
        return out;
    }

    /**
     * The routing table of VRF device {@code name}, or 0 when no link of that name is a VRF (none can be where the
     * kernel lacks the vrf driver).
     */
    public int vrfTable(String name) {
        if (!Link.isValidName(name)) return 0;
        NlMessage m;
        try {
            m = nl.request(LinkMessages.get(name)); // the kind and its table in one answer
        } catch (KernelException e) {
            if (e.errno() == Errno.ENODEV) return 0;
            throw e;
        }
        if (!"vrf".equals(LinkMessages.parse(m).kind())) return 0;
        return LinkDetails.parse(m.attrs(IfInfoMsg.LEN)).data().get("TABLE") instanceof Long t ? (int) (long) t : 0;
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

    /** Each link's name by its index ({@link Link#namesByIndex}), from one dump. */
    public Map<Integer, String> linkNames() { return Link.namesByIndex(links()); }

    /** The link called {@code name}, or empty. */
    public Optional<Link> findLink(String name) {
        if (!Link.isValidName(name)) return Optional.empty();
        return find(LinkMessages.get(name));
    }

    public Optional<Link> findLink(int index) { return find(LinkMessages.get(index)); }

    private Optional<Link> find(NlRequest r) {
        try {
            return Optional.of(LinkMessages.parse(nl.request(r)));
        } catch (KernelException e) {
            if (e.errno() == Errno.ENODEV) return Optional.empty();
            throw e;
        }
    }

    /** The link called {@code name}; throws {@code Cannot find device "name"} if there is none. */
    public Link link(String name) {
        return findLink(name).orElseThrow(() -> noDevice(name));
    }

    private static final long SIOCGIFINDEX = 0x8933;

    /**
     * The index of the link called {@code name} (or so by an alternative name); throws {@code Cannot find device}.
     * Asked with SIOCGIFINDEX on the handle's socket, where a request that only needs the index would otherwise
     * fetch and read the link's whole description ({@link #link}).
     */
    public int index(String name) {
        if (!Link.isValidName(name)) throw noDevice(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(40, 8);     // struct ifreq: name[16], then ifr_ifindex
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(bytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, bytes.length);
            try {
                nl.ioctl(SIOCGIFINDEX, ifreq, name);
            } catch (KernelException e) {
                if (e.errno() == Errno.ENODEV) throw noDevice(name);
                throw e;
            }
            return ifreq.get(ValueLayout.JAVA_INT, 16);
        }
    }

    /** Whether a link is called {@code name} (or so by an alternative name). */
    public boolean hasLink(String name) {
        try {
            index(name);
            return true;
        } catch (KernelException e) {
            if (e.errno() == Errno.ENODEV) return false;
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

    /** Creates a link (veth pair, bridge, macvlan, vxlan, dummy...); nothing is left behind when the kernel refuses it. */
    public void addLink(LinkSpec spec) {
        validateIfName(spec.name());
        if (spec.peer() != null) validateIfName(spec.peer());
        int nsFd = -1, peerFd = -1;
        try {
            LinkMessages.New m = LinkMessages.create(spec.name(), spec.kind()).mtu(spec.mtu()).address(spec.address()).settings(spec.settings());
            // target namespaces are opened while the request is built: a missing one fails before anything is sent
            if (spec.netns() instanceof NsRef.Pid p) m.nsPid(p.pid());
            else if (spec.netns() != null) m.nsFd(nsFd = registry.open(spec.netns()));
            if (spec.parent() != null) m.parent(index(spec.parent()));
            if ("veth".equals(spec.kind()) && spec.peer() != null) {
                if (spec.peerNetns() instanceof NsRef.Pid p) m.peer(spec.peer(), 0, -1, -1).peerNsPid(p.pid());
                else m.peer(spec.peer(), 0, -1, spec.peerNetns() == null ? -1 : (peerFd = registry.open(spec.peerNetns())));
            }
            if ("bridge".equals(spec.kind()) && Boolean.TRUE.equals(spec.vlanFiltering())) m.vlanFiltering(true);
            if (spec.data() instanceof LinkSpec.Bridge br) m.bridgeSettings(br.settings());
            if (spec.data() instanceof LinkSpec.Vlan vl) m.vlan(vl.id(), vl.protocol());
            if (spec.data() instanceof LinkSpec.Macvlan mv) m.macvlan(mv.code(), mv.flags(), mv.bcQueueLen());
            else if (spec.data() instanceof LinkSpec.Vxlan v) {
                m.vxlan(v.vni(), v.remote(), v.port(), v.local(), v.dev() == null ? 0 : index(v.dev()), v.ttl(), v.learning(), v.settings());
            }
            try {
                nl.execute(m.request());
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

    private static KernelException linkError(KernelException e, LinkSpec spec) {
        String name = spec.name(), peer = spec.peer();
        if (e.errno() == Errno.EEXIST) {
            return KernelException.of(Libc.strerror(e.errno()) + " (an interface named \"" + name + "\""
                    + (peer != null ? " or \"" + peer + "\"" : "") + " already exists)", Errno.EEXIST, name, e.extAck(), true);
        }
        if (e.errno() == Errno.EOPNOTSUPP && Boolean.TRUE.equals(spec.vlanFiltering())) {
            return KernelException.of("this kernel has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING), so a Linux bridge "
                    + "cannot keep VLANs apart: use Open vSwitch for VLAN tags (a bridge of its own with tagged ports)", e.errno(), name, e.extAck(), true);
        }
        if (e.errno() == Errno.EOPNOTSUPP && !List.of("veth", "bridge").contains(spec.kind())) {
            // the kernel has no driver for this kind (its extended ACK says "Unknown device type")
            return KernelException.of((e.extAck() != null ? e.extAck() : "Unknown device type") + ": this kernel lacks the "
                    + spec.kind() + " driver (module not available)", e.errno(), name, e.extAck(), true);
        }
        return e;
    }

    /** Changes a Linux bridge's settings ({@code ip link set BR type bridge stp_state 1 ...}); the kernel applies them in its own order. */
    public void setBridge(String dev, java.util.Map<BridgeSetting, Long> settings) {
        nl.execute(LinkMessages.setBridge(index(dev), dev, settings));
    }

    /** Changes a bridge port's settings ({@code ip link set DEV type bridge_slave cost 10 learning off ...}). */
    public void setBridgePort(String dev, java.util.Map<BridgePortSetting, Long> settings) {
        nl.execute(LinkMessages.setBridgePort(index(dev), dev, settings));
    }

    /** Changes a macvlan's or macvtap's mode ({@code ip link set DEV type macvlan mode MODE}). */
    public void setMacvlanMode(String dev, String kind, LinkSpec.Macvlan mode) {
        nl.execute(LinkMessages.setMacvlan(index(dev), dev, kind, mode.code(), mode.flags(), mode.bcQueueLen()));
    }

    /** Changes a vxlan's settings ({@code ip link set DEV type vxlan ...}): those the kernel may change on a vxlan that is there. */
    public void setVxlan(String dev, LinkSpec.Vxlan v) {
        nl.execute(LinkMessages.setVxlan(index(dev), dev, v.vni(), v.remote(), v.port(), v.local(), v.dev() == null ? 0 : index(v.dev()), v.ttl(),
                v.learning(), v.settings()));
    }

    /** Applies every non-null field of {@code change} in one request ({@code ip link set}). */
    public void setLink(LinkChange change) {
        String dev = change.dev();
        validateIfName(dev);
        if (change.newName() != null) validateIfName(change.newName());
        int index = change.newName() != null ? index(dev) : 0;
        Integer master = change.master() == null ? null : change.master().isEmpty() ? 0 : index(change.master());
        NlRequest r = LinkMessages.change(index, dev, change.up(), change.mtu(), change.address(), change.alias(), change.group(), master,
                change.newName(), change.flags(), change.flagMask(), change.txqlen(), change.settings());
        int fd = -1;
        try {
            if (change.netns() instanceof NsRef.Pid p) LinkMessages.moveTo(r, -1, p.pid());
            else if (change.netns() != null) LinkMessages.moveTo(r, fd = registry.open(change.netns()), -1);
            nl.execute(r);
        } catch (KernelException e) {
            if (e.errno() == Errno.ENODEV) throw noDevice(dev);
            if (e.errno() == Errno.EEXIST && change.newName() != null) {
                throw KernelException.of(Libc.strerror(e.errno()) + " (an interface named \"" + change.newName() + "\" already exists)",
                        Errno.EEXIST, change.newName(), e.extAck(), true);
            }
            throw e;
        } finally {
            Libc.close(fd);
        }
    }

    public void setUp(String dev, boolean up) { setLink(LinkChange.of(dev).up(up)); }

    /** Gives {@code dev} the alternative name {@code alt} (ip link property add dev DEV altname ALT): up to 127 bytes. */
    public void addAltName(String dev, String alt) { altName(true, dev, alt); }

    /** Takes the alternative name {@code alt} from {@code dev} (ip link property del dev DEV altname ALT). */
    public void deleteAltName(String dev, String alt) { altName(false, dev, alt); }

    private void altName(boolean add, String dev, String alt) {
        validateIfName(dev);
        String why = Link.whyInvalidAltName(alt);
        if (why != null) throw new IllegalArgumentException("altname \"" + alt + "\" " + why);
        try {
            nl.execute(LinkMessages.altName(add, index(dev), alt));
        } catch (KernelException e) {
            if (e.errno() == Errno.ENODEV) throw noDevice(dev);
            throw e;
        }
    }

    /** Deletes a link; deleting one end of a veth pair deletes both. */
    public void deleteLink(String dev) {
        validateIfName(dev);
        try {
            nl.execute(LinkMessages.delete(0, dev));
        } catch (KernelException e) {
            if (e.errno() == Errno.ENODEV) throw noDevice(dev);
            throw e;
        }
    }

    /**
     * Deletes every link of device group {@code group} in this namespace in one request ({@code ip link delete group
     * N}): the kernel unregisters them together, with one wait for readers instead of one per link.
     */
    public void deleteGroup(int group) { nl.execute(LinkMessages.deleteGroup(group)); }

    // ---- device features and multicast (ioctls on the handle's socket, which act in its namespace) -----------

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

    // ---- IPv4 tunnels: the tunnel ioctls, which a tunnel driver answers for its devices ----------------------

    private static final long SIOCGETTUNNEL = 0x89F0, SIOCADDTUNNEL = 0x89F1, SIOCDELTUNNEL = 0x89F2, SIOCCHGTUNNEL = 0x89F3;

    /**
     * Makes tunnel {@code t} by asking {@code device}, the base device of its kind ({@link IpTunnel#baseDevice}), and
     * returns it as made (with the name the kernel chose if it had none). Where the kernel lacks the driver, the base
     * device is missing: ENODEV.
     */
    public IpTunnel addTunnel(String device, IpTunnel t) { return tunnelIoctl(SIOCADDTUNNEL, device, IpTunnel.SIZE, t::writeTo, IpTunnel::readFrom); }

    /** Changes tunnel {@code device} (or, asked of a base device, the tunnel {@code t} names) to {@code t}. */
    public IpTunnel changeTunnel(String device, IpTunnel t) { return tunnelIoctl(SIOCCHGTUNNEL, device, IpTunnel.SIZE, t::writeTo, IpTunnel::readFrom); }

    /** Removes tunnel {@code device} (or, asked of a base device, the tunnel {@code t} matches). */
    public void deleteTunnel(String device, IpTunnel t) { tunnelIoctl(SIOCDELTUNNEL, device, IpTunnel.SIZE, t::writeTo, m -> null); }

    /** The parameters of tunnel device {@code device}; null when its driver answers for another kind of tunnel. */
    public IpTunnel tunnel(String device) { return tunnelIoctl(SIOCGETTUNNEL, device, IpTunnel.SIZE, IpTunnel.of("", 0)::writeTo, IpTunnel::readFrom); }

    /** As {@link #addTunnel(String, IpTunnel)}, for an IPv6 tunnel ({@link Ip6Tunnel#baseDevice}). */
    public Ip6Tunnel addTunnel(String device, Ip6Tunnel t) { return tunnelIoctl(SIOCADDTUNNEL, device, Ip6Tunnel.SIZE, t::writeTo, Ip6Tunnel::readFrom); }

    public Ip6Tunnel changeTunnel(String device, Ip6Tunnel t) { return tunnelIoctl(SIOCCHGTUNNEL, device, Ip6Tunnel.SIZE, t::writeTo, Ip6Tunnel::readFrom); }

    public void deleteTunnel(String device, Ip6Tunnel t) { tunnelIoctl(SIOCDELTUNNEL, device, Ip6Tunnel.SIZE, t::writeTo, m -> null); }

    /** The parameters of IPv6 tunnel device {@code device}. */
    public Ip6Tunnel tunnel6(String device) { return tunnelIoctl(SIOCGETTUNNEL, device, Ip6Tunnel.SIZE, Ip6Tunnel.of(false)::writeTo, Ip6Tunnel::readFrom); }

    /** A tunnel ioctl on {@code device} with a parameter struct of {@code size} bytes, written first and read after. */
    private <T> T tunnelIoctl(long cmd, String device, int size, java.util.function.Consumer<MemorySegment> write,
                              java.util.function.Function<MemorySegment, T> read) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment parm = arena.allocate(size, 8);
            write.accept(parm);
            MemorySegment ifreq = arena.allocate(40, 8);     // struct ifreq: name[16], then ifr_data
            byte[] name = device.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(name, 0, ifreq, ValueLayout.JAVA_BYTE, 0, Math.min(name.length, 15));
            ifreq.set(ValueLayout.ADDRESS, 16, parm);
            nl.ioctl(cmd, ifreq, device);
            return read.apply(parm);
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
        List<IfAddress> out = new ArrayList<>();
        for (NlMessage m : nl.dump(AddressMessages.dump(family))) {
            if (m.type() != RTM_NEWADDR) continue;
            IfAddress a = AddressMessages.parse(m);
            if (a != null && (family == null || a.family() == family)) out.add(a);
        }
        return out;
    }

    /**
     * The addresses of one family (null: all) on interface {@code index} (0: every one), each with the kernel's message:
     * what {@code ip address save} writes. The kernel filters by interface, as it does for ip.
     */
    public List<SaveFile.Entry<IfAddress>> savedAddresses(Family family, int index) {
        List<SaveFile.Entry<IfAddress>> out = new ArrayList<>();
        NlRequest r = new dev.nslab.netlink.IfAddrMsg(Family.codeOf(family), 0, 0, 0, index).writeTo(new NlRequest(RTM_GETADDR, NLM_F_DUMP));
        for (NlMessage m : index == 0 ? nl.dump(r) : nl.dumpFiltered(r)) {
            if (m.type() == RTM_NEWADDR) out.add(new SaveFile.Entry<>(AddressMessages.parse(m), m));
        }
        return out;
    }

    /**
     * Sends saved address messages back to the kernel, one by one in the file's order, as {@code ip address restore}
     * does: one already there is passed over ({@code passedOver} hears the kernel's refusal, which ip prints); the first
     * other refusal ends it, thrown, as does a file cut short.
     */
    public void restoreAddresses(SaveFile.Contents saved, Consumer<KernelException> passedOver) {
        for (SaveFile.Entry<IfAddress> e : saved.addresses()) restore(e.message(), passedOver);
        if (saved.fault() != null) throw saved.fault();
    }

    /** Adds an address ({@code ip address add CIDR dev DEV}); the kernel adds the prefix route. */
    public void addAddress(String dev, Cidr cidr) { changeAddress(dev, AddressSpec.of(cidr), AddressSpec.Verb.ADD); }

    /** Adds an IPv4 address with a broadcast address ({@code ip address add CIDR brd ADDR dev DEV}). */
    public void addAddress(String dev, Cidr cidr, InetAddress broadcast) {
        changeAddress(dev, new AddressSpec(cidr, false, broadcast, null, null, false, null, null, null), AddressSpec.Verb.ADD);
    }

    /** Adds an IPv6 address without duplicate address detection, usable at once. */
    public void addAddressNoDad(String dev, Cidr cidr) {
        changeAddress(dev, new AddressSpec(cidr, true, null, null, null, false, null, null, null), AddressSpec.Verb.ADD);
    }

    /** Deletes address {@code a} as {@link #addresses} listed it; one already gone is not an error (ip's flush). */
    public void deleteExistingAddress(IfAddress a) {
        try {
            nl.execute(AddressMessages.delete(a.index(), new Cidr(a.local(), a.prefixLength())));
        } catch (KernelException e) {
            if (e.errno() != Errno.EADDRNOTAVAIL) throw e;
        }
    }

    /** {@code ip address add|change|replace SPEC dev DEV}. */
    public void changeAddress(String dev, AddressSpec spec, AddressSpec.Verb verb) {
        try {
            nl.execute(AddressMessages.change(index(dev), spec, verb));
        } catch (KernelException e) {
            if (e.errno() == Errno.EEXIST) throw refusal(e, spec.cidr() + " is already on " + dev, spec.cidr().toString());
            throw e;
        }
    }

    public void deleteAddress(String dev, Cidr cidr) { deleteAddress(dev, cidr, null); }

    /** Removes local address {@code cidr} (with its point-to-point peer, or null) from {@code dev}. */
    public void deleteAddress(String dev, Cidr cidr, Cidr peer) {
        try {
            nl.execute(AddressMessages.delete(index(dev), cidr, peer));
        } catch (KernelException e) {
            if (e.errno() == Errno.EADDRNOTAVAIL) throw refusal(e, cidr + " is not on " + dev, cidr.toString());
            throw e;
        }
    }

    /** The kernel's refusal {@code e} in its own words, with what nslab knows about why, about {@code object}. */
    private static KernelException refusal(KernelException e, String why, String object) {
        return KernelException.of(Libc.strerror(e.errno()) + " (" + why + ")", e.errno(), object, e.extAck(), true);
    }

    // ---- neighbours ----------------------------------------------------------------------------------------

    /** The neighbour table of the namespace, of one family, or of both ({@code family} null). */
    public List<Neighbour> neighbours(Family family) { return neighbours(family, false); }

    /** The same, or ({@code proxy}) the proxy entries ({@code ip neigh show proxy}). */
    public List<Neighbour> neighbours(Family family, boolean proxy) {
        List<Neighbour> out = new ArrayList<>();
        for (NlMessage m : nl.dump(NeighbourMessages.dump(family, proxy))) {
            if (m.type() != RTM_NEWNEIGH) continue;
            Neighbour n = NeighbourMessages.parse(m);
            if (n != null && (family == null || n.family() == family)) out.add(n);
        }
        return out;
    }

    /**
     * Adds (or, with {@code replace}, adds or changes) the neighbour {@code dst} on {@code dev} ({@code ip neigh add
     * ADDR lladdr MAC nud STATE dev DEV}); {@code lladdr} may be null for states that need none.
     */
    public void setNeighbour(String dev, InetAddress dst, byte[] lladdr, int state, boolean replace) {
        nl.execute(NeighbourMessages.add(index(dev), dst, lladdr, state, replace));
    }

    /**
     * The same as ip's verb does it (add, change or replace), with neighbour flags (router, use, extern_learn: those of
     * {@link NeighbourMessages}) and a protocol (or null).
     */
    public void setNeighbour(String dev, InetAddress dst, byte[] lladdr, int state, Neighbour.Verb verb, int ntfFlags, Integer protocol) {
        nl.execute(NeighbourMessages.set(index(dev), dst, lladdr, state, verb.nlFlags, ntfFlags, protocol));
    }

    /** One neighbour entry as the kernel tells it ({@code ip neigh get ADDR dev DEV}). */
    public Neighbour neighbour(String dev, InetAddress dst, boolean proxy) {
        return NeighbourMessages.parse(nl.request(NeighbourMessages.get(index(dev), dst, proxy)));
    }

    /** Makes this namespace answer for {@code dst} on {@code dev} ({@code ip neigh add proxy ADDR dev DEV}). */
    public void addProxyNeighbour(String dev, InetAddress dst) {
        nl.execute(NeighbourMessages.add(index(dev), dst, null, Neighbour.NUD_PERMANENT, false, true));
    }

    /** Deletes the neighbour {@code dst} on {@code dev}, or ({@code proxy}) its proxy entry. */
    public void deleteNeighbour(String dev, InetAddress dst, boolean proxy) {
        nl.execute(NeighbourMessages.delete(index(dev), dst, proxy));
    }

    public void deleteNeighbour(String dev, InetAddress dst) { deleteNeighbour(dev, dst, false); }

    // ---- routes --------------------------------------------------------------------------------------------

    /** Routes of the main table, of one family (2 or 10), without cached clones: what {@code ip route} shows. */
    public List<Route> routes(Family family) { return routes(family, RT_TABLE_MAIN); }

    /** Routes of one table ({@code table} null: of all), of one family, without cached clones. */
    public List<Route> routes(Family family, Integer table) {
        List<Route> out = new ArrayList<>();
        for (NlMessage m : nl.dump(RouteMessages.dump(family))) {
            if (m.type() != RTM_NEWROUTE) continue;
            Route r = RouteMessages.parse(m);
            if (r == null || (table != null && r.table() != table) || (r.flags() & RTM_F_CLONED) != 0) continue;
            out.add(r);
        }
        return out;
    }

    /** Routes of one family (null: both), clones left out, each with the kernel's message: what {@code ip route save} writes. */
    public List<SaveFile.Entry<Route>> savedRoutes(Family family) {
        List<SaveFile.Entry<Route>> out = new ArrayList<>();
        for (NlMessage m : nl.dump(RouteMessages.dump(family))) {
            if (m.type() != RTM_NEWROUTE) continue;
            Route r = RouteMessages.parse(m);
            if (r != null && (r.flags() & RTM_F_CLONED) == 0) out.add(new SaveFile.Entry<>(r, m));
        }
        return out;
    }

    /**
     * Sends saved route messages back to the kernel in {@code ip route restore}'s three rounds (routes to local
     * addresses, then to local networks, then through gateways), each round in the file's order: one already there is
     * passed over ({@code passedOver} hears the kernel's refusal, which ip prints); the first other refusal ends it,
     * thrown, as does (after the first round) a file cut short.
     */
    public void restoreRoutes(SaveFile.Contents saved, Consumer<KernelException> passedOver) {
        List<SaveFile.Entry<Route>> routes = saved.routes();
        for (int round = 0; round < 3; round++) {
            for (SaveFile.Entry<Route> e : routes) if (RouteMessages.restoreRound(e.message()) == round) restore(e.message(), passedOver);
            // ip reads the file again each round: one cut short ends the first round where the cut is
            if (saved.fault() != null) throw saved.fault();
        }
    }

    /** A saved message sent again as a request that creates (a dump's flags kept, as ip sends them); EEXIST is no error. */
    private void restore(NlMessage m, Consumer<KernelException> passedOver) {
        try {
            nl.execute(new NlRequest(m.type(), m.flags() | NLM_F_CREATE).bytes(m.payloadBytes()));
        } catch (dev.nslab.error.AlreadyExistsException e) {
            passedOver.accept(e); // ip restores over what is there
        }
    }

    /** The cached clones of one family's routes ({@code ip route show cache}): the exceptions path MTUs and redirects made. */
    public List<Route> clonedRoutes(Family family) {
        List<Route> out = new ArrayList<>();
        for (NlMessage m : nl.dump(RouteMessages.dumpCloned(family))) {
            if (m.type() != RTM_NEWROUTE) continue;
            Route r = RouteMessages.parse(m);
            if (r != null && (r.flags() & RTM_F_CLONED) != 0) out.add(r);
        }
        return out;
    }

    /** The route a packet to {@code dst} would take from this namespace, as the kernel looks it up. */
    public RouteLookup getRoute(InetAddress dst) { return getRoute(new RouteQuery(dst, null, 0, 0, null)); }

    /** The route the kernel would give packet {@code q} ({@code ip route get ... [from] [iif] [oif] [mark]}). */
    public RouteLookup getRoute(RouteQuery q) { return RouteMessages.parseLookup(nl.requestStrict(RouteMessages.lookup(q))); }

    public void addRoute(RouteSpec spec) { changeRoute(spec, RouteSpec.Verb.ADD); }

    /** ip route add, change, replace, prepend or append. */
    public void changeRoute(RouteSpec spec, RouteSpec.Verb verb) { sendRoute(spec, verb.nlFlags, true); }

    public void deleteRoute(RouteSpec spec) { sendRoute(spec, 0, false); }

    /** Adds ({@code verb}) or, with a null verb, removes an MPLS route; the kernel's refusal as it gives it. */
    public void mplsRoute(MplsRoute r, RouteSpec.Verb verb) { nl.execute(r.request(verb == null, verb == null ? 0 : verb.nlFlags)); }

    /** How many routes of the MPLS family the namespace has (none where the kernel has no MPLS). */
    public int mplsRouteCount() {
        int n = 0;
        for (NlMessage m : nl.dump(RtMsg.dump(MplsRoute.AF_MPLS).writeTo(new NlRequest(RTM_GETROUTE, NLM_F_DUMP)))) {
            if (m.type() == RTM_NEWROUTE && RtMsg.read(m).family() == MplsRoute.AF_MPLS) n++;
        }
        return n;
    }

    /**
     * Makes tun/tap device {@code name} ({@code flags}: {@link TunTap#TUN} or {@link TunTap#TAP} and framing flags)
     * persistent in this namespace, with an owner and a group (null: none), or ({@code persist} false) removes it.
     */
    public void tunTap(String name, int flags, boolean persist, Long owner, Long group) {
        if (!name.isEmpty()) validateIfName(name); // none: the kernel names it (tun0, tap0...)
        registry.call(ns, () -> {
            TunTap.set(name, flags, persist, owner, group);
            return null;
        });
    }

    /** Deletes route {@code r} as {@link #routes} listed it; one already gone is not an error (ip's flush). */
    public void deleteExistingRoute(Route r) {
        try {
            nl.execute(RouteMessages.deleteExisting(r));
        } catch (KernelException e) {
            if (e.errno() != Errno.ESRCH) throw e;
        }
    }

    private void sendRoute(RouteSpec spec, int nlFlags, boolean add) {
        int oif = spec.dev() == null ? 0 : index(spec.dev());
        int[] hops = new int[spec.nexthops().size()];
        for (int i = 0; i < hops.length; i++) hops[i] = spec.nexthops().get(i).dev() == null ? 0 : index(spec.nexthops().get(i).dev());
        String what = spec.dst() == null ? "default" : spec.dst().network().toString();
        try {
            nl.execute(add ? RouteMessages.change(spec, oif, nlFlags, hops) : RouteMessages.delete(spec, oif));
        } catch (KernelException e) {
            String why = switch (e.errno()) {
                case Errno.EEXIST -> "a route to " + what + " is already there";
                case Errno.ENETUNREACH -> "gateway " + (spec.via() == null ? "?" : Cidr.format(spec.via())) + " is not on a connected subnet";
                case Errno.ESRCH -> "no route to " + what;
                default -> null;
            };
            if (why != null) throw refusal(e, why, what);
            throw e;
        }
    }

    // ---- policy routing rules ------------------------------------------------------------------------------

    /** The rules of one family, in the kernel's order (by priority). */
    public List<Rule> rules(Family family) {
        List<Rule> out = new ArrayList<>();
        for (NlMessage m : nl.dump(RuleMessages.dump(family))) if (m.type() == RTM_NEWRULE) out.add(RuleMessages.parse(m, family));
        return out;
    }

    public void addRule(Rule rule) { nl.execute(RuleMessages.add(rule)); }

    public void deleteRule(Rule rule) { nl.execute(RuleMessages.delete(rule)); }

    // ---- IPv6 tokens (ip token) -----------------------------------------------------------------------------

    /** Each interface's IPv6 token, in the kernel's order (interfaces without IPv6 have none). */
    public List<Ipv6Token> ipv6Tokens() {
        List<Ipv6Token> out = new ArrayList<>();
        for (NlMessage m : nl.dump(Ipv6Token.dump())) {
            Ipv6Token t = Ipv6Token.parse(m);
            if (t != null) out.add(t);
        }
        return out;
    }

    /** Gives interface {@code index} the IPv6 token {@code token} (:: removes it). */
    public void setIpv6Token(int index, java.net.InetAddress token) { nl.execute(Ipv6Token.set(index, token)); }

    // ---- IPv6 address labels (ip addrlabel) ----------------------------------------------------------------

    /** The namespace's address labels of {@code family} (AF_INET6, 10, has them), in the kernel's order. */
    public List<AddrLabel> addrLabels(int family) {
        List<AddrLabel> out = new ArrayList<>();
        for (NlMessage m : nl.dump(AddrLabel.dump(family))) {
            AddrLabel l = m.type() == AddrLabel.RTM_NEWADDRLABEL ? AddrLabel.parse(m) : null;
            if (l != null) out.add(l);
        }
        return out;
    }

    /** Adds label {@code l}, sent in family {@code family}'s header (the kernel refuses an address of another size). */
    public void addAddrLabel(AddrLabel l, int family) { nl.execute(l.request(false, family)); }

    public void deleteAddrLabel(AddrLabel l, int family) { nl.execute(l.request(true, family)); }

    // ---- neighbour tables (ip ntable) -----------------------------------------------------------------------

    /** The neighbour tables of one family (0: all) with each interface's parameters, in the kernel's order. */
    public List<NeighbourTable> neighbourTables(int family) {
        List<NeighbourTable> out = new ArrayList<>();
        for (NlMessage m : nl.dump(NeighbourTable.dump(family))) if (m.type() == NeighbourTable.RTM_NEWNEIGHTBL) out.add(NeighbourTable.parse(m));
        return out;
    }

    /**
     * Changes neighbour table {@code name}: its {@code thresholds} (held once for the whole machine) and the
     * {@code parameters} of interface {@code ifindex} (null: the table's defaults), each by its kernel number.
     */
    public void changeNeighbourTable(int family, String name, Map<Integer, Long> thresholds, Integer ifindex, Map<Integer, Long> parameters) {
        nl.execute(NeighbourTable.change(family, name, thresholds, ifindex, parameters));
    }

    // ---- per-interface IP settings (ip netconf) ------------------------------------------------------------

    /** Every interface's settings of one family ({@code family} 0: each family the kernel has), in the kernel's order. */
    public List<Netconf> netconfs(int family) {
        List<Netconf> out = new ArrayList<>();
        for (NlMessage m : nl.dump(Netconf.dump(family))) if (m.type() == RTM_NEWNETCONF) out.add(Netconf.parse(m));
        return out;
    }

    /** Interface {@code ifindex}'s settings in {@code family}. */
    public Netconf netconf(int family, int ifindex) { return Netconf.parse(nl.request(Netconf.get(family, ifindex))); }

    // ---- nexthop objects -----------------------------------------------------------------------------------

    /** Adds nexthop {@code n} ({@code ip nexthop add}), or ({@code replace}) puts it in place of the one with its id. */
    public void addNexthop(Nexthop n, boolean replace) { nl.execute(NexthopMessages.add(n, replace)); }

    /** Removes nexthop {@code id}; routes that use it go with it. */
    public void deleteNexthop(int id) { nl.execute(NexthopMessages.delete(id)); }

    /** Nexthop {@code id}; throws ENOENT ("Nexthop id does not exist") when there is none. */
    public Nexthop nexthop(int id) { return NexthopMessages.parse(nl.request(NexthopMessages.get(id))); }

    /** The namespace's nexthops of one family (null: all), of device {@code oif} (0: any), groups only, fdb ones only. */
    public List<Nexthop> nexthops(Family family, int oif, boolean groups, boolean fdb) {
        List<Nexthop> out = new ArrayList<>();
        for (NlMessage m : nl.dump(NexthopMessages.dump(family, oif, groups, fdb))) {
            if (m.type() == RTM_NEWNEXTHOP) out.add(NexthopMessages.parse(m));
        }
        return out;
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
        return nl.request(NsidMessages.get(fd)).attrs(RtGenMsg.LEN).u32(NETNSA_NSID, NETNSA_NSID_NOT_ASSIGNED);
    }

    /** Assigns id {@code id} (or -1 for the next free one) to {@code other} as seen from this namespace. */
    public void setNsid(NsRef other, int id) {
        int fd = registry.open(other);
        try {
            nl.execute(NsidMessages.set(fd, id));
        } catch (KernelException e) {
            if (e.errno() == Errno.EEXIST) throw refusal(e, "id " + id + " or namespace " + other + " already has an id", other.toString());
            throw e;
        } finally {
            Libc.close(fd);
        }
    }

    /** Every namespace id this namespace has assigned. */
    public List<Integer> nsids() {
        List<Integer> out = new ArrayList<>();
        for (NlMessage m : nl.dump(NsidMessages.list(null, null))) {
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
        NlRequest r = NsidMessages.list(targetNsid, nsid);
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
    public Map<Integer, String> nsidNames() { return nsidNames(e -> { }); }

    /**
     * The same, telling {@code refused} of each registered name the kernel will not give an id for: a registration
     * file that holds no namespace (left by a process killed between making the file and mounting it, or by a
     * restart that kept /run), which ip reports each time it looks names up.
     */
    public Map<Integer, String> nsidNames(Consumer<KernelException> refused) {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (String name : registry.list()) {
            int id = nsidOfName(name, refused);
            if (id >= 0) out.putIfAbsent(id, name);
        }
        return out;
    }

    /** The id this namespace gives the one registered as {@code name}, -1 for none or an unreadable name (told to {@code refused}). */
    public int nsidOfName(String name, Consumer<KernelException> refused) {
        try {
            return nsid(NsRef.named(name));
        } catch (NoSuchObjectException e) {
            return -1; // gone since the directory was read
        } catch (KernelException e) {
            refused.accept(e);
            return -1;
        }
    }

    // ---- queueing disciplines ------------------------------------------------------------------------------

    /** Makes {@code q} the root discipline of {@code dev}, in place of whatever was there. */
    public void replaceRootQdisc(String dev, Qdisc q) {
        try {
            nl.execute(q.request(index(dev), NLM_F_CREATE | NLM_F_REPLACE));
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT) {
                throw KernelException.of("this kernel has no " + q.kind() + " queueing discipline (CONFIG_NET_SCH_"
                        + q.kind().toUpperCase() + ")", e.errno(), dev, e.extAck(), true);
            }
            throw e;
        }
    }

    /** Removes the root discipline of {@code dev} (back to the default); false when it had none of its own. */
    public boolean deleteRootQdisc(String dev) {
        try {
            nl.execute(Qdisc.deleteRoot(index(dev)));
            return true;
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.EINVAL) return false; // the default, handle 0
            throw e;
        }
    }

    /** The kind of {@code dev}'s root discipline ("noqueue", "tbf"...), or empty when the device has none. */
    public Optional<String> rootQdiscKind(String dev) {
        int index = index(dev);
        for (NlMessage m : nl.dump(Qdisc.dump(index))) {
            TcMsg t = TcMsg.read(m);
            if (t.index() == index && t.parent() == TC_H_ROOT) return Optional.ofNullable(m.attrs(TcMsg.LEN).string(TCA_KIND));
        }
        return Optional.empty();
    }
}
