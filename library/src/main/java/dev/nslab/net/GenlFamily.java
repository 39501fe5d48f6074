package dev.nslab.net;

import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.NlRequest;

/**
 * One generic netlink family of the kernel's, as a namespace offers it: a NETLINK_GENERIC socket opened in the
 * namespace (the families that keep state, MPTCP's and SRv6's, keep it per namespace) and the family's message type.
 */
final class GenlFamily implements AutoCloseable {
    final NetlinkSocket nl;
    /** The family's message type, which the kernel gives it when its module loads. */
    final int id;
    private final int version;

    private GenlFamily(NetlinkSocket nl, int id, int version) {
        this.nl = nl;
        this.id = id;
        this.version = version;
    }

    /** Family {@code name} in {@code ns}; ENOENT's {@link dev.nslab.error.KernelException} where the kernel has none. */
    static GenlFamily open(Namespaces registry, NsRef ns, String name, int version) {
        NetlinkSocket s = registry.call(ns, () -> NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC));
        try {
            return new GenlFamily(s, s.genlFamilyId(name), version);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A request of command {@code cmd}, its generic netlink header written. */
    NlRequest request(int cmd, int flags) { return header(id, cmd, version, flags); }

    /** The generic netlink header: command, version, two reserved bytes. */
    static NlRequest header(int id, int cmd, int version, int flags) { return new NlRequest(id, flags).u8(cmd).u8(version).u16(0); }

    @Override
    public void close() { nl.close(); }
}
