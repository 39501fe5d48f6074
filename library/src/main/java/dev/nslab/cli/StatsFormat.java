package dev.nslab.cli;

import dev.nslab.net.LinkStats;

import java.util.LinkedHashMap;
import java.util.Map;

/** A link's counters as {@code ip -s link} prints them (iproute2 6.1): column widths fitted to the numbers, -h units. */
final class StatsFormat {
    private final int level;
    private final boolean human, iec;

    StatsFormat(int level, boolean human, boolean iec) {
        this.level = level;
        this.human = human;
        this.iec = iec;
    }

    /** The RX and TX blocks, each line starting with four spaces and ending with {@code nl} but the last. */
    String text(LinkStats s, String nl) {
        int[] cols = {"*X errors:".length(), "packets".length(), "errors".length(), "dropped".length(), "heartbt".length(),
                "overrun".length(), "compressed".length(), "otherhost".length()};
        long cc = s.carrierChanges() == null ? 0 : s.carrierChanges();
        size(cols, s.rxBytes(), s.rxPackets(), s.rxErrors(), s.rxDropped(), s.rxMissedErrors(), s.multicast(), s.rxCompressed(), 0);
        if (level > 1) size(cols, 0, s.rxLengthErrors(), s.rxCrcErrors(), s.rxFrameErrors(), s.rxFifoErrors(), s.rxOverErrors(),
                s.rxNohandler(), s.rxOtherhostDropped());
        size(cols, s.txBytes(), s.txPackets(), s.txErrors(), s.txDropped(), s.txCarrierErrors(), s.collisions(), s.txCompressed(), 0);
        if (level > 1) size(cols, 0, 0, s.txAbortedErrors(), s.txFifoErrors(), s.txWindowErrors(), s.txHeartbeatErrors(), cc, 0);
        StringBuilder b = new StringBuilder();
        b.append(String.format("    RX: %" + (cols[0] - 4) + "s %" + cols[1] + "s %" + cols[2] + "s %" + cols[3] + "s %" + cols[4] + "s %"
                + cols[5] + "s %" + cols[6] + "s", "bytes", "packets", "errors", "dropped", "missed", "mcast",
                s.rxCompressed() != 0 ? "compressed" : "")).append(nl);
        b.append("    ");
        num(b, cols[0], s.rxBytes());
        num(b, cols[1], s.rxPackets());
        num(b, cols[2], s.rxErrors());
        num(b, cols[3], s.rxDropped());
        num(b, cols[4], s.rxMissedErrors());
        num(b, cols[5], s.multicast());
        if (s.rxCompressed() != 0) num(b, cols[6], s.rxCompressed());
        if (level > 1) {
            b.append(nl);
            b.append("    RX errors:").append(pad(cols[0] - 10, "")).append(' ').append(pad(cols[1], "length")).append(' ')
                    .append(pad(cols[2], "crc")).append(' ').append(pad(cols[3], "frame")).append(' ').append(pad(cols[4], "fifo"))
                    .append(' ').append(pad(cols[5], "overrun"))
                    .append(pad(s.rxNohandler() != 0 ? cols[6] + 1 : 0, s.rxNohandler() != 0 ? " nohandler" : ""))
                    .append(pad(s.rxOtherhostDropped() != 0 ? cols[7] + 1 : 0, s.rxOtherhostDropped() != 0 ? " otherhost" : "")).append(nl);
            b.append(" ".repeat(cols[0] + 5));
            num(b, cols[1], s.rxLengthErrors());
            num(b, cols[2], s.rxCrcErrors());
            num(b, cols[3], s.rxFrameErrors());
            num(b, cols[4], s.rxFifoErrors());
            num(b, cols[5], s.rxOverErrors());
            if (s.rxNohandler() != 0) num(b, cols[6], s.rxNohandler());
            if (s.rxOtherhostDropped() != 0) num(b, cols[7], s.rxOtherhostDropped());
        }
        b.append(nl);
        b.append(String.format("    TX: %" + (cols[0] - 4) + "s %" + cols[1] + "s %" + cols[2] + "s %" + cols[3] + "s %" + cols[4] + "s %"
                + cols[5] + "s %" + cols[6] + "s", "bytes", "packets", "errors", "dropped", "carrier", "collsns",
                s.txCompressed() != 0 ? "compressed" : "")).append(nl);
        b.append("    ");
        num(b, cols[0], s.txBytes());
        num(b, cols[1], s.txPackets());
        num(b, cols[2], s.txErrors());
        num(b, cols[3], s.txDropped());
        num(b, cols[4], s.txCarrierErrors());
        num(b, cols[5], s.collisions());
        if (s.txCompressed() != 0) num(b, cols[6], s.txCompressed());
        if (level > 1) {
            b.append(nl);
            b.append("    TX errors:").append(pad(cols[0] - 10, "")).append(' ').append(pad(cols[1], "aborted")).append(' ')
                    .append(pad(cols[2], "fifo")).append(' ').append(pad(cols[3], "window")).append(' ').append(pad(cols[4], "heartbt"))
                    .append(' ').append(pad(cols[5], s.carrierChanges() != null ? "transns" : "")).append(nl);
            b.append(" ".repeat(cols[0] + 5));
            num(b, cols[1], s.txAbortedErrors());
            num(b, cols[2], s.txFifoErrors());
            num(b, cols[3], s.txWindowErrors());
            num(b, cols[4], s.txHeartbeatErrors());
            if (s.carrierChanges() != null) num(b, cols[5], cc);
        }
        return b.toString();
    }

