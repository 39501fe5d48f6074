package dev.nslab.net;

/**
 * What {@code ip link set DEV ...} may change in one request. Null fields are left alone.
 *
 * @param master a bridge name to become a port of, "" to leave the current one (nomaster), null to keep
 * @param netns  the namespace to move the interface to, or null
 * @param group  the device group (ip link set DEV group N), or null
 * @param flags  interface flags to set (IFF_PROMISC, IFF_NOARP, IFF_MULTICAST, IFF_ALLMULTI...), among {@code flagMask}
 * @param flagMask the flags this change sets or clears (besides IFF_UP, which {@code up} says)
 * @param txqlen the transmit queue's length (ip link set DEV txqueuelen N), or null
 * @param settings further settings (queues, carrier, GSO limits, address generation mode...), in the order given
 */
public record LinkChange(String dev, Boolean up, Integer mtu, byte[] address, String newName, String master,
                         NsRef netns, String alias, Integer group, int flags, int flagMask, Integer txqlen,
                         java.util.Map<LinkSetting, Long> settings) {

    public LinkChange { settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings)); }

    public LinkChange(String dev, Boolean up, Integer mtu, byte[] address, String newName, String master, NsRef netns, String alias,
                      Integer group, int flags, int flagMask, Integer txqlen) {
        this(dev, up, mtu, address, newName, master, netns, alias, group, flags, flagMask, txqlen, java.util.Map.of());
    }

    public static LinkChange of(String dev) { return new LinkChange(dev, null, null, null, null, null, null, null, null, 0, 0, null); }

    /** This change with {@code setting} set to {@code value} too. */
    public LinkChange with(LinkSetting setting, long value) {
        java.util.Map<LinkSetting, Long> s = new java.util.LinkedHashMap<>(settings);
        s.put(setting, value);
        return new LinkChange(dev, up, mtu, address, newName, master, netns, alias, group, flags, flagMask, txqlen, s);
    }

    public LinkChange txqlen(int v) { return new LinkChange(dev, up, mtu, address, newName, master, netns, alias, group, flags, flagMask, v, settings); }

    /** Sets ({@code on}) or clears interface flag {@code flag}. */
    public LinkChange flag(int flag, boolean on) {
        return new LinkChange(dev, up, mtu, address, newName, master, netns, alias, group, on ? flags | flag : flags & ~flag, flagMask | flag, txqlen, settings);
    }

    public LinkChange up(boolean v) { return new LinkChange(dev, v, mtu, address, newName, master, netns, alias, group, flags, flagMask, txqlen, settings); }
    public LinkChange mtu(int v) { return new LinkChange(dev, up, v, address, newName, master, netns, alias, group, flags, flagMask, txqlen, settings); }
    public LinkChange address(byte[] v) { return new LinkChange(dev, up, mtu, v, newName, master, netns, alias, group, flags, flagMask, txqlen, settings); }
    public LinkChange name(String v) { return new LinkChange(dev, up, mtu, address, v, master, netns, alias, group, flags, flagMask, txqlen, settings); }
    public LinkChange master(String v) { return new LinkChange(dev, up, mtu, address, newName, v, netns, alias, group, flags, flagMask, txqlen, settings); }
    public LinkChange noMaster() { return master(""); }
    public LinkChange netns(NsRef v) { return new LinkChange(dev, up, mtu, address, newName, master, v, alias, group, flags, flagMask, txqlen, settings); }
    public LinkChange group(int v) { return new LinkChange(dev, up, mtu, address, newName, master, netns, alias, v, flags, flagMask, txqlen, settings); }
    public LinkChange alias(String v) { return new LinkChange(dev, up, mtu, address, newName, master, netns, v, group, flags, flagMask, txqlen, settings); }
}
