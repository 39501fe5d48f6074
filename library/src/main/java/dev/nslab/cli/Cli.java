package dev.nslab.cli;

import dev.nslab.error.AlreadyExistsException;
import dev.nslab.error.KernelException;
import dev.nslab.error.NotPermittedException;
import dev.nslab.error.LabException;
import dev.nslab.error.NslabException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.Link;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.ovs.OvsdbException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line: iproute2's global options and objects, dispatched to the object commands. A thin shell over
 * the {@code dev.nslab.net} API. One instance serves one invocation (and all lines of a batch, which share its
 * open rtnetlink sockets, one per namespace).
 */
public final class Cli {
    final PrintStream out;
    final PrintStream err;
    final Namespaces registry;
    boolean json;
    /** -br: one line per interface, as ip -brief. */
    boolean brief;
    boolean pretty;
    boolean force;
    boolean all;
    boolean batchMode;
    /** The namespaces a batch adds share one registration file ({@link Namespaces#adder()}). */
    private Namespaces.Adder namespaceAdder;
    /** -4 / -6: only this family; null: both. */
    Family family;
    /** -f mpls (-M): routes of the MPLS family. */
    boolean mpls;
    /** -s: counters with link and address show (twice: the error counters too). */
    int stats;
    /** -o: each record on one line, its line breaks written as a backslash (ip's -oneline). */
    boolean oneline;
    /** -h / -iec: counters in human units (powers of 1000, or 1024 with -iec). */
    boolean human, iec;
    /** -d: link details, route types, tables, protocols and scopes in full. */
    boolean details;
    /** -color's WHEN (always, auto, never; null: not given), and the colours it gives this run (null: none). */
    String colorMode;
    Colour colour;
    /** -t (1) or -ts (2): each line of monitor stamped with the time, long or short. */
    int timestamp;
    /** -r: addresses shown as host names where the resolver knows them. */
    boolean resolve;
    HostNames hosts = new HostNames(false);
    /** This command's names from the machine's iproute2 files (each file read once, when first needed). */
    final RouteTables tables;
    final NameTable dsfields, realms;
    final LinkGroups groups;
    private final Map<NsRef, NetHandle> handles = new HashMap<>();
    private final java.util.function.Function<NsRef, NetHandle> opener;
    /** Whose command a resident JVM runs (see {@link Resident}); null: this process's own. */
    private Resident.Client client;

    public Cli(PrintStream out, PrintStream err) { this(out, err, new Namespaces()); }

    public Cli(PrintStream out, PrintStream err, Namespaces registry) {
        this(out, err, registry, ns -> NetHandle.open(registry, ns));
    }

    /** With {@code opener} making the rtnetlink handles (the kernel's, or a scripted kernel's in the grammar tests). */
    Cli(PrintStream out, PrintStream err, Namespaces registry, java.util.function.Function<NsRef, NetHandle> opener) {
        this.out = out;
        this.err = err;
        this.registry = registry;
        this.opener = opener;
        tables = new RouteTables(err);
        dsfields = NameTable.dsfields(err);
        realms = NameTable.realms(err);
        groups = new LinkGroups(err);
    }

    /**
     * Runs commands for {@code c} in a resident JVM: relative files are read in its directory, lab files expand its
     * variables, and a change that would start a program ends in {@link Resident.Declined} before it begins.
     */
    public Cli servingFor(Resident.Client c) {
        client = c;
        return this;
    }

    boolean resident() { return client != null; }

    /** A file word as the user means it: relative to the user's directory. */
    Path path(String typed) { return client == null ? Path.of(typed) : client.cwd().resolve(typed); }

    /** Whether standard input and output are a terminal: this process's, or a resident JVM's client's. */
    boolean terminal() { return client != null ? client.terminal() : System.console() != null && System.console().isTerminal(); }

    /** Whether the user this resident JVM runs the command for has gone away (never, in a process of the user's own). */
    boolean clientGone() { return client != null && client.hungUp().getAsBoolean(); }

    /** The user's environment variable {@code name}, for a lab file's {@code ${VAR}}. */
    String variable(String name) { return client == null ? System.getenv(name) : client.variable(name); }

    /** Runs one invocation; returns the exit status. */
    public int run(String... argv) {
        try {
            return runGlobal(new ArrayList<>(Arrays.asList(argv)));
        } finally {
            handles.values().forEach(NetHandle::close);
            handles.clear();
            out.flush();
        }
    }

