package dev.nslab.net;

import dev.nslab.netlink.IfInfoMsg;
import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_APPEND;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_DUMP;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_EXCL;
import static dev.nslab.netlink.Rtnl.*;

/**
 * The rtnetlink messages of links: what is sent to make, change, delete and ask for an interface, and how the
 * kernel's answer is read. Built here once, for the one-at-a-time {@link NetHandle} and the pipelined
 * {@link NetBatch} alike. Pure: nothing here touches a socket.
 */
public final class LinkMessages {
    private LinkMessages() {}

    private static NlRequest ifinfo(int type, int flags, int index, int ifFlags, int change) {
        return IfInfoMsg.of(index, ifFlags, change).writeTo(new NlRequest(type, flags));
    }

    /**
     * RTM_NEWLINK for an interface to create, as ip link add sends it: its attribute order, nests without the nested
     * flag and the kind without a NUL (the kernel takes either form; being ip's, the bytes can be compared with ip's). Everything is optional but the
     * name and the kind; an index of 0 lets the kernel choose, a descriptor below 0 leaves the interface where the
     * request is made.
     */
    public static final class New {
        private final String name, kind;
        private int index, group = -1, master, nsFd = -1, nsPid = -1, parent;
        private boolean up;
        private Integer mtu;
        private byte[] address;
        private String peer;
        private int peerIndex, peerGroup = -1, peerNsFd = -1, peerNsPid = -1;
        private Boolean vlanFiltering;
        private Map<BridgeSetting, Long> bridgeSettings = Map.of();
        private Integer macvlanMode, macvlanFlags;
        private Long macvlanBcQueueLen;
        private int vlanId = -1, vlanProtocol;
        private int vxlanId = -1, vxlanPort = -1, vxlanLink;
        private InetAddress vxlanRemote, vxlanLocal;
        private Integer vxlanTtl;
        private Boolean vxlanLearning;
        private Map<VxlanSetting, Long> vxlanSettings = Map.of();
        private Map<LinkSetting, Long> settings = Map.of();

        New(String name, String kind) {
            this.name = name;
            this.kind = kind;
        }

        /** The interface index to take (the kernel takes a requested index when it is free). */
        public New index(int v) { index = v; return this; }
        /** The device group (IFLA_GROUP). */
        public New group(int v) { group = v; return this; }
        /** Joins the bridge of this index at birth. */
        public New master(int v) { master = v; return this; }
        /** Up from birth. */
        public New up(boolean v) { up = v; return this; }
        public New mtu(Integer v) { mtu = v; return this; }
        public New address(byte[] v) { address = v; return this; }
        /** Born in the namespace open at {@code fd} (IFLA_NET_NS_FD). */
        public New nsFd(int fd) { nsFd = fd; return this; }
        /** Born in the namespace of process {@code pid} (IFLA_NET_NS_PID). */
        public New nsPid(int pid) { nsPid = pid; return this; }
        /** The device it sits on (a macvlan's parent), by index. */
        public New parent(int v) { parent = v; return this; }

        /** A veth's other end: its name, index (0: the kernel's choice), group (-1: none) and namespace (fd, or -1). */
        public New peer(String name, int index, int group, int nsFd) {
            peer = name;
            peerIndex = index;
            peerGroup = group;
            peerNsFd = nsFd;
            return this;
        }

        /** A veth's other end born in the namespace of process {@code pid}. */
        public New peerNsPid(int pid) { peerNsPid = pid; return this; }

        public New vlanFiltering(Boolean v) { vlanFiltering = v; return this; }
        /** Further settings of the new interface (queues, GSO limits...). */
        public New settings(Map<LinkSetting, Long> v) { settings = v; return this; }
        public New bridgeSettings(Map<BridgeSetting, Long> v) { bridgeSettings = v; return this; }
        public New macvlanMode(int mode) { macvlanMode = mode; return this; }

        /** A macvlan's mode (0: none given), flags and broadcast queue length (null: none given). */
        public New macvlan(int mode, Integer flags, Long bcQueueLen) {
            macvlanMode = mode;
            macvlanFlags = flags;
            macvlanBcQueueLen = bcQueueLen;
            return this;
        }
        /** An 802.1Q VLAN's id and protocol (0x8100, or 0x88a8 for 802.1ad). */
        public New vlan(int id, int protocol) { vlanId = id; vlanProtocol = protocol; return this; }

