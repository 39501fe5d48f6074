package dev.nslab.net;

/**
 * What {@code ip link set DEV ...} may change in one request. Null fields are left alone.
 *
 * @param master a bridge name to become a port of, "" to leave the current one (nomaster), null to keep
 * @param netns  the namespace to move the interface to, or null
 * @param group  the device group (ip link set DEV group N), or null
 * @param flags  interface flags to set (IFF_PROMISC, IFF_NOARP, IFF_MULTICAST, IFF_ALLMULTI...), among {@code flagMask}
 * @param flagMask the flags this change sets or clears (besides IFF_UP, which {@code up} says)
 */
public record LinkChange(String dev, Boolean up, Integer mtu, byte[] address, String newName, String master,
                         NsRef netns, String alias, Integer group, int flags, int flagMask) {

    public static LinkChange of(String dev) { return new LinkChange(dev, null, null, null, null, null, null, null, null, 0, 0); }

    /** Sets ({@code on}) or clears interface flag {@code flag}. */
    public LinkChange flag(int flag, boolean on) {
        return new LinkChange(dev, up, mtu, address, newName, master, netns, alias, group, on ? flags | flag : flags & ~flag, flagMask | flag);
    }

    public LinkChange up(boolean v) { return new LinkChange(dev, v, mtu, address, newName, master, netns, alias, group, flags, flagMask); }
    public LinkChange mtu(int v) { return new LinkChange(dev, up, v, address, newName, master, netns, alias, group, flags, flagMask); }
    public LinkChange address(byte[] v) { return new LinkChange(dev, up, mtu, v, newName, master, netns, alias, group, flags, flagMask); }
    public LinkChange name(String v) { return new LinkChange(dev, up, mtu, address, v, master, netns, alias, group, flags, flagMask); }
    public LinkChange master(String v) { return new LinkChange(dev, up, mtu, address, newName, v, netns, alias, group, flags, flagMask); }
    public LinkChange noMaster() { return master(""); }
    public LinkChange netns(NsRef v) { return new LinkChange(dev, up, mtu, address, newName, master, v, alias, group, flags, flagMask); }
    public LinkChange group(int v) { return new LinkChange(dev, up, mtu, address, newName, master, netns, alias, v, flags, flagMask); }
    public LinkChange alias(String v) { return new LinkChange(dev, up, mtu, address, newName, master, netns, v, group, flags, flagMask); }
}