    private int runGlobal(List<String> argv) {
        NsRef ns = NsRef.current();
        String batch = null;
        int i = 0;
        while (i < argv.size() && argv.get(i).startsWith("-") && argv.get(i).length() > 1) {
            String typed = argv.get(i);
            if (typed.equals("--")) {
                i++;
                break;
            }
            // as ip: "--x" is "-x", and an option is any prefix of its name, the first name in ip's order winning
            // (-h is -human, -s -stats, -b -batch, -br -brief, -c -color)
            String opt = typed.startsWith("--") ? typed.substring(1) : typed;
            String name = GlobalOption.of(opt);
            if (name == null) {
                // nslab's own spellings of help and version, and a lone -h (ip would print its usage)
                if (opt.equals("-version")) name = "Version";
                else return usage("Option \"" + typed + "\" is unknown, try \"nslab -help\".");
            }
            if (name.equals("human") && i + 1 == argv.size()) name = "help";
            switch (name) {
                case "netns" -> {
                    if (i + 1 >= argv.size()) return usage("Option \"-netns\" needs a namespace name");
                    try {
                        ns = namedNs(argv.get(++i));
                    } catch (UsageException e) {
                        return usage(e.getMessage());
                    }
                }
                case "family" -> {
                    if (i + 1 >= argv.size()) return usage("Option \"-family\" needs an argument");
                    String f = argv.get(++i);
                    switch (f) {
                        case "inet" -> family = Family.INET;
                        case "inet6" -> family = Family.INET6;
                        case "mpls" -> mpls = true;
                        default -> {
                            return usage("nslab: family \"" + f + "\" is not supported (inet, inet6 or mpls)");
                        }
                    }
                }
                case "loops", "rcvbuf" -> {
                    // ip's flush retry count and socket buffer: nothing in nslab's output depends on them
                    if (i + 1 >= argv.size()) return usage("Option \"" + typed + "\" needs an argument");
                    i++;
                }
                case "json" -> json = true;
                case "brief" -> brief = true;
                case "pretty" -> pretty = true;
                case "all" -> all = true;
                case "force" -> force = true;
                case "4" -> family = Family.INET;
                case "6" -> family = Family.INET6;
                case "stats" -> stats++;
                case "oneline" -> oneline = true;
                case "human" -> human = true;
                case "iec" -> iec = true;
                case "timestamp" -> timestamp = Math.max(timestamp, 1); // ip stamps only what monitor prints
                case "tshort" -> timestamp = 2;
                case "color" -> {
                    // "-c" is -color=always; the colours themselves are chosen once the options are read (Colour.of)
                    String v = opt.contains("=") ? opt.substring(opt.indexOf('=') + 1) : "always";
                    if (!List.of("always", "auto", "never").contains(v)) return usage("Option \"" + typed + "\" is unknown, try \"nslab -help\".");
                    colorMode = v;
                }
                case "details" -> details = true;
                case "resolve" -> resolve = true;
                case "M" -> mpls = true;
                case "Numeric", "0", "B", "echo" -> {
                    return usage("nslab: option \"" + typed + "\" (-" + name + ") is not supported yet; run the command without it");
                }
                case "batch" -> {
                    if (i + 1 >= argv.size()) return usage("Option \"-batch\" needs a file name (or \"-\" for standard input)");
                    batch = argv.get(++i);
                }
                case "help" -> {
                    Help.top(out);
                    return 0;
                }
                case "Version" -> {
                    out.println("nslab " + Help.VERSION + " (commit " + Help.commit() + "), Java " + Runtime.version().feature() + " at "
                            + System.getProperty("java.home"));
                    return 0;
                }
                default -> throw new IllegalStateException(name);
            }
            i++;
        }
        hosts = new HostNames(resolve);
        // asked only with -c: the console check loads classes every command would pay for
        colour = colorMode == null ? null : Colour.of(colorMode, json,
                System.console() != null && System.console().isTerminal() && out == System.out, System.getenv("COLORFGBG"));
        if (batch != null) return runBatch(batch, ns);
        List<String> words = argv.subList(i, argv.size());
        if (words.isEmpty()) {
            Help.top(err);
            return 255;
        }
        return execute(ns, words);
    }

    private NsRef namedNs(String name) {
        if (!Namespaces.isValidName(name)) throw new UsageException("Invalid netns name \"" + name + "\"");
        // as ip: the namespace is entered before the command is read, and a missing one ends it (exit 255)
        if (!registry.exists(name)) throw new UsageException("Cannot open network namespace \"" + name + "\": No such file or directory");
        return NsRef.named(name);
    }

