package dev.nslab.cli;

import dev.nslab.net.ChecksumOffload;
import dev.nslab.net.Link;
import dev.nslab.ovs.Ovs;
import dev.nslab.ovs.Datum;
import dev.nslab.ovs.OvsBridge;
import dev.nslab.ovs.OvsDaemons;
import dev.nslab.ovs.OvsInterface;
import dev.nslab.ovs.OvsPort;
import dev.nslab.ovs.OvsSchema;
import dev.nslab.ovs.OvsState;
import dev.nslab.ovs.OvsTransaction;
import dev.nslab.ovs.OvsdbException;
import dev.nslab.ovs.PortConfig;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab ovs}: the part of ovs-vsctl that labs need, over the OVSDB socket. Like ovs-vsctl, commands joined
 * by "--" form one transaction, and a change returns once ovs-vswitchd has applied it. When no database answers,
 * Open vSwitch is started at its standard locations first.
 */
final class OvsCmd {
    private final Cli cli;
    private final OvsDaemons daemons = new OvsDaemons();
    private Duration timeout = Duration.ofSeconds(30);
    /** --timeout as given (null: none): wait-until waits that long, else for ever, as ovs-vsctl does. */
    private Duration timeoutGiven;
    private boolean noWait;
    private boolean verbose;
    /**
     * -d bare (values without quotes, in any format) and --no-headings, for list, find and get; --bare is
     * "--format=list --data=bare --no-headings" where it stands among the options, as ovs-vsctl has it.
     */
    private boolean noHeadings;
    /** --oneline: each command's output on one line, its line breaks written \\n (and its backslashes doubled). */
    private boolean oneline;
    private OvsRecords.Cells cells = OvsRecords.Cells.STRING;
    /** --format: how list and find print their rows. */
    private OvsRecords.Format format = OvsRecords.Format.LIST;
    private Path socket;
    private boolean datapathSaid;

    /**
     * One command of a chain with its own options: --may-exist, --if-exists, --fake-iface, --columns=A,B (null: all),
     * --id=@NAME (null: none), --all, --bootstrap (of set-ssl).
     */
    private record Command(String name, List<String> args, boolean mayExist, boolean ifExists, boolean fakeIface, List<String> columns,
                           String id, boolean all, boolean real, boolean fake, boolean bootstrap) { }

    OvsCmd(Cli cli) {
        this.cli = cli;
        this.socket = daemons.socket();
    }

    int run(Args a) {
        try {
            return runChecked(a);
        } catch (UsageException e) {
            // ovs-vsctl ends every failure, a bad command line too, with status 1
            cli.out.flush();
            cli.err.println(e.getMessage());
            return 1;
        }
    }

    /** As ovs-vsctl --version: the Open vSwitch this machine has, and its database schema. */
    private int version() {
        OvsDaemons.Version v = new OvsDaemons().version().orElseThrow(() -> new UsageException(
                "ovs-vsctl: Open vSwitch is not installed here (no ovs-vswitchd): apt-get install " + OvsDaemons.PACKAGE));
        cli.out.println("ovs-vsctl (Open vSwitch) " + (v.openVswitch() == null ? "unknown" : v.openVswitch()));
        cli.out.println("DB Schema " + (v.schema() == null ? "unknown" : v.schema()));
        return 0;
    }

    /** ovs-vsctl's long options, its own and its commands', which getopt_long takes by any unique prefix. */
    private static final List<String> LONG_OPTIONS = List.of("db", "no-wait", "dry-run", "oneline", "timeout", "retry", "help", "version",
            "verbose", "format", "data", "no-headings", "pretty", "bare", "may-exist", "if-exists", "real", "fake", "fake-iface", "with-iface",
            "columns", "id", "all");

    /** {@code --PREFIX[=VALUE]} as the whole option it stands for; ovs-vsctl's refusal where it could be several. */
    static String longOption(String w) {
        if (!w.startsWith("--") || w.equals("--")) return w;
        int eq = w.indexOf('=');
        String name = w.substring(2, eq < 0 ? w.length() : eq), rest = eq < 0 ? "" : w.substring(eq);
        if (name.isEmpty() || LONG_OPTIONS.contains(name)) return w;
        List<String> found = LONG_OPTIONS.stream().filter(o -> o.startsWith(name)).toList();
        if (found.size() > 1) {
            throw new UsageException("ovs-vsctl: option '--" + name + "' is ambiguous; possibilities:"
                    + String.join("", found.stream().map(o -> " '--" + o + "'").toList()));
        }
        return found.size() == 1 ? "--" + found.getFirst() + rest : w;
    }

