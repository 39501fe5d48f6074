package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.sys.Libc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Named network namespaces, kept exactly as iproute2 keeps them: a bind mount of the namespace file on an empty
 * file in /run/netns, with /run/netns itself a shared mount so that later mount namespaces (ip netns exec, nslab
 * netns exec) see namespaces added afterwards. Namespaces that {@code ip netns add} made work here and the other
 * way round.
 */
public final class Namespaces {
    public static final Path DEFAULT_DIR = Path.of("/run/netns");

    private final Path dir;
    private boolean dirReady;

    public Namespaces() { this(DEFAULT_DIR); }

    public Namespaces(Path dir) { this.dir = dir; }

    public Path dir() { return dir; }

    public Path path(String name) { return dir.resolve(name); }

    /**
     * The unique id of the mount that registers {@code name} (0: not there, or a kernel that does not tell it): the
     * same id later is the same mount, and so the same namespace, since a mount's id is never given to another.
     */
    public long mountId(String name) { return isValidName(name) ? Libc.uniqueMountId(path(name).toString()) : 0; }

    public boolean exists(String name) {
        return isValidName(name) && Files.exists(path(name));
    }

    /** iproute2's rule: not empty, no '/', not "." or "..", fits a file name. */
    public static boolean isValidName(String name) {
        return name != null && !name.isEmpty() && name.indexOf('/') < 0 && !name.equals(".") && !name.equals("..")
                && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255 && name.indexOf('\0') < 0;
    }

    public static void validateName(String name) {
        if (!isValidName(name)) {
            throw KernelException.of("Invalid netns name \"" + name + "\" (it must not be empty, \".\", \"..\" or contain \"/\")",
                    Errno.EINVAL, name);
        }
    }

    /** Creates a new, empty network namespace registered as {@code name}. */
    public void add(String name) {
        register(name, true, "/proc/thread-self/ns/net", null, null);
    }

    /**
     * Creates a namespace and runs {@code prepare} inside it before it gets its name, so that a namespace that can be
     * found by name has always been prepared (a lab marks its namespaces this way, so a crash never leaves one
     * unmarked). If {@code prepare} fails, the namespace is never registered.
     */
    public void add(String name, Runnable prepare) {
        register(name, true, "/proc/thread-self/ns/net", prepare, null);
    }

    /** Registers the network namespace of process {@code pid} as {@code name} (ip netns attach). */
    public void attach(String name, int pid) {
        String source = "/proc/" + pid + "/ns/net";
        if (!Files.exists(Path.of(source))) throw KernelException.of("No such process " + pid, Errno.ESRCH, String.valueOf(pid));
        register(name, false, source, null, null);
    }

    /** Registers namespace {@code other} a second time, as {@code name}: both names are the one namespace. */
    public void alias(String name, String other) {
        if (!exists(other)) throw noSuch(other);
        register(name, false, path(other).toString(), null, null);
    }

    /**
     * For adding many namespaces: their registration files become names of one empty file, made once, where
     * {@code ip netns add} makes a file each. Mounts sit on names, not on files, so each name still carries its own
     * namespace; but on a /run kept on disk a new file costs about 0.2 ms of CPU (the filesystem looks for a free
     * inode) and a name about 0.01 ms. Close it when done: the file lives as long as it is open or has a name.
     */
    public Adder adder() { return new Adder(); }

    /** Adds namespaces whose registration files share one inode (see {@link #adder()}); safe to share between threads. */
    public final class Adder implements AutoCloseable {
        private int file = -1;
        private boolean plain;

        private Adder() {}

        /** As {@link Namespaces#add(String, Runnable)}. */
        public void add(String name, Runnable prepare) {
            register(name, true, "/proc/thread-self/ns/net", prepare, this);
        }

        /** As {@link Namespaces#adopt(String, long, Runnable)}. */
        public void adopt(String name, long pid, Runnable prepare) {
            register(name, false, "/proc/" + pid + "/ns/net", prepare, this, true);
        }

        /**
         * Gives the shared file the name {@code path}; false when it cannot (a filesystem without O_TMPFILE, /run/netns
         * bound onto itself after the file was made, too many names for one file): the caller makes a file of its own.
         */
        private synchronized boolean name(Path path) {
            if (plain) return false;
            try {
                if (file < 0) file = Libc.open(dir.toString(), Libc.O_TMPFILE | Libc.O_RDWR, 0);
                Libc.linkat("/proc/self/fd/" + file, path.toString(), Libc.AT_SYMLINK_FOLLOW);
                return true;
            } catch (KernelException e) {
                if (e.errno() == Errno.EEXIST) throw e;
                plain = true;
                return false;
            }
        }

