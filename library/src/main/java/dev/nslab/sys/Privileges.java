package dev.nslab.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the effective capabilities of this process, to say exactly which are missing when the kernel says EPERM (and
 * of another, for the resident helper to serve only a peer with at least its own).
 */
public final class Privileges {
    private Privileges() {}

    public static final int CAP_NET_ADMIN = 12, CAP_NET_RAW = 13, CAP_SYS_ADMIN = 21;

    public static long effective() { return effective("self"); }

    /** Process {@code pid}'s effective capabilities; 0 when they cannot be read (gone, or not ours to read). */
    public static long effective(long pid) { return effective(Long.toString(pid)); }

    private static long effective(String proc) {
        String status = Libc.readText("/proc/" + proc + "/status"); // asked of every request the helper serves
        if (status == null) return 0; // unknown means "assume none"
        for (String line : status.split("\n")) {
            if (!line.startsWith("CapEff:")) continue;
            try {
                return Long.parseUnsignedLong(line.substring(7).strip(), 16);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** Names of the capabilities nslab needs that this process lacks, e.g. ["CAP_NET_ADMIN", "CAP_SYS_ADMIN"]. */
    public static List<String> missing() {
        long eff = effective();
        List<String> out = new ArrayList<>();
        if ((eff & (1L << CAP_NET_ADMIN)) == 0) out.add("CAP_NET_ADMIN");
        if ((eff & (1L << CAP_SYS_ADMIN)) == 0) out.add("CAP_SYS_ADMIN");
        if ((eff & (1L << CAP_NET_RAW)) == 0) out.add("CAP_NET_RAW");
        return out;
    }

    /** One sentence for an EPERM/EACCES, naming what is missing. */
    public static String explain() {
        List<String> m = missing();
        if (m.isEmpty()) return "Operation not permitted (the kernel refused although nslab has CAP_NET_ADMIN, CAP_SYS_ADMIN and CAP_NET_RAW; a security module may forbid it)";
        return "Operation not permitted: nslab needs " + String.join(", ", m)
                + " for this (network namespaces need CAP_SYS_ADMIN, interfaces CAP_NET_ADMIN, ping CAP_NET_RAW); run it as root, e.g. with sudo,"
                + " or as a normal user in a user namespace of your own (rootless, see docs/labs.md)";
    }

    /**
     * Whether this process is in the machine's own user namespace (as root is; a user's labs run in one of their own).
     * Read once: a process with threads (a JVM always has them) cannot change its user namespace.
     */
    public static boolean inInitialUserNamespace() { return InitialUserNamespace.IS; }

    private static final class InitialUserNamespace {
        static final boolean IS = read();

        private static boolean read() {
            try {
                return Files.readString(Path.of("/proc/self/uid_map")).strip().matches("0\\s+0\\s+4294967295");
            } catch (IOException e) {
                return false;
            }
        }
    }
}