    private int runChecked(Args a) {
        List<String> words = new ArrayList<>(a.rest().stream().map(OvsCmd::longOption).toList());
        int i = 0;
        // global options, as ovs-vsctl takes them before the first command
        while (i < words.size() && words.get(i).startsWith("-") && !words.get(i).equals("--")) {
            String o = words.get(i);
            if (o.equals("--may-exist") || o.equals("--if-exists") || o.equals("--fake-iface") || o.startsWith("--columns=") || o.startsWith("--id=")
                    || o.equals("--all") || o.equals("--real") || o.equals("--fake") || o.equals("--bootstrap")) break; // a command option
            if (o.equals("--no-wait")) noWait = true;
            else if (o.equals("--bare")) {
                format = OvsRecords.Format.LIST;
                cells = OvsRecords.Cells.BARE;
                noHeadings = true;
            }
            else if (o.equals("--no-headings")) noHeadings = true;
            else if (o.equals("-d") || o.equals("--data") || o.startsWith("--data=") || o.startsWith("-d")) {
                // -d X, -dX, --data X, --data=X (getopt's forms)
                String d = o.startsWith("--data=") ? o.substring(7) : o.startsWith("-d") && o.length() > 2 ? o.substring(2)
                        : i + 1 < words.size() ? words.get(++i) : null;
                if (d == null) throw new UsageException("ovs-vsctl: option '" + o + "' requires an argument", 1);
                switch (d) {
                    case "string" -> cells = OvsRecords.Cells.STRING;
                    case "bare" -> cells = OvsRecords.Cells.BARE;
                    case "json" -> cells = OvsRecords.Cells.JSON;
                    default -> throw new UsageException("ovs-vsctl: unknown data format \"" + d + "\"", 1);
                }
            }
            else if (o.equals("-v") || o.equals("--verbose")) verbose = true;
            else if (o.equals("-j") || o.equals("--json")) cli.json = true;
            else if (o.startsWith("--format") || o.startsWith("-f")) {
                // --format=F, --format F, -fF, -f F (getopt's forms)
                String f = o.startsWith("--format=") ? o.substring(9) : o.startsWith("-f") && o.length() > 2 ? o.substring(2)
                        : o.equals("--format") || o.equals("-f") ? (i + 1 < words.size() ? words.get(++i) : null) : null;
                if (f == null && !o.equals("--format") && !o.equals("-f")) throw new UsageException("ovs-vsctl: unrecognized option '" + o + "' (try \"nslab ovs help\")");
                if (f == null) throw new UsageException("ovs-vsctl: option '" + o + "' requires an argument", 1);
                format = switch (f) {
                    case "json" -> OvsRecords.Format.JSON; // list's and find's tables, as ovs-vsctl writes them
                    case "list" -> OvsRecords.Format.LIST;
                    case "csv" -> OvsRecords.Format.CSV;
                    case "table" -> OvsRecords.Format.TABLE;
                    case "html" -> OvsRecords.Format.HTML;
                    default -> throw new UsageException("ovs-vsctl: unknown output format \"" + f + "\"", 1);
                };
            }
            else if (o.startsWith("--timeout") || o.startsWith("-t")) {
                // --timeout=N, --timeout N, -tN, -t N (getopt's forms)
                String v = o.startsWith("--timeout=") ? o.substring(10) : o.startsWith("-t") && o.length() > 2 ? o.substring(2)
                        : i + 1 < words.size() ? words.get(++i) : null;
                if (v == null) throw new UsageException("ovs-vsctl: option '" + o + "' requires an argument", 1);
                timeout = Duration.ofSeconds(seconds(v));
                timeoutGiven = timeout;
            }
            else if (o.equals("--oneline")) oneline = true;
            else if (o.startsWith("--db=")) socket = Path.of(o.substring(5).replaceFirst("^unix:", ""));
            else if (o.equals("-V") || o.equals("--version")) return version();
            else throw new UsageException("ovs-vsctl: unrecognized option '" + o + "' (try \"nslab ovs help\")");
            i++;
        }
        List<Command> cmds = parseChain(words.subList(i, words.size()));
        if (cmds.isEmpty()) throw new UsageException("ovs-vsctl: missing command name (use \"nslab ovs help\" for help)");
        Command first = cmds.getFirst();
        switch (first.name()) {
            case "help" -> {
                Help.ovs(cli.out);
                return 0;
            }
            case "start", "stop", "status" -> {
                if (cmds.size() > 1) throw new UsageException("ovs-vsctl: \"" + first.name() + "\" cannot be combined with other commands");
                return daemon(first.name());
            }
            default -> { }
        }
        for (Command c : cmds) checkArity(c);
        ensureRunning();
        try (Ovs ovs = Ovs.connect(socket)) {
            return execute(ovs, cmds);
        }
    }