    private int usage(String msg) {
        err.println(msg);
        return 255;
    }

    /** Runs one command and turns failures into iproute2-style messages and exit codes. */
    int execute(NsRef ns, List<String> words) {
        try {
            return dispatch(ns, new Args(words));
        } catch (UsageException e) {
            out.flush();
            err.println(e.getMessage());
            return e.status();
        } catch (LabException e) {
            out.flush();
            // a mistake in a file says where it is, as compilers do; anything else is nslab's
            err.println(e.location().isPresent() ? e.getMessage() : "nslab: " + e.getMessage());
            return 1;
        } catch (OvsdbException e) {
            out.flush();
            err.println("ovs-vsctl: " + e.getMessage() + switch (e.error()) {
                case "not initialized" -> " (nslab ovs start initialises it)";
                case "timeout" -> " (nslab ovs status)";
                default -> "";
            });
            return 1;
        } catch (KernelException e) {
            // worded where it was raised; iproute2 exits 2 when the kernel refused an rtnetlink request or an object
            // already exists, 1 for everything else
            out.flush();
            err.println(KernelWords.of(e));
            return KernelWords.status(e);
        } catch (NslabException e) {
            // a helper program that failed (nslab-host), or anything else of nslab's own: its words, no stack trace
            out.flush();
            err.println("nslab: " + e.getMessage());
            return 1;
        }
    }

    private int dispatch(NsRef ns, Args a) {
        String word = a.next();
        String obj = object(word);
        if (obj == null) throw new UsageException("Object \"" + word + "\" is unknown, try \"nslab help\".");
        return switch (obj) {
            case "link" -> asIp(() -> new LinkCmd(this, ns).run(a));
            case "address" -> asIp(() -> new AddressCmd(this, ns).run(a));
            case "maddress" -> asIp(() -> new MaddrCmd(this, ns).run(a));
            case "tuntap" -> asIp(() -> new TunTapCmd(this, ns).run(a));
            case "tunnel" -> asIp(() -> new TunnelCmd(this, ns).run(a));
            case "nexthop" -> asIp(() -> new NexthopCmd(this, ns).run(a));
            case "netconf" -> asIp(() -> new NetconfCmd(this, ns).run(a));
            case "vrf" -> asIp(() -> new VrfCmd(this, ns).run(a));
            case "addrlabel" -> asIp(() -> new AddrlabelCmd(this, ns).run(a));
            case "token" -> asIp(() -> new TokenCmd(this, ns).run(a));
            case "mptcp" -> asIp(() -> new MptcpCmd(this, ns).run(a));
            case "l2tp", "fou" -> asIp(() -> new GenlObjectCmd(this, ns, obj).run(a));
            case "sr" -> asIp(() -> new SrCmd(this, ns).run(a));
            case "xfrm" -> asIp(() -> new XfrmCmd(this, ns).run(a));
            case "tcp_metrics" -> asIp(() -> new TcpMetricsCmd(this, ns).run(a));
            case "route" -> asIp(() -> mpls ? new MplsRouteCmd(this, ns).run(a) : new RouteCmd(this, ns).run(a));
            case "rule" -> asIp(() -> new RuleCmd(this, ns).run(a));
            case "netns" -> asIp(() -> new NetnsCmd(this, ns).run(a));
            case "neighbour" -> asIp(() -> new NeighCmd(this, ns).run(a));
            case "monitor" -> asIp(() -> new MonitorCmd(this, ns).run(a));
            case "ntable" -> asIp(() -> new NtableCmd(this, ns).run(a));
            case "sysctl" -> new SysctlCmd(this, ns).run(a);
            case "unshare" -> new UnshareCmd(this).run(a);
            case "ping" -> new PingCmd(this, ns, word.equals("ping6") ? Family.INET6 : family).run(a);
            case "ovs" -> new OvsCmd(this).run(a);
            case "inventory" -> new InventoryCmd(this).inventory(a);
            case "graph" -> new InventoryCmd(this).graph(a);
            case "lab" -> new LabCmd(this).run(word, a);
            case "fault" -> new FaultCmd(this).run(word, a);
            case "ui" -> new UiCmd(this).run(a);
            case "help" -> {
                Help.top(out);
                yield 0;
            }
            default -> throw new IllegalStateException(obj);
        };
    }