        public New vxlan(int vni, InetAddress remote, int port) { return vxlan(vni, remote, port, null, 0, null, null, Map.of()); }

        /**
         * A vxlan with what the command line may give it; null (0 for the device, and for the id: none, as an
         * "external" vxlan has) leaves the kernel's default.
         */
        public New vxlan(Integer vni, InetAddress remote, Integer port, InetAddress local, int linkIndex, Integer ttl, Boolean learning,
                         Map<VxlanSetting, Long> settings) {
            vxlanId = vni == null ? -2 : vni;
            vxlanSettings = settings;
            vxlanRemote = remote;
            vxlanPort = port == null ? -1 : port;
            vxlanLocal = local;
            vxlanLink = linkIndex;
            vxlanTtl = ttl;
            vxlanLearning = learning;
            return this;
        }

        public String name() { return name; }

        public NlRequest request() {
            NlRequest r = ifinfo(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, index, up ? IFF_UP : 0, up ? IFF_UP : 0).attrString(IFLA_IFNAME, name);
            if (group >= 0) r.attrU32(IFLA_GROUP, group);
            if (master != 0) r.attrU32(IFLA_MASTER, master);
            if (mtu != null) r.attrU32(IFLA_MTU, mtu);
            if (address != null) r.attr(IFLA_ADDRESS, address);
            if (nsFd >= 0) r.attrU32(IFLA_NET_NS_FD, nsFd);
            if (nsPid >= 0) r.attrU32(IFLA_NET_NS_PID, nsPid);
            if (parent != 0) r.attrU32(IFLA_LINK, parent);
            writeSettings(r, settings);
            int info = r.beginNestedPlain(IFLA_LINKINFO);
            r.attrText(IFLA_INFO_KIND, kind);
            if (peer != null) {
                int data = r.beginNestedPlain(IFLA_INFO_DATA);
                int p = r.beginNestedPlain(VETH_INFO_PEER);
                IfInfoMsg.of(peerIndex, 0, 0).writeTo(r); // the peer's own header
                r.attrString(IFLA_IFNAME, peer);
                if (peerGroup >= 0) r.attrU32(IFLA_GROUP, peerGroup);
                if (mtu != null) r.attrU32(IFLA_MTU, mtu);
                if (peerNsFd >= 0) r.attrU32(IFLA_NET_NS_FD, peerNsFd);
                if (peerNsPid >= 0) r.attrU32(IFLA_NET_NS_PID, peerNsPid);
                r.endNested(p);
                r.endNested(data);
            }
            // a bridge's filtering is sent only when asked for: a kernel without it refuses even an explicit "off"
            if (vlanFiltering != null || !bridgeSettings.isEmpty()) {
                int data = r.beginNestedPlain(IFLA_INFO_DATA);
                if (vlanFiltering != null) r.attrU8(IFLA_BR_VLAN_FILTERING, vlanFiltering ? 1 : 0);
                writeBridgeSettings(r, bridgeSettings);
                r.endNested(data);
            }
            if (vlanId >= 0) {
                int data = r.beginNestedPlain(IFLA_INFO_DATA);
                r.attrU16(IFLA_VLAN_ID, vlanId);
                r.attr(IFLA_VLAN_PROTOCOL, new byte[] {(byte) (vlanProtocol >> 8), (byte) vlanProtocol}); // network byte order
                r.endNested(data);
            }
            if (macvlanMode != null) {
                int data = r.beginNestedPlain(IFLA_INFO_DATA);
                writeMacvlan(r, macvlanMode, macvlanFlags, macvlanBcQueueLen);
                r.endNested(data);
            }
            if (vxlanId >= 0 || vxlanId == -2) {
                int data = r.beginNestedPlain(IFLA_INFO_DATA);
                writeVxlan(r, vxlanId >= 0 ? vxlanId : null, vxlanRemote, vxlanPort >= 0 ? vxlanPort : null, vxlanLocal, vxlanLink, vxlanTtl,
                        vxlanLearning, vxlanSettings);
                r.endNested(data);
            }
            r.endNested(info);
            return r;
        }
    }

