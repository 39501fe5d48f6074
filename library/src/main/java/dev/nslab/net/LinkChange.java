package dev.nslab.net;

/**
 * What {@code ip link set DEV ...} may change in one request. Null fields are left alone.
 *
 * @param master a bridge name to become a port of, "" to leave the current one (nomaster), null to keep
 * @param netns  the namespace to move the interface to, or null
 * @param group  the device group (ip link set DEV group N), or null
 */
public record LinkChange(String dev, Boolean up, Integer mtu, byte[] address, String newName, String master,
                         NsRef netns, String alias, Integer group) {

    public static LinkChange of(String dev) { return new LinkChange(dev, null, null, null, null, null, null, null, null); }

    public LinkChange up(boolean v) { return new LinkChange(dev, v, mtu, address, newName, master, netns, alias, group); }
    public LinkChange mtu(int v) { return new LinkChange(dev, up, v, address, newName, master, netns, alias, group); }
    public LinkChange address(byte[] v) { return new LinkChange(dev, up, mtu, v, newName, master, netns, alias, group); }
    public LinkChange name(String v) { return new LinkChange(dev, up, mtu, address, v, master, netns, alias, group); }
    public LinkChange master(String v) { return new LinkChange(dev, up, mtu, address, newName, v, netns, alias, group); }
    public LinkChange noMaster() { return master(""); }
    public LinkChange netns(NsRef v) { return new LinkChange(dev, up, mtu, address, newName, master, v, alias, group); }
    public LinkChange group(int v) { return new LinkChange(dev, up, mtu, address, newName, master, netns, alias, v); }
    public LinkChange alias(String v) { return new LinkChange(dev, up, mtu, address, newName, master, netns, v, group); }
}
