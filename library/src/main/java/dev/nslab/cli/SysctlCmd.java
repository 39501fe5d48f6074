package dev.nslab.cli;

import dev.nslab.error.Errno;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NetnsExec;
import dev.nslab.net.NsRef;
import dev.nslab.net.Sysctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code nslab [-n NETNS] sysctl [OPTIONS] [KEY[=VALUE]...]}: sysctl(8) of procps-ng inside the namespace, with its
 * options (-a, -p/--load, --system, -r, -N, -b, --dry-run...), its output, its words for each refusal and its exit
 * statuses, which are not always the obvious ones (a read-only key is warned of and is no failure; the statuses of
 * reads add up).
 */
final class SysctlCmd extends NsCmd {
    private static final char DEPRECATED = '\u0001', DRY_RUN = '\u0002', SYSTEM = '\u0003';
    /** Its long options (any unique prefix is taken, as getopt_long takes it) and the short option each stands for. */
    private static final Map<String, Character> LONG = new LinkedHashMap<>();
    static {
        LONG.put("all", 'a');
        LONG.put("deprecated", DEPRECATED);
        LONG.put("dry-run", DRY_RUN);
        LONG.put("binary", 'b');
        LONG.put("ignore", 'e');
        LONG.put("names", 'N');
        LONG.put("values", 'n');
        LONG.put("load", 'p');
        LONG.put("quiet", 'q');
        LONG.put("write", 'w');
        LONG.put("system", SYSTEM);
        LONG.put("pattern", 'r');
        LONG.put("help", 'h');
        LONG.put("version", 'V');
    }
    private static final String FLAGS = "bneNwfpqoxaAXrVdh";
    /** Parameters no longer in use that -a leaves out unless --deprecated. */
    private static final List<String> DEPRECATED_NAMES = List.of("base_reachable_time", "retrans_time");
    /** --system's directories, the first holding a name wins; then /etc/sysctl.conf. */
    private static final List<String> SYSTEM_DIRS = List.of("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d");
    private static final String DEFAULT_FILE = "/etc/sysctl.conf";

    private final Sysctl sysctl;
    private boolean printName = true, printNewline = true, ignoreError, quiet, nameOnly, dryRun, ignoreDeprecated = true;
    private Pattern pattern;
    private boolean badPattern;
    /** -j: what was read or written, by name. */
    private final Map<String, String> json = new LinkedHashMap<>();

    SysctlCmd(Cli cli, NsRef ns) {
        super(cli, ns);
        this.sysctl = new Sysctl(cli.registry);
    }

    /** A line of a file (or an item of the command line) as sysctl reads it: KEY = VALUE, -KEY = VALUE, -KEY. */
    record Setting(String key, String path, String value, boolean ignoreFailure, boolean exclude) { }