    /** A vxlan's IFLA_INFO_DATA attributes; null (0 for the device) leaves one out. */
    private static void writeVxlan(NlRequest r, Integer vni, InetAddress remote, Integer port, InetAddress local, int link, Integer ttl,
                                   Boolean learning, Map<VxlanSetting, Long> settings) {
        if (vni != null) r.attrU32(IFLA_VXLAN_ID, vni);
        if (remote != null) r.attr(remote instanceof Inet6Address ? IFLA_VXLAN_GROUP6 : IFLA_VXLAN_GROUP, remote.getAddress());
        if (local != null) r.attr(local instanceof Inet6Address ? IFLA_VXLAN_LOCAL6 : IFLA_VXLAN_LOCAL, local.getAddress());
        if (link != 0) r.attrU32(IFLA_VXLAN_LINK, link);
        if (ttl != null) r.attrU8(IFLA_VXLAN_TTL, ttl);
        if (learning != null) r.attrU8(IFLA_VXLAN_LEARNING, learning ? 1 : 0);
        if (port != null) r.attr(IFLA_VXLAN_PORT, new byte[] {(byte) (port >> 8), (byte) (int) port}); // network byte order
        writeVxlanSettings(r, settings);
    }

    private static void writeVxlanSettings(NlRequest r, Map<VxlanSetting, Long> settings) {
        settings.forEach((k, v) -> sized(r, k.attribute, k.bytes, v, k.bigEndian));
    }

    /** An attribute of {@code bytes} bytes (0: a flag, empty), in host byte order unless {@code bigEndian}. */
    private static void sized(NlRequest r, int attribute, int bytes, long v, boolean bigEndian) {
        int x = (int) v;
        if (bytes == 0) r.attr(attribute, new byte[0]);
        else if (bytes == 1) r.attrU8(attribute, x);
        else if (bigEndian && bytes == 2) r.attr(attribute, new byte[] {(byte) (x >> 8), (byte) x});
        else if (bigEndian) r.attr(attribute, new byte[] {(byte) (x >> 24), (byte) (x >> 16), (byte) (x >> 8), (byte) x});
        else if (bytes == 2) r.attrU16(attribute, x);
        else r.attrU32(attribute, x);
    }

    /**
     * RTM_NEWLINK without CREATE that changes what a link's kind holds ({@code ip link set DEV type KIND ...}): its
     * IFLA_LINKINFO with the kind ({@code slave}: the master's kind, for a port's settings) and {@code data} written
     * inside IFLA_INFO_DATA (or IFLA_INFO_SLAVE_DATA).
     */
    private static NlRequest kindChange(int index, String name, String kind, boolean slave, java.util.function.Consumer<NlRequest> data) {
        NlRequest r = ifinfo(RTM_NEWLINK, 0, index, 0, 0);
        if (index == 0) r.attrString(IFLA_IFNAME, name);
        int info = r.beginNestedPlain(IFLA_LINKINFO);
        r.attrText(slave ? IFLA_INFO_SLAVE_KIND : IFLA_INFO_KIND, kind);
        int d = r.beginNestedPlain(slave ? IFLA_INFO_SLAVE_DATA : IFLA_INFO_DATA);
        data.accept(r);
        r.endNested(d);
        r.endNested(info);
        return r;
    }

    private static final int IFLA_INFO_SLAVE_KIND = 4, IFLA_INFO_SLAVE_DATA = 5;

    /** A change of a bridge port's settings ({@code ip link set DEV type bridge_slave ...}), in the order given. */
    public static NlRequest setBridgePort(int index, String name, Map<BridgePortSetting, Long> settings) {
        return kindChange(index, name, "bridge", true, r -> settings.forEach((k, v) -> sized(r, k.attribute, k.bytes, v, false)));
    }

    private static final int IFLA_MACVLAN_FLAGS = 2, IFLA_MACVLAN_BC_QUEUE_LEN = 7;