    private static long seconds(String v) {
        try {
            long n = Long.parseLong(v);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new UsageException("ovs-vsctl: value " + v + " on -t or --timeout is invalid", 1);
    }

    private static List<Command> parseChain(List<String> words) {
        List<Command> out = new ArrayList<>();
        int i = 0;
        while (i < words.size()) {
            if (words.get(i).equals("--")) {
                i++;
                continue;
            }
            boolean mayExist = false, ifExists = false, fakeIface = false, all = false, real = false, fake = false, bootstrap = false;
            List<String> columns = null;
            String id = null;
            while (i < words.size() && words.get(i).startsWith("--")) {
                if (words.get(i).startsWith("--columns=")) {
                    columns = List.of(words.get(i++).substring("--columns=".length()).split(","));
                    continue;
                }
                if (words.get(i).startsWith("--id=")) {
                    id = words.get(i++).substring("--id=".length());
                    continue;
                }
                switch (words.get(i)) {
                    case "--may-exist" -> mayExist = true;
                    case "--if-exists" -> ifExists = true;
                    case "--fake-iface" -> fakeIface = true;
                    case "--all" -> all = true;
                    case "--real" -> real = true;
                    case "--fake" -> fake = true;
                    case "--bootstrap" -> bootstrap = true;
                    case "--" -> { }
                    default -> throw new UsageException("ovs-vsctl: '" + words.get(i) + "' is not a valid option here (nslab knows --may-exist, "
                            + "--if-exists, --fake-iface, --columns=, --id=, --all, --real, --fake and --bootstrap)");
                }
                i++;
            }
            if (i >= words.size()) break;
            String name = words.get(i++);
            List<String> args = new ArrayList<>();
            while (i < words.size() && !words.get(i).equals("--")) args.add(words.get(i++));
            if (id != null && !name.equals("create") && !name.equals("get")) {
                throw new UsageException("ovs-vsctl: '--id' is not a valid option for '" + name + "' command");
            }
            out.add(new Command(name, args, mayExist, ifExists, fakeIface, columns, id, all, real, fake, bootstrap));
        }
        return out;
    }

    private static void checkArity(Command c) {
        int n = c.args().size();
        int[] range = switch (c.name()) {
            case "init", "show", "list-br" -> new int[] {0, 0};
            case "del-br", "br-exists", "list-ports", "list-ifaces", "port-to-br", "iface-to-br", "br-to-vlan", "br-to-parent" -> new int[] {1, 1};
            case "add-br" -> new int[] {1, 3};
            case "add-port" -> new int[] {2, Integer.MAX_VALUE};
            case "add-bond" -> new int[] {4, Integer.MAX_VALUE};
            case "list", "find" -> new int[] {1, Integer.MAX_VALUE};
            case "del-port" -> new int[] {1, 2};
            case "set", "clear" -> new int[] {3, Integer.MAX_VALUE};
            case "get", "create" -> new int[] {2, Integer.MAX_VALUE};
            case "add", "remove" -> new int[] {4, Integer.MAX_VALUE};
            case "wait-until" -> new int[] {2, Integer.MAX_VALUE};
            case "destroy" -> new int[] {1, Integer.MAX_VALUE};
            case "set-manager" -> new int[] {1, Integer.MAX_VALUE};
            case "get-manager", "del-manager", "emer-reset", "get-ssl", "del-ssl" -> new int[] {0, 0};
            case "comment" -> new int[] {0, Integer.MAX_VALUE};
            case "set-ssl" -> new int[] {3, 3};
            case "get-controller", "del-controller", "get-fail-mode", "del-fail-mode" -> new int[] {1, 1};
            case "set-controller" -> new int[] {1, Integer.MAX_VALUE};
            case "set-fail-mode" -> new int[] {2, 2};
            case "br-set-external-id" -> new int[] {2, 3};
            case "br-get-external-id" -> new int[] {1, 2};
            default -> throw new UsageException("ovs-vsctl: unknown command '" + c.name() + "'; use --help for help");
        };
        if (n < range[0]) {
            throw new UsageException("ovs-vsctl: '" + c.name() + "' command requires at least " + range[0] + " arguments");
        }
        if (n > range[1]) {
            throw new UsageException("ovs-vsctl: '" + c.name() + "' command takes at most " + range[1] + " arguments");
        }
    }

    /** Starts Open vSwitch when its database does not answer (or ovs-vswitchd is missing). */
    private void ensureRunning() {
        if (!socket.equals(daemons.socket())) return; // a database chosen with --db is the user's to run
        OvsDaemons.Status s = daemons.status();
        if (s.running()) return;
        List<String> started = daemons.start(msg -> { if (verbose) cli.err.println("nslab ovs: " + msg); });
        if (!started.isEmpty()) cli.err.println("nslab ovs: Open vSwitch was not running: started " + String.join(" and ", started));
    }

    private int daemon(String what) {
        switch (what) {
            case "start" -> {
                List<String> started = daemons.start(msg -> cli.err.println("nslab ovs: " + msg));
                if (started.isEmpty()) cli.err.println("nslab ovs: Open vSwitch is already running");
                return 0;
            }
            case "stop" -> {
                List<String> stopped = daemons.stop();
                cli.err.println(stopped.isEmpty() ? "nslab ovs: Open vSwitch is not running" : "nslab ovs: stopped " + String.join(", ", stopped));
                return 0;
            }
            default -> {
                OvsDaemons.Status s = daemons.status();
                if (cli.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("installed", s.installed());
                    m.put("ovsdb_server", s.dbServer().orElse(null));
                    m.put("ovs_vswitchd", s.vswitchd().orElse(null));
                    m.put("socket", s.socket().toString());
                    m.put("default_datapath_type", datapathName(Ovs.datapathType(ChecksumOffload.kernelDatapath())));
                    cli.printJson(m);
                } else {
                    cli.out.println("ovsdb-server: " + s.dbServer().map(p -> "running, pid " + p).orElse("not running"));
                    cli.out.println("ovs-vswitchd: " + s.vswitchd().map(p -> "running, pid " + p).orElse("not running"));
                    cli.out.println("database socket: " + s.socket());
                    cli.out.println("datapath for new bridges: " + datapathName(Ovs.datapathType(ChecksumOffload.kernelDatapath())));
                    if (!s.installed()) cli.out.println("Open vSwitch is not installed: apt-get install " + OvsDaemons.PACKAGE);
                }
                return s.running() ? 0 : 3;
            }
        }
    }

    private static String datapathName(String type) {
        return type.isEmpty() ? "system (kernel module)" : type + " (userspace)";
    }

    private int execute(Ovs ovs, List<Command> cmds) {
        OvsState state = ovs.state();
        OvsTransaction txn = null;
        OvsRecords records = null;
        List<String> text = new ArrayList<>();
        List<Object> json = new ArrayList<>();
        int status = 0;
        // the rows a create makes and the ones a --id names exist for the whole line: a value may name them first
        Map<Command, JsonNode> creates = new java.util.IdentityHashMap<>();
        for (Command c : cmds) {
            if (c.name().equals("create")) {
                if (records == null) records = new OvsRecords(ovs);
                if (txn == null) txn = ovs.begin();
                JsonNode ref = txn.create(records.tableName(c.args().getFirst()));
                creates.put(c, ref);
                if (c.id() != null) records.declare(c.id(), ref);
            } else if (c.id() != null) { // --id=@NAME get TABLE RECORD
                if (records == null) records = new OvsRecords(ovs);
                if (txn == null) txn = ovs.begin();
                records.declare(c.id(), records.ref(txn, c.args().get(0), c.args().get(1), false));
            }
        }
        // wait-until: ovs-vsctl runs the whole line again after each update until every one holds, so what the line
        // reads is read once they do. Those before the first change are waited for first; those after it, once the
        // change is committed (it may be what they wait for).
        List<Command> afterCommit = new ArrayList<>();
        boolean changing = false;
        for (Command c : cmds) {
            if (!c.name().equals("wait-until")) changing |= !READ_ONLY.contains(c.name());
            else if (changing) afterCommit.add(c);
            else if (!waitUntil(ovs, c)) return TIMED_OUT;
        }
        Map<Integer, JsonNode> createdAt = new LinkedHashMap<>(); // the line of text where a create prints its row's UUID
        List<Integer> starts = new ArrayList<>(); // where each command's lines of text begin (--oneline)
        for (Command c : cmds) {
            starts.add(text.size());
            List<String> x = c.args();
            switch (c.name()) {
                case "init", "wait-until", "comment" -> { } // wait-until: waited for above; a comment is for the database's log
                case "show" -> {
                    text.add(show(state));
                    json.add(stateJson(state));
                }
                case "list-br" -> {
                    // --real, --fake: only those (neither: both, as ovs-vsctl)
                    // as the line has left them so far (an add-br before it counts, as with ovs-vsctl)
                    boolean real = c.real() || !c.fake(), fake = c.fake() || !c.real();
                    List<String> names = (txn != null ? txn.bridgeNames(real, fake) : state.bridgeNames(real, fake)).stream().sorted().toList();
                    names.forEach(text::add);
                    json.add(names);
                }
                case "br-exists" -> {
                    if (!(txn != null ? txn.hasBridge(x.getFirst()) : state.bridgeNames(true, true).contains(x.getFirst()))) status = 2;
                }
                case "list-ports" -> {
                    String b = knownBridge(state, x.getFirst());
                    List<String> names = state.portsOf(b).stream().map(OvsPort::name).filter(n -> !n.equals(b)).sorted().toList();
                    names.forEach(text::add);
                    json.add(names);
                }
                case "list-ifaces" -> {
                    String b = knownBridge(state, x.getFirst());
                    List<String> names = state.portsOf(b).stream().flatMap(p -> p.interfaces().stream()).map(OvsInterface::name)
                            .filter(n -> !n.equals(b)).sorted().toList();
                    names.forEach(text::add);
                    json.add(names);
                }
                case "iface-to-br" -> {
                    String b = state.bridgeNameOfInterface(x.getFirst())
                            .orElseThrow(() -> new OvsdbException("no interface named " + x.getFirst(), "refused", x.getFirst()));
                    text.add(b);
                    json.add(b);
                }
                case "port-to-br" -> {
                    String b = state.bridgeNameOfPort(x.getFirst())
                            .orElseThrow(() -> new OvsdbException("no port named " + x.getFirst(), "refused", x.getFirst()));
                    text.add(b);
                    json.add(b);
                }
                case "br-to-vlan" -> {
                    knownBridge(state, x.getFirst());
                    int vlan = state.fakeBridge(x.getFirst()).map(OvsState.FakeBridge::vlan).orElse(0);
                    text.add(Integer.toString(vlan));
                    json.add(vlan);
                }
                case "br-to-parent" -> {
                    knownBridge(state, x.getFirst());
                    String parent = state.fakeBridge(x.getFirst()).map(f -> f.parent().name()).orElse(x.getFirst());
                    text.add(parent);
                    json.add(parent);
                }
                case "get" -> {
                    if (records == null) records = new OvsRecords(ovs);
                    if (x.size() == 2) continue; // --id=@NAME alone: the row was named above
                    if (c.ifExists() && !records.exists(x.get(0), x.get(1))) continue;
                    for (String v : records.get(x.get(0), x.get(1), x.subList(2, x.size()))) {
                        text.add(v);
                        json.add(v);
                    }
                }
                case "list", "find" -> {
                    if (records == null) records = new OvsRecords(ovs);
                    String out = c.name().equals("list") ? records.list(x.getFirst(), x.subList(1, x.size()), c.columns(), cells, !noHeadings, format)
                            : records.find(x.getFirst(), x.subList(1, x.size()), c.columns(), cells, !noHeadings, format);
                    if (!out.isEmpty()) text.add(out.substring(0, out.length() - 1));
                    json.add(out);
                }
                case "get-controller" -> {
                    List<String> targets = bridge(state, x.getFirst()).controllers().stream().sorted().toList();
                    targets.forEach(text::add);
                    json.add(targets);
                }
                case "get-fail-mode" -> {
                    String mode = bridge(state, x.getFirst()).failMode();
                    if (mode != null) text.add(mode);
                    json.add(mode);
                }
                case "br-set-external-id" -> (txn = txn == null ? ovs.begin() : txn).setBridgeExternalId(x.getFirst(), x.get(1), x.size() > 2 ? x.get(2) : null);
                case "br-get-external-id" -> {
                    // a fake bridge keeps its ids in its port's, as "fake-bridge-KEY"
                    Map<String, String> ids = new java.util.TreeMap<>();
                    if (state.bridge(x.getFirst()).isPresent()) ids.putAll(state.bridge(x.getFirst()).get().externalIds());
                    else for (OvsPort p : state.portsOf(knownBridge(state, x.getFirst()))) {
                        if (!p.name().equals(x.getFirst())) continue;
                        p.externalIds().forEach((k, v) -> { if (k.startsWith("fake-bridge-")) ids.put(k.substring(12), v); });
                    }
                    if (x.size() > 1) {
                        String v = ids.get(x.get(1));
                        if (v != null) text.add(v);
                        json.add(v);
                    } else {
                        ids.forEach((k, v) -> text.add(k + "=" + v));
                        json.add(ids);
                    }
                }
                case "set-controller" -> (txn = txn == null ? ovs.begin() : txn).setControllers(x.getFirst(), x.subList(1, x.size()));
                case "del-controller" -> (txn = txn == null ? ovs.begin() : txn).setControllers(x.getFirst(), List.of());
                case "set-fail-mode" -> (txn = txn == null ? ovs.begin() : txn).setFailMode(x.getFirst(), x.get(1));
                case "del-fail-mode" -> (txn = txn == null ? ovs.begin() : txn).setFailMode(x.getFirst(), null);
                case "add-br" -> {
                    txn = txn == null ? ovs.begin() : txn;
                    if (x.size() == 2) throw new OvsdbException("'add-br' command takes exactly 1 or 3 arguments", "refused", x.getFirst());
                    if (x.size() == 3) {
                        int vlan = atoi(x.get(2)); // as ovs-vsctl reads it: "10abc" is 10, "abc" is 0
                        if (vlan < 0 || vlan > 4095) throw new OvsdbException("add-br: vlan must be between 0 and 4095", "refused", x.get(2));
                        try {
                            txn.addFakeBridge(deviceName(x.getFirst(), "bridge"), x.get(1), vlan, c.mayExist());
                        } catch (OvsdbException e) {
                            throw inVsctlWords(e, "add-br " + String.join(" ", x.subList(0, 2)) + " " + vlan);
                        }
                        continue;
                    }
                    String dp = Ovs.datapathType(ChecksumOffload.kernelDatapath());
                    boolean isNew = !txn.hasBridge(x.getFirst());
                    try {
                        txn.addBridge(deviceName(x.getFirst(), "bridge"), dp, c.mayExist());
                    } catch (OvsdbException e) {
                        throw inVsctlWords(e, "add-br " + x.getFirst());
                    }
                    // said once the bridge is to be made (a refused add-br says only why), to a person at a terminal
                    // or with -v: a script sees ovs-vsctl's silence (the choice is in show and the bridge's row)
                    if (isNew && !dp.isEmpty() && !datapathSaid && !setsDatapath(cmds, x.getFirst()) && (verbose || cli.terminal())) {
                        cli.err.println("nslab ovs: " + x.getFirst() + " uses the userspace datapath (datapath_type=" + dp
                                + "): this kernel has no openvswitch module");
                        datapathSaid = true;
                    }
                }
                case "del-br" -> (txn = txn == null ? ovs.begin() : txn).delBridge(x.getFirst(), c.ifExists());
                case "add-port" -> {
                    txn = txn == null ? ovs.begin() : txn;
                    List<String> settings = x.subList(2, x.size()), vlans = new ArrayList<>(), rest = new ArrayList<>();
                    if (!settings.isEmpty()) {
                        if (records == null) records = new OvsRecords(ovs);
                        records.check("Port", settings); // read as ovs-vsctl reads them: its refusals, before anything is made
                        for (String s : settings) (PORT_CONFIG.contains(columnValue(s)[0].replace('-', '_')) ? vlans : rest).add(s);
                    }
                    boolean isNew = !txn.hasPort(x.get(1));
                    try {
                        txn.addPort(x.get(0), deviceName(x.get(1), "port"), portConfig(vlans), c.mayExist());
                    } catch (OvsdbException e) {
                        throw inVsctlWords(e, "add-port " + x.get(0) + " " + x.get(1));
                    }
                    // the port's other columns, on a port this command made (ovs-vsctl leaves one that may exist as it is)
                    if (isNew && !rest.isEmpty()) records.set(txn, "Port", txn.ref("Port", x.get(1)), rest);
                }
                case "add-bond" -> {
                    // as ovs-vsctl: the interfaces run up to the first word with '=', the settings follow
                    int n = x.size() - 2;
                    for (int k = 2; k < x.size(); k++) {
                        if (x.get(k).contains("=")) {
                            n = k - 2;
                            break;
                        }
                    }
                    if (n < 2) throw new OvsdbException("add-bond requires at least 2 interfaces, but only " + n + " were specified", "refused", x.get(1));
                    List<String> ifaces = new ArrayList<>();
                    for (String f : x.subList(2, 2 + n)) ifaces.add(deviceName(f, "interface"));
                    txn = txn == null ? ovs.begin() : txn;
                    try {
                        txn.addBond(x.get(0), x.get(1), ifaces, portConfig(x.subList(2 + n, x.size())), c.mayExist(), c.fakeIface());
                    } catch (OvsdbException e) {
                        throw inVsctlWords(e, "add-bond " + x.get(0) + " " + x.get(1) + (e.error().equals(OvsdbException.OTHER_INTERFACES)
                                ? " " + String.join(" ", ifaces) : ""));
                    }
                }
                case "del-port" -> (txn = txn == null ? ovs.begin() : txn)
                        .delPort(x.size() == 2 ? x.get(0) : null, x.getLast(), c.ifExists());
                case "set" -> {
                    txn = txn == null ? ovs.begin() : txn;
                    if (records == null) records = new OvsRecords(ovs);
                    set(txn, records, x, c.ifExists());
                }
                case "add", "remove", "clear" -> {
                    txn = txn == null ? ovs.begin() : txn;
                    if (records == null) records = new OvsRecords(ovs);
                    JsonNode ref = records.ref(txn, x.get(0), x.get(1), c.ifExists());
                    if (ref == null) continue;
                    if (c.name().equals("clear")) records.clear(txn, x.get(0), ref, x.subList(2, x.size()));
                    else records.mutate(txn, x.get(0), ref, x.get(2), x.subList(3, x.size()), c.name().equals("add"));
                }
                case "create" -> {
                    records.set(txn, x.getFirst(), creates.get(c), x.subList(1, x.size()));
                    createdAt.put(text.size(), creates.get(c));
                    text.add(null);
                }
                case "destroy" -> {
                    txn = txn == null ? ovs.begin() : txn;
                    if (records == null) records = new OvsRecords(ovs);
                    if (c.all() && x.size() > 1) throw new OvsdbException("--all and records argument should not be specified together", "refused", x.getFirst());
                    if (c.all() && c.ifExists()) throw new OvsdbException("--all and --if-exists should not be specified together", "refused", x.getFirst());
                    List<JsonNode> rows = new ArrayList<>();
                    if (c.all()) rows.addAll(records.all(x.getFirst()));
                    for (String r : x.subList(1, x.size())) {
                        JsonNode ref = records.ref(txn, x.getFirst(), r, c.ifExists());
                        if (ref != null) rows.add(ref);
                    }
                    if (!c.all() && x.size() == 1) cli.err.println("ovs-vsctl: either --all or records argument should be specified");
                    for (JsonNode ref : rows) txn.destroy(records.tableName(x.getFirst()), ref);
                }
                case "get-manager" -> {
                    if (records == null) records = new OvsRecords(ovs);
                    List<String> targets = records.column("Manager", "target").stream().sorted().toList();
                    targets.forEach(text::add);
                    json.add(targets);
                }
                case "set-ssl", "del-ssl" -> {
                    txn = txn == null ? ovs.begin() : txn;
                    if (records == null) records = new OvsRecords(ovs);
                    records.ssl(txn, c.name().equals("set-ssl") ? x : null, c.bootstrap());
                }
                case "get-ssl" -> {
                    if (records == null) records = new OvsRecords(ovs);
                    List<String> lines = records.ssl();
                    text.addAll(lines);
                    json.add(lines);
                }
                case "emer-reset" -> {
                    txn = txn == null ? ovs.begin() : txn;
                    if (records == null) records = new OvsRecords(ovs);
                    records.emergencyReset(txn);
                }
                case "set-manager", "del-manager" -> {
                    txn = txn == null ? ovs.begin() : txn;
                    if (records == null) records = new OvsRecords(ovs);
                    setManagers(txn, records, x);
                }
                default -> throw new IllegalStateException(c.name());
            }
        }
        List<String> notes = new ArrayList<>();
        if (txn != null && !txn.userspacePorts().isEmpty()) {
            // the userspace datapath does not complete checksums: TX offload off on each port's veth pair, first
            try (ChecksumOffload offload = new ChecksumOffload(cli.registry)) {
                for (String port : txn.userspacePorts()) notes.addAll(offload.prepare(port));
            }
        }
        OvsTransaction.Result result = txn == null ? null : txn.commit(noWait ? null : timeout);
        for (Command c : afterCommit) if (!waitUntil(ovs, c)) return TIMED_OUT;
        for (var e : createdAt.entrySet()) {
            text.set(e.getKey(), result.created().get(e.getValue().path(1).asText()));
            json.add(text.get(e.getKey()));
        }
        if (result != null) {
            if (verbose) notes.forEach(n -> cli.err.println("nslab ovs: " + n));
            result.warnings().forEach(w -> cli.err.println("ovs-vsctl: " + w));
            // as ovs-vsctl, once after them: where ovs-vswitchd's log says more
            if (!result.warnings().isEmpty()) cli.err.println("ovs-vsctl: The default log directory is \"" + new OvsDaemons().logDir() + "\".");
        }
        if (cli.json) {
            if (json.size() == 1) cli.printJson(json.getFirst());
            else if (!json.isEmpty()) cli.printJson(json);
            else if (result != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("changed", result.changed());
                m.put("warnings", result.warnings());
                m.put("notes", notes);
                cli.printJson(m);
            }
        } else if (oneline) {
            starts.add(text.size());
            for (int k = 0; k + 1 < starts.size(); k++) {
                String out = String.join("\n", text.subList(starts.get(k), starts.get(k + 1)));
                cli.out.println(out.replace("\\", "\\\\").replace("\n", "\\n"));
            }
        } else {
            text.forEach(cli.out::println);
        }
        return status;
    }

    /** The commands that change nothing (a wait-until among them waits before the line runs). */
    private static final java.util.Set<String> READ_ONLY = java.util.Set.of("init", "comment", "show", "list-br", "br-exists", "list-ports", "list-ifaces",
            "iface-to-br", "port-to-br", "br-to-vlan", "br-to-parent", "get", "list", "find", "get-controller", "get-fail-mode",
            "br-get-external-id", "get-manager", "get-ssl");
    /** ovs-vsctl's status when --timeout passes: SIGALRM ends it (the shell's 128 + 14), with nothing said. */
    private static final int TIMED_OUT = 142;

    /** wait-until TABLE RECORD [COLUMN[:KEY]=VALUE]...: until the record is there and every condition holds; false at --timeout. */
    private boolean waitUntil(Ovs ovs, Command c) {
        List<String> x = c.args();
        return ovs.awaitUntil(() -> new OvsRecords(ovs).holds(x.get(0), x.get(1), x.subList(2, x.size())), timeoutGiven);
    }

    /** Whether the chain sets {@code bridge}'s datapath_type itself (then nslab's choice of one goes unsaid). */
    private static boolean setsDatapath(List<Command> cmds, String bridge) {
        return cmds.stream().anyMatch(c -> c.name().equals("set") && c.args().size() > 2 && c.args().get(0).equalsIgnoreCase("bridge")
                && c.args().get(1).equals(bridge) && c.args().subList(2, c.args().size()).stream().anyMatch(w -> w.startsWith("datapath_type=")));
    }

    /** A bridge for what ovs-vsctl reads of it (controllers, fail mode): a fake bridge's are its parent's. */
    private static OvsBridge bridge(OvsState s, String name) {
        return s.bridge(name).or(() -> s.fakeBridge(name).map(OvsState.FakeBridge::parent))
                .orElseThrow(() -> new OvsdbException("no bridge named " + name, "refused", name));
    }

    /** A bridge's name, real or fake, or ovs-vsctl's refusal. */
    private static String knownBridge(OvsState s, String name) {
        if (!s.bridgeNames(true, true).contains(name)) throw new OvsdbException("no bridge named " + name, "refused", name);
        return name;
    }

    /** C's atoi, as ovs-vsctl reads add-br's VLAN: the leading integer, 0 where there is none. */
    private static int atoi(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*([+-]?\\d{1,9})").matcher(s);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** A setting's COLUMN and VALUE (as typed), or ovs-vsctl's refusal of a word without "=". */
    private static String[] columnValue(String setting) {
        int eq = setting.indexOf('=');
        if (eq < 0) throw new UsageException("ovs-vsctl: " + setting + ": argument does not end in \"=\" followed by a value.");
        return new String[] {setting.substring(0, eq), setting.substring(eq + 1)};
    }

    /** tag=N, trunks=N,M or [N,M], vlan_mode=MODE. */
    private static PortConfig portConfig(List<String> settings) {
        PortConfig c = PortConfig.NONE;
        for (String s : settings) {
            String[] cv = columnValue(s);
            String col = cv[0], v = cv[1];
            try {
                c = switch (col) {
                    case "tag" -> c.withTag(v.equals("[]") ? null : integer(v, col));
                    case "trunks" -> c.withTrunks(vlans(v));
                    case "vlan_mode" -> c.withVlanMode(v);
                    case "bond_mode" -> c.withBondMode(unquote(v));
                    case "lacp" -> c.withLacp(unquote(v));
                    default -> throw new UsageException("ovs-vsctl: Port does not contain a column whose name matches \"" + col
                            + "\" (nslab sets tag, trunks, vlan_mode, bond_mode and lacp)");
                };
            } catch (IllegalArgumentException e) {
                throw new UsageException("ovs-vsctl: " + e.getMessage());
            }
        }
        return c;
    }

    private static int integer(String v, String col) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("ovs-vsctl: \"" + v + "\" is not a valid integer for " + col);
        }
    }