        @Override
        public synchronized void close() {
            Libc.close(file);
            file = -1;
            plain = true;
        }
    }

    /**
     * Names an existing namespace, the network namespace of process {@code pid} (one a node's host made), after
     * {@code prepare} ran inside it: marked before anyone can see it by its name, as a namespace made here is.
     */
    public void adopt(String name, long pid, Runnable prepare) { register(name, false, "/proc/" + pid + "/ns/net", prepare, null, true); }

    /** Creates the registration file and bind-mounts the namespace named by {@code sourcePath} on it. */
    private void register(String name, boolean fresh, String sourcePath, Runnable prepare, Adder adder) {
        register(name, fresh, sourcePath, prepare, adder, false);
    }

    /** The same; {@code enter}: {@code prepare} runs inside the namespace at {@code sourcePath}. */
    private void register(String name, boolean fresh, String sourcePath, Runnable prepare, Adder adder, boolean enter) {
        validateName(name);
        prepareDir();
        Path file = path(name);
        try {
            if (adder == null || !adder.name(file)) Libc.close(Libc.open(file.toString(), Libc.O_RDONLY | Libc.O_CREAT | Libc.O_EXCL, 0));
        } catch (KernelException e) {
            if (e.errno() == Errno.EEXIST) throw KernelException.of("netns \"" + name + "\" already exists", Errno.EEXIST, name);
            throw e;
        }
        try {
            NsThread.callAndReturn(name, () -> {
                if (fresh) Libc.unshare(Libc.CLONE_NEWNET, name);
                if (enter) {
                    int fd = Libc.open(sourcePath, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
                    try {
                        Libc.setns(fd, Libc.CLONE_NEWNET, name);
                    } finally {
                        Libc.close(fd);
                    }
                }
                if (prepare != null) prepare.run();
                Libc.mount(sourcePath, file.toString(), "none", Libc.MS_BIND, null);
                return null;
            });
        } catch (RuntimeException e) {
            try { Files.deleteIfExists(file); } catch (IOException ignored) { /* best effort: report the cause */ }
            throw e;
        }
    }

    /**
     * Makes the netns directory a shared mount point, as ip does, once per registry. One thread of this JVM at a time:
     * two labs made at once in parallel tests would otherwise both bind the directory onto itself, stacking two mounts.
     */
    private void prepareDir() {
        if (dirReady) return;
        synchronized (Namespaces.class) {
            prepareDirOnce();
        }
    }

    private void prepareDirOnce() {
        if (dirReady) return;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw KernelException.of("Cannot create netns directory " + dir + ": " + e.getMessage(), Errno.EACCES, dir.toString());
        }
        try {
            Libc.mount("", dir.toString(), "none", Libc.MS_SHARED | Libc.MS_REC, null);
        } catch (KernelException e) {
            if (e.errno() != Errno.EINVAL) throw e;
            // Not a mount point yet: bind it onto itself, then it can be made shared.
            Libc.mount(dir.toString(), dir.toString(), "none", Libc.MS_BIND | Libc.MS_REC, null);
            Libc.mount("", dir.toString(), "none", Libc.MS_SHARED | Libc.MS_REC, null);
        }
        dirReady = true;
    }

    /** Unregisters {@code name}; the kernel frees the namespace once nothing else holds it. */
    public void delete(String name) {
        validateName(name);
        Path file = path(name);
        if (!Files.exists(file)) throw KernelException.of("no such network namespace \"" + name + "\"", Errno.ENOENT, name);
        try {
            Libc.umount2(file.toString(), Libc.MNT_DETACH);
        } catch (KernelException e) {
            if (e.errno() != Errno.EINVAL) throw e; // EINVAL: a stale file that is not a mount; still remove it
        }
        try {
            Files.delete(file);
        } catch (NoSuchFileException ignored) {
            // raced with another remover: the goal is reached
        } catch (IOException e) {
            throw KernelException.of("Cannot remove namespace file \"" + file + "\": " + e.getMessage(), Errno.EBUSY, name);
        }
    }

    /**
     * Moves the calling platform thread into {@code ref} for good (no way back): for threads made to live in a
     * namespace, such as a node's worker pool. Sockets and child processes they create live there too.
     */
    public void enter(NsRef ref) {
        int fd = open(ref);
        try {
            NsThread.join(fd, ref.toString());
        } finally {
            Libc.close(fd);
        }
    }

