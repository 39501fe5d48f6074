package dev.nslab.net;

/**
 * A link to create ({@code ip link add}). For a veth, {@code peer} names the other end and {@code peerNetns}
 * where it is born (null: next to this end). {@code netns} puts this end in another namespace at birth.
 * {@code vlanFiltering} (bridges only, null: kernel default) asks for 802.1Q filtering, which not every kernel has.
 */
public record LinkSpec(String name, String kind, String peer, NsRef peerNetns, NsRef netns, Integer mtu,
                       byte[] address, String alias, Boolean vlanFiltering) {

    public static LinkSpec veth(String name, String peer) { return new LinkSpec(name, "veth", peer, null, null, null, null, null, null); }

    public static LinkSpec bridge(String name) { return new LinkSpec(name, "bridge", null, null, null, null, null, null, null); }

    public LinkSpec peerIn(NsRef ns) { return new LinkSpec(name, kind, peer, ns, netns, mtu, address, alias, vlanFiltering); }
    public LinkSpec in(NsRef ns) { return new LinkSpec(name, kind, peer, peerNetns, ns, mtu, address, alias, vlanFiltering); }
    public LinkSpec mtu(int v) { return new LinkSpec(name, kind, peer, peerNetns, netns, v, address, alias, vlanFiltering); }
    public LinkSpec address(byte[] v) { return new LinkSpec(name, kind, peer, peerNetns, netns, mtu, v, alias, vlanFiltering); }
    public LinkSpec vlanFiltering(boolean v) { return new LinkSpec(name, kind, peer, peerNetns, netns, mtu, address, alias, v); }
    public LinkSpec alias(String v) { return new LinkSpec(name, kind, peer, peerNetns, netns, mtu, address, v, vlanFiltering); }
}
