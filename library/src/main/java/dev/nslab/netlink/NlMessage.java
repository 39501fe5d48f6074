package dev.nslab.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One netlink message as received: header fields plus its payload (family header and attributes).
 *
 * @param payload the bytes after the 16-byte header, positioned at 0, in host byte order
 */
public record NlMessage(int type, int flags, int seq, int pid, ByteBuffer payload) {
    public static final int NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3;

    /** Splits a datagram into its messages; a malformed length ends the walk rather than reading garbage. */
    public static List<NlMessage> parseAll(ByteBuffer datagram) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NlMessage> out = new ArrayList<>();
        while (b.remaining() >= 16) {
            int start = b.position();
            int len = b.getInt(start);
            if (len < 16 || len > b.remaining()) break;
            int type = Short.toUnsignedInt(b.getShort(start + 4));
            int flags = Short.toUnsignedInt(b.getShort(start + 6));
            int seq = b.getInt(start + 8);
            int pid = b.getInt(start + 12);
            ByteBuffer payload = b.slice(start + 16, len - 16).order(ByteOrder.nativeOrder());
            out.add(new NlMessage(type, flags, seq, pid, payload));
            b.position(Math.min(b.limit(), start + ((len + 3) & ~3)));
        }
        return out;
    }

    /** Attributes that follow a family header of {@code headerLength} bytes. */
    public NlAttrs attrs(int headerLength) {
        return NlAttrs.parse(payload, (headerLength + 3) & ~3, payload.limit());
    }

    /** The payload's bytes (family header and attributes), as a request sending the message again carries them. */
    public byte[] payloadBytes() {
        byte[] b = new byte[payload.limit()];
        payload.get(0, b);
        return b;
    }

    public int u8(int offset) { return Byte.toUnsignedInt(payload.get(offset)); }
    public int u16(int offset) { return Short.toUnsignedInt(payload.getShort(offset)); }
    public int i32(int offset) { return payload.getInt(offset); }
}