    /** A macvlan's IFLA_INFO_DATA, in ip's order: the mode (0: left out), the broadcast queue length, the flags. */
    private static void writeMacvlan(NlRequest r, int mode, Integer flags, Long bcQueueLen) {
        if (bcQueueLen != null) r.attrU32(IFLA_MACVLAN_BC_QUEUE_LEN, (int) (long) bcQueueLen);
        if (mode != 0) r.attrU32(IFLA_MACVLAN_MODE, mode);
        if (flags != null) r.attrU16(IFLA_MACVLAN_FLAGS, flags);
    }

    /** A change of a macvlan's or macvtap's mode, flags and broadcast queue ({@code ip link set DEV type macvlan ...}). */
    public static NlRequest setMacvlan(int index, String name, String kind, int mode, Integer flags, Long bcQueueLen) {
        return kindChange(index, name, kind, false, r -> writeMacvlan(r, mode, flags, bcQueueLen));
    }

    /** A change of a vxlan's settings ({@code ip link set DEV type vxlan ...}): what is given is sent, the kernel says what it cannot change. */
    public static NlRequest setVxlan(int index, String name, Integer vni, InetAddress remote, Integer port, InetAddress local, int link, Integer ttl,
                                     Boolean learning, Map<VxlanSetting, Long> settings) {
        return kindChange(index, name, "vxlan", false, r -> writeVxlan(r, vni, remote, port, local, link, ttl, learning, settings));
    }

    private static void writeBridgeSettings(NlRequest r, Map<BridgeSetting, Long> settings) {
        // the VLAN protocol goes in network byte order
        settings.forEach((k, v) -> sized(r, k.attribute, k.bytes, v, k == BridgeSetting.VLAN_PROTOCOL));
    }

    /** Changes settings of the bridge {@code index} ({@code ip link set BR type bridge ...}): a NEWLINK without CREATE. */
    public static NlRequest setBridge(int index, String name, Map<BridgeSetting, Long> settings) {
        return kindChange(index, name, "bridge", false, r -> writeBridgeSettings(r, settings));
    }

    /** A new interface of {@code kind} called {@code name} ({@code ip link add NAME type KIND}). */
    public static New create(String name, String kind) { return new New(name, kind); }

    /**
     * RTM_NEWLINK that changes an existing interface, named by {@code index} (or, with index 0, by {@code name}); every
     * other argument that is null is left as it is. {@code master} 0 leaves a bridge; {@code newName} renames.
     */
    public static NlRequest change(int index, String name, Boolean up, Integer mtu, byte[] address, String alias, Integer group,
                                   Integer master, String newName) {
        return change(index, name, up, mtu, address, alias, group, master, newName, 0, 0, null);
    }

    /** The same, also setting {@code flags} among {@code flagMask} (promisc, arp, multicast, allmulticast). */
    public static NlRequest change(int index, String name, Boolean up, Integer mtu, byte[] address, String alias, Integer group,
                                   Integer master, String newName, int flags, int flagMask, Integer txqlen) {
        NlRequest r = ifinfo(RTM_NEWLINK, 0, index, (Boolean.TRUE.equals(up) ? IFF_UP : 0) | flags, (up == null ? 0 : IFF_UP) | flagMask);
        if (newName != null || index == 0) r.attrString(IFLA_IFNAME, newName != null ? newName : name);
        if (mtu != null) r.attrU32(IFLA_MTU, mtu);
        if (address != null) r.attr(IFLA_ADDRESS, address);
        if (alias != null) r.attrText(IFLA_IFALIAS, alias);
        if (group != null) r.attrU32(IFLA_GROUP, group);
        if (master != null) r.attrU32(IFLA_MASTER, master);
        if (txqlen != null) r.attrU32(IFLA_TXQLEN, txqlen);
        return r;
    }

    /** The same with further settings (queues, carrier, GSO limits, address generation mode...), in the order given. */
    public static NlRequest change(int index, String name, Boolean up, Integer mtu, byte[] address, String alias, Integer group,
                                   Integer master, String newName, int flags, int flagMask, Integer txqlen, Map<LinkSetting, Long> settings) {
        return writeSettings(change(index, name, up, mtu, address, alias, group, master, newName, flags, flagMask, txqlen), settings);
    }

    private static final int IFLA_AF_SPEC = 26, AF_INET6 = 10, IFLA_INET6_ADDR_GEN_MODE = 8;

