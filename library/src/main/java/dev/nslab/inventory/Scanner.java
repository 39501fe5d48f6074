package dev.nslab.inventory;

import dev.nslab.error.KernelException;
import dev.nslab.inventory.Inventory.Host;
import dev.nslab.inventory.Inventory.Iface;
import dev.nslab.inventory.Inventory.Netns;
import dev.nslab.inventory.Inventory.Peer;
import dev.nslab.inventory.Inventory.Proc;
import dev.nslab.net.Cidr;
import dev.nslab.net.IfAddress;
import dev.nslab.net.Link;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.ovs.OvsBridge;
import dev.nslab.ovs.OvsDaemons;
import dev.nslab.ovs.OvsPort;
import dev.nslab.ovs.OvsState;
import dev.nslab.sys.Libc;
import dev.nslab.sys.Trees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds an {@link Inventory} from /run/netns, /proc (every process, thread and open descriptor), every mount
 * namespace's mountinfo (nsfs bind mounts), rtnetlink inside each namespace, and the Open vSwitch database.
 */
public final class Scanner {
    private final Namespaces registry;

    /** What is learnt about one namespace before its interfaces are read. */
    private static final class Found {
        final long inode;
        final List<String> names = new ArrayList<>();
        final List<String> mounts = new ArrayList<>();
        final List<String> holders = new ArrayList<>();
        final List<Proc> procs = new ArrayList<>();
        final List<Path> openPaths = new ArrayList<>();

        Found(long inode) { this.inode = inode; }
    }

    public Scanner(Namespaces registry) { this.registry = registry; }

    public Inventory scan() {
        Map<Long, Found> found = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        long root = Namespaces.inode(Path.of("/proc/1/ns/net"));
        if (root < 0) root = Namespaces.inode(Path.of("/proc/self/ns/net"));
        found.computeIfAbsent(root, Found::new).openPaths.add(Path.of("/proc/1/ns/net"));
        for (String name : registry.list()) {
            Path p = registry.path(name);
            long ino = Namespaces.inode(p);
            if (ino < 0) {
                notes.add("/run/netns/" + name + " is a name without a namespace behind it (a stale file)");
                continue;
            }
            Found f = found.computeIfAbsent(ino, Found::new);
            f.names.add(name);
            f.openPaths.addFirst(p);
        }
        scanProc(found, notes);
        Map<Long, Netns> result = new LinkedHashMap<>();
        Map<String, OvsPort> ovsPorts = new HashMap<>();
        Map<String, String> ovsBridgeOf = new HashMap<>();
        ovs(ovsPorts, ovsBridgeOf, notes);
        Map<Long, List<Link>> linksByNs = new HashMap<>();
        Map<Long, Map<Integer, List<String>>> addrsByNs = new HashMap<>();
        Map<Long, NetHandle> handles = new HashMap<>();
        long mine = Namespaces.inode(Path.of("/proc/thread-self/ns/net"));
        try (NetHandle self = NetHandle.open(registry, NsRef.current())) {
            for (Found f : found.values()) {
                String error = null;
                // its own namespace is read where the thread is: joining it again may be refused (as root of a user
                // namespace that does not own the network namespace, after "unshare -r")
                NetHandle h = f.inode == mine ? NetHandle.open(registry, NsRef.current()) : null;
                for (Path p : h == null ? f.openPaths : List.<Path>of()) {
                    try {
                        h = NetHandle.open(registry, NsRef.file(p));
                        break;
                    } catch (KernelException e) {
                        error = e.getMessage();
                    }
                }
                if (h == null) {
                    result.put(f.inode, netns(f, root, null, error));
                    continue;
                }
                handles.put(f.inode, h);
                linksByNs.put(f.inode, h.links());
                Map<Integer, List<String>> addrs = new HashMap<>();
                for (IfAddress a : h.addresses(null)) addrs.computeIfAbsent(a.index(), k -> new ArrayList<>()).add(Cidr.format(a.local()) + "/" + a.prefixLength());
                addrsByNs.put(f.inode, addrs);
                result.put(f.inode, netns(f, root, nsid(self, f), null));
            }
            Map<Long, List<Iface>> ifaces = interfaces(linksByNs, addrsByNs, handles, result, ovsPorts, ovsBridgeOf, root);
            List<Netns> out = new ArrayList<>();
            for (Netns n : result.values()) {
                out.add(new Netns(n.inode(), n.root(), n.names(), n.mounts(), n.holders(), n.nsid(), n.processes(),
                        ifaces.getOrDefault(n.inode(), List.of()), n.error(), n.root() ? null : host(n.processes())));
            }
            out.sort((a, b) -> a.root() != b.root() ? (a.root() ? -1 : 1) : a.label().compareTo(b.label()));
            return new Inventory(root, out, notes);
        } finally {
            handles.values().forEach(NetHandle::close);
        }
    }