    /** A set of VLANs in the database's notation ("10,20", "[10, 20]", "20-22"), read as ovs-vsctl reads it. */
    private static List<Integer> vlans(String v) {
        var type = new OvsSchema.Type(new OvsSchema.Base("integer", null), null, 0, 4096);
        List<Integer> out = new ArrayList<>();
        for (JsonNode[] m : Datum.members(Datum.parse(v, type, id -> null))) out.add(m[0].asInt());
        return out;
    }

    private void set(OvsTransaction txn, OvsRecords records, List<String> x, boolean ifExists) {
        String table = records.tableName(x.get(0)), record = x.get(1);
        List<String> settings = x.subList(2, x.size());
        JsonNode ref = records.ref(txn, table, record, ifExists);
        if (ref == null) return;
        // the columns nslab does more for than writing them first: a bridge's datapath and an interface's type (what
        // a port needs before it joins), a port's VLANs (checked as nslab's labs check them); any other as written
        List<String> rest = new ArrayList<>(), vlans = new ArrayList<>();
        for (String s : settings) {
            String[] cv = columnValue(s);
            String col = cv[0].replace('-', '_'), v = unquote(cv[1]);
            if (table.equals("Bridge") && col.equals("datapath_type")) txn.setDatapathType(record, v);
            else if (table.equals("Interface") && col.equals("type")) txn.setInterfaceType(record, v);
            else if (table.equals("Port") && PORT_CONFIG.contains(col) && !v.equals("[]")) vlans.add(s);
            else rest.add(s);
        }
        if (!vlans.isEmpty()) {
            records.check(table, vlans);
            txn.setPort(record, portConfig(vlans));
        }
        records.set(txn, table, ref, rest);
    }

