package dev.nslab.helper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What must be equal between a client and the helper for a command to mean the same in both: every namespace and
 * the root directory (as /proc/self shows them), and the environment variables nslab reads. The C client computes
 * the same string the same way (library/src/main/c/nslab-client.c).
 */
final class Identity {
    private Identity() {}

    private static final List<String> NAMESPACES = List.of("net", "mnt", "pid", "user", "uts", "ipc", "cgroup");

    /** This process's: read on the main thread (/proc/self/ns shows the thread group leader's namespaces). */
    static String current() { return of("self"); }

    /** Process {@code pid}'s, as the kernel shows them ("?" for what cannot be read: never equal to a helper's). */
    static String of(long pid) { return of(Long.toString(pid)); }

    private static String of(String proc) {
        StringBuilder b = new StringBuilder();
        for (String ns : NAMESPACES) b.append(link("/proc/" + proc + "/ns/" + ns)).append(' ');
        return b.append("root:").append(link("/proc/" + proc + "/root")).toString();
    }

    /** Process {@code pid}'s effective capabilities (CapEff of /proc/PID/status); 0 when they cannot be read. */
    static long capabilities(long pid) {
        String v = status(pid, "CapEff:");
        return v == null ? 0 : Long.parseUnsignedLong(v, 16);
    }

    /** Process {@code pid}'s effective uid (the second of /proc/PID/status's Uid line); -1 when it cannot be read. */
    static int uid(long pid) {
        String v = status(pid, "Uid:");
        return v == null ? -1 : Integer.parseInt(v.split("\\s+")[1]);
    }

    private static String status(long pid, String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith(key)) return l.substring(key.length()).strip();
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not ours to read
        }
        return null;
    }

    private static String link(String path) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }

    /**
     * The variables that change what a command does (state directory, Open vSwitch's directories, the colour
     * palette). The launcher's own (NSLAB_JAVA_HOME, NSLAB_HELPER*) do not.
     */
    static Map<String, String> environment(Map<String, String> env) {
        Map<String, String> m = new TreeMap<>();
        env.forEach((k, v) -> {
            if ((k.startsWith("NSLAB_") || k.startsWith("OVS_") || k.equals("COLORFGBG")) && !k.startsWith("NSLAB_HELPER")
                    && !k.equals("NSLAB_JAVA_HOME")) m.put(k, v);
        });
        return m;
    }

    /** Where the helper listens: NSLAB_HELPER_SOCKET, else helper.sock in the state directory (as the launcher). */
    static Path socket(Map<String, String> env) {
        String s = env.get("NSLAB_HELPER_SOCKET");
        if (s != null && !s.isEmpty()) return Path.of(s);
        String dir = env.get("NSLAB_STATE_DIR");
        return Path.of(dir == null || dir.isEmpty() ? "/run/nslab" : dir, "helper.sock");
    }
}
