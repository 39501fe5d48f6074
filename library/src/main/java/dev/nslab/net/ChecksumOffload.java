package dev.nslab.net;

import dev.nslab.netlink.NetlinkSocket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prepares devices for Open vSwitch's userspace datapath. That datapath hands packets between devices without
 * completing checksums a sender left to "hardware", so a veth end with TX checksum offload on sends TCP segments that
 * the receiver drops (ping still works: ICMP checksums are always computed). Turning the offload off on both ends of
 * the pair makes the kernel compute them. One instance serves one batch of ports and keeps its netlink sockets open.
 */
public final class ChecksumOffload implements AutoCloseable {
    private final Namespaces registry;
    private final NetHandle root;
    private final Map<String, NetHandle> handles = new HashMap<>();
    private Map<Integer, String> nsNames;

    public ChecksumOffload(Namespaces registry) {
        this.registry = registry;
        this.root = NetHandle.open(registry, NsRef.current());
    }

    /** Turns TX checksum offload off on {@code port} (in this namespace) and its veth peer; returns what it did. */
    public List<String> prepare(String port) {
        List<String> notes = new ArrayList<>();
        Optional<Link> link = root.findLink(port);
        if (link.isEmpty()) return notes; // ovs-vswitchd will report the missing device
        root.setTxChecksumOffload(port, false);
        notes.add("tx checksum offload off on " + port);
        Link l = link.get();
        if (!"veth".equals(l.kind()) || l.linkIndex() <= 0) return notes;
        NetHandle peerNs = root;
        String where = "";
        if (l.linkNetnsId() != null) {
            if (nsNames == null) nsNames = root.nsidNames();
            String name = nsNames.get(l.linkNetnsId());
            if (name == null) {
                notes.add("the veth peer of " + port + " is in an unnamed namespace (nsid " + l.linkNetnsId()
                        + "): turn TX checksum offload off there yourself (ethtool -K DEV tx off), or TCP will fail");
                return notes;
            }
            peerNs = handles.computeIfAbsent(name, n -> NetHandle.open(registry, NsRef.named(n)));
            where = " in namespace " + name;
        }
        Optional<Link> peer = peerNs.findLink(l.linkIndex());
        if (peer.isPresent()) {
            peerNs.setTxChecksumOffload(peer.get().name(), false);
            notes.add("tx checksum offload off on " + peer.get().name() + where + " (veth peer of " + port + ")");
        }
        return notes;
    }

    /**
     * Whether bridges can use the kernel's datapath: this kernel has Open vSwitch's module (generic netlink family
     * "ovs_datapath") and this is the machine's root: a user's own Open vSwitch keeps to the userspace datapath, the
     * one known to work in a user namespace (the module's has not been tried there: the machines nslab is tested on
     * lack it). Otherwise a bridge must use the userspace datapath ("netdev"), whose ports need {@link #prepare}.
     */
    public static boolean kernelDatapath() {
        return dev.nslab.sys.Privileges.inInitialUserNamespace() && NetlinkSocket.genlFamilyExists("ovs_datapath");
    }

    @Override
    public void close() {
        handles.values().forEach(NetHandle::close);
        root.close();
    }
}
