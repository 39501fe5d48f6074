package dev.nslab.net;

import dev.nslab.error.NslabException;
import dev.nslab.netlink.NlMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * iproute2's save files ({@code ip route save}, {@code ip address save}): a 32-bit magic word of the kind, then the
 * kernel's rtnetlink messages exactly as a dump sent them, so that a file one tool saved the other restores. Pure.
 */
public final class SaveFile {
    private SaveFile() {}

    /** What a file holds, told by its magic word. */
    public enum Kind {
        ROUTES(0x45311224, "route"), ADDRESSES(0x47361222, "address");

        final int magic;
        /** The object as ip's messages name it ("Can't restore route dump from a terminal"). */
        public final String object;

        Kind(int magic, String object) {
            this.magic = magic;
            this.object = object;
        }
    }

    /** A file that is not one of {@code kind}, or ends inside a message; the message is ip's. */
    public static final class BadFileException extends NslabException {
        /** Whether nothing was read (a wrong magic word) rather than a message cut short after good ones. */
        public final boolean atStart;

        BadFileException(String message, boolean atStart) {
            super(message);
            this.atStart = atStart;
        }
    }

    /** One saved object with the message it came in. */
    public record Entry<T>(T object, NlMessage message) { }

    /**
     * A file's messages, in order, and what ended it early (ip's words), or null: ip acts on the messages before the
     * fault, then stops there.
     */
    public record Contents(List<NlMessage> messages, BadFileException fault) {
        /** The messages read as routes, each with its message (one nslab cannot read is left out). */
        public List<Entry<Route>> routes() {
            return messages.stream().map(m -> new Entry<>(RouteMessages.parse(m), m)).filter(e -> e.object() != null).toList();
        }

        /** The messages read as addresses, each with its message (one nslab cannot read is left out). */
        public List<Entry<IfAddress>> addresses() {
            return messages.stream().map(m -> new Entry<>(AddressMessages.parse(m), m)).filter(e -> e.object() != null).toList();
        }
    }

    /** Writes the magic word of {@code kind}, then each message as it came (ip writes nlmsg_len bytes of each). */
    public static void write(OutputStream out, Kind kind, List<? extends Entry<?>> entries) {
        try {
            out.write(u32(kind.magic));
            for (Entry<?> e : entries) out.write(bytes(e.message()));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message's bytes: the 16-byte header, then its payload. */
    static byte[] bytes(NlMessage m) {
        byte[] payload = m.payloadBytes();
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.nativeOrder());
        b.putInt(16 + payload.length).putShort((short) m.type()).putShort((short) m.flags()).putInt(m.seq()).putInt(m.pid());
        return b.put(payload).array();
    }

    private static byte[] u32(int v) { return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array(); }

    /**
     * Reads a file of {@code kind}: a wrong magic word is a {@link BadFileException} thrown (nothing to act on); a
     * message cut short or malformed ends the list, named in {@link Contents#fault}, as ip reads one message at a time.
     */
    public static Contents read(InputStream in, Kind kind) {
        try {
            byte[] all = in.readAllBytes();
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.nativeOrder());
            int magic = all.length >= 4 ? b.getInt(0) : 0;
            if (all.length < 4 || magic != kind.magic) {
                throw new BadFileException(String.format("Magic mismatch (%d elems, %x magic)", all.length >= 4 ? 1 : 0,
                        all.length >= 4 ? magic : 0), true);
            }
            List<NlMessage> out = new ArrayList<>();
            int at = 4;
            while (at < all.length) {
                if (all.length - at < 16) return new Contents(out, truncated());
                int len = b.getInt(at);
                // ip's buffer is 16 KiB: a longer message is malformed to it
                if (len < 16 || len > 16384) {
                    return new Contents(out, new BadFileException("!!!malformed message: len=" + len + " @" + (at + 16), false));
                }
                int end = at + 16 + ((len - 16 + 3) & ~3);
                if (end > all.length) return new Contents(out, truncated());
                out.addAll(NlMessage.parseAll(ByteBuffer.wrap(all, at, len).slice()));
                at = end;
            }
            return new Contents(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BadFileException truncated() { return new BadFileException("rtnl-from_file: truncated message", false); }
}
