package dev.nslab.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The attributes of one message (or one nested attribute), indexed by type. When a type repeats, the last one
 * wins for the single-value getters, as in the kernel's own nla_parse; {@link #all(int)} returns every copy.
 */
public final class NlAttrs {
    private static final int TYPE_MASK = 0x3fff; // drops NLA_F_NESTED and NLA_F_NET_BYTEORDER

    private final ByteBuffer buf;
    private final List<int[]> entries; // {type, valueOffset, valueLength}

    private NlAttrs(ByteBuffer buf, List<int[]> entries) {
        this.buf = buf;
        this.entries = entries;
    }

    public static NlAttrs parse(ByteBuffer buf, int from, int to) {
        List<int[]> entries = new ArrayList<>();
        int p = from;
        while (p + 4 <= to) {
            int len = Short.toUnsignedInt(buf.getShort(p));
            int type = Short.toUnsignedInt(buf.getShort(p + 2)) & TYPE_MASK;
            if (len < 4 || p + len > to) break;
            entries.add(new int[] {type, p + 4, len - 4});
            p += (len + 3) & ~3;
        }
        return new NlAttrs(buf, entries);
    }

    private int[] find(int type) {
        for (int i = entries.size() - 1; i >= 0; i--) if (entries.get(i)[0] == type) return entries.get(i);
        return null;
    }

    public boolean has(int type) { return find(type) != null; }

    /** The types present, in wire order (for tests and diagnostics). */
    public List<Integer> types() { return entries.stream().map(e -> e[0]).toList(); }

    public ByteBuffer value(int type) {
        int[] e = find(type);
        return e == null ? null : buf.slice(e[1], e[2]).order(ByteOrder.nativeOrder());
    }

    public byte[] bytes(int type) {
        ByteBuffer v = value(type);
        if (v == null) return null;
        byte[] out = new byte[v.remaining()];
        v.get(out);
        return out;
    }

    public int u8(int type, int dflt) { int[] e = find(type); return e == null || e[2] < 1 ? dflt : Byte.toUnsignedInt(buf.get(e[1])); }
    public int u16(int type, int dflt) { int[] e = find(type); return e == null || e[2] < 2 ? dflt : Short.toUnsignedInt(buf.getShort(e[1])); }
    public int u32(int type, int dflt) { int[] e = find(type); return e == null || e[2] < 4 ? dflt : buf.getInt(e[1]); }
    public long u64(int type, long dflt) { int[] e = find(type); return e == null || e[2] < 8 ? dflt : buf.getLong(e[1]); }

    /** A string attribute without its terminating NUL; null when absent. */
    public String string(int type) {
        int[] e = find(type);
        if (e == null) return null;
        int n = 0;
        while (n < e[2] && buf.get(e[1] + n) != 0) n++;
        byte[] raw = new byte[n];
        buf.get(e[1], raw);
        return new String(raw, StandardCharsets.UTF_8);
    }

    public NlAttrs nested(int type) {
        int[] e = find(type);
        return e == null ? null : parse(buf, e[1], e[1] + e[2]);
    }

    /** Every value of a type that may repeat (alternative names, for instance). */
    public List<ByteBuffer> all(int type) {
        List<ByteBuffer> out = new ArrayList<>();
        for (int[] e : entries) if (e[0] == type) out.add(buf.slice(e[1], e[2]).order(ByteOrder.nativeOrder()));
        return out;
    }
}
