package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.sys.Libc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Kernel parameters under /proc/sys, read and written inside a network namespace. The files under
 * /proc/sys/net belong to the namespace of the thread that opens them, which is why the I/O runs on a thread
 * inside the target namespace.
 */
public final class Sysctl {
    /** Where the parameters live; paths below are relative to it ("net/ipv4/ip_forward"). */
    public static final Path ROOT = Path.of("/proc/sys");
    private final Namespaces registry;

    public Sysctl(Namespaces registry) { this.registry = registry; }

    /**
     * What stat(2) finds at a path under /proc/sys inside the namespace: its mode (type and the owner's permission bits,
     * by which root reads and writes, as sysctl(8) judges), or the errno where nothing is found, and whether the path
     * still lies under /proc/sys once links and "." are resolved.
     */
    public record Node(String path, int mode, int errno, boolean underRoot) {
        public boolean exists() { return errno == 0; }
        public boolean directory() { return (mode & Libc.S_IFMT) == Libc.S_IFDIR; }
        public boolean readable() { return (mode & Libc.S_IRUSR) != 0; }
        public boolean writable() { return (mode & Libc.S_IWUSR) != 0; }
    }

    /**
     * What reading one file gave: its text as the kernel wrote it (lines with their newlines; "" when empty) or the
     * errno, of the open when {@code opened} is false, else of the read. A file its owner may not read is not opened
     * ({@code readable} false, errno 0). {@code depth}: 0 for a file directly in the directory listed.
     */
    public record Reading(String path, int depth, boolean readable, boolean opened, String text, int errno) { }

    /**
     * A key's relative path, turned as sysctl(8) turns it: when its first separator is a dot, dots become slashes and
     * slashes dots ("net.ipv4.conf.eth0/10.rp_filter" is net/ipv4/conf/eth0.10/rp_filter); a key written with slashes
     * stays as it is. {@code repeated} hears of a separator doubled (sysctl warns of it).
     */
    public static String pathOf(String key, Consumer<String> repeated) { return swap(key, '.', '/', repeated); }

    public static String pathOf(String key) { return pathOf(key, s -> { }); }

    /** The dotted name sysctl(8) prints for a relative path (the inverse of {@link #pathOf}). */
    public static String keyOf(String path) { return swap(path, '/', '.', s -> { }); }

    private static String swap(String s, char old, char now, Consumer<String> repeated) {
        int first = indexOfSeparator(s, 0);
        if (first < 0 || s.charAt(first) == now) return s;
        char[] c = s.toCharArray();
        boolean warned = false;
        for (int i = first; i >= 0; i = indexOfSeparator(s, i + 1)) {
            if (!warned && i + 1 < c.length && (s.charAt(i + 1) == '/' || s.charAt(i + 1) == '.')) {
                repeated.accept(s.substring(i));
                warned = true;
            }
            c[i] = s.charAt(i) == old ? now : old;
        }
        return new String(c);
    }

    private static int indexOfSeparator(String s, int from) {
        for (int i = from; i < s.length(); i++) if (s.charAt(i) == '/' || s.charAt(i) == '.') return i;
        return -1;
    }

    /** "net.ipv4.ip_forward" or "net/ipv4/ip_forward" to its /proc/sys path. */
    public static Path path(String key) {
        if (key.isEmpty() || key.contains("..") || key.startsWith("/") || key.startsWith(".")) {
            throw KernelException.of("sysctl: invalid key \"" + key + "\"", Errno.EINVAL, key);
        }
        return ROOT.resolve(pathOf(key));
    }

    /** The value of {@code key}, without the surrounding white space. */
    public String read(NsRef ns, String key) {
        Path p = path(key);
        Reading r = registry.call(ns, () -> reading(node(ROOT.relativize(p).toString(), false), 0));
        if (r.text() != null) return r.text().strip();
        // a file its owner may not read is not opened: as the kernel would refuse it
        throw failure("reading", key, p, r.errno() == 0 ? Errno.EACCES : r.errno());
    }

    public void write(NsRef ns, String key, String value) {
        Path p = path(key);
        Written w = writeFile(ns, ROOT.relativize(p).toString(), value);
        if (w.errno() != 0) throw failure("setting", key, p, w.errno());
    }

    /** What {@code path} (relative to /proc/sys) is inside the namespace. */
    public Node stat(NsRef ns, String path) { return registry.call(ns, () -> node(path, true)); }

    /** The file {@link #stat} found, read inside the namespace. */
    public Reading readFile(NsRef ns, Node n) { return registry.call(ns, () -> reading(n, 0)); }

    /**
     * Every file under directory {@code path} ("" for all of /proc/sys), depth first in the order the kernel lists
     * them (sysctl -a's order), each read when its owner may read it.
     */
    public List<Reading> tree(NsRef ns, String path) {
        return registry.call(ns, () -> {
            List<Reading> out = new ArrayList<>();
            walk(path, 0, out);
            return out;
        });
    }

