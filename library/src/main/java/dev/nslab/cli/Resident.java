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
            "iec", "color", "timestamp", "tshort", "all", "force", "Version", "help");

    /** True when {@code argv} (as typed after "nslab") may run in a resident JVM. */
    public static boolean mayServe(List<String> argv) {
        int i = 0;
        while (i < argv.size() && argv.get(i).startsWith("-") && argv.get(i).length() > 1) {
            String typed = argv.get(i);
            if (typed.equals("--")) {
                i++;
                break;
            }
            String name = GlobalOption.of(typed.startsWith("--") ? typed.substring(1) : typed);
            if (name == null) return false;
            if (name.equals("color") && typed.endsWith("=auto")) return false; // whether stdout is a terminal: only the process knows
            if (name.equals("netns") || name.equals("family")) i++;
            else if (!OPTIONS.contains(name)) return false;
            i++;
        }
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
            case "lab" -> (argv.get(i).equals("status") || argv.get(i).equals("ls") || argv.get(i).equals("inspect"))
                    && rest.stream().noneMatch(w -> w.startsWith("--state-dir"));
            case "help" -> true;
            default -> false;
        };
    }
}
