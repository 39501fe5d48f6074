package dev.nslab.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One netlink request under construction: a fixed family header followed by attributes (TLVs), possibly nested.
 * The 16-byte nlmsghdr is written by {@link NetlinkSocket} when it sends, because only the socket knows the
 * sequence number. Values are in host byte order, as rtnetlink expects.
 */
public final class NlRequest {
    public static final int NLA_F_NESTED = 0x8000;

    private final int type;
    private final int flags;
    private ByteBuffer body = ByteBuffer.allocate(128).order(ByteOrder.nativeOrder());

    public NlRequest(int type, int flags) {
        this.type = type;
        this.flags = flags;
    }

    public int type() { return type; }
    public int flags() { return flags; }

    /** The body (family header and attributes) written so far, as a read-only view. */
    public ByteBuffer body() { return body.duplicate().flip().asReadOnlyBuffer().order(ByteOrder.nativeOrder()); }

    public int length() { return body.position(); }

    private void room(int n) {
        if (body.remaining() >= n) return;
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(body.capacity() * 2, body.position() + n)).order(ByteOrder.nativeOrder());
        body.flip();
        bigger.put(body);
        body = bigger;
    }

    public NlRequest u8(int v) { room(1); body.put((byte) v); return this; }
    public NlRequest u16(int v) { room(2); body.putShort((short) v); return this; }
    public NlRequest u32(int v) { room(4); body.putInt(v); return this; }
    public NlRequest bytes(byte[] b) { room(b.length); body.put(b); return this; }

    /** Pads the body to the 4-byte alignment netlink requires between headers and attributes. */
    public NlRequest align() {
        int pad = (4 - (body.position() & 3)) & 3;
        room(pad);
        for (int i = 0; i < pad; i++) body.put((byte) 0);
        return this;
    }

    public NlRequest attr(int attrType, byte[] value) {
        align();
        room(4 + value.length + 3);
        body.putShort((short) (4 + value.length));
        body.putShort((short) attrType);
        body.put(value);
        return align();
    }

    public NlRequest attrU8(int attrType, int v) { return attr(attrType, new byte[] {(byte) v}); }

    public NlRequest attrU16(int attrType, int v) {
        return attr(attrType, ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) v).array());
    }

    public NlRequest attrU32(int attrType, int v) {
        return attr(attrType, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array());
    }

    /** A 32-bit value in network byte order, as nf_tables wants its numbers. */
    public NlRequest attrU32Be(int attrType, int v) { return attr(attrType, ByteBuffer.allocate(4).putInt(v).array()); }

    /** A NUL-terminated string attribute, as the kernel wants for names. */
    public NlRequest attrString(int attrType, String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[raw.length + 1];
        System.arraycopy(raw, 0, z, 0, raw.length);
        return attr(attrType, z);
    }

    /** A string attribute without a terminating NUL, as iproute2 sends a link's kind and alias (the kernel takes both). */
    public NlRequest attrText(int attrType, String s) { return attr(attrType, s.getBytes(StandardCharsets.UTF_8)); }

    /** Opens a nested attribute; pass the returned mark to {@link #endNested(int)}. */
    public int beginNested(int attrType) {
        align();
        int mark = body.position();
        room(4);
        body.putShort((short) 0);
        body.putShort((short) (attrType | NLA_F_NESTED));
        return mark;
    }

    /**
     * Opens an attribute that holds other data and attributes without the nested flag (tc's TCA_OPTIONS, which
     * some disciplines begin with a fixed struct); close it with {@link #endNested(int)}.
     */
    public int beginNestedPlain(int attrType) {
        align();
        int mark = body.position();
        room(4);
        body.putShort((short) 0);
        body.putShort((short) attrType);
        return mark;
    }

    /** Writes {@code v} as a u16 at {@code offset} of the body (a length known only once what follows is written). */
    public NlRequest putU16At(int offset, int v) {
        body.putShort(offset, (short) v);
        return this;
    }

    public NlRequest endNested(int mark) {
        align();
        body.putShort(mark, (short) (body.position() - mark));
        return this;
    }

    /** Writes the body behind a 16-byte header at {@code out}'s position; returns the aligned total length. */
    void writeTo(ByteBuffer out, int seq) {
        int len = 16 + body.position();
        out.putInt(len).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        out.put(body.array(), 0, body.position());
        int pad = (4 - (len & 3)) & 3;
        for (int i = 0; i < pad; i++) out.put((byte) 0);
    }
}
