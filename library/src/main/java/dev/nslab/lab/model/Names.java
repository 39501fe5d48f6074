package dev.nslab.lab.model;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The one rule for the names a lab gives things — labs, nodes, services, prefixes — checked where a name enters
 * (the lab file, the Java API), whatever the node's mode: names become namespace and file names, host names and
 * words in commands, so they are letters, digits, "-", "_" and "." only, beginning with a letter or digit (no path
 * separator, no "..", no white space, no shell character). And the names nslab makes up itself.
 */
public final class Names {
    private Names() {}

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    static final int LAB_MAX = 40, NODE_MAX = 63, SERVICE_MAX = 40;

    /** Why {@code name} cannot name a lab, or null when it can. */
    public static String whyNotLab(String name) { return why(name, LAB_MAX, "lab name"); }

    /** Why {@code name} cannot name a node (it is also the node's host name, at most 63 characters), or null. */
    public static String whyNotNode(String name) { return why(name, NODE_MAX, "node name"); }

    /** Why {@code name} cannot name a service of a node, or null. */
    public static String whyNotService(String name) { return why(name, SERVICE_MAX, "service name"); }

    /** Why {@code p} cannot be a lab's name prefix ("" is fine: the nodes' names alone), or null. */
    public static String whyNotPrefix(String p) { return p.isEmpty() ? null : why(p, LAB_MAX, "prefix"); }

    private static String why(String name, int max, String what) {
        if (name == null || name.isEmpty()) return what + " is empty";
        if (name.length() > max || !WORD.matcher(name).matches() || name.contains("..")) {
            return what + " \"" + printable(name) + "\" is not valid: use 1 to " + max + " letters, digits, \"-\", \"_\" or \".\", beginning "
                    + "with a letter or digit";
        }
        return null;
    }

    /** A name as it can be shown in one line of an error message: control characters escaped. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", c));
            else b.appendCodePoint(c);
        });
        return b.toString();
    }

    /**
     * A name nslab makes up for an interface or bridge of a lab: {@code prefix} and 8 hex digits of a checksum of
     * {@code parts}, so short enough for the kernel, the same on every run, and different for different parts.
     */
    public static String stable(String prefix, String... parts) {
        CRC32 crc = new CRC32();
        crc.update(String.join("\0", parts).getBytes(StandardCharsets.UTF_8));
        String hex = Long.toHexString(crc.getValue()); // not String.format: its first use loads locale data (~30 ms cold)
        return prefix + "0".repeat(8 - hex.length()) + hex;
    }

    /**
     * The kernel's name for interface {@code iface} of {@code node}: the file's own where it fits (15 bytes), else a
     * short stable one made from it (the file's name then being the interface's alternative name).
     */
    public static String kernelIfName(String lab, String node, String iface) {
        return dev.nslab.net.Link.isValidName(iface) ? iface : stable("na", lab, node, iface);
    }
}
