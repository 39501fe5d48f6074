package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An address with a prefix length ("10.1.10.2/24", "fd00::1/64"). Parsing accepts literals only: a typo never
 * turns into a DNS lookup.
 */
public record Cidr(InetAddress address, int prefixLength) {
    public Cidr {
        int max = maxPrefix(address);
        if (prefixLength < 0 || prefixLength > max) {
            throw KernelException.of("invalid prefix length " + prefixLength + " for " + format(address), Errno.EINVAL, format(address));
        }
    }

    /** Parses "ADDR/LEN" or a bare "ADDR" (full-length prefix). */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        InetAddress a = parseAddress(slash < 0 ? text : text.substring(0, slash));
        if (slash < 0) return new Cidr(a, maxPrefix(a));
        String len = text.substring(slash + 1);
        if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) throw invalid(text, "prefix");
        int n = Integer.parseInt(len);
        if (n > maxPrefix(a)) throw invalid(text, "prefix");
        return new Cidr(a, n);
    }

    /** Parses an IPv4 or IPv6 literal. */
    public static InetAddress parseAddress(String text) {
        try {
            if (text.indexOf(':') >= 0) return Inet6Address.ofLiteral(text);
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) throw invalid(text, "address");
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                    throw invalid(text, "address");
                }
            }
            return Inet4Address.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw invalid(text, "address");
        }
    }

    private static KernelException invalid(String text, String what) {
        return KernelException.of("invalid " + what + " \"" + text + "\" (expected an IPv4 or IPv6 address"
                + ("prefix".equals(what) ? " with a prefix length, like 10.0.0.1/24" : "") + ")", Errno.EINVAL, text);
    }

    public static int maxPrefix(InetAddress a) { return a instanceof Inet4Address ? 32 : 128; }

    public Family family() { return family(address); }

    public static Family family(InetAddress a) { return Family.of(a); }

    /** The network part only (host bits cleared), as routes want it. */
    public Cidr network() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return new Cidr(InetAddress.getByAddress(b), prefixLength);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The subnet's broadcast address: host bits set ({@code brd +}). */
    public InetAddress broadcast() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            b[i] |= (byte) ~(0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean contains(InetAddress other) {
        if (family(other) != family()) return false;
        byte[] a = address.getAddress(), b = other.getAddress();
        for (int i = 0; i < prefixLength; i++) {
            int mask = 0x80 >> (i & 7);
            if ((a[i >> 3] & mask) != (b[i >> 3] & mask)) return false;
        }
        return true;
    }

    @Override public String toString() { return format(address) + "/" + prefixLength; }

    /** Text form as iproute2 prints it: dotted quad, or RFC 5952 compressed IPv6. */
    public static String format(InetAddress a) {
        if (a instanceof Inet4Address) return a.getHostAddress();
        byte[] b = a.getAddress();
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && w[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        // as inet_ntop: an IPv4-compatible (::a.b.c.d) or mapped (::ffff:a.b.c.d) address ends in a dotted quad
        if (bestStart == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
            return "::" + (bestLen == 5 ? "ffff:" : "") + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }

    /** The address of {@code raw}'s 4 or 16 bytes; 16 stay IPv6 (Java's getByAddress would make ::ffff:a.b.c.d IPv4). */
    public static InetAddress fromBytes(byte[] raw) {
        try {
            return raw.length == 16 ? java.net.Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
