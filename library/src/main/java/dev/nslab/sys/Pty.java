package dev.nslab.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A pseudo-terminal pair (pty(7)): this side holds the master; a program started with the {@link #terminal()} path
 * as its standard input, output and error reads and writes a real terminal, as in an ssh session. Closing the master
 * hangs the terminal up, which ends the session's programs (SIGHUP).
 */
public final class Pty implements AutoCloseable {
    private static final long TIOCSPTLCK = 0x40045431L, TIOCGPTN = 0x80045430L, TIOCSWINSZ = 0x5414L;
    private static final int O_NOCTTY = 0400;

    private final int master;
    private final String terminal;
    private volatile boolean closed;

    private Pty(int master, String terminal) {
        this.master = master;
        this.terminal = terminal;
    }

    /** A new pair from /dev/ptmx, unlocked, its terminal {@code cols} by {@code rows}. */
    public static Pty open(int cols, int rows) {
        int fd = Libc.open("/dev/ptmx", Libc.O_RDWR | O_NOCTTY, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(ValueLayout.JAVA_INT);
            n.set(ValueLayout.JAVA_INT, 0, 0);
            Libc.ioctl(fd, TIOCSPTLCK, n, "/dev/ptmx");
            Libc.ioctl(fd, TIOCGPTN, n, "/dev/ptmx");
            Pty p = new Pty(fd, "/dev/pts/" + n.get(ValueLayout.JAVA_INT, 0));
            p.resize(cols, rows);
            return p;
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** The terminal's path, to open as a program's standard streams. */
    public String terminal() { return terminal; }

    /** Tells the terminal (and so its programs, by SIGWINCH) its size in characters. */
    public void resize(int cols, int rows) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ws = a.allocate(8);
            ws.set(ValueLayout.JAVA_SHORT, 0, (short) Math.clamp(rows, 1, 1000));
            ws.set(ValueLayout.JAVA_SHORT, 2, (short) Math.clamp(cols, 1, 1000));
            Libc.ioctl(master, TIOCSWINSZ, ws, terminal);
        }
    }

    /**
     * What the terminal's programs wrote within {@code timeoutMillis}: empty when nothing came, null once the
     * terminal is gone (every program holding it has ended). Only the thread that reads may {@link #close}: a read
     * in progress would keep the master open, and its programs would never be hung up.
     */
    public byte[] read(int timeoutMillis) {
        if (closed) return null;
        if (!Libc.pollIn(master, timeoutMillis)) return new byte[0];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(8192);
            long n = Libc.read(master, buf);
            return n <= 0 ? null : buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Types {@code bytes} into the terminal. */
    public void write(byte[] bytes) {
        if (closed || bytes.length == 0) return;
        try (Arena a = Arena.ofConfined()) {
            Libc.write(master, a.allocateFrom(ValueLayout.JAVA_BYTE, bytes), terminal);
        }
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        Libc.close(master);
    }
}
