package dev.nslab.lab.apply;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.state.LabState;
import dev.nslab.net.Cidr;
import dev.nslab.sys.OwnFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names for a lab's nodes: one hosts file per lab, in a directory of the lab's ({@code STATEDIR/LAB.etc/hosts}: every
 * node's addresses under its name), and {@code /etc/netns/NAMESPACE} a symbolic link to that directory.
 * {@code ip netns exec}, {@code nslab exec} and exec lines bind the files of /etc/netns/NAMESPACE over /etc, so inside
 * any node {@code ping srv} finds node srv. One link per node, and no directory: /etc is usually on a disk, where
 * each entry made costs a journalled metadata update, and a lab has hundreds of nodes. A node that already has an
 * /etc/netns directory of somebody else's gets a link "hosts" inside it instead, unless it has a hosts file, which
 * it keeps. The links are names of one symbolic link, where the filesystem allows.
 */
public final class HostsFile {
    static final Path ETC_NETNS = Path.of("/etc/netns");

    private HostsFile() {}

    /** The lab's directory that every node's /etc/netns entry links to. */
    static Path dir(Path stateDir, String lab) { return LabState.beside(stateDir, lab, ".etc").toAbsolutePath(); }

    static Path path(Path stateDir, String lab) { return dir(stateDir, lab).resolve("hosts"); }

    /** Writes the lab's hosts file: the file's addresses, and those exec lines set ({@code observed}: ns → "DEV CIDR"). */
    public static void write(Path stateDir, Topology t, Map<String, List<String>> observed) {
        Map<String, List<String>> byAddress = new LinkedHashMap<>();
        for (Topology.NodeDef n : t.nodes()) {
            if (n.kind() != Topology.Kind.LINUX || n.isHost()) continue;
            List<String> addrs = new ArrayList<>();
            t.addresses(n).values().forEach(cs -> cs.forEach(c -> addrs.add(Cidr.format(c.address()))));
            for (String o : observed.getOrDefault(t.namespace(n), List.of())) {
                String a = o.substring(o.indexOf(' ') + 1);
                addrs.add(a.substring(0, a.indexOf('/')));
            }
            for (String a : addrs) {
                List<String> names = byAddress.computeIfAbsent(a, k -> new ArrayList<>());
                if (!names.contains(n.name())) names.add(n.name());
            }
        }
        StringBuilder b = new StringBuilder("# lab " + t.name() + ": every node by name (made when the lab came up, removed when it goes down)\n")
                .append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        byAddress.forEach((a, names) -> b.append(a).append('\t').append(String.join(" ", names)).append('\n'));
        try {
            OwnFiles.directory(LabState.beside(LabState.directory(stateDir), t.name(), ".etc"), "rwxr-xr-x");
            // readable by all: a node's programs read it as /etc/hosts, under whatever user they run
            OwnFiles.write(path(stateDir, t.name()), b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), "rw-r--r--");
        } catch (IOException e) {
            throw new LabException("cannot write the hosts file of lab " + t.name() + " in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** Links each namespace's /etc/netns entry to the lab's directory; returns the namespaces that keep a hosts of their own. */
    /** Whether this process may make entries in /etc/netns (not in a user's own namespaces: it is the machine root's). */
    public static boolean linkable() { return Files.isDirectory(ETC_NETNS) ? Files.isWritable(ETC_NETNS) : Files.isWritable(ETC_NETNS.getParent()); }

    public static List<String> link(Path stateDir, String lab, Collection<String> namespaces) {
        Path labDir = dir(stateDir, lab), target = path(stateDir, lab);
        List<String> skipped = new ArrayList<>();
        try {
            Files.createDirectories(ETC_NETNS);
        } catch (IOException e) {
            return List.copyOf(namespaces);
        }
        Path first = null; // the lab's first link: the others are further names of it
        for (String ns : namespaces) {
            Path entry = ETC_NETNS.resolve(ns);
            try {
                if (first != null && hardLink(entry, first)) continue;
                Files.createSymbolicLink(entry, labDir);
                if (first == null) first = entry;
                continue;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // ours from an earlier up, or a directory of somebody else's: below
            } catch (IOException e) {
                skipped.add(ns);
                continue;
            }
            Path hosts = entry.resolve("hosts");
            try {
                if (Files.isSymbolicLink(entry)) {
                    if (!Files.readSymbolicLink(entry).equals(labDir)) skipped.add(ns);
                    continue;
                }
                if (Files.isSymbolicLink(hosts) && Files.readSymbolicLink(hosts).equals(target)) continue;
                if (Files.exists(hosts, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    skipped.add(ns);
                    continue;
                }
                Files.createSymbolicLink(hosts, target);
            } catch (IOException e) {
                skipped.add(ns);
            }
        }
        return skipped;
    }

    /**
     * Gives the symbolic link {@code existing} the further name {@code entry} (a hard link to the link itself): where
     * /etc is on a disk, a new symbolic link costs about 0.25 ms of CPU (the filesystem looks for a free inode), a name
     * about 0.01 ms. False when the filesystem will not (then a link of its own is made).
     */
    private static boolean hardLink(Path entry, Path existing) throws java.nio.file.FileAlreadyExistsException {
        try {
            Files.createLink(entry, existing); // link(2), which does not follow a symbolic link
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Removes the links to the lab's directory or file (and /etc/netns directories left empty), then the file. */
    public static void remove(Path stateDir, String lab, Collection<String> namespaces) {
        Path labDir = dir(stateDir, lab), target = path(stateDir, lab);
        for (String ns : namespaces) {
            Path dir = ETC_NETNS.resolve(ns), hosts = dir.resolve("hosts");
            try {
                if (Files.isSymbolicLink(dir)) {
                    if (Files.readSymbolicLink(dir).equals(labDir)) Files.delete(dir);
                    continue;
                }
                if (Files.isSymbolicLink(hosts) && Files.readSymbolicLink(hosts).equals(target)) Files.delete(hosts);
                if (Files.isDirectory(dir)) {
                    try (var left = Files.list(dir)) {
                        if (left.findAny().isEmpty()) Files.delete(dir);
                    }
                }
            } catch (IOException e) {
                // not ours, or gone meanwhile
            }
        }
        try {
            Files.deleteIfExists(target);
            // a write of the file cut short (its process killed between writing and renaming) leaves its temporary file
            try (var stray = Files.isDirectory(labDir) ? Files.newDirectoryStream(labDir, "." + target.getFileName() + ".*.tmp") : null) {
                if (stray != null) for (Path p : stray) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(labDir);
        } catch (IOException e) {
            // the state directory's own clean-up reports what it cannot remove
        }
    }
}
