package dev.nslab.cli;

import dev.nslab.net.Link;
import dev.nslab.net.NsRef;
import dev.nslab.net.SaveFile;

import java.io.PrintStream;
import java.util.List;

/**
 * iproute2's object commands ({@code link}, {@code address}, {@code route}) share one grammar: no verb or
 * show/list/lst shows, {@code help} prints the object's usage, the object's own verbs (abbreviated as ip allows) do
 * the rest, and anything else is "Command ... is unknown".
 */
abstract class ObjectCmd extends NsCmd {
    ObjectCmd(Cli cli, NsRef ns) { super(cli, ns); }

    /** The object's name, as in {@code nslab OBJECT help}. */
    abstract String object();

    abstract void help(PrintStream out);

    abstract int show(Args a);

    /** Runs {@code verb} if it is one of this object's; returns null if it is not. */
    abstract Integer verb(String verb, Args a);

    /** "add" and "delete"/"del", as address and route have them. */
    static Integer addOrDelete(String cmd, Args a, java.util.function.BiFunction<Args, Boolean, Integer> change) {
        if (Args.matches(cmd, "add")) return change.apply(a, true);
        if (Args.matches(cmd, "delete") || cmd.equals("del")) return change.apply(a, false);
        return null;
    }

    /** What "show" answers to "help" instead of a device. */
    static final String HELP = "help";

    /**
     * The device of {@code show [dev] DEV}, as ip reads it: null when none is named; {@link #HELP} (the same instance)
     * when "help" came instead, after the usage has been printed.
     */
    /** What {@code link show} / {@code address show} keep: a device, only those up, of a kind, under a master (ip's filters). */
    record ShowFilter(String dev, boolean up, String type, String master, boolean noMaster, Integer group) {
        @SuppressWarnings("StringEquality")
        boolean help() { return dev == HELP; }

        boolean keeps(Link l, List<Link> all) {
            if (dev != null && !l.name().equals(dev) && !l.altNames().contains(dev)) return false;
            if (up && !l.isUp()) return false;
            if (group != null && l.group() != group) return false;
            if (noMaster && l.master() != 0) return false;
            if (master != null) {
                int m = all.stream().filter(x -> x.name().equals(master)).mapToInt(Link::index).findFirst().orElse(-1);
                if (l.master() != m) return false;
            }
            if (type != null) {
                // "type bridge_slave" asks for the ports of bridges, as ip does
                if (type.endsWith("_slave")) return type.substring(0, type.length() - 6).equals(l.slaveKind());
                return type.equals(l.kind());
            }
            return true;
        }
    }

    ShowFilter showFilter(Args a) {
        String dev = null, type = null, master = null;
        boolean up = false, noMaster = false;
        Integer group = null;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "dev" -> dev = a.value("dev");
                case "up" -> up = true;
                case "type" -> type = a.value("type");
                case "master" -> master = a.value("master");
                case "vrf" -> {
                    // the ports of a VRF: its name must be a VRF's
                    master = a.value(null);
                    if (cli.handle(ns).vrfTable(master) == 0) throw new UsageException("Error: argument \"" + master + "\" is wrong: Not a valid VRF name\n");
                }
                case "nomaster" -> noMaster = true;
                case "group" -> group = cli.groups.id(a.value("group"), "group");
                default -> {
                    if (Args.matches(w, "help")) {
                        help(cli.out);
                        return new ShowFilter(HELP, false, null, null, false, null);
                    }
                    if (dev != null) throw new UsageException("Error: either \"dev\" is duplicate, or \"" + w + "\" is a garbage.");
                    dev = w;
                }
            }
        }
        return new ShowFilter(dev, up, type, master, noMaster, group);
    }

    /**
     * The links {@code filter} keeps, with ip's refusals: a master that does not exist is a bad argument (exit 255);
     * a device that does not exist is said here and gives null (the caller exits 1).
     */
    List<Link> shown(ShowFilter filter, List<Link> links) {
        if (filter.master() != null && links.stream().noneMatch(l -> l.name().equals(filter.master()))) {
            throw new UsageException("Error: argument \"" + filter.master() + "\" is wrong: Device does not exist\n");
        }
        if (filter.dev() != null && links.stream().noneMatch(l -> l.name().equals(filter.dev()) || l.altNames().contains(filter.dev()))) {
            cli.err.println("Device \"" + filter.dev() + "\" does not exist.");
            return null;
        }
        return links.stream().filter(l -> filter.keeps(l, links)).toList();
    }

    String showDevice(Args a) {
        String dev = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) {
                dev = a.value("dev");
            } else if (Args.matches(w, "help")) {
                help(cli.out);
                return HELP;
            } else if (dev == null) {
                dev = w;
            } else {
                throw new UsageException("Error: either \"dev\" is duplicate, or \"" + w + "\" is a garbage.");
            }
        }
        return dev;
    }

    /** Whether standard output is a terminal, after ip's refusal to write a binary save file there. */
    boolean refusesBinaryOut() {
        if (!cli.terminal()) return false;
        cli.err.println("Not sending a binary stream to stdout");
        return true;
    }

    /** A save file of {@code kind} from standard input (which may not be a terminal), or null after ip's words on why not. */
    SaveFile.Contents savedFile(SaveFile.Kind kind) {
        if (cli.terminal()) {
            cli.err.println("Can't restore " + kind.object + " dump from a terminal");
            return null;
        }
        try {
            return SaveFile.read(System.in, kind);
        } catch (SaveFile.BadFileException e) {
            cli.err.println(e.getMessage());
            return null;
        }
    }

    @Override
    final int run(Args a) {
        if (!a.more()) return show(a);
        String cmd = a.next();
        // ip tries the object's own verbs before show/list, so an abbreviation means what ip makes of it:
        // "ip l s" is link set, "ip a s" and "ip r s" are show
        Integer done = verb(cmd, a);
        if (done != null) return done;
        if (Args.matches(cmd, "show") || Args.matches(cmd, "list") || Args.matches(cmd, "lst")) return show(a);
        if (Args.matches(cmd, "help")) {
            help(cli.out);
            return 0;
        }
        throw new UsageException("Command \"" + cmd + "\" is unknown, try \"nslab " + object() + " help\".");
    }
}
