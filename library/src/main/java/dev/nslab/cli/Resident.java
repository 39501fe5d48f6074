package dev.nslab.cli;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which command lines a resident JVM (the helper, "nslab helper start") may run on a user's behalf: the reads, and
 * Open vSwitch database commands (one transaction against ovsdb-server, as ovs-vsctl's own). Conservative by design:
 * a verb must be typed in full ("link show", not "l s", which ip reads as "link set"), no batch, nothing that enters
 * another namespace for good or starts a program. Anything else answers false and runs in a process of its own.
 */
public final class Resident {
    private Resident() {}

    /** The verbs of each object that only read; an empty verb is the object alone (ip's default: show). */
    private static final Map<String, Set<String>> READS = Map.of(
            "link", Set.of("", "show", "list", "lst", "xstats"),
            "address", Set.of("", "show", "list", "lst"),
            "maddress", Set.of("", "show", "list", "lst"),
            "route", Set.of("", "show", "list", "lst", "get"),
            "rule", Set.of("", "show", "list", "lst"),
            "neighbour", Set.of("", "show", "list", "lst"),
            "netns", Set.of("", "list", "show", "lst", "ls", "list-id"));

    /** nslab ovs commands that manage the daemons (they start programs): never from a resident JVM. */
    private static final Set<String> OVS_DAEMON = Set.of("start", "stop", "status", "help");

    /** Global options that change only what is printed (or which namespace is read). */
    private static final Set<String> OPTIONS = Set.of("json", "brief", "pretty", "4", "6", "stats", "oneline", "human", "details",
            "iec", "color", "timestamp", "tshort", "all", "force", "Version", "help", "netns", "family");

    /** True when {@code argv} (as typed after "nslab") may run in a resident JVM. */
    public static boolean mayServe(List<String> argv) {
        int i = objectAt(argv);
        if (i < 0) return false;
        if (i >= argv.size()) return i > 0; // options alone (help, version) read nothing; no words at all is usage
        String obj = Cli.object(argv.get(i));
        List<String> rest = argv.subList(i + 1, argv.size());
        if (obj == null) return false;
        return switch (obj) {
            case "link", "address", "maddress", "route", "rule", "neighbour", "netns" ->
                    READS.get(obj).contains(rest.isEmpty() ? "" : rest.getFirst()) && !rest.contains("help");
            // a database command; --db names a socket that could be relative to the user's directory
            case "ovs" -> !rest.isEmpty() && rest.stream().noneMatch(w -> OVS_DAEMON.contains(w) || w.startsWith("--db"));
            case "inventory" -> true;
            case "lab" -> LAB_READS.contains(argv.get(i)) && rest.stream().noneMatch(w -> w.startsWith("--state-dir"));
            case "help" -> true;
            default -> false;
        };
    }

    /**
     * The words a command {@link #mayServe} accepts would read as file names: a lab verb's FILE|LAB (a lab file
     * instead of a lab's name). A resident JVM runs in another directory, so such a word must name no file there or
     * in the user's.
     */
    public static List<String> fileWords(List<String> argv) {
        int i = objectAt(argv);
        if (i < 0 || i >= argv.size() || !LAB_READS.contains(argv.get(i))) return List.of();
        return argv.subList(i + 1, argv.size()).stream().filter(w -> !w.startsWith("-") && !w.isEmpty()).toList();
    }

    /** The lab verbs a resident JVM may run. */
    private static final Set<String> LAB_READS = Set.of("status", "ls", "inspect");

    /** Where the object word is, after the global options; -1 when an option is one a resident JVM does not take. */
    private static int objectAt(List<String> argv) {
        int i = 0;
        while (i < argv.size() && argv.get(i).startsWith("-") && argv.get(i).length() > 1) {
            String typed = argv.get(i);
            if (typed.equals("--")) return i + 1;
            String name = GlobalOption.of(typed.startsWith("--") ? typed.substring(1) : typed);
            if (name == null) return -1;
            if (name.equals("color") && typed.endsWith("=auto")) return -1; // whether stdout is a terminal: only the process knows
            if (!OPTIONS.contains(name)) return -1;
            i += GlobalOption.takesValue(name) ? 2 : 1;
        }
        return i;
    }
}
