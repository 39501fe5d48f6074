package dev.nslab.sys;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system calls nslab needs, made through the FFM API. All of them go through libc's {@code syscall(3)} with one
 * descriptor (every argument a 64-bit integer, pointers by address): the JVM generates a downcall stub per distinct
 * descriptor when a command first uses it, a few milliseconds each that no AOT cache keeps, so one stub instead of
 * twenty is start-up time saved on every command that touches the kernel. Numbers for x86-64 and arm64. Every call
 * that fails throws {@link KernelException} with the errno captured right after the call, never read later from a
 * thread-local that the JVM may have overwritten.
 */
public final class Libc {
    private Libc() {}

    public static final int CLONE_NEWNS = 0x00020000, CLONE_NEWNET = 0x40000000;
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200, O_CLOEXEC = 02000000,
            O_TMPFILE = 020200000;
    public static final int AT_FDCWD = -100, AT_SYMLINK_FOLLOW = 0x400;
    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32, MS_BIND = 4096,
            MS_REC = 16384, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20;
    public static final int MNT_DETACH = 2;
    public static final int AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_NETLINK = 16, AF_INET6 = 10;
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_CLOEXEC = 02000000;
    public static final int SOL_SOCKET = 1, SO_RCVBUF = 8, SO_SNDBUF = 7, SO_RCVBUFFORCE = 33, SO_SNDBUFFORCE = 32;
    public static final int MSG_DONTWAIT = 0x40, MSG_TRUNC = 0x20, MSG_PEEK = 2;
    public static final short POLLIN = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    static MethodHandle function(String name, FunctionDescriptor fd, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        System.arraycopy(options, 0, all, 0, options.length);
        all[options.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), fd, all);
    }

    /** The system call numbers used here, of this machine's architecture (x86-64's table, or the generic one of arm64). */
    private record Numbers(int unshare, int setns, int mount, int umount2, int memfdCreate, int openat, int linkat, int close,
                           int read, int write, int getrlimit, int socket, int bind, int listen, int accept4, int getsockopt,
                           int setsockopt, int sendto, int recvfrom, int recvmsg, int ppoll, int ioctl, int gettid, int statx, int flock,
                           int getdents64, int inotifyInit1, int inotifyAddWatch, int readlinkat) {
        static Numbers of(String arch) {
            return switch (arch) {
                case "amd64", "x86_64" -> new Numbers(272, 308, 165, 166, 319, 257, 265, 3, 0, 1, 97, 41, 49, 50, 288, 55,
                        54, 44, 45, 47, 271, 16, 186, 332, 73, 217, 294, 254, 267);
                case "aarch64", "arm64" -> new Numbers(97, 268, 40, 39, 279, 56, 37, 57, 63, 64, 163, 198, 200, 201, 242, 209,
                        208, 206, 207, 212, 73, 29, 178, 291, 32, 61, 26, 27, 78);
                default -> throw new UnsupportedOperationException("nslab knows the system calls of x86-64 and arm64, not of " + arch);
            };
        }
    }

    private static final class Sys {
        static final Numbers NR = Numbers.of(System.getProperty("os.arch"));
        static final MethodHandle H = function("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    }

    /** syscall(3): -1 with errno in {@code st} where it fails; unused arguments are zero (the kernel ignores them). */
    private static long sys(MemorySegment st, int nr, long a, long b, long c, long d, long e, long f) throws Throwable {
        return (long) Sys.H.invokeExact(st, (long) nr, a, b, c, d, e, f);
    }

    private static long sys(MemorySegment st, int nr, long a, long b, long c) throws Throwable { return sys(st, nr, a, b, c, 0, 0, 0); }

    private static Numbers nr() { return Sys.NR; }

    /** The address of native memory for a pointer argument (a heap segment's "address" is an offset: refused). */
    private static long ptr(MemorySegment s) {
        if (!s.isNative()) throw new IllegalArgumentException("a system call needs native memory, not " + s);
        return s.address();
    }

    private static int errno(MemorySegment state) { return (int) ERRNO.get(state, 0L); }

    /**
     * One errno capture segment per thread, reused by every call on it: allocating a fresh one per call (an arena,
     * a malloc and a free) was a large share of the cost of a system call made from cold code. Only ever read by
     * its own thread, right after the call that wrote it.
     */
    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private static MemorySegment state() { return STATE.get(); }

    private static KernelException fail(String op, String object, MemorySegment state) {
        return failure(op, object, errno(state));
    }

    /** A failed call as the typed exception for its errno; a refusal for want of privileges names what is missing. */
    public static KernelException failure(String op, String object, int errno) {
        String message = op + (object == null || object.isEmpty() ? "" : " \"" + object + "\"") + ": " + strerror(errno);
        if (errno == Errno.EPERM || errno == Errno.EACCES) message = Privileges.explain() + " [" + message + "]";
        return KernelException.of(message, errno, object);
    }

    // ---- namespaces and mounts ------------------------------------------------------------------------------

    /** unshare(2) on the calling thread. */
    public static void unshare(int flags, String object) {
        try {
            MemorySegment st = state();
            if (sys(st, nr().unshare(), flags, 0, 0) < 0) throw fail("unshare", object, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** setns(2) on the calling thread. */
    public static void setns(int fd, int nstype, String object) {
        try {
            MemorySegment st = state();
            if (sys(st, nr().setns(), fd, nstype, 0) < 0) throw fail("setns", object, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** mount(2); null strings are passed as NULL. */
    public static void mount(String source, String target, String fstype, long flags, String data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            long r = sys(st, nr().mount(), cstr(a, source), cstr(a, target), cstr(a, fstype), flags, cstr(a, data), 0);
            if (r < 0) throw fail("mount", target, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static void umount2(String target, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            if (sys(st, nr().umount2(), cstr(a, target), flags, 0) < 0) throw fail("umount", target, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    // ---- files --------------------------------------------------------------------------------------------

    private static final int MFD_CLOEXEC = 1;

    /** memfd_create(2): a file in memory with no name on disk, gone with its last descriptor; returns the descriptor. */
    public static int memfdCreate(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            long fd = sys(st, nr().memfdCreate(), cstr(a, name), MFD_CLOEXEC, 0);
            if (fd < 0) throw fail("memfd_create", name, st);
            return (int) fd;
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** open(2) (as openat from the working directory), closed on exec; returns the file descriptor. */
    public static int open(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            long fd = sys(st, nr().openat(), AT_FDCWD, cstr(a, path), flags | O_CLOEXEC, mode, 0, 0);
            if (fd < 0) throw fail("open", path, st);
            return (int) fd;
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    private static final int O_DIRECTORY = 0200000;

    /**
     * A buffer per thread for directory listings and small files' reads: /proc and its process directories are listed
     * and read by the hundred at a time. Never held across calls.
     */
    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(32 * 1024, 8));

    /**
     * The names in directory {@code path} (without "." and ".."), read with getdents64(2): an open, the reads and a
     * close, where Java's directory stream makes twice the system calls — /proc holds a directory per process and
     * thread, and inventory and down list them all. Null when the directory cannot be opened (gone, not ours).
     */
    public static List<String> entries(String path) {
        int fd = openDirectory(path);
        if (fd < 0) return null;
        try {
            List<String> out = new java.util.ArrayList<>();
            // a process that ended while its directory was read: nothing to list
            return eachEntry(fd, (name, at) -> out.add(name)) ? out : null;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            close(fd);
        }
    }

    /** A symbolic link in a directory: its name there and the text it holds. */
    public record Link(String name, String target) { }

    /**
     * The symbolic links in directory {@code path} and where they lead: each read with readlinkat(2) from the
     * directory's descriptor and the name as the listing gave it (no path built, no exception for a refusal) —
     * /proc/PID/fd of a busy daemon holds thousands. A refusal (a process the kernel keeps from us) ends the list:
     * the rest of that directory is refused alike. Null when the directory cannot be opened.
     */
    public static List<Link> links(String path) {
        int fd = openDirectory(path);
        if (fd < 0) return null;
        try {
            MemorySegment target = LINK.get(), st = state();
            List<Link> out = new java.util.ArrayList<>();
            eachEntry(fd, (name, at) -> {
                long n = sys(st, nr().readlinkat(), fd, at, ptr(target), target.byteSize(), 0, 0);
                if (n >= 0) return out.add(new Link(name, text(target, n)));
                return errno(st) != Errno.EACCES && errno(st) != Errno.EPERM;
            });
            return out;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            close(fd);
        }
    }

    /** readlink(2): the text of symbolic link {@code path}, or null where it is no link or cannot be read. */
    public static String readlink(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment target = LINK.get(), st = state();
            long n = sys(st, nr().readlinkat(), AT_FDCWD, cstr(a, path), ptr(target), target.byteSize(), 0, 0);
            return n < 0 ? null : text(target, n);
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** A link's text per thread, PATH_MAX long: links are read by the thousand in a pass over /proc. */
    private static final ThreadLocal<MemorySegment> LINK = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(4096));

    private static String text(MemorySegment buf, long n) {
        return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int openDirectory(String path) {
        try (Arena a = Arena.ofConfined()) {
            long r = sys(state(), nr().openat(), AT_FDCWD, cstr(a, path), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, 0, 0);
            return r < 0 ? -1 : (int) r;
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** What a listing hands over per entry: its name, and its address, NUL-terminated, in the listing's buffer. */
    private interface Entry {
        /** False: no more entries are wanted. */
        boolean visit(String name, long at) throws Throwable;
    }

    /** Lists directory {@code fd} with getdents64(2) until the end or a visit says stop; false where a read fails. */
    private static boolean eachEntry(int fd, Entry visit) throws Throwable {
        MemorySegment buf = SCRATCH.get(), st = state();
        while (true) {
            long n = sys(st, nr().getdents64(), fd, ptr(buf), buf.byteSize());
            if (n < 0 && errno(st) == Errno.EINTR) continue;
            if (n <= 0) return n == 0;
            // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated)
            for (long off = 0; off < n; ) {
                int reclen = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, off + 16));
                String name = buf.getString(off + 19);
                if (!name.equals(".") && !name.equals("..") && !visit.visit(name, buf.address() + off + 19)) return true;
                off += reclen;
            }
        }
    }

    /**
     * The whole of a small file read with open, read and close (a /proc file's text: a stream over a Java channel
     * makes twice the system calls and registers a cleaner each time); null where it cannot be opened or read. Not
     * for pipes or terminals, whose short reads are no end.
     */
    public static String readText(String path) {
        int fd;
        try {
            fd = open(path, O_RDONLY, 0);
        } catch (KernelException e) {
            return null;
        }
        try {
            MemorySegment buf = SCRATCH.get();
            long n = read(fd, buf);
            // a read shorter than asked is the end for a file on disk and for /proc's and /sys's, which give all they
            // hold to a buffer large enough: no second read to be told so
            if (n >= 0 && n < buf.byteSize()) return text(buf, n);
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            for (; n > 0; n = read(fd, buf)) text.writeBytes(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
            return n < 0 ? null : text.toString(java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            close(fd);
        }
    }

    public static final int IN_MODIFY = 0x2, IN_ATTRIB = 0x4, IN_MOVED_TO = 0x80, IN_CREATE = 0x100;
    private static final int O_NONBLOCK = 04000;

    /** inotify_init1(2), non-blocking and closed on exec: its descriptor (a read that finds no event returns -EAGAIN). */
    public static int inotifyInit() {
        try {
            MemorySegment st = state();
            long fd = sys(st, nr().inotifyInit1(), O_NONBLOCK | O_CLOEXEC, 0, 0);
            if (fd < 0) throw fail("inotify_init1", null, st);
            return (int) fd;
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** inotify_add_watch(2) of directory {@code path}; false where it is not there (any longer). */
    public static boolean inotifyAddWatch(int fd, String path, int mask) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            if (sys(st, nr().inotifyAddWatch(), fd, cstr(a, path), mask) >= 0) return true;
            if (errno(st) == Errno.ENOENT || errno(st) == Errno.ENOTDIR) return false;
            throw fail("inotify_add_watch", path, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** linkat(2) with both paths taken from the working directory (AT_FDCWD). */
    public static void linkat(String oldPath, String newPath, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            long r = sys(st, nr().linkat(), AT_FDCWD, cstr(a, oldPath), AT_FDCWD, cstr(a, newPath), flags, 0);
            if (r < 0) throw fail("link", newPath, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4;

    /**
     * flock(2): a lock of the open file, not of the process (unlike Java's FileLock, two in one JVM are two holders);
     * false when {@code LOCK_NB} was given and another holds it.
     */
    public static boolean flock(int fd, int operation, String object) {
        try {
            MemorySegment st = state();
            while (true) {
                if (sys(st, nr().flock(), fd, operation, 0) == 0) return true;
                int e = errno(st);
                if (e == Errno.EINTR) continue;
                if (e == Errno.EAGAIN) return false;
                throw failure("flock", object, e);
            }
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** close(2); errors are ignored because there is nothing useful to do about them. */
    public static void close(int fd) {
        if (fd < 0) return;
        try {
            long ignored = sys(state(), nr().close(), fd, 0, 0);
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** read(2) into {@code buf}, retried on EINTR: the bytes read, 0 at the end, -errno where it fails (EIO: a hung-up terminal). */
    public static long read(int fd, MemorySegment buf) {
        try {
            MemorySegment st = state();
            while (true) {
                long n = sys(st, nr().read(), fd, ptr(buf), buf.byteSize());
                if (n >= 0) return n;
                if (errno(st) != Errno.EINTR) return -errno(st);
            }
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** write(2) of all of {@code buf}, retried on EINTR and short writes. */
    public static void write(int fd, MemorySegment buf, String object) {
        try {
            MemorySegment st = state();
            long off = 0;
            while (off < buf.byteSize()) {
                long n = sys(st, nr().write(), fd, ptr(buf) + off, buf.byteSize() - off);
                if (n >= 0) off += n;
                else if (errno(st) != Errno.EINTR) throw fail("write", object, st);
            }
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    private static final int STATX_MNT_ID_UNIQUE = 0x4000, STATX_MASK = 0, STATX_MNT_ID = 144, STATX_SIZE = 256;

    /**
     * The unique id of the mount {@code path} is on (statx(2), STATX_MNT_ID_UNIQUE: never reused while the machine
     * runs, Linux 6.8 and later); 0 where the kernel does not tell it or the path is not there.
     */
    public static long uniqueMountId(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            MemorySegment buf = a.allocate(STATX_SIZE, 8);
            if (sys(st, nr().statx(), AT_FDCWD, cstr(a, path), 0, STATX_MNT_ID_UNIQUE, ptr(buf), 0) < 0) return 0;
            return (buf.get(JAVA_INT, STATX_MASK) & STATX_MNT_ID_UNIQUE) != 0 ? buf.get(JAVA_LONG, STATX_MNT_ID) : 0;
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static final int S_IFMT = 0170000, S_IFDIR = 0040000, S_IRUSR = 0400, S_IWUSR = 0200;
    private static final int STATX_TYPE_AND_MODE = 0x3, STATX_MODE = 28;

    /** The mode of {@code path} (statx(2) following links: its type and permission bits), or -errno where it fails. */
    public static int mode(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            MemorySegment buf = a.allocate(STATX_SIZE, 8);
            if (sys(st, nr().statx(), AT_FDCWD, cstr(a, path), 0, STATX_TYPE_AND_MODE, ptr(buf), 0) < 0) return -errno(st);
            return Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, STATX_MODE));
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    private static final int STATX_DEV_MAJOR = 136, STATX_DEV_MINOR = 140;

    /**
     * The device of the file system {@code path} leads to (statx(2) following links), as major and minor in one
     * number that only compares with another of this method's; -1 where it cannot be looked at.
     */
    public static long device(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            MemorySegment buf = a.allocate(STATX_SIZE, 8);
            if (sys(st, nr().statx(), AT_FDCWD, cstr(a, path), 0, 0, ptr(buf), 0) < 0) return -1;
            return (Integer.toUnsignedLong(buf.get(JAVA_INT, STATX_DEV_MAJOR)) << 32) | Integer.toUnsignedLong(buf.get(JAVA_INT, STATX_DEV_MINOR));
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static final int RLIMIT_NOFILE = 7, RLIMIT_NPROC = 6;

    /** getrlimit(2): {soft, hard}; RLIM_INFINITY comes back as Long.MAX_VALUE. */
    public static long[] getrlimit(int resource) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            MemorySegment lim = a.allocate(16, 8);
            if (sys(st, nr().getrlimit(), resource, ptr(lim), 0) < 0) throw fail("getrlimit", null, st);
            long soft = lim.get(JAVA_LONG, 0), hard = lim.get(JAVA_LONG, 8);
            return new long[] {soft < 0 ? Long.MAX_VALUE : soft, hard < 0 ? Long.MAX_VALUE : hard};
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    // ---- sockets ------------------------------------------------------------------------------------------

    public static int socket(int domain, int type, int protocol) {
        try {
            MemorySegment st = state();
            long fd = sys(st, nr().socket(), domain, type | SOCK_CLOEXEC, protocol);
            if (fd < 0) throw fail("socket", null, st);
            return (int) fd;
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static void bind(int fd, MemorySegment addr) {
        try {
            MemorySegment st = state();
            if (sys(st, nr().bind(), fd, ptr(addr), addr.byteSize()) < 0) throw fail("bind", null, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static void listen(int fd, int backlog) {
        try {
            MemorySegment st = state();
            if (sys(st, nr().listen(), fd, backlog, 0) < 0) throw fail("listen", null, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** accept4(2) of a connection, its descriptor closed on exec. */
    public static int accept(int fd) {
        try {
            MemorySegment st = state();
            while (true) {
                long c = sys(st, nr().accept4(), fd, 0, 0, SOCK_CLOEXEC, 0, 0);
                if (c >= 0) return (int) c;
                if (errno(st) != Errno.EINTR) throw fail("accept", null, st);
            }
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static final int SO_PEERCRED = 17;

    /** The peer of a connected Unix socket as the kernel recorded it at connect (SO_PEERCRED): process id, uid, gid. */
    public static int[] peerCredentials(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            MemorySegment cred = a.allocate(12, 4), len = a.allocateFrom(JAVA_INT, 12);
            if (sys(st, nr().getsockopt(), fd, SOL_SOCKET, SO_PEERCRED, ptr(cred), ptr(len), 0) < 0) throw fail("getsockopt", "SO_PEERCRED", st);
            return new int[] {cred.get(JAVA_INT, 0), cred.get(JAVA_INT, 4), cred.get(JAVA_INT, 8)};
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static void setsockopt(int fd, int level, int name, int value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            MemorySegment v = a.allocateFrom(JAVA_INT, value);
            if (sys(st, nr().setsockopt(), fd, level, name, ptr(v), 4, 0) < 0) throw fail("setsockopt", null, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** send(2) of the first {@code len} bytes of {@code buf}; {@code state} is a capture segment owned by the caller. */
    public static long send(int fd, MemorySegment buf, long len, int flags, MemorySegment state) throws KernelException {
        try {
            long n = sys(state, nr().sendto(), fd, ptr(buf), len, flags, 0, 0);
            if (n < 0) throw fail("send", null, state);
            return n;
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** recv(2); returns the byte count (which with MSG_TRUNC may exceed the buffer). */
    public static long recv(int fd, MemorySegment buf, int flags, MemorySegment state) {
        try {
            while (true) {
                long n = sys(state, nr().recvfrom(), fd, ptr(buf), buf.byteSize(), flags, 0, 0);
                if (n >= 0) return n;
                if (errno(state) != Errno.EINTR) throw fail("recv", null, state);
            }
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static long sendto(int fd, MemorySegment buf, MemorySegment addr, String object) {
        try {
            MemorySegment st = state();
            long n = sys(st, nr().sendto(), fd, ptr(buf), buf.byteSize(), 0, ptr(addr), addr.byteSize());
            if (n < 0) throw fail("sendto", object, st);
            return n;
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** recvmsg(2) with a prepared msghdr; returns -errno instead of throwing so that pollers can loop cheaply. */
    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        try {
            MemorySegment st = state();
            long n = sys(st, nr().recvmsg(), fd, ptr(msghdr), flags);
            return n < 0 ? -errno(st) : n;
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** poll(2) as ppoll: a negative timeout waits for ever (no timespec); the kernel counts down the one it is given. */
    private static long poll(MemorySegment st, Arena a, MemorySegment pfd, long count, int timeoutMillis) throws Throwable {
        MemorySegment ts = timeoutMillis < 0 ? MemorySegment.NULL : a.allocate(16, 8);
        if (timeoutMillis >= 0) {
            ts.set(JAVA_LONG, 0, timeoutMillis / 1000);
            ts.set(JAVA_LONG, 8, (timeoutMillis % 1000) * 1_000_000L);
        }
        return sys(st, nr().ppoll(), ptr(pfd), count, ts.address(), 0, 8, 0);
    }

    /** poll(2) on many descriptors for POLLIN; returns the indexes (into {@code fds}) that are readable. */
    public static int[] pollInAny(int[] fds, int timeoutMillis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            MemorySegment pfd = a.allocate(8L * fds.length, 4);
            for (int i = 0; i < fds.length; i++) {
                pfd.set(ValueLayout.JAVA_INT, 8L * i, fds[i]);
                pfd.set(ValueLayout.JAVA_SHORT, 8L * i + 4, POLLIN);
            }
            while (true) {
                long r = poll(st, a, pfd, fds.length, timeoutMillis);
                if (r >= 0) {
                    int[] out = new int[(int) r];
                    int k = 0;
                    for (int i = 0; i < fds.length && k < r; i++) {
                        if (pfd.get(ValueLayout.JAVA_SHORT, 8L * i + 6) != 0) out[k++] = i;
                    }
                    return k == r ? out : java.util.Arrays.copyOf(out, k);
                }
                if (errno(st) != Errno.EINTR) throw fail("poll", null, st);
            }
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** poll(2) on one descriptor for POLLIN; true when it is readable before the timeout. */
    public static boolean pollIn(int fd, int timeoutMillis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            MemorySegment pfd = a.allocate(8, 4);
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
            while (true) {
                long r = poll(st, a, pfd, 1, timeoutMillis);
                if (r >= 0) return r > 0;
                if (errno(st) != Errno.EINTR) throw fail("poll", null, st);
            }
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** An ioctl whose answer is its return value (NS_GET_NSTYPE...). */
    public static int ioctlValue(int fd, long request, String object) {
        try {
            MemorySegment st = state();
            long r = sys(st, nr().ioctl(), fd, request, 0);
            if (r < 0) throw fail("ioctl", object, st);
            return (int) r;
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** An ioctl whose argument is a number, not a pointer (TUNSETPERSIST, TUNSETOWNER...). */
    public static void ioctlArg(int fd, long request, long value, String object) {
        try {
            MemorySegment st = state();
            if (sys(st, nr().ioctl(), fd, request, value) < 0) throw fail("ioctl", object, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static void ioctl(int fd, long request, MemorySegment arg, String object) {
        try {
            MemorySegment st = state();
            if (sys(st, nr().ioctl(), fd, request, arg.equals(MemorySegment.NULL) ? 0 : ptr(arg)) < 0) throw fail("ioctl", object, st);
        } catch (KernelException e) { throw e; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    // ---- processes ----------------------------------------------------------------------------------------

    /** The kernel id of the calling thread (for /proc/thread-self style paths). */
    public static int gettid() {
        try {
            return (int) sys(state(), nr().gettid(), 0, 0, 0);
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    // the C library's own functions, not system calls: bound by name, used once in a process's life
    private static final class SigMask { static final MethodHandle H = function("pthread_sigmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)); }
    private static final class Execvp { static final MethodHandle H = function("execvp", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)); }

    /**
     * Replaces the whole process with {@code argv} (PATH searched), keeping the calling thread's namespaces.
     * The JVM blocks some signals on its threads; they are unblocked first so the program starts as if from a
     * shell. Returns only by throwing.
     */
    public static KernelException execvp(List<String> argv) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            MemorySegment empty = a.allocate(128);
            int ignored = (int) SigMask.H.invokeExact(st, 2 /* SIG_SETMASK */, empty, MemorySegment.NULL);
            MemorySegment arr = a.allocate(ADDRESS, argv.size() + 1);
            for (int i = 0; i < argv.size(); i++) arr.setAtIndex(ADDRESS, i, a.allocateFrom(argv.get(i)));
            arr.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);
            int r = (int) Execvp.H.invokeExact(st, arr.getAtIndex(ADDRESS, 0), arr);
            return fail("exec", argv.getFirst(), st);
        } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    private static final class Strerror { static final MethodHandle H = LINKER.downcallHandle(
            LOOKUP.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT)); }

    /** The C library's text for an errno, as iproute2 prints it ("File exists"). */
    public static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) Strerror.H.invokeExact(errno);
            return p.reinterpret(512).getString(0);
        } catch (Throwable t) { return "errno " + errno; }
    }

    /** A fresh errno capture segment, for callers that make many calls in a loop (netlink sockets). */
    public static MemorySegment newCallState(Arena arena) { return arena.allocate(CAPTURE); }


    /** A C string in {@code a}, by address; 0 (NULL) for null. */
    private static long cstr(Arena a, String s) { return s == null ? 0 : a.allocateFrom(s).address(); }
}