    /** "stats64": {"rx": {...}, "tx": {...}} as ip -j -s prints it. */
    Map<String, Object> json(LinkStats s) {
        Map<String, Object> rx = new LinkedHashMap<>(), tx = new LinkedHashMap<>();
        rx.put("bytes", s.rxBytes());
        rx.put("packets", s.rxPackets());
        rx.put("errors", s.rxErrors());
        rx.put("dropped", s.rxDropped());
        rx.put("over_errors", s.rxOverErrors());
        rx.put("multicast", s.multicast());
        if (s.rxCompressed() != 0) rx.put("compressed", s.rxCompressed());
        if (level > 1) {
            rx.put("length_errors", s.rxLengthErrors());
            rx.put("crc_errors", s.rxCrcErrors());
            rx.put("frame_errors", s.rxFrameErrors());
            rx.put("fifo_errors", s.rxFifoErrors());
            rx.put("missed_errors", s.rxMissedErrors());
            if (s.rxNohandler() != 0) rx.put("nohandler", s.rxNohandler());
            if (s.rxOtherhostDropped() != 0) rx.put("otherhost", s.rxOtherhostDropped());
        }
        tx.put("bytes", s.txBytes());
        tx.put("packets", s.txPackets());
        tx.put("errors", s.txErrors());
        tx.put("dropped", s.txDropped());
        tx.put("carrier_errors", s.txCarrierErrors());
        tx.put("collisions", s.collisions());
        if (s.txCompressed() != 0) tx.put("compressed", s.txCompressed());
        if (level > 1) {
            tx.put("aborted_errors", s.txAbortedErrors());
            tx.put("fifo_errors", s.txFifoErrors());
            tx.put("window_errors", s.txWindowErrors());
            tx.put("heartbeat_errors", s.txHeartbeatErrors());
            if (s.carrierChanges() != null) tx.put("carrier_changes", s.carrierChanges());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rx", rx);
        out.put("tx", tx);
        return out;
    }

    /** Widens each column to the digits of its value (not with -h, whose numbers are short). */
    private void size(int[] cols, long... values) {
        if (human) return;
        for (int i = 0; i < cols.length && i < values.length; i++) {
            int len = Long.toUnsignedString(values[i]).length();
            if (len > cols[i]) cols[i] = len;
        }
    }

    private static String pad(int width, String s) { return width <= 0 ? s : String.format("%" + width + "s", s); }

    /** ip's print_num: right-aligned in {@code width}, then a space; with -h, in k, M, G... to three digits. */
    private void num(StringBuilder b, int width, long count) {
        long base = iec ? 1024 : 1000;
        if (!human || Long.compareUnsigned(count, base) < 0) {
            b.append(pad(width, Long.toUnsignedString(count))).append(' ');
            return;
        }
        String prefix = "kMGTPE";
        int p = 0;
        double powi = 1;
        double c = count < 0 ? count + 0x1p64 : count;
        for (;;) {
            powi *= base;
            if (Math.floor(c / base) < powi) break;
            if (p + 1 >= prefix.length()) break;
            p++;
        }
        int precision = 2;
        long powj = 1;
        for (; precision > 0; precision--) {
            powj *= 10;
            if (Math.floor(c / powi) < powj) break;
        }
        String text = String.format("%." + precision + "f%c%s", c / powi, prefix.charAt(p), iec ? "i" : "");
        b.append(pad(width, text)).append(' ');
    }
}