    /** ip's refusal of a word that is no prefix ({@code get_prefix}: the family of -4/-6, else "any valid"; exit 1). */
    UsageException prefixExpected(String text) {
        return new UsageException("Error: " + (family == null ? "any valid" : family.word()) + " prefix is expected rather than \"" + text + "\".", 1);
    }

    /** A prefix word (ADDRESS/LEN, or an address alone), or ip's refusal of it ({@link #prefixExpected}). */
    Cidr prefix(String text) {
        try {
            return Cidr.parse(text);
        } catch (KernelException e) {
            throw prefixExpected(text);
        }
    }

    /** An iproute2 command: a kernel refusal is printed exactly as ip prints it (see {@link KernelWords#asIp}). */
    private int asIp(java.util.function.IntSupplier command) {
        try {
            return command.getAsInt();
        } catch (KernelException e) {
            if (e instanceof NotPermittedException) throw e;
            out.flush();
            err.println(KernelWords.asIp(e));
            return KernelWords.status(e);
        }
    }

    /**
     * The object a command's first word names (link, address, ..., "lab" for the lab verbs, "fault" for the fault
     * verbs), or null. Abbreviations as ip reads them, in ip's order.
     */
    static String object(String word) {
        if (Args.matches(word, "link")) return "link";
        if (Args.matches(word, "address") || word.equals("addr")) return "address";
        if (word.length() >= 5 && Args.matches(word, "addrlabel")) return "addrlabel";
        // ip's table puts maddress before route and monitor: "m" and "ma" are maddress
        if (Args.matches(word, "maddress")) return "maddress";
        if (word.length() >= 2 && Args.matches(word, "monitor")) return "monitor";
        if (Args.matches(word, "route")) return "route";
        if (Args.matches(word, "rule")) return "rule";
        // ip's table puts tunnel and tunl before tuntap ("t", "tu" and "tun" are tunnel), then tap
        if (Args.matches(word, "tunnel") || word.equals("tunl")) return "tunnel";
        if (word.length() >= 4 && Args.matches(word, "tuntap") || word.startsWith("ta") && Args.matches(word, "tap")) return "tuntap";
        if (word.equals("netns") || word.equals("netn") || word.equals("net")) return "netns";
        // after netns in ip's table: "netc" and longer
        if (word.length() >= 4 && Args.matches(word, "netconf")) return "netconf";
        if (Args.matches(word, "vrf")) return "vrf";
        // after tunnel, tunl, tuntap and tap in ip's table: "to" and longer
        if (word.length() >= 2 && Args.matches(word, "token")) return "token";
        // after token in ip's table: "tc" and longer
        if (word.length() >= 2 && (Args.matches(word, "tcpmetrics") || Args.matches(word, "tcp_metrics"))) return "tcp_metrics";
        // ip's table puts neighbour before netns: "n" and "ne" are neighbour, "net" is netns
        if (Args.matches(word, "neighbour") || Args.matches(word, "neighbor")) return "neighbour";
        // after neighbour in ip's table: "nt" and longer
        if (word.length() >= 2 && Args.matches(word, "ntable") || word.equals("ntbl")) return "ntable";
        if (Args.matches(word, "nexthop")) return "nexthop";
        // after link in ip's table: "l2" and longer is l2tp; fou has the f
        if (word.length() >= 2 && Args.matches(word, "l2tp")) return "l2tp";
        if (Args.matches(word, "fou")) return "fou";
        // ip's table: maddress, monitor, mroute, mrule, then mptcp ("mp" and longer)
        if (word.length() >= 2 && Args.matches(word, "mptcp")) return "mptcp";
        if (Args.matches(word, "xfrm")) return "xfrm";
        // sr is the last of ip's s words before stats: "s" is sr
        if (Args.matches(word, "sr")) return "sr";
        if (word.equals("sysctl")) return "sysctl";
        if (word.equals("unshare")) return "unshare";
        if (word.equals("ping") || word.equals("ping6")) return "ping";
        if (word.equals("ovs") || word.equals("ovs-vsctl")) return "ovs";
        if (word.equals("inventory") || word.equals("inv")) return "inventory";
        if (word.equals("graph")) return "graph";
        if (word.equals("ui")) return "ui";
        if (LabCmd.VERBS.contains(word) || LabCmd.CLAB_VERBS.containsKey(word)) return "lab";
        if (FaultCmd.VERBS.contains(word)) return "fault";
        if (word.equals("help")) return "help";
        return null;
    }

    /** The cached rtnetlink handle for {@code ns}: one socket per namespace for a whole batch. */
    NetHandle handle(NsRef ns) {
        NetHandle h = handles.get(ns);
        if (h == null) {
            h = opener.apply(ns);
            handles.put(ns, h);
        }
        return h;
    }