    @Override
    int run(Args a) {
        List<String> words = new ArrayList<>();
        while (a.more()) words.add(a.next());
        if (words.isEmpty()) {
            Help.sysctl(cli.err);
            return 1;
        }
        if (words.getFirst().equals("help")) { // nslab's way to ask any object
            Help.sysctl(cli.out);
            return 0;
        }
        boolean write = false, all = false, load = false;
        String loadFile = null;
        List<String> items = new ArrayList<>();
        // getopt_long: options anywhere (the rest are items, in order), "--" ends them
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--")) {
                items.addAll(words.subList(i + 1, words.size()));
                break;
            }
            if (!w.startsWith("-") || w.equals("-")) {
                items.add(w);
                continue;
            }
            List<Option> opts = new ArrayList<>();
            if (w.startsWith("--")) {
                Option o = longOption(w, i + 1 < words.size() ? words.get(i + 1) : null);
                if (o == null) return usage();
                if (o.consumedNext()) i++;
                opts.add(o);
            } else {
                for (int k = 1; k < w.length(); k++) {
                    char c = w.charAt(k);
                    if (FLAGS.indexOf(c) < 0) {
                        warn("invalid option -- '" + c + "'");
                        return usage();
                    }
                    if (c == 'r' || c == 'p') { // the rest of the word is the value (-rREGEX, -pFILE)
                        String value = k + 1 < w.length() ? w.substring(k + 1) : null;
                        if (c == 'r' && value == null) {
                            if (i + 1 >= words.size()) {
                                warn("option requires an argument -- 'r'");
                                return usage();
                            }
                            value = words.get(++i);
                        }
                        opts.add(new Option(c, value, false));
                        break;
                    }
                    opts.add(new Option(c, null, false));
                }
            }
            for (Option o : opts) {
                switch (o.flag()) {
                    case 'b' -> { printNewline = false; printName = false; }
                    case 'n' -> printName = false;
                    case 'e' -> ignoreError = true;
                    case 'N' -> nameOnly = true;
                    case 'w' -> write = true;
                    case 'f', 'p' -> {
                        load = true;
                        if (o.value() != null) loadFile = o.value();
                    }
                    case 'q' -> quiet = true;
                    case 'o', 'x' -> { } // BSD's, doing nothing
                    case 'a', 'A', 'X' -> all = true;
                    case DEPRECATED -> ignoreDeprecated = false;
                    case DRY_RUN -> dryRun = true;
                    case 'r' -> {
                        try {
                            pattern = Pattern.compile(o.value());
                        } catch (PatternSyntaxException e) {
                            badPattern = true; // regcomp fails: nothing matches
                        }
                    }
                    case SYSTEM -> { // done at once, where it stands among the options
                        ignoreError = true;
                        List<Setting> list = new ArrayList<>();
                        int status = loadSystem(list);
                        status |= writeAll(list);
                        return finish(status);
                    }
                    case 'V' -> {
                        cli.out.println("sysctl (nslab " + Help.VERSION + ")");
                        return 0;
                    }
                    default -> { return usage(); } // -h, -d
                }
            }
        }
        if (all) return finish(displayAll(""));
        if (load) {
            List<Setting> list = new ArrayList<>();
            int status = 0;
            if (loadFile != null) status |= loadFile(list, loadFile);
            else if (items.isEmpty()) status |= loadFile(list, DEFAULT_FILE);
            for (String f : items) status |= loadFile(list, f);
            status |= writeAll(list);
            return finish(status);
        }
        if (items.isEmpty()) {
            warn("no variables specified\nTry `sysctl --help' for more information.");
            return 1;
        }
        if (nameOnly && quiet) {
            warn("options -N and -q cannot coexist\nTry `sysctl --help' for more information.");
            return 1;
        }
        int status = 0;
        for (String item : items) {
            if (write || item.indexOf('=') >= 0) {
                Setting s = parse("command line", 0, item);
                status |= s == null ? 1 : write(s.key(), s.path(), s.value(), s.ignoreFailure());
            } else {
                status += read(item); // as sysctl adds them: two unknown keys exit with 2
            }
        }
        return finish(status);
    }

    /** An option as getopt_long hands it over: its letter, its value, and whether the value was the next word. */
    private record Option(char flag, String value, boolean consumedNext) { }

    /** A long option ({@code --name}, {@code --name=value}, a unique prefix), or null once its refusal is said. */
    private Option longOption(String w, String next) {
        int eq = w.indexOf('=');
        String name = w.substring(2, eq < 0 ? w.length() : eq), value = eq < 0 ? null : w.substring(eq + 1);
        List<String> found = LONG.containsKey(name) ? List.of(name) : LONG.keySet().stream().filter(n -> n.startsWith(name)).toList();
        if (found.isEmpty()) {
            warn("unrecognized option '" + w + "'");
            return null;
        }
        if (found.size() > 1) {
            warn("option '" + w.substring(0, eq < 0 ? w.length() : eq) + "' is ambiguous; possibilities:"
                    + String.join("", found.stream().map(f -> " '--" + f + "'").toList()));
            return null;
        }
        String full = found.getFirst();
        char flag = LONG.get(full);
        if (flag == 'r') {
            if (value != null) return new Option(flag, value, false);
            if (next == null) {
                warn("option '--" + full + "' requires an argument");
                return null;
            }
            return new Option(flag, next, true);
        }
        if (value != null && flag != 'p') {
            warn("option '--" + full + "' doesn't allow an argument");
            return null;
        }
        return new Option(flag, value, false);
    }

    /** As sysctl after a refused option: its usage on standard output, and success. */
    private int usage() {
        Help.sysctl(cli.out);
        return 0;
    }

    private int finish(int status) {
        if (cli.json) cli.printJson(json);
        return status & 0xff;
    }

    private void warn(String text) {
        cli.out.flush();
        cli.err.println("sysctl: " + text);
    }

    private boolean matches(String s) { return !badPattern && (pattern == null || pattern.matcher(s).find()); }

    // ---- reading ----------------------------------------------------------------------------------------------

    /** One key read and printed: 0, 1 where it failed, -1 where it is no key at all (sysctl's -1, added up). */
    private int read(String name) {
        if (name.isEmpty()) {
            warn("\"\" is an unknown key");
            return -1;
        }
        String shown = Sysctl.keyOf(name), path = Sysctl.pathOf(name, r -> warn("separators should not be repeated: " + r));
        Sysctl.Node n = sysctl.stat(ns, path);
        if (!n.exists()) {
            if (ignoreError) return 0;
            warn("cannot stat " + Sysctl.ROOT.resolve(path) + ": " + NetHandle.strerror(n.errno()));
            return 1;
        }
        if (!n.readable()) return 0;
        if (!n.underRoot()) {
            warn("Path is not under " + Sysctl.ROOT + "/: " + Sysctl.ROOT.resolve(path));
            return -1;
        }
        if (n.directory()) return displayAll(path);
        if (!matches(shown)) return 0;
        if (nameOnly) {
            cli.out.println(shown);
            return 0;
        }
        return show(shown, sysctl.readFile(ns, n));
    }

    /**
     * Every parameter under directory {@code path} ("" for all), in the kernel's order: the statuses of the files
     * directly in it count, not those of its subdirectories (as sysctl's own walk has it).
     */
    private int displayAll(String path) {
        int status = 0;
        for (Sysctl.Reading r : sysctl.tree(ns, path)) {
            if (ignoreDeprecated && isDeprecated(r.path())) continue;
            String shown = Sysctl.keyOf(r.path());
            int one;
            if (!r.readable()) {
                if (r.errno() != 0) warn("cannot stat " + Sysctl.ROOT.resolve(r.path()) + ": " + NetHandle.strerror(r.errno()));
                one = 0;
            } else if (!matches(shown)) {
                one = 0;
            } else if (nameOnly) {
                cli.out.println(shown);
                one = 0;
            } else {
                one = show(shown, r);
            }
            if (r.depth() == 0) status |= one;
        }
        return status;
    }

    private boolean isDeprecated(String path) {
        for (String part : path.split("/")) if (DEPRECATED_NAMES.contains(part)) return true;
        return false;
    }

    /** A file's value printed as sysctl prints it (each line of it); its status. */
    private int show(String shown, Sysctl.Reading r) {
        if (r.text() == null) {
            int e = r.errno();
            if (e == Errno.EIO) return 1; // stable_secret before one is set: sysctl says nothing of it
            if (e == Errno.EACCES) warn("permission denied on key '" + shown + "'");
            else if (!r.opened() && e == Errno.ENOENT) {
                if (ignoreError) return 0;
                warn("\"" + shown + "\" is an unknown key");
            } else warn("reading key \"" + shown + "\"" + (r.opened() ? "" : ": " + NetHandle.strerror(e)));
            return 1;
        }
        if (cli.json) {
            if (!r.text().isEmpty()) json.put(shown, r.text().endsWith("\n") ? r.text().substring(0, r.text().length() - 1) : r.text());
            return 0;
        }
        StringBuilder out = new StringBuilder();
        for (String line : r.text().split("(?<=\n)")) {
            if (line.isEmpty()) continue;
            if (printName) out.append(shown).append(" = ").append(line).append(line.endsWith("\n") ? "" : "\n");
            else out.append(printNewline || !line.endsWith("\n") ? line : line.substring(0, line.length() - 1));
        }
        cli.out.print(out);
        return 0;
    }

    // ---- writing ----------------------------------------------------------------------------------------------

    /** One value written (unless --dry-run) and said; sysctl's status for it. */
    private int write(String key, String path, String value, boolean ignoreFailure) {
        Sysctl.Node n = sysctl.stat(ns, path);
        if (!n.exists()) {
            if (ignoreError) return 0;
            warn("cannot stat " + Sysctl.ROOT.resolve(path) + ": " + NetHandle.strerror(n.errno()));
            return 1;
        }
        if (!n.underRoot()) {
            warn("Path is not under " + Sysctl.ROOT + "/: " + Sysctl.ROOT.resolve(path));
            return 1;
        }
        String shown = Sysctl.keyOf(path);
        if (!n.writable() || n.directory()) {
            // sysctl warns with whatever errno it last saw (EINVAL on Linux) and goes on as if nothing failed
            warn("setting key \"" + shown + "\": " + NetHandle.strerror(Errno.EINVAL));
            return 0;
        }
        int status = 0;
        String text = value == null ? "(null)" : value;
        if (!dryRun) {
            Sysctl.Written w = sysctl.writeFile(ns, path, text);
            String ignoring = ignoreFailure ? ", ignoring" : "";
            if (!w.opened()) {
                int e = w.errno();
                if (e == Errno.ENOENT) {
                    if (!ignoreError) {
                        warn("\"" + shown + "\" is an unknown key" + ignoring);
                        if (!ignoreFailure) status = 1;
                    }
                } else {
                    if (e == Errno.EPERM || e == Errno.EROFS || e == Errno.EACCES) warn("permission denied on key \"" + shown + "\"" + ignoring);
                    else warn("setting key \"" + shown + "\"" + ignoring + ": " + NetHandle.strerror(e));
                    if (!ignoreFailure) status = 1;
                }
            } else if (w.errno() != 0) {
                warn("setting key \"" + shown + "\": " + NetHandle.strerror(w.errno()));
                return 1;
            }
        }
        if (status == 0 && !quiet || dryRun) {
            if (cli.json) json.put(shown, text);
            else if (nameOnly) cli.out.println(text);
            else if (printName) cli.out.println(shown + " = " + text);
            else if (printNewline) cli.out.println(text);
            else cli.out.print(text);
        }
        return status;
    }

    /**
     * The settings in the order read, each written; a key with glob characters is written to every parameter it
     * matches that no other line names (an override or a -KEY exclusion).
     */
    private int writeAll(List<Setting> list) {
        int status = 0;
        for (Setting s : list) {
            if (s.exclude()) continue;
            if (!Sysctl.isGlob(s.path())) {
                status |= write(s.key(), s.path(), s.value(), s.ignoreFailure());
                continue;
            }
            for (String match : sysctl.glob(ns, s.path())) {
                if (list.stream().anyMatch(o -> o.path().equals(match))) continue;
                status |= write(s.key(), match, s.value(), s.ignoreFailure());
            }
        }
        return status;
    }

    /**
     * A line of a file as sysctl reads it: null for a comment, a blank line, one the -r pattern does not match, or
     * one it calls invalid (said, with the file and line).
     */
    private Setting parse(String file, int line, String text) {
        return parse(file, line, text, pattern == null && !badPattern ? null : this::matches, w -> warn(w));
    }

    /** The same, as a rule of its own: {@code selected} null takes every line; {@code warnings} hears the refusals. */
    static Setting parse(String file, int line, String text, java.util.function.Predicate<String> selected, java.util.function.Consumer<String> warnings) {
        String key = text.stripLeading();
        if (key.length() < 2 || key.startsWith("#") || key.startsWith(";")) return null;
        if (selected != null && !selected.test(key)) return null;
        int eq = key.indexOf('=');
        if (eq < 0) {
            if (!key.startsWith("-")) {
                warnings.accept(file + "(" + line + "): invalid syntax, continuing...");
                return null;
            }
            String k = key.substring(1).stripTrailing();
            return new Setting(k, Sysctl.pathOf(k, r -> warnings.accept("separators should not be repeated: " + r)), null, false, true);
        }
        String k = key.substring(0, eq).stripTrailing(), value = key.substring(eq + 1).strip();
        boolean ignore = k.startsWith("-");
        if (ignore) k = k.substring(1);
        return new Setting(k, Sysctl.pathOf(k, r -> warnings.accept("separators should not be repeated: " + r)), value, ignore, false);
    }

    // ---- files ------------------------------------------------------------------------------------------------

    /** The settings of file {@code name} (a glob; "-": standard input) added to {@code list}; 1 where it cannot be opened. */
    private int loadFile(List<Setting> list, String name) {
        int n = 0;
        for (String f : files(name)) {
            String text;
            try {
                text = f.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(etc(Path.of(f)));
            } catch (IOException e) {
                warn("cannot open \"" + f + "\": " + reason(e));
                return 1;
            }
            if (text.isEmpty()) continue;
            for (String line : text.split("(?<=\n)")) {
                n++;
                // getline's length, with the newline: an empty line is skipped before it is looked at
                if (line.length() < 2) continue;
                Setting s = parse(f, n, line);
                if (s != null) list.add(s);
            }
        }
        return 0;
    }

    /** --system: the .conf files of the system's directories by name (the first directory holding a name wins), then /etc/sysctl.conf. */
    private int loadSystem(List<Setting> list) {
        Map<String, Path> byName = new TreeMap<>();
        for (String d : SYSTEM_DIRS) {
            Path dir = etc(Path.of(d));
            if (!Files.isDirectory(dir)) continue;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (name.length() >= 5 && name.endsWith(".conf")) byName.putIfAbsent(name, Path.of(d, name));
                }
            } catch (IOException e) {
                // a directory it cannot read is one it does not have
            }
        }
        int status = 0;
        for (Path p : byName.values()) {
            if (!quiet) cli.out.println("* Applying " + p + " ...");
            status |= loadFile(list, p.toString());
        }
        if (Files.isRegularFile(etc(Path.of(DEFAULT_FILE)))) {
            if (!quiet) cli.out.println("* Applying " + DEFAULT_FILE + " ...");
            status |= loadFile(list, DEFAULT_FILE);
        }
        return status;
    }

    /** A file under /etc as a program in the namespace sees it ({@code ip netns exec} binds /etc/netns/NAME's over /etc). */
    private Path etc(Path file) { return ns instanceof NsRef.Named(String name) ? NetnsExec.etcFile(name, file) : file; }

    /** The files a name stands for: a glob's matches in order, else the name itself (glob(3) with GLOB_NOCHECK). */
    private static List<String> files(String name) {
        if (name.startsWith("~/")) name = System.getProperty("user.home") + name.substring(1);
        if (!Sysctl.isGlob(name) && name.indexOf('{') < 0) return List.of(name);
        Path p = Path.of(name), dir = p.getParent() == null ? Path.of(".") : p.getParent();
        List<String> found = new ArrayList<>();
        var m = dir.getFileSystem().getPathMatcher("glob:" + p.getFileName());
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                if (!f.getFileName().toString().startsWith(".") && m.matches(f.getFileName())) found.add(p.getParent() == null ? f.getFileName().toString() : f.toString());
            }
        } catch (IOException e) {
            return List.of(name);
        }
        found.sort(null);
        return found.isEmpty() ? List.of(name) : found;
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return NetHandle.strerror(Errno.ENOENT);
        if (e instanceof java.nio.file.AccessDeniedException) return NetHandle.strerror(Errno.EACCES);
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage();
    }
}
