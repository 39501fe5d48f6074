package dev.nslab.inventory;

import java.util.List;

/**
 * Every network namespace on the machine, found wherever something keeps one alive: a name under /run/netns, a
 * process or thread living in it, an open file descriptor, a bind mount elsewhere. Each namespace once, by inode.
 */
public record Inventory(long rootInode, List<Netns> namespaces, List<String> notes) {

    /** A process (or a thread, with {@code tid}) living in a namespace. */
    public record Proc(int pid, Integer tid, String command) {
        @Override public String toString() { return pid + (tid == null ? "" : "/" + tid) + " (" + command + ")"; }
    }

    /** The other end of a veth, resolved to its namespace. */
    public record Peer(long inode, String netns, String iface) { }

    public record Iface(int index, String name, String kind, String state, String mac, int mtu, List<String> addresses,
                        String master, Peer peer, String ovsBridge, Integer ovsTag) { }

    /**
     * @param names   names under /run/netns
     * @param mounts  other places it is bind-mounted
     * @param holders open descriptors that hold it ("pid 42 (sleep) fd 3")
     * @param nsid    the id nslab's own namespace gives it, or null
     */
    /**
     * A small host whose network this namespace is (a lab node that runs programs, see nslab-host): the init (pid 1
     * of its pid namespace) and the namespaces it lives in, and its writable layer.
     *
     * @param namespaces "mnt:[inode]" etc. for mnt, uts, pid and user
     * @param layer      the directory of its writable layer, or null when it has none that can be seen
     * @param layerBytes what that layer holds
     */
    public record Host(int init, List<String> namespaces, String layer, long layerBytes) { }

    public record Netns(long inode, boolean root, List<String> names, List<String> mounts, List<String> holders, Integer nsid,
                        List<Proc> processes, List<Iface> interfaces, String error, Host host) {
        public Netns(long inode, boolean root, List<String> names, List<String> mounts, List<String> holders, Integer nsid,
                     List<Proc> processes, List<Iface> interfaces, String error) {
            this(inode, root, names, mounts, holders, nsid, processes, interfaces, error, null);
        }

        /** A name for people: "root", the first registered name, or "inode N". */
        public String label() {
            if (root) return "root";
            if (!names.isEmpty()) return names.getFirst();
            return "inode " + inode;
        }
    }
}