    private static NlRequest writeSettings(NlRequest r, Map<LinkSetting, Long> settings) {
        settings.forEach((k, v) -> {
            if (k == LinkSetting.ADDR_GEN_MODE) {
                int af = r.beginNestedPlain(IFLA_AF_SPEC), in6 = r.beginNestedPlain(AF_INET6);
                r.attrU8(IFLA_INET6_ADDR_GEN_MODE, (int) (long) v);
                r.endNested(in6);
                r.endNested(af);
            } else {
                sized(r, k.attribute, k.bytes, v, false);
            }
        });
        return r;
    }

    /** Adds where an interface goes: the namespace open at {@code fd}, or of process {@code pid} ({@code ip link set DEV netns}). */
    public static NlRequest moveTo(NlRequest change, int nsFd, int nsPid) {
        if (nsPid >= 0) return change.attrU32(IFLA_NET_NS_PID, nsPid);
        return change.attrU32(IFLA_NET_NS_FD, nsFd);
    }

    /** RTM_DELLINK of the interface called {@code name} (index 0) or numbered {@code index}. */
    public static NlRequest delete(int index, String name) {
        NlRequest r = ifinfo(RTM_DELLINK, 0, index, 0, 0);
        return index == 0 ? r.attrString(IFLA_IFNAME, name) : r;
    }

    /**
     * RTM_NEWLINKPROP (or, {@code add} false, RTM_DELLINKPROP) of an alternative name of interface {@code index}, as
     * ip link property add|del dev DEV altname ALT sends it (ip asks for the index first).
     */
    public static NlRequest altName(boolean add, int index, String alt) {
        NlRequest r = ifinfo(add ? RTM_NEWLINKPROP : RTM_DELLINKPROP, add ? NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND : 0, index, 0, 0);
        int list = r.beginNested(IFLA_PROP_LIST);
        r.attrString(IFLA_ALT_IFNAME, alt);
        return r.endNested(list);
    }

    /** RTM_DELLINK of every interface of device group {@code group} ({@code ip link delete group N}). */
    public static NlRequest deleteGroup(int group) { return ifinfo(RTM_DELLINK, 0, 0, 0, 0).attrU32(IFLA_GROUP, group); }

    /** RTM_GETLINK of one interface, by name, without its counters. */
    public static NlRequest get(String name) {
        return ifinfo(RTM_GETLINK, 0, 0, 0, 0).attrString(IFLA_IFNAME, name).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    }

    /** RTM_GETLINK of one interface, by index, without its counters. */
    public static NlRequest get(int index) { return ifinfo(RTM_GETLINK, 0, index, 0, 0).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS); }

    /** RTM_GETLINK of every interface, with ({@code stats}) or without their counters. */
    public static NlRequest dump(boolean stats) {
        NlRequest r = ifinfo(RTM_GETLINK, NLM_F_DUMP, 0, 0, 0);
        return stats ? r : r.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    }

    /** An RTM_NEWLINK answer read as a {@link Link}. */
    public static Link parse(NlMessage m) {
        IfInfoMsg h = IfInfoMsg.read(m);
        NlAttrs a = m.attrs(IfInfoMsg.LEN);
        NlAttrs info = a.nested(IFLA_LINKINFO);
        String kind = info == null ? null : info.string(IFLA_INFO_KIND);
        String slaveKind = info == null ? null : info.string(IFLA_INFO_SLAVE_KIND);
        List<String> alt = new ArrayList<>();
        NlAttrs props = a.nested(IFLA_PROP_LIST);
        if (props != null) {
            for (ByteBuffer b : props.all(IFLA_ALT_IFNAME)) alt.add(cString(b));
        }
        return new Link(h.index(), a.string(IFLA_IFNAME), kind, h.flags(), a.u32(IFLA_MTU, 0), a.string(IFLA_QDISC),
                a.u32(IFLA_MASTER, 0), a.u8(IFLA_OPERSTATE, 0), a.u8(IFLA_LINKMODE, 0), a.u32(IFLA_GROUP, 0),
                a.u32(IFLA_TXQLEN, 0), h.type(), a.bytes(IFLA_ADDRESS), a.bytes(IFLA_BROADCAST),
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
}