    /** Adds the namespaces of a batch: made once, closed at its end. */
    Namespaces.Adder namespaceAdder() {
        if (namespaceAdder == null) namespaceAdder = registry.adder();
        return namespaceAdder;
    }

    /** Keeps {@code h}, opened by the caller, as the handle of {@code ns}. */
    void adoptHandle(NsRef ns, NetHandle h) {
        NetHandle old = handles.put(ns, h);
        if (old != null) old.close();
    }

    /**
     * The names ip gives the namespaces ids in {@code shown} point to, looked up only where ip looks them up (a line
     * that prints one); a name whose file holds no namespace is reported in ip's words, as ip reports it.
     */
    Map<Integer, String> nsidNames(NetHandle h, List<Link> shown) {
        boolean printed = !json && !brief && shown.stream().anyMatch(l -> l.linkNetnsId() != null && l.linkNetnsId() >= 0);
        return printed ? h.nsidNames(this::refused) : Map.of();
    }

    /** A refusal ip reports and goes on from. */
    void refused(KernelException e) {
        out.flush();
        err.println(KernelWords.of(e));
    }

    /** Forgets the handle of a namespace that is being deleted, so its socket does not keep it alive. */
    void dropHandle(NsRef ns) {
        NetHandle h = handles.remove(ns);
        if (h != null) h.close();
    }

    void dropAllHandles() {
        handles.values().forEach(NetHandle::close);
        handles.clear();
    }

    void printJson(Object value) {
        out.println(Json.write(value, pretty));
    }

    // ---- batch ---------------------------------------------------------------------------------------------

    private int runBatch(String file, NsRef defaultNs) {
        batchMode = true;
        BufferedReader in;
        try {
            BufferedReader opened = file.equals("-") ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(path(file), StandardCharsets.UTF_8);
            in = resident() ? residentBatch(opened) : opened;
        } catch (IOException e) {
            err.println("Cannot open file \"" + file + "\" for batch: " + e.getMessage());
            return 255;
        }
        int status = 0;
        String name = file.equals("-") ? "-" : file;
        try (in) {
            String line;
            int lineNo = 0;
            // a resident JVM's client that went away (Ctrl-C) stops the batch where it is, as a killed ip would
            while (!clientGone() && (line = in.readLine()) != null) {
                lineNo++;
                List<String> words;
                try {
                    words = Words.split(line);
                } catch (UsageException e) {
                    err.println(e.getMessage());
                    words = null;
                }
                if (words != null && words.isEmpty()) continue;
                int rc = words == null ? 255 : batchLine(defaultNs, words);
                if (rc != 0) {
                    err.println("Command failed " + name + ":" + lineNo);
                    status = 1;
                    if (!force) break;
                }
            }
        } catch (IOException e) {
            err.println("Cannot read \"" + file + "\": " + e.getMessage());
            return 1;
        } finally {
            if (namespaceAdder != null) namespaceAdder.close();
            namespaceAdder = null;
        }
        return status;
    }

    /**
     * A batch read whole and checked before its first line runs: a resident JVM runs it only when every line is a
     * request to the kernel ({@link Resident#mayRunInBatch}); a batch file is a script, not a stream.
     */
    private static BufferedReader residentBatch(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        try (in) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
                List<String> words;
                try {
                    words = Words.split(line);
                } catch (UsageException e) {
                    continue; // worded when the line's turn comes
                }
                if (!words.isEmpty() && !Resident.mayRunInBatch(words)) {
                    throw new Resident.Declined("batch line " + lines.size() + " is not a kernel request");
                }
            }
        }
        return new BufferedReader(new java.io.StringReader(String.join("\n", lines)));
    }

    /** A batch line may start with "-n NETNS" (unlike ip -batch), so one file can build many namespaces. */
    private int batchLine(NsRef defaultNs, List<String> words) {
        NsRef ns = defaultNs;
        int i = 0;
        while (i < words.size() && (words.get(i).equals("-n") || words.get(i).equals("-netns") || words.get(i).equals("--netns"))) {
            if (i + 1 >= words.size()) return usage("Option \"-netns\" needs a namespace name");
            try {
                ns = namedNs(words.get(i + 1));
            } catch (UsageException e) {
                return usage(e.getMessage());
            }
            i += 2;
        }
        return execute(ns, words.subList(i, words.size()));
    }
}
