package dev.nslab.net;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A link to create ({@code ip link add}). For a veth, {@code peer} names the other end and {@code peerNetns}
 * where it is born (null: next to this end). {@code netns} puts this end in another namespace at birth.
 * {@code vlanFiltering} (bridges only, null: kernel default) asks for 802.1Q filtering, which not every kernel has.
 * {@code parent} is the device a macvlan sits on (in the namespace of the request); {@code data} the settings of
 * kinds that have them (macvlan's mode, vxlan's identifier and remote end, a VLAN's id, a bridge's settings). Any other
 * kind ({@code dummy}, {@code ifb}...) is made as the kernel makes it, if it has the driver.
 */
public record LinkSpec(String name, String kind, String peer, NsRef peerNetns, NsRef netns, Integer mtu,
                       byte[] address, String alias, Boolean vlanFiltering, String parent, Data data, Map<LinkSetting, Long> settings) {

    public LinkSpec { settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings)); }

    public LinkSpec(String name, String kind, String peer, NsRef peerNetns, NsRef netns, Integer mtu, byte[] address, String alias,
                    Boolean vlanFiltering, String parent, Data data) {
        this(name, kind, peer, peerNetns, netns, mtu, address, alias, vlanFiltering, parent, data, Map.of());
    }

    /** This spec with further settings (queues, GSO limits, address generation mode...), in the order given. */
    public LinkSpec settings(Map<LinkSetting, Long> s) { return new LinkSpec(name, kind, peer, peerNetns, netns, mtu, address, alias, vlanFiltering, parent, data, s); }

    /** Settings of one kind of link, sent as its IFLA_INFO_DATA. */
    public sealed interface Data { }

    /** A macvlan's mode: private, vepa, bridge, passthru or source (ip link's words). */
    /**
     * A macvlan's (or macvtap's) mode (null: the kernel's, vepa), its flags (MACVLAN_FLAG_NOPROMISC 1, NODST 2; null:
     * none given) and the length of its broadcast queue (null: the kernel's).
     */
    public record Macvlan(String mode, Integer flags, Long bcQueueLen) implements Data {
        public Macvlan(String mode) { this(mode, null, null); }

        /** The mode's number (MACVLAN_MODE_*), 0 for none given. */
        public int code() {
            if (mode == null) return 0;
            return switch (mode) {
                case "private" -> 1;
                case "vepa" -> 2;
                case "bridge" -> 4;
                case "passthru" -> 8;
                case "source" -> 16;
                default -> throw new IllegalArgumentException("macvlan mode \"" + mode + "\": use private, vepa, bridge, passthru or source");
            };
        }
    }


    /**
     * A VXLAN tunnel end: its network identifier, the remote end (unicast, or a multicast group) and the UDP port; the
     * underlay is the namespace the request is made in. From the command line also its local address, the device it
     * sends through, the TTL and whether it learns; a field left null is the kernel's default (port 8472).
     */
    /**
     * A vxlan: its network identifier (null: none, an "external" one), remote or group address, destination port,
     * local address, device, TTL, learning (null: the kernel's default for each) and further settings in the order given.
     */
    public record Vxlan(Integer vni, InetAddress remote, Integer port, InetAddress local, String dev, Integer ttl, Boolean learning,
                        Map<VxlanSetting, Long> settings) implements Data {
        public Vxlan { settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings)); }
        public Vxlan(int vni, InetAddress remote, int port) { this(vni, remote, port, null, null, null, null, Map.of()); }
    }

    /** An 802.1Q (or 802.1ad: protocol 0x88a8) VLAN interface on {@code parent}: its VLAN id. */
    public record Vlan(int id, int protocol) implements Data { }

    /** A Linux bridge's settings beyond VLAN filtering (STP, timers, priority, multicast...), in the order given. */
    public record Bridge(Map<BridgeSetting, Long> settings) implements Data {
        public Bridge { settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings)); }
    }

    public LinkSpec(String name, String kind, String peer, NsRef peerNetns, NsRef netns, Integer mtu, byte[] address, String alias,
                    Boolean vlanFiltering) {
        this(name, kind, peer, peerNetns, netns, mtu, address, alias, vlanFiltering, null, null);
    }

    public static LinkSpec veth(String name, String peer) { return new LinkSpec(name, "veth", peer, null, null, null, null, null, null); }

    public static LinkSpec bridge(String name) { return new LinkSpec(name, "bridge", null, null, null, null, null, null, null); }

    public static LinkSpec dummy(String name) { return new LinkSpec(name, "dummy", null, null, null, null, null, null, null); }

    public static LinkSpec macvlan(String name, String parent, String mode) {
        return new LinkSpec(name, "macvlan", null, null, null, null, null, null, null, parent, new Macvlan(mode));
    }

    public static LinkSpec vxlan(String name, int vni, InetAddress remote, int port) {
        return new LinkSpec(name, "vxlan", null, null, null, null, null, null, null, null, new Vxlan(vni, remote, port));
    }

    public LinkSpec peerIn(NsRef ns) { return new LinkSpec(name, kind, peer, ns, netns, mtu, address, alias, vlanFiltering, parent, data); }
    public LinkSpec in(NsRef ns) { return new LinkSpec(name, kind, peer, peerNetns, ns, mtu, address, alias, vlanFiltering, parent, data); }
    public LinkSpec mtu(int v) { return new LinkSpec(name, kind, peer, peerNetns, netns, v, address, alias, vlanFiltering, parent, data); }
    public LinkSpec address(byte[] v) { return new LinkSpec(name, kind, peer, peerNetns, netns, mtu, v, alias, vlanFiltering, parent, data); }
    public LinkSpec vlanFiltering(boolean v) { return new LinkSpec(name, kind, peer, peerNetns, netns, mtu, address, alias, v, parent, data); }
    public LinkSpec alias(String v) { return new LinkSpec(name, kind, peer, peerNetns, netns, mtu, address, v, vlanFiltering, parent, data); }
}