    /** The namespace without its interfaces, which are resolved once every namespace is known. */
    private static Netns netns(Found f, long root, Integer nsid, String error) {
        return new Netns(f.inode, f.inode == root, List.copyOf(f.names), List.copyOf(f.mounts), List.copyOf(f.holders), nsid,
                List.copyOf(f.procs), List.of(), error);
    }

    private Integer nsid(NetHandle self, Found f) {
        for (Path p : f.openPaths) {
            int fd;
            try {
                fd = Libc.open(p.toString(), Libc.O_RDONLY, 0);
            } catch (KernelException e) {
                continue;
            }
            try {
                int id = self.nsidOfFd(fd);
                return id < 0 ? null : id;
            } catch (KernelException e) {
                return null;
            } finally {
                Libc.close(fd);
            }
        }
        return null;
    }

    /**
     * The host a namespace is the network of: among its processes, an nslab-host that is pid 1 of its own pid
     * namespace (its init); its namespaces as /proc shows them, and the writable layer its command line names.
     */
    static Host host(List<Proc> procs) {
        for (Proc p : procs) {
            if (p.tid() != null || !p.command().startsWith("nslab-host")) continue;
            Path pd = Path.of("/proc", Integer.toString(p.pid()));
            try {
                String nspid = Files.readAllLines(pd.resolve("status")).stream().filter(l -> l.startsWith("NSpid:")).findFirst().orElse("");
                String[] ids = nspid.substring(Math.min(6, nspid.length())).strip().split("\\s+");
                if (ids.length < 2 || !ids[ids.length - 1].equals("1")) continue; // not an init
                List<String> ns = new ArrayList<>();
                for (String kind : List.of("mnt", "uts", "pid", "user")) ns.add(Files.readSymbolicLink(pd.resolve("ns/" + kind)).toString());
                String[] argv = Files.readString(pd.resolve("cmdline")).split("\0");
                String layer = null;
                for (int i = 0; i + 1 < argv.length; i++) if (argv[i].equals("--dir")) layer = argv[i + 1] + "/upper";
                return new Host(p.pid(), List.copyOf(ns), layer, layer == null ? 0 : Trees.bytes(Path.of(layer)));
            } catch (IOException | RuntimeException e) {
                // the process ended while we looked, or is not ours to read
            }
        }
        return null;
    }

