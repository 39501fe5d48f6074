package dev.nslab.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * A link-layer address as iproute2's ll_addr_a2n reads one: dotted IPv4 (4 bytes), or up to 14 colon-separated
 * parts, each read as scanf's %x reads a number (leading blanks, a sign, 0x, hex digits up to the first other
 * character) and at most 255.
 */
final class LinkLayer {
    private LinkLayer() {}

    private static final int MAX = 14;

    /** The bytes, or null after printing ip's complaint about the part that failed. */
    static byte[] parse(String arg, PrintStream err) {
        if (arg.contains(".")) {
            byte[] v4 = ipv4(arg);
            if (v4 == null) err.println("\"" + arg + "\" is invalid lladdr.");
            return v4;
        }
        byte[] out = new byte[MAX];
        String rest = arg;
        int i = 0;
        for (; i < MAX; i++) {
            int colon = rest.indexOf(':');
            String part = colon < 0 ? rest : rest.substring(0, colon);
            int v = hex(part);
            if (v < 0 || v > 255) {
                err.println("\"" + part + "\" is invalid lladdr.");
                return null;
            }
            out[i] = (byte) v;
            if (colon < 0) break;
            rest = rest.substring(colon + 1);
        }
        return Arrays.copyOf(out, Math.min(i + 1, MAX));
    }

    /** scanf("%x"): the value, or -1 when no number starts the text (a negative number is also out of range). */
    private static int hex(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) negative = s.charAt(i++) == '-';
        if (i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')) {
            if (i + 2 >= s.length() || Character.digit(s.charAt(i + 2), 16) < 0) return negative ? -1 : 0; // "0x" alone is 0
            i += 2;
        }
        long v = 0;
        int digits = 0;
        while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0 && v <= 255) {
            v = v * 16 + Character.digit(s.charAt(i++), 16);
            digits++;
        }
        if (digits == 0) return -1;
        if (negative && v != 0) return -1;
        return (int) Math.min(v, 256);
    }

    /** iproute2's get_addr_ipv4: one to four dot-separated parts, each strtoul(base 0) at most 255. */
    static byte[] ipv4(String s) {
        byte[] b = new byte[4];
        int pos = 0;
        for (int i = 0; i < 4; i++) {
            int start = pos;
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
            boolean negative = pos < s.length() && s.charAt(pos) == '-';
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
            int radix = 10;
            if (pos + 1 < s.length() && s.charAt(pos) == '0' && (s.charAt(pos + 1) == 'x' || s.charAt(pos + 1) == 'X')
                    && pos + 2 < s.length() && Character.digit(s.charAt(pos + 2), 16) >= 0) {
                radix = 16;
                pos += 2;
            } else if (pos < s.length() && s.charAt(pos) == '0') {
                radix = 8;
            }
            long v = 0;
            int digits = 0;
            while (pos < s.length() && Character.digit(s.charAt(pos), radix) >= 0 && v <= 255) {
                v = v * radix + Character.digit(s.charAt(pos++), radix);
                digits++;
            }
            if (digits == 0) {
                pos = start;
                return null; // no digits
            }
            if (v > 255 || (negative && v != 0)) return null;
            b[i] = (byte) v;
            if (pos == s.length()) return b;
            if (i == 3 || s.charAt(pos) != '.') return null;
            pos++;
        }
        return b;
    }
}
