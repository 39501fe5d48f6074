package dev.nslab.net;

import java.net.Inet4Address;
import java.net.InetAddress;

/** An address family, as the kernel numbers it (AF_INET 2, AF_INET6 10) and as iproute2 names it. */
public enum Family {
    INET(2, "inet"), INET6(10, "inet6");

    private final int code;
    private final String word;

    Family(int code, String word) {
        this.code = code;
        this.word = word;
    }

    /** The kernel's number, for the wire. */
    public int code() { return code; }

    /** "inet" or "inet6". */
    public String word() { return word; }

    public static Family of(InetAddress a) { return a instanceof Inet4Address ? INET : INET6; }

    /** The family of a kernel number; null for any other (AF_UNSPEC, 0, means "all" where a filter is asked for). */
    public static Family of(int code) {
        return code == 2 ? INET : code == 10 ? INET6 : null;
    }

    /** The kernel number of an optional family: 0 (AF_UNSPEC, all) for null. */
    public static int codeOf(Family f) { return f == null ? 0 : f.code; }
}