    private static String comm(Path procDir) {
        try {
            return Files.readString(procDir.resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    /** What one process directory shows: its namespace, its threads and descriptors elsewhere, its mount namespace. */
    private record Seen(int pid, long ino, String comm, List<Held> held, long mnt) { }

    /** A namespace a thread lives in or a descriptor holds, with the path that opens it. */
    private record Held(long ino, Proc thread, String holder, Path path) { }

    private void scanProc(Map<Long, Found> found, List<String> notes) {
        long nsfsDevice = Libc.device("/proc/self/ns/net"); // the device of nsfs, the file system of every namespace file
        // directories listed with getdents64 (Libc.entries): half the system calls of a directory stream, and /proc
        // has two to list per process
        List<String> pids = Libc.entries("/proc");
        if (pids == null) {
            notes.add("cannot read /proc");
            return;
        }
        // ~14 system calls a process, none waiting on another: the processes are looked at in parallel and the
        // findings merged in /proc's order, so that the result is the same as one pass's
        List<Seen> seen = pids.parallelStream()
                .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
                .map(name -> look(name, nsfsDevice))
                .filter(java.util.Objects::nonNull)
                .toList();
        Set<Long> mountNamespaces = new HashSet<>();
        for (Seen s : seen) {
            Path pd = Path.of("/proc", Integer.toString(s.pid()));
            Found f = found.computeIfAbsent(s.ino(), Found::new);
            f.procs.add(new Proc(s.pid(), null, s.comm()));
            f.openPaths.add(pd.resolve("ns/net"));
            for (Held h : s.held()) {
                Found x = found.computeIfAbsent(h.ino(), Found::new);
                if (h.thread() != null) x.procs.add(h.thread());
                else x.holders.add(h.holder());
                x.openPaths.add(h.path());
            }
            if (s.mnt() >= 0 && mountNamespaces.add(s.mnt())) mounts(pd, found);
        }
    }

    /** One process directory, or null when it is gone or a kernel thread we may not look into. */
    private static Seen look(String name, long nsfsDevice) {
        Path pd = Path.of("/proc", name);
        int pid = Integer.parseInt(name);
        long ino = Namespaces.inode(pd.resolve("ns/net"));
        if (ino < 0) return null;
        Stat stat = stat(pd);
        // a kernel thread (most of a small machine's processes) opens no files and lives in the first mount namespace:
        // nothing to look for beyond its network namespace
        if (stat.kernelThread()) return new Seen(pid, ino, stat.comm(), List.of(), -1);
        List<Held> held = new ArrayList<>();
        if (stat.threads() != 1) threads(pd, pid, ino, stat.comm(), held);
        descriptors(pd, pid, stat.comm(), held, nsfsDevice);
        return new Seen(pid, ino, stat.comm(), held, Namespaces.inode(pd.resolve("ns/mnt")));
    }

    /**
     * A process's name, how many threads it has (0: not known, so its threads are looked at) and whether it is a
     * kernel thread.
     */
    private record Stat(String comm, int threads, boolean kernelThread) { }

    private static final long PF_KTHREAD = 0x00200000;

    /**
     * From /proc/PID/stat: "PID (COMM) STATE ..." with flags the 9th field and num_threads the 20th (a COMM may hold
     * ") ").
     */
    private static Stat stat(Path pd) {
        String s = Libc.readText(pd + "/stat");
        if (s == null) return new Stat("?", 0, false);
        try {
            int open = s.indexOf('('), close = s.lastIndexOf(')');
            String[] rest = s.substring(close + 2).split(" ");
            boolean kthread = rest.length > 6 && (Long.parseLong(rest[6]) & PF_KTHREAD) != 0;
            return new Stat(s.substring(open + 1, close), rest.length > 17 ? Integer.parseInt(rest[17]) : 0, kthread);
        } catch (RuntimeException e) {
            return new Stat("?", 0, false);
        }
    }

    /** Threads living in another namespace than their process (a thread that called setns or unshare). */
    private static void threads(Path pd, int pid, long procNs, String comm, List<Held> held) {
        List<String> tids = Libc.entries(pd + "/task");
        if (tids == null) return; // the process ended while we looked
        for (String t : tids) {
            if (t.equals(Integer.toString(pid))) continue;
            Path td = pd.resolve("task").resolve(t);
            long ino = Namespaces.inode(td.resolve("ns/net"));
            if (ino < 0 || ino == procNs) continue;
            held.add(new Held(ino, new Proc(pid, Integer.parseInt(t), comm(td)), null, td.resolve("ns/net")));
        }
    }

    private static void descriptors(Path pd, int pid, String comm, List<Held> held, long nsfsDevice) {
        List<Libc.Link> fds = Libc.links(pd + "/fd");
        if (fds == null) return; // not ours to read, or the process ended
        for (Libc.Link l : fds) {
            String target = l.target();
            long ino;
            Path fd = pd.resolve("fd").resolve(l.name());
            if (target.startsWith("net:[")) {
                ino = Long.parseLong(target.substring(5, target.length() - 1));
            } else if (target.startsWith("/") && nsfsDevice >= 0) {
                // a namespace opened through a bind mount shows the mount's path, not "net:[...]"
                if (Libc.device(fd.toString()) != nsfsDevice || !Namespaces.isNetns(fd)) continue;
                ino = Namespaces.inode(fd);
            } else {
                continue;
            }
            held.add(new Held(ino, null, "pid " + pid + " (" + comm + ") fd " + l.name(), fd));
        }
    }

    /** nsfs mounts of network namespaces in the mount namespace of process directory {@code pd}. */
    private static void mounts(Path pd, Map<Long, Found> found) {
        List<String> lines;
        try {
            lines = Files.readAllLines(pd.resolve("mountinfo"));
        } catch (IOException e) {
            return;
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (dash < 0 || dash + 1 >= f.length || !f[dash + 1].equals("nsfs") || !f[3].startsWith("net:[")) continue;
            long ino = Long.parseLong(f[3].substring(5, f[3].length() - 1));
            String mountPoint = f[4].replace("\\040", " ");
            Found x = found.computeIfAbsent(ino, Found::new);
            if (mountPoint.startsWith("/run/netns/") || mountPoint.startsWith("/var/run/netns/")) continue;
            if (!x.mounts.contains(mountPoint)) x.mounts.add(mountPoint);
            x.openPaths.add(pd.resolve("root").resolve(mountPoint.substring(1)));
        }
    }

    private void ovs(Map<String, OvsPort> ports, Map<String, String> bridgeOf, List<String> notes) {
        try {
            OvsState s = new OvsDaemons().stateIfRunning().orElse(null);
            if (s == null) return;
            for (OvsBridge b : s.bridges()) {
                for (OvsPort p : b.ports()) {
                    ports.put(p.name(), p);
                    bridgeOf.put(p.name(), b.name());
                }
            }
        } catch (RuntimeException e) {
            notes.add("Open vSwitch could not be read: " + e.getMessage());
        }
    }

    /**
     * Interfaces with their veth peers resolved across namespaces. A veth reports its peer's ifindex and (when the
     * peer is elsewhere) the id its namespace gives the peer's; ifindexes repeat across namespaces, so a peer is
     * the veth whose own index and peer index mirror this one's, and the namespace id settles the rare tie.
     */
    private Map<Long, List<Iface>> interfaces(Map<Long, List<Link>> linksByNs, Map<Long, Map<Integer, List<String>>> addrsByNs,
                                              Map<Long, NetHandle> handles, Map<Long, Netns> ns, Map<String, OvsPort> ovsPorts,
                                              Map<String, String> ovsBridgeOf, long root) {
        record Ref(long ns, Link link) { }
        Map<String, List<Ref>> byIndexPair = new HashMap<>();
        linksByNs.forEach((ino, links) -> {
            for (Link l : links) if ("veth".equals(l.kind())) byIndexPair.computeIfAbsent(l.index() + "/" + l.linkIndex(), k -> new ArrayList<>()).add(new Ref(ino, l));
        });
        Map<Long, List<Iface>> out = new HashMap<>();
        linksByNs.forEach((ino, links) -> {
            Map<Integer, String> names = Link.namesByIndex(links);
            List<Iface> list = new ArrayList<>();
            for (Link l : links) {
                Peer peer = null;
                if ("veth".equals(l.kind()) && l.linkIndex() > 0) {
                    List<Ref> cands = new ArrayList<>(byIndexPair.getOrDefault(l.linkIndex() + "/" + l.index(), List.of()));
                    if (l.linkNetnsId() == null) cands.removeIf(r -> r.ns() != ino);
                    else cands.removeIf(r -> r.ns() == ino);
                    if (cands.size() > 1 && l.linkNetnsId() != null) {
                        cands.removeIf(r -> !nsidIs(handles.get(ino), ns.get(r.ns()), l.linkNetnsId()));
                    }
                    if (cands.size() == 1) {
                        Ref r = cands.getFirst();
                        peer = new Peer(r.ns(), ns.get(r.ns()).label(), r.link().name());
                    }
                }
                boolean inRoot = ino == root;
                String master = l.master() > 0 ? names.get(l.master()) : null;
                OvsPort op = inRoot ? ovsPorts.get(l.name()) : null;
                String state = l.isUp() ? l.operStateName() : "DOWN";
                list.add(new Iface(l.index(), l.name(), l.kind() == null ? l.typeName() : l.kind(), state, Link.mac(l.address()), l.mtu(),
                        addrsByNs.getOrDefault(ino, Map.of()).getOrDefault(l.index(), List.of()), master, peer,
                        op == null ? null : ovsBridgeOf.get(l.name()), op == null ? null : op.tag()));
            }
            out.put(ino, list);
        });
        return out;
    }

    private boolean nsidIs(NetHandle from, Netns target, int nsid) {
        for (String p : target.names()) {
            int fd = -1;
            try {
                fd = registry.open(NsRef.named(p));
                return from.nsidOfFd(fd) == nsid;
            } catch (KernelException e) {
                return false;
            } finally {
                if (fd >= 0) Libc.close(fd);
            }
        }
        return false;
    }
}
