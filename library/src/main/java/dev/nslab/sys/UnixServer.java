package dev.nslab.sys;

import dev.nslab.error.KernelException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A listening Unix stream socket made with the kernel's own calls, for what the JDK's channels do not tell: which
 * process is at the other end (SO_PEERCRED's process id, beside its uid), so that a server can read that process's
 * namespaces and capabilities from the kernel instead of believing what the client says of itself.
 */
public final class UnixServer implements AutoCloseable {
    /** The peer as the kernel recorded it when it connected. */
    public record Peer(long pid, int uid, int gid) { }

    private final int fd;
    private boolean closed;

    private UnixServer(int fd) { this.fd = fd; }

    /** Binds {@code path} (which must not exist) and listens. */
    public static UnixServer listen(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= 108) throw new IllegalArgumentException("socket path too long (" + name.length + " bytes, at most 107): " + path);
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(2 + name.length + 1);
            addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_UNIX);
            MemorySegment.copy(MemorySegment.ofArray(name), 0, addr, 2, name.length);
            Libc.bind(fd, addr);
            Libc.listen(fd, 64);
            return new UnixServer(fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** The next connection, or null when none came within {@code timeoutMillis}; asked by the thread that owns this server. */
    public Connection accept(int timeoutMillis) {
        if (closed || !Libc.pollIn(fd, timeoutMillis)) return null;
        int c = Libc.accept(fd);
        try {
            int[] cred = Libc.peerCredentials(c);
            return new Connection(c, new Peer(cred[0], cred[1], cred[2]));
        } catch (RuntimeException e) {
            Libc.close(c);
            throw e;
        }
    }

    /** Stops listening (by the thread that accepts: a descriptor closed under another thread's poll may be reused). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Libc.close(fd);
    }

    /** One accepted connection: its peer and its two directions as streams. */
    public static final class Connection implements AutoCloseable {
        private static final int MSG_NOSIGNAL = 0x4000; // a peer gone is an IOException here, not a SIGPIPE
        private final int fd;
        private final Peer peer;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment readBuf = arena.allocate(1 << 16), writeBuf = arena.allocate(1 << 16);
        private final MemorySegment readState = Libc.newCallState(arena), writeState = Libc.newCallState(arena);
        private boolean closed;

        private Connection(int fd, Peer peer) {
            this.fd = fd;
            this.peer = peer;
        }

        public Peer peer() { return peer; }

        /**
         * Whether the peer hung up within {@code timeoutMillis} (or wrote more: a peer that sends one request and
         * waits for the answer does not): its socket became readable.
         */
        public boolean peerGone(int timeoutMillis) { return Libc.pollIn(fd, timeoutMillis); }

        public InputStream in() {
            return new InputStream() {
                @Override public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) return 0;
                    synchronized (readBuf) {
                        long n;
                        try {
                            n = Libc.recv(fd, readBuf.asSlice(0, Math.min(len, readBuf.byteSize())), 0, readState);
                        } catch (KernelException e) {
                            throw new IOException(e.getMessage(), e);
                        }
                        if (n == 0) return -1;
                        MemorySegment.copy(readBuf, 0, MemorySegment.ofArray(b), off, n);
                        return (int) n;
                    }
                }
            };
        }

        public OutputStream out() {
            return new OutputStream() {
                @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

                @Override public void write(byte[] b, int off, int len) throws IOException {
                    synchronized (writeBuf) {
                        while (len > 0) {
                            int chunk = (int) Math.min(len, writeBuf.byteSize());
                            MemorySegment.copy(MemorySegment.ofArray(b), off, writeBuf, 0, chunk);
                            long done = 0;
                            while (done < chunk) {
                                try {
                                    done += Libc.send(fd, writeBuf.asSlice(done), chunk - done, MSG_NOSIGNAL, writeState);
                                } catch (KernelException e) {
                                    throw new IOException(e.getMessage(), e);
                                }
                            }
                            off += chunk;
                            len -= chunk;
                        }
                    }
                }
            };
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            Libc.close(fd);
            arena.close();
        }
    }
}
