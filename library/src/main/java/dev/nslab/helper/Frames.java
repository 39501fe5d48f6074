package dev.nslab.helper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The answer's framing: a type byte, a 4-byte big-endian length, the bytes. 'O' and 'E' carry standard output and
 * standard error in the order the command wrote them, 'X' the exit status, 'F' says "run it yourself".
 */
final class Frames {
    static final byte OUT = 'O', ERR = 'E', EXIT = 'X', FALLBACK = 'F';

    private final OutputStream out;
    /** Whether standard output or error has been sent: a client that got some can no longer run the command itself. */
    private volatile boolean answered;

    Frames(OutputStream out) { this.out = out; }

    boolean answered() { return answered; }

    synchronized void send(byte type, byte[] data, int off, int len) throws IOException {
        if (type == OUT || type == ERR) answered = true;
        byte[] frame = new byte[5 + len];
        ByteBuffer.wrap(frame).put(type).putInt(len).put(data, off, len);
        out.write(frame, 0, frame.length); // one write: head and body leave together
    }

    void exit(int status) throws IOException { send(EXIT, ByteBuffer.allocate(4).putInt(status).array(), 0, 4); }

    void fallback() throws IOException { send(FALLBACK, new byte[0], 0, 0); }

    /** A stream whose every write is one frame of {@code type}. */
    OutputStream stream(byte type) {
        return new OutputStream() {
            @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

            @Override public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) send(type, b, off, len);
            }
        };
    }
}
