package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.sys.Libc;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_EXCL;

/** What this kernel can do, asked of the kernel itself, never assumed from its version. */
public final class KernelFeatures {
    private KernelFeatures() {}

    /** Whether the kernel knows generic netlink family {@code name} ("l2tp", "fou", "SEG6", ...): a module built and loaded. */
    public static boolean hasGenlFamily(String name) { return NetlinkSocket.genlFamilyExists(name); }

    /**
     * Whether the kernel has queueing discipline {@code probe}'s kind (loading its module if it must). Asked in a
     * private network namespace of a throwaway thread, on its loopback, so nothing outside notices.
     */
    public static boolean hasQdisc(Qdisc probe) {
        return NsThread.callOnFreshThread("probe-" + probe.kind(), () -> {
            Libc.unshare(Libc.CLONE_NEWNET, "a private network namespace");
            try (NetlinkSocket nl = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE)) {
                nl.execute(probe.request(1, NLM_F_CREATE | NLM_F_EXCL)); // index 1: the new namespace's loopback
                return true;
            } catch (KernelException e) {
                if (e.errno() == Errno.ENOENT) return false;
                throw e;
            }
        });
    }

    /**
     * Whether the kernel knows links of {@code kind} ("dummy", "macvlan", "vxlan", ...), loading its module if it must:
     * one is made in a private namespace of a throwaway thread. Only "unknown kind" means no; a refusal of the
     * probe's settings (a macvlan needs a parent) means the kind is there.
     */
    public static boolean hasLinkKind(String kind) {
        return NsThread.callOnFreshThread("probe-" + kind, () -> {
            Libc.unshare(Libc.CLONE_NEWNET, "a private network namespace");
            try (NetHandle h = NetHandle.open(new Namespaces(), NsRef.current())) {
                h.addLink(new LinkSpec("probe0", kind, null, null, null, null, null, null, null));
                return true;
            } catch (KernelException e) {
                return e.errno() != Errno.EOPNOTSUPP;
            }
        });
    }

    /** Whether this kernel has netem (CONFIG_NET_SCH_NETEM). */
    public static boolean hasNetem() {
        return hasQdisc(new Qdisc.Netem(1_000_000L, null, null, null, null, null, 1000, Qdisc.Netem.Form.TICKS));
    }
}
