package dev.nslab.helper;

import dev.nslab.sys.Libc;

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

    /** The process's or thread's under /proc ("self", "thread-self", a pid). */
    static String of(String proc) {
        StringBuilder b = new StringBuilder();
        for (String ns : NAMESPACES) b.append(link("/proc/" + proc + "/ns/" + ns)).append(' ');
        return b.append("root:").append(link("/proc/" + proc + "/root")).toString();
    }

    private static String link(String path) {
        String target = Libc.readlink(path);
        return target == null ? "?" : target;
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

    /** Where the helper listens: NSLAB_HELPER_SOCKET (which the launcher sets for a source tree), else helper.sock in the state directory. */
    static Path socket(Map<String, String> env) {
        String s = env.get("NSLAB_HELPER_SOCKET");
        if (s != null && !s.isEmpty()) return Path.of(s);
        String dir = env.get("NSLAB_STATE_DIR");
        return Path.of(dir == null || dir.isEmpty() ? "/run/nslab" : dir, "helper.sock");
    }
}