    /** What writing a file gave: 0, or the errno of the open (when {@code opened} is false) or of the write. */
    public record Written(boolean opened, int errno) { }

    /** Writes {@code text} and a newline to the file at {@code path} inside the namespace, as one write(2). */
    public Written writeFile(NsRef ns, String path, String text) {
        return registry.call(ns, () -> {
            byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
            int fd;
            try {
                fd = Libc.open(ROOT.resolve(path).toString(), Libc.O_WRONLY, 0);
            } catch (KernelException e) {
                return new Written(false, e.errno());
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(bytes.length);
                buf.copyFrom(MemorySegment.ofArray(bytes));
                Libc.write(fd, buf, path);
                return new Written(true, 0);
            } catch (KernelException e) {
                return new Written(true, e.errno());
            } finally {
                Libc.close(fd);
            }
        });
    }

    /**
     * The paths matching glob {@code pattern} (relative to /proc/sys; *, ? and [...] within one component), sorted
     * as glob(3) sorts them; none when nothing matches.
     */
    public List<String> glob(NsRef ns, String pattern) {
        return registry.call(ns, () -> {
            List<String> found = List.of("");
            for (String part : pattern.split("/", -1)) {
                List<String> next = new ArrayList<>();
                for (String dir : found) {
                    if (!isGlob(part)) {
                        String p = dir.isEmpty() ? part : dir + "/" + part;
                        if (Files.exists(ROOT.resolve(p))) next.add(p);
                        continue;
                    }
                    List<String> names = Libc.entries(ROOT.resolve(dir).toString());
                    if (names == null) continue;
                    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + part);
                    for (String name : names) {
                        if (!name.startsWith(".") && m.matches(Path.of(name))) next.add(dir.isEmpty() ? name : dir + "/" + name);
                    }
                }
                found = next;
            }
            List<String> sorted = new ArrayList<>(found);
            sorted.sort(null);
            return sorted;
        });
    }

    /** Whether a key or path names several (sysctl's glob characters). */
    public static boolean isGlob(String s) { return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0; }

    /** stat(2) of {@code path}; where it lies once links are resolved only when {@code resolve} (a walk needs not ask). */
    private static Node node(String path, boolean resolve) {
        Path p = ROOT.resolve(path);
        int mode = Libc.mode(p.toString());
        if (mode < 0) return new Node(path, 0, -mode, false);
        if (!resolve) return new Node(path, mode, 0, true);
        boolean under;
        try {
            Path real = p.toRealPath();
            under = real.startsWith(ROOT) && !real.equals(ROOT);
        } catch (IOException e) {
            under = false;
        }
        return new Node(path, mode, 0, under);
    }

    private static void walk(String dir, int depth, List<Reading> out) {
        List<String> names = Libc.entries(ROOT.resolve(dir).toString());
        if (names == null) return;
        for (String name : names) {
            String p = dir.isEmpty() ? name : dir + "/" + name;
            Node n = node(p, false); // a walk of /proc/sys stays in it
            if (n.exists() && n.directory()) walk(p, depth + 1, out);
            else out.add(reading(n, depth));
        }
    }

    private static Reading reading(Node n, int depth) {
        String path = n.path();
        if (!n.exists()) return new Reading(path, depth, false, false, null, n.errno());
        if (!n.readable()) return new Reading(path, depth, false, false, null, 0);
        int fd;
        try {
            fd = Libc.open(ROOT.resolve(path).toString(), Libc.O_RDONLY, 0);
        } catch (KernelException e) {
            return new Reading(path, depth, true, false, null, e.errno());
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(4096);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            while (true) {
                long r = Libc.read(fd, buf);
                if (r < 0) return new Reading(path, depth, true, true, null, (int) -r);
                if (r == 0) break;
                text.writeBytes(buf.asSlice(0, r).toArray(ValueLayout.JAVA_BYTE));
            }
            return new Reading(path, depth, true, true, text.toString(StandardCharsets.UTF_8), 0);
        } finally {
            Libc.close(fd);
        }
    }

    private static KernelException failure(String what, String key, Path p, int errno) {
        if (errno == Errno.ENOENT) {
            return KernelException.of("sysctl: cannot stat " + p + ": No such file or directory (unknown key \"" + key + "\")", Errno.ENOENT, key);
        }
        if (errno == Errno.EACCES || errno == Errno.EPERM) {
            return KernelException.of("sysctl: permission denied on key \"" + key + "\" (" + (what.equals("setting") ? "writing" : "reading") + " needs root)", Errno.EACCES, key);
        }
        return KernelException.of("sysctl: " + what + " key \"" + key + "\": " + Libc.strerror(errno), errno, key);
    }
}