    /** The columns of a port that {@link PortConfig} holds. */
    private static final List<String> PORT_CONFIG = List.of("tag", "trunks", "vlan_mode", "bond_mode", "lacp");

    /**
     * {@code set-manager TARGET...} (the targets from now on, each a Manager row of its own, as ovs-vsctl makes
     * them) and {@code del-manager} (none).
     */
    private static void setManagers(OvsTransaction txn, OvsRecords records, List<String> targets) {
        for (JsonNode old : records.all("Manager")) txn.destroy("Manager", old);
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        var refs = f.arrayNode();
        for (String t : new java.util.TreeSet<>(targets)) {
            JsonNode row = txn.create("Manager");
            txn.write("Manager", row, "target", f.textNode(t));
            refs.add(row);
        }
        JsonNode root = records.ref(txn, "Open_vSwitch", ".", false);
        txn.write("Open_vSwitch", root, "manager_options", f.arrayNode().add("set").add(refs));
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** The layout of ovs-vsctl show (bridges and ports in UUID order, as it lists them). */
    static String show(OvsState s) {
        StringBuilder sb = new StringBuilder(s.uuid()).append('\n');
        for (OvsBridge b : s.bridges()) {
            sb.append("    Bridge ").append(quote(b.name())).append('\n');
            for (String target : b.controllers()) sb.append("        Controller ").append(quote(target)).append('\n');
            if (b.failMode() != null) sb.append("        fail_mode: ").append(quote(b.failMode())).append('\n');
            if (!b.datapathType().isEmpty()) sb.append("        datapath_type: ").append(quote(b.datapathType())).append('\n');
            for (OvsPort p : b.ports()) {
                sb.append("        Port ").append(quote(p.name())).append('\n');
                if (p.tag() != null) sb.append("            tag: ").append(p.tag()).append('\n');
                if (!p.trunks().isEmpty()) sb.append("            trunks: ").append(p.trunks()).append('\n');
                for (OvsInterface i : p.interfaces()) {
                    sb.append("            Interface ").append(quote(i.name())).append('\n');
                    if (!i.type().isEmpty()) sb.append("                type: ").append(quote(i.type())).append('\n');
                    if (i.error() != null) sb.append("                error: ").append(quote(i.error())).append('\n');
                    if (!i.options().isEmpty()) {
                        List<String> kv = new ArrayList<>();
                        new java.util.TreeMap<>(i.options()).forEach((k, v) -> kv.add(quote(k) + "=" + quote(v)));
                        sb.append("                options: {").append(String.join(", ", kv)).append("}\n");
                    }
                }
            }
        }
        if (s.ovsVersion() != null) sb.append("    ovs_version: ").append(quote(s.ovsVersion())).append('\n');
        return sb.substring(0, sb.length() - 1);
    }

    /** OVSDB's string notation: bare when it reads as an identifier, else a JSON string. */
    static String quote(String v) {
        if (v.matches("[A-Za-z_][A-Za-z0-9_.\\-]*") && !v.equals("true") && !v.equals("false")) return v;
        return Json.write(v, false);
    }

    private static Map<String, Object> stateJson(OvsState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", s.uuid());
        m.put("ovs_version", s.ovsVersion());
        List<Object> bridges = new ArrayList<>();
        for (OvsBridge b : s.bridges()) {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("name", b.name());
            bm.put("uuid", b.uuid());
            bm.put("datapath_type", b.datapathType());
            bm.put("fail_mode", b.failMode());
            bm.put("controllers", b.controllers());
            List<Object> ports = new ArrayList<>();
            for (OvsPort p : b.ports()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("name", p.name());
                pm.put("uuid", p.uuid());
                pm.put("tag", p.tag());
                pm.put("trunks", p.trunks());
                pm.put("vlan_mode", p.vlanMode());
                List<Object> ifs = new ArrayList<>();
                for (OvsInterface i : p.interfaces()) {
                    Map<String, Object> im = new LinkedHashMap<>();
                    im.put("name", i.name());
                    im.put("type", i.type());
                    im.put("error", i.error());
                    im.put("options", i.options());
                    ifs.add(im);
                }
                pm.put("interfaces", ifs);
                ports.add(pm);
            }
            bm.put("ports", ports);
            bridges.add(bm);
        }
        m.put("bridges", bridges);
        return m;
    }

    /** A bridge or port becomes a network device of that name: the kernel's rule for interface names applies. */
    private static String deviceName(String name, String what) {
        String why = Link.whyInvalid(name);
        if (why != null) throw new OvsdbException("\"" + name + "\" is not a valid " + what + " name: it " + why, "refused", name);
        return name;
    }

    /** A --may-exist conflict as ovs-vsctl words it: the command as typed, then what is really there. */
    private static OvsdbException inVsctlWords(OvsdbException e, String command) {
        return switch (e.error()) {
            case OvsdbException.ATTACHED_ELSEWHERE -> new OvsdbException("\"--may-exist " + command + "\" but " + e.object()
                    + " is actually attached to bridge " + e.other(), e.error(), e.object(), e.other());
            case OvsdbException.OTHER_INTERFACES -> new OvsdbException("\"--may-exist " + command + "\" but " + e.object()
                    + " actually has interface(s) " + e.other(), e.error(), e.object(), e.other());
            case OvsdbException.EXISTS_OTHERWISE -> new OvsdbException("\"--may-exist " + command + "\" but " + e.object() + " " + e.other(),
                    e.error(), e.object(), e.other());
            default -> e;
        };
    }
}