    /** Names in directory order, which is the order {@code ip netns list} prints. */
    public List<String> list() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) out.add(p.getFileName().toString());
        } catch (IOException e) {
            throw KernelException.of("Cannot read " + dir + ": " + e.getMessage(), Errno.EACCES, dir.toString());
        }
        return out;
    }

    /** Opens a namespace for setns(2) or IFLA_NET_NS_FD; the caller closes the descriptor. */
    public int open(NsRef ref) {
        return switch (ref) {
            case NsRef.Current c -> Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY, 0);
            case NsRef.Named n -> {
                validateName(n.name());
                try {
                    yield Libc.open(path(n.name()).toString(), Libc.O_RDONLY, 0);
                } catch (KernelException e) {
                    if (e.errno() == Errno.ENOENT) throw noSuch(n.name());
                    throw e;
                }
            }
            case NsRef.File f -> Libc.open(f.path().toString(), Libc.O_RDONLY, 0);
            case NsRef.Pid p -> {
                try {
                    yield Libc.open("/proc/" + p.pid() + "/ns/net", Libc.O_RDONLY, 0);
                } catch (KernelException e) {
                    if (e.errno() == Errno.ENOENT) throw KernelException.of("No such process " + p.pid(), Errno.ESRCH, String.valueOf(p.pid()));
                    throw e;
                }
            }
        };
    }

    public static KernelException noSuch(String name) {
        return KernelException.of("no such network namespace \"" + name + "\"", Errno.ENOENT, name);
    }

    /** Runs {@code work} on a thread inside {@code ref} (directly on the caller's thread for the current one). */
    public <T> T call(NsRef ref, Callable<T> work) {
        if (ref instanceof NsRef.Current) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw KernelException.of(e.toString(), 0, null);
            }
        }
        int fd = open(ref);
        try {
            return NsThread.call(fd, ref.toString(), work);
        } finally {
            Libc.close(fd);
        }
    }

    /**
     * Whether {@code p} (a bind mount, an open descriptor's /proc link...) is a network namespace: asked of the
     * kernel with NS_GET_NSTYPE, since a namespace file's path says nothing of its type.
     */
    public static boolean isNetns(Path p) {
        final long nsGetNstype = 0xb703;
        int fd;
        try {
            fd = Libc.open(p.toString(), Libc.O_RDONLY, 0);
        } catch (KernelException e) {
            return false;
        }
        try {
            return Libc.ioctlValue(fd, nsGetNstype, p.toString()) == Libc.CLONE_NEWNET;
        } catch (KernelException e) {
            return false;
        } finally {
            Libc.close(fd);
        }
    }

    /**
     * The inode of a namespace: read off a /proc link's text ("net:[4026531840]", no open needed), or from the file it
     * is or leads to (a bind mount, a registered name, a descriptor opened through one); -1 when there is none.
     */
    public static long inode(Path nsFile) {
        String target = Libc.readlink(nsFile.toString()); // null: not a link, a namespace file
        int open = target == null ? -1 : target.indexOf(":[");
        if (open > 0 && target.endsWith("]")) {
            try {
                return Long.parseLong(target.substring(open + 2, target.length() - 1));
            } catch (NumberFormatException e) {
                // not a namespace's link text
            }
        }
        // a file, or a link to a file (a descriptor opened through a bind mount): the inode of what it leads to, if
        // that is a namespace file (a registration file left without its mount is a plain file on /run's disk, and
        // the files of one run's namespaces share one inode there)
        try {
            Map<String, Object> a = Files.readAttributes(nsFile, "unix:ino,dev");
            if (NsfsDevice.DEV >= 0 && ((Number) a.get("dev")).longValue() != NsfsDevice.DEV) return -1;
            return ((Number) a.get("ino")).longValue();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The device of the kernel's namespace filesystem (nsfs), -1 if it cannot be read. */
    private static final class NsfsDevice {
        static final long DEV = read();

        private static long read() {
            try {
                return ((Number) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:dev")).longValue();
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    public long inode(String name) {
        long ino = inode(path(name));
        if (ino < 0) throw noSuch(name);
        return ino;
    }

    /** Every registered name for the network namespace of {@code pid} (ip netns identify). */
    public List<String> identify(int pid) {
        long target = inode(Path.of("/proc/" + pid + "/ns/net"));
        if (target < 0) throw KernelException.of("No such process " + pid, Errno.ESRCH, String.valueOf(pid));
        List<String> out = new ArrayList<>();
        for (String n : list()) if (inode(path(n)) == target) out.add(n);
        return out;
    }

    /** Processes whose network namespace is {@code name} (ip netns pids). */
    public List<Integer> pids(String name) {
        validateName(name);
        long target = inode(name);
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : ds) {
                if (inode(p.resolve("ns/net")) == target) out.add(Integer.parseInt(p.getFileName().toString()));
            }
        } catch (IOException e) {
            throw KernelException.of("Cannot read /proc: " + e.getMessage(), Errno.EACCES, "/proc");
        }
        out.sort(null);
        return out;
    }
}
