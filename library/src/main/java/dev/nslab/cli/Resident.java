package dev.nslab.cli;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which command lines a resident JVM (the helper, "nslab helper start") may run on a user's behalf: the reads, and
 * Open vSwitch database commands (one transaction against ovsdb-server, as ovs-vsctl's own) — {@link #mayServe};
 * and, where the helper is the machine's root, the changes that only talk to the kernel: {@code up} and {@code down}
 * of a lab, {@code -batch} of a file — {@link #mayChange}, checked again once the file is read (a lab or a batch
 * line that would start a program is {@link Declined}). Conservative by design: a verb must be typed in full ("link
 * show", not "l s", which ip reads as "link set"), nothing that enters another namespace for good or starts a
 * program. Anything else runs in a process of its own, as before.
 */
public final class Resident {
    private Resident() {}

    /**
     * Whose command a resident JVM runs: the client's working directory (its relative file words are read there) and
     * the environment its lab files expand ({@code ${VAR}}); a variable the client did not send ends the command
     * with {@link Declined}, since the client's value is not known here. {@code hungUp}: whether the client is gone
     * (its user pressed Ctrl-C): an {@code up} then stops as if it had failed, removing what it made ({@link HungUp}),
     * and a batch runs no further line.
     */
    public record Client(java.nio.file.Path cwd, Map<String, String> env, java.util.function.BooleanSupplier hungUp) {
        /** Set by the client where its standard input and output are a terminal (it draws progress bars then). */
        public static final String TERMINAL = "NSLAB_HELPER_TERMINAL";

        public Client {
            env = Map.copyOf(env);
        }

        public Client(java.nio.file.Path cwd, Map<String, String> env) { this(cwd, env, () -> false); }

        /** Whether the client runs in a terminal, as Java's console would say of a process of the client's own. */
        boolean terminal() { return "1".equals(env.get(TERMINAL)); }

        /** The client's value of {@code name}; a name it did not send is declined (only NSLAB_* and OVS_* travel). */
        String variable(String name) {
            if (env.containsKey(name) || name.startsWith("NSLAB_") || name.startsWith("OVS_")) return env.get(name);
            throw new Declined("the lab file reads the environment variable " + name + ", which the helper does not know");
        }
    }

    /** The client of a resident JVM's {@code up} went away: the lab is taken back to where it was, as after a failure. */
    public static final class HungUp extends dev.nslab.error.NslabException {
        public HungUp() {
            super("the client went away (interrupted): what this up made is removed");
        }
    }

    /**
     * A command a resident JVM began and found, before it changed or printed anything, to need a process of its own
     * (a lab that starts programs, a batch line that is not a kernel request, a variable of the client's): the
     * client runs it itself.
     */
    public static final class Declined extends RuntimeException {
        public Declined(String why) {
            super(why, null, false, false);
        }
    }

    /** The verbs of each object that only read; an empty verb is the object alone (ip's default: show). */
    private static final Map<String, Set<String>> READS = Map.of(
            "link", Set.of("", "show", "list", "lst", "xstats"),
            "address", Set.of("", "show", "list", "lst"),
            "maddress", Set.of("", "show", "list", "lst"),
            "route", Set.of("", "show", "list", "lst", "get"),
            "rule", Set.of("", "show", "list", "lst"),
            "neighbour", Set.of("", "show", "list", "lst", "get"),
            "netns", Set.of("", "list", "show", "lst", "ls", "list-id"),
            "nexthop", Set.of("", "show", "list", "lst", "get"),
            "tunnel", Set.of("", "show", "list", "lst"),
            "netconf", Set.of("", "show", "list", "lst"));

    /**
     * nslab ovs commands never run by a resident JVM: those that manage the daemons (they start programs), and
     * wait-until, which may wait for ever for a client that is gone.
     */
    private static final Set<String> OVS_DAEMON = Set.of("start", "stop", "status", "help", "wait-until");

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
            case "link", "address", "maddress", "route", "rule", "neighbour", "netns", "nexthop", "tunnel", "netconf" ->
                    READS.get(obj).contains(rest.isEmpty() ? "" : rest.getFirst()) && !rest.contains("help");
            // a database command; --db names a socket that could be relative to the user's directory
            // --version asks ovs-vswitchd: a program, not from here
            case "ovs" -> !rest.isEmpty() && rest.stream().noneMatch(w -> OVS_DAEMON.contains(w) || w.startsWith("--db") || w.equals("--version") || w.equals("-V"));
            case "inventory" -> true;
            case "sysctl" -> !rest.isEmpty() && rest.stream().allMatch(Resident::sysctlReads);
            case "lab" -> LAB_READS.contains(argv.get(i)) && rest.stream().noneMatch(w -> w.startsWith("--state-dir"));
            case "help" -> true;
            default -> false;
        };
    }

    /** sysctl's long options that only read (any prefix of one, and of none that writes, as getopt_long takes it). */
    private static final List<String> SYSCTL_READING = List.of("all", "deprecated", "binary", "ignore", "names", "values", "pattern", "quiet"),
            SYSCTL_WRITING = List.of("write", "load", "system", "dry-run", "help", "version");

    /** A word of a sysctl command that reads: a key without a value, or an option that writes no parameter and reads no file. */
    private static boolean sysctlReads(String w) {
        if (w.indexOf('=') >= 0) return false;
        if (w.startsWith("--")) {
            String o = w.substring(2);
            return !o.isEmpty() && SYSCTL_READING.stream().anyMatch(r -> r.startsWith(o)) && SYSCTL_WRITING.stream().noneMatch(r -> r.startsWith(o));
        }
        // -w writes, -p and -f read files of settings (and write them), -h and -d print the usage
        return !w.startsWith("-") || w.length() == 1 || w.chars().skip(1).noneMatch(c -> "wpfhdV".indexOf(c) >= 0);
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

    /** The lab verbs that change the machine a resident JVM may begin (it declines a lab that starts programs). */
    private static final Set<String> LAB_CHANGES = Set.of("up", "deploy", "down", "destroy");

    /** Their options a resident JVM takes (no other files to write, not every lab at once, not verify). */
    private static final Set<String> LAB_FLAGS = Set.of("-j", "--json", "--dry-run", "-n", "--allow-host", "--strict", "--cleanup", "--reconfigure");
    private static final Set<String> LAB_VALUED = Set.of("--name", "-t", "--topo", "--format", "--state-dir");

    /** The objects whose batch lines a resident JVM runs: requests to the kernel, nothing that starts a program. */
    private static final Set<String> BATCH_OBJECTS = Set.of("link", "address", "maddress", "route", "rule", "neighbour", "netns", "tuntap", "tunnel", "nexthop");

    /**
     * True when {@code argv} is a change a resident JVM where the machine's root runs may begin: {@code up} or
     * {@code down} of a lab (the lab is checked once read), {@code -batch FILE} (every line checked before the first
     * runs, {@link #mayRunInBatch}).
     */
    public static boolean mayChange(List<String> argv) {
        int i = 0;
        boolean batch = false;
        while (i < argv.size() && argv.get(i).startsWith("-") && argv.get(i).length() > 1) {
            String typed = argv.get(i);
            if (typed.equals("--")) break;
            String name = GlobalOption.of(typed.startsWith("--") ? typed.substring(1) : typed);
            if (name == null || name.equals("color") && typed.endsWith("=auto")) return false;
            if (name.equals("batch")) {
                // standard input stays with the client
                if (i + 1 >= argv.size() || argv.get(i + 1).equals("-")) return false;
                batch = true;
            } else if (!OPTIONS.contains(name)) {
                return false;
            }
            i += GlobalOption.takesValue(name) || name.equals("batch") ? 2 : 1;
        }
        if (batch) return i == argv.size();
        if (i >= argv.size() || !LAB_CHANGES.contains(argv.get(i))) return false;
        for (int j = i + 1; j < argv.size(); j++) {
            String w = argv.get(j);
            if (LAB_VALUED.contains(w)) j++;
            else if (w.startsWith("-") && !LAB_FLAGS.contains(w) && !w.startsWith("--state-dir=")) return false;
        }
        return true;
    }

    /** True when a batch line (its words) is one a resident JVM runs: a kernel request of ip's objects, no netns exec. */
    public static boolean mayRunInBatch(List<String> words) {
        int i = objectAt(words);
        if (i < 0 || i >= words.size()) return i >= 0;
        String obj = Cli.object(words.get(i));
        if (obj == null || !BATCH_OBJECTS.contains(obj)) return false;
        // "netns exec" starts a program and "netns monitor" never ends (ip reads "netns e" as exec, "netns m" as monitor)
        if (!obj.equals("netns") || i + 1 >= words.size() || words.get(i + 1).isEmpty()) return true;
        String verb = words.get(i + 1);
        return !"exec".startsWith(verb) && !"monitor".startsWith(verb);
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
