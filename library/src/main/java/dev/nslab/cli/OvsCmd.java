package dev.nslab.cli;

import dev.nslab.net.ChecksumOffload;
import dev.nslab.net.Link;
import dev.nslab.ovs.Ovs;
import dev.nslab.ovs.OvsBridge;
import dev.nslab.ovs.OvsDaemons;
import dev.nslab.ovs.OvsInterface;
import dev.nslab.ovs.OvsPort;
import dev.nslab.ovs.OvsState;
import dev.nslab.ovs.OvsTransaction;
import dev.nslab.ovs.OvsdbException;
import dev.nslab.ovs.PortConfig;

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
    private boolean noWait;
    private boolean verbose;
    /** --bare (values only) and --no-headings, for list, find and get. */
    private boolean bare, noHeadings;
    /** --format: how list and find print their rows. */
    private OvsRecords.Format format = OvsRecords.Format.LIST;
    private Path socket;
    private boolean datapathSaid;

    /** One command of the chain with its own options (--may-exist, --if-exists). */
    /** One command of a chain; {@code columns} is --columns=A,B (null: all). */
    private record Command(String name, List<String> args, boolean mayExist, boolean ifExists, boolean fakeIface, List<String> columns) { }

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

    private int runChecked(Args a) {
        List<String> words = new ArrayList<>(a.rest());
        int i = 0;
        // global options, as ovs-vsctl takes them before the first command
        while (i < words.size() && words.get(i).startsWith("-") && !words.get(i).equals("--")) {
            String o = words.get(i);
            if (o.equals("--may-exist") || o.equals("--if-exists") || o.equals("--fake-iface") || o.startsWith("--columns=")) break; // a command option
            if (o.equals("--no-wait")) noWait = true;
            else if (o.equals("--bare")) bare = true;
            else if (o.equals("--no-headings")) noHeadings = true;
            else if (o.equals("--data=string") || o.equals("-dstring")) { }
            else if (o.equals("--data=bare") || o.equals("-dbare")) bare = true;
            else if (o.equals("-v") || o.equals("--verbose")) verbose = true;
            else if (o.equals("-j") || o.equals("--json") || o.equals("--format=json") || o.equals("-fjson")) cli.json = true;
            else if (o.startsWith("--format") || o.startsWith("-f")) {
                // --format=F, --format F, -fF, -f F (getopt's forms)
                String f = o.startsWith("--format=") ? o.substring(9) : o.startsWith("-f") && o.length() > 2 ? o.substring(2)
                        : o.equals("--format") || o.equals("-f") ? (i + 1 < words.size() ? words.get(++i) : null) : null;
                if (f == null && !o.equals("--format") && !o.equals("-f")) throw new UsageException("ovs-vsctl: unrecognized option '" + o + "' (try \"nslab ovs help\")");
                if (f == null) throw new UsageException("ovs-vsctl: option '" + o + "' requires an argument", 1);
                if (f.equals("json")) cli.json = true;
                else format = switch (f) {
                    case "list" -> OvsRecords.Format.LIST;
                    case "csv" -> OvsRecords.Format.CSV;
                    case "table" -> OvsRecords.Format.TABLE;
                    case "html" -> OvsRecords.Format.HTML;
                    default -> throw new UsageException("ovs-vsctl: unknown output format \"" + f + "\"", 1);
                };
            }
            else if (o.startsWith("--timeout=") || o.startsWith("-t")) timeout = Duration.ofSeconds(seconds(o.replaceFirst("^(--timeout=|-t)", ""), o));
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

    private static long seconds(String v, String opt) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("ovs-vsctl: value " + v + " on " + opt + " is not a number of seconds");
        }
    }

    private static List<Command> parseChain(List<String> words) {
        List<Command> out = new ArrayList<>();
        int i = 0;
        while (i < words.size()) {
            if (words.get(i).equals("--")) {
                i++;
                continue;
            }
            boolean mayExist = false, ifExists = false, fakeIface = false;
            List<String> columns = null;
            while (i < words.size() && words.get(i).startsWith("--")) {
                if (words.get(i).startsWith("--columns=")) {
                    columns = List.of(words.get(i++).substring("--columns=".length()).split(","));
                    continue;
                }
                switch (words.get(i)) {
                    case "--may-exist" -> mayExist = true;
                    case "--if-exists" -> ifExists = true;
                    case "--fake-iface" -> fakeIface = true;
                    case "--" -> { }
                    default -> throw new UsageException("ovs-vsctl: '" + words.get(i) + "' is not a valid option here (nslab knows --may-exist, --if-exists and --fake-iface)");
                }
                i++;
            }
            if (i >= words.size()) break;
            String name = words.get(i++);
            List<String> args = new ArrayList<>();
            while (i < words.size() && !words.get(i).equals("--")) args.add(words.get(i++));
            out.add(new Command(name, args, mayExist, ifExists, fakeIface, columns));
        }
        return out;
    }

    private static void checkArity(Command c) {
        int n = c.args().size();
        int[] range = switch (c.name()) {
            case "init", "show", "list-br" -> new int[] {0, 0};
            case "add-br", "del-br", "br-exists", "list-ports", "list-ifaces", "port-to-br", "iface-to-br" -> new int[] {1, 1};
            case "add-port" -> new int[] {2, Integer.MAX_VALUE};
            case "add-bond" -> new int[] {4, Integer.MAX_VALUE};
            case "list", "find" -> new int[] {1, Integer.MAX_VALUE};
            case "del-port" -> new int[] {1, 2};
            case "set", "get" -> new int[] {3, Integer.MAX_VALUE};
            case "clear" -> new int[] {3, Integer.MAX_VALUE};
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
        for (Command c : cmds) {
            List<String> x = c.args();
            switch (c.name()) {
                case "init" -> { }
                case "show" -> {
                    text.add(show(state));
                    json.add(stateJson(state));
                }
                case "list-br" -> {
                    List<String> names = state.bridges().stream().map(OvsBridge::name).sorted().toList();
                    names.forEach(text::add);
                    json.add(names);
                }
                case "br-exists" -> {
                    if (state.bridge(x.getFirst()).isEmpty()) status = 2;
                }
                case "list-ports" -> {
                    OvsBridge b = bridge(state, x.getFirst());
                    List<String> names = b.ports().stream().map(OvsPort::name).filter(n -> !n.equals(b.name())).sorted().toList();
                    names.forEach(text::add);
                    json.add(names);
                }
                case "list-ifaces" -> {
                    OvsBridge b = bridge(state, x.getFirst());
                    List<String> names = b.ports().stream().flatMap(p -> p.interfaces().stream()).map(OvsInterface::name)
                            .filter(n -> !n.equals(b.name())).sorted().toList();
                    names.forEach(text::add);
                    json.add(names);
                }
                case "iface-to-br" -> {
                    String b = state.bridgeOfInterface(x.getFirst()).map(OvsBridge::name)
                            .orElseThrow(() -> new OvsdbException("no interface named " + x.getFirst(), "refused", x.getFirst()));
                    text.add(b);
                    json.add(b);
                }
                case "port-to-br" -> {
                    String b = state.bridgeOfPort(x.getFirst()).map(OvsBridge::name)
                            .orElseThrow(() -> new OvsdbException("no port named " + x.getFirst(), "refused", x.getFirst()));
                    text.add(b);
                    json.add(b);
                }
                case "get" -> {
                    if (records == null) records = new OvsRecords(ovs);
                    for (String v : records.get(x.get(0), x.get(1), x.subList(2, x.size()), bare)) {
                        text.add(v);
                        json.add(v);
                    }
                }
                case "list", "find" -> {
                    if (records == null) records = new OvsRecords(ovs);
                    String out = c.name().equals("list") ? records.list(x.getFirst(), x.subList(1, x.size()), c.columns(), bare, !noHeadings, format)
                            : records.find(x.getFirst(), x.subList(1, x.size()), c.columns(), bare, !noHeadings, format);
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
                    Map<String, String> ids = new java.util.TreeMap<>(bridge(state, x.getFirst()).externalIds());
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
                    String dp = Ovs.datapathType(ChecksumOffload.kernelDatapath());
                    if (!txn.hasBridge(x.getFirst()) && !dp.isEmpty() && !datapathSaid && !setsDatapath(cmds, x.getFirst())) {
                        cli.err.println("nslab ovs: " + x.getFirst() + " uses the userspace datapath (datapath_type=" + dp
                                + "): this kernel has no openvswitch module");
                        datapathSaid = true;
                    }
                    txn.addBridge(deviceName(x.getFirst(), "bridge"), dp, c.mayExist());
                }
                case "del-br" -> (txn = txn == null ? ovs.begin() : txn).delBridge(x.getFirst(), c.ifExists());
                case "add-port" -> {
                    txn = txn == null ? ovs.begin() : txn;
                    try {
                        txn.addPort(x.get(0), deviceName(x.get(1), "port"), portConfig(x.subList(2, x.size())), c.mayExist());
                    } catch (OvsdbException e) {
                        throw inVsctlWords(e, "add-port " + x.get(0) + " " + x.get(1));
                    }
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
                    set(txn, x, c.ifExists());
                }
                case "clear" -> {
                    txn = txn == null ? ovs.begin() : txn;
                    table(x.getFirst(), "port");
                    if (c.ifExists() && !txn.hasPort(x.get(1))) continue;
                    for (String col : x.subList(2, x.size())) txn.clearPort(x.get(1), col);
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
        } else {
            text.forEach(cli.out::println);
        }
        return status;
    }

    /** Whether the chain sets {@code bridge}'s datapath_type itself (then nslab's choice of one goes unsaid). */
    private static boolean setsDatapath(List<Command> cmds, String bridge) {
        return cmds.stream().anyMatch(c -> c.name().equals("set") && c.args().size() > 2 && c.args().get(0).equalsIgnoreCase("bridge")
                && c.args().get(1).equals(bridge) && c.args().subList(2, c.args().size()).stream().anyMatch(w -> w.startsWith("datapath_type=")));
    }

    private static OvsBridge bridge(OvsState s, String name) {
        return s.bridge(name).orElseThrow(() -> new OvsdbException("no bridge named " + name, "refused", name));
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

    private static List<Integer> vlans(String v) {
        String s = v.trim();
        if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
        List<Integer> out = new ArrayList<>();
        for (String part : s.split(",")) if (!part.isBlank()) out.add(integer(part, "trunks"));
        return out;
    }

    private static void table(String name, String... allowed) {
        for (String a : allowed) if (a.equalsIgnoreCase(name)) return;
        throw new UsageException("ovs-vsctl: nslab handles table " + String.join(" and ", allowed) + " here, not \"" + name + "\"");
    }

    private void set(OvsTransaction txn, List<String> x, boolean ifExists) {
        String table = x.get(0), record = x.get(1);
        List<String> settings = x.subList(2, x.size());
        if (table.equalsIgnoreCase("bridge")) {
            if (ifExists && !txn.hasBridge(record)) return;
            for (String s : settings) {
                String[] cv = columnValue(s);
                String col = cv[0], v = unquote(cv[1]);
                if (col.equals("datapath_type")) txn.setDatapathType(record, v);
                else if (col.equals("stp_enable") || col.equals("rstp_enable") || col.equals("mcast_snooping_enable")) {
                    if (!v.equals("true") && !v.equals("false")) throw new UsageException("ovs-vsctl: \"" + v + "\" is not a valid boolean (use \"true\" or \"false\")");
                    txn.setBridgeFlag(record, col, v.equals("true"));
                } else if (col.equals("protocols")) {
                    String list = v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1) : v;
                    txn.setProtocols(record, java.util.Arrays.stream(list.split(",")).map(String::trim).map(OvsCmd::unquote).filter(w -> !w.isEmpty()).toList());
                }
                else if (col.equals("fail_mode")) txn.setFailMode(record, v.equals("[]") ? null : v);
                else if (mapColumn(col, "other_config") != null) txn.setBridgeMapKey(record, "other_config", mapColumn(col, "other_config"), v);
                else if (mapColumn(col, "external_ids") != null) txn.setBridgeMapKey(record, "external_ids", mapColumn(col, "external_ids"), v);
                else throw new UsageException("ovs-vsctl: nslab sets datapath_type, fail_mode, stp_enable, rstp_enable, mcast_snooping_enable, "
                            + "protocols, other_config:KEY and external_ids:KEY on a bridge, not \"" + col + "\"");
            }
            return;
        }
        if (table.equalsIgnoreCase("interface")) {
            if (ifExists && !txn.hasInterface(record)) return;
            for (String s : settings) {
                String[] cv = columnValue(s);
                String col = cv[0], v = unquote(cv[1]);
                if (col.equals("type")) txn.setInterfaceType(record, v);
                else if (col.equals("ofport_request") || col.equals("mtu_request")) txn.setInterfaceNumber(record, col, integer(v, col));
                else if (mapColumn(col, "options") != null) txn.setInterfaceOption(record, mapColumn(col, "options"), v);
                else throw new UsageException("ovs-vsctl: nslab sets type, ofport_request, mtu_request and options:KEY on an interface, not \"" + col + "\"");
            }
            return;
        }
        table(table, "port", "bridge", "interface");
        if (ifExists && !txn.hasPort(record)) return;
        txn.setPort(record, portConfig(settings));
    }

    /** "other-config:hwaddr" (ovs-vsctl takes - for _ in column names) → "hwaddr" when it names {@code column}'s key. */
    private static String mapColumn(String col, String column) {
        int colon = col.indexOf(':');
        if (colon < 0 || !col.substring(0, colon).replace('-', '_').equals(column)) return null;
        return col.substring(colon + 1);
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
            default -> e;
        };
    }
}
