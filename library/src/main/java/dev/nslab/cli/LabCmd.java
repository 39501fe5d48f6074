package dev.nslab.cli;

import dev.nslab.error.LabException;
import dev.nslab.error.MachineAccessException;
import dev.nslab.lab.Labs;
import dev.nslab.lab.Owners;
import dev.nslab.lab.file.TopologyParser;
import dev.nslab.lab.model.NodeInfo;
import dev.nslab.lab.model.Progress;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.LabState;
import dev.nslab.lab.verify.Verifier;
import dev.nslab.net.NetnsExec;
import dev.nslab.net.Processes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab up | down | status | ls | exec}: labs from topology files, over {@link Labs}. */
final class LabCmd {
    private final Cli cli;
    private Path stateDir;
    /** down --strict: a lab that is not there is an error (exit 1), as it was before down became idempotent. */
    private boolean strict;
    /** --name: the lab's name instead of its file's (containerlab's deploy --name); null: the file's. */
    private String named;

    LabCmd(Cli cli) {
        this.cli = cli;
        String env = System.getenv("NSLAB_STATE_DIR");
        this.stateDir = env == null || env.isEmpty() ? Labs.DEFAULT_STATE_DIR : cli.path(env);
    }

    Path stateDir() { return stateDir; }

    void stateDir(Path dir) { stateDir = dir; }

    /** nslab's own lab verbs. */
    static final java.util.Set<String> VERBS = java.util.Set.of("up", "down", "status", "ls", "exec", "verify", "logs");

    /** containerlab's verbs, taking its flags: deploy = up, destroy = down, inspect = status. */
    static final java.util.Map<String, String> CLAB_VERBS = java.util.Map.of("deploy", "up", "destroy", "down", "inspect", "status");

    int run(String verb, Args a) {
        String asTyped = verb;
        verb = CLAB_VERBS.getOrDefault(verb, verb);
        List<String> words = new ArrayList<>();
        boolean dryRun = false, all = false, verify = false, stale = false, detach = false, follow = false, allowHost = false;
        strict = false;
        named = null;
        int sample = 0;
        List<String> command = null;
        java.util.Set<String> filter = null;
        String label = null;
        Path junit = null;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "--dry-run", "-n" -> dryRun = true;
                case "--allow-host" -> allowHost = true;
                case "--all", "-a" -> all = true;
                case "--stale" -> stale = true;
                case "--strict" -> strict = true;
                case "--node-filter" -> filter = nodeFilter(a.value(w));
                case "--label" -> label = a.value(w);
                case "-d", "--detach" -> detach = true;
                case "-f", "--follow" -> follow = true;
                case "--verify" -> verify = true;
                case "--sample" -> sample = sampleSize(a.value("--sample"));
                case "--junit" -> junit = cli.path(a.value("--junit"));
                case "-j", "--json" -> cli.json = true;
                case "-t", "--topo" -> words.add(a.value(w));          // containerlab's way of naming the file
                case "--cleanup", "--reconfigure" -> { }                 // down removes everything anyway; up reconciles
                case "--format" -> {
                    String f = a.value("--format");
                    if (f.equals("json")) cli.json = true;
                    else if (!f.equals("table")) throw new UsageException("nslab " + asTyped + ": --format takes json or table, not \"" + f + "\"");
                }
                case "--state-dir" -> stateDir = cli.path(a.value("--state-dir"));
                case "--name" -> named = a.value("--name");
                case "--" -> command = new ArrayList<>(a.rest());
                case "help", "-h", "--help" -> {
                    Help.lab(cli.out);
                    return 0;
                }
                default -> {
                    if (Args.inline(w, "--state-dir") != null) stateDir = cli.path(Args.inline(w, "--state-dir"));
                    else if (w.startsWith("-") && !verb.equals("exec")) throw new UsageException("nslab " + verb + ": unknown option \"" + w + "\" (try \"nslab " + verb + " help\")");
                    else if (verb.equals("exec") && words.size() >= 2) {
                        command = new ArrayList<>(List.of(w));
                        command.addAll(a.rest());
                    } else words.add(w);
                }
            }
        }
        if ((verb.equals("up") || verb.equals("down")) && words.isEmpty() && !all && !stale) words.add(onlyLabFileHere(asTyped));
        Labs labs = new Labs(cli.registry, stateDir, progress(verb.equals("up")));
        // --name: the lab has that name, whatever its file's says; a verb given the file means the lab of that name
        if (named != null && !verb.equals("up") && !all && !stale) {
            if (words.isEmpty()) words.add(named);
            else if (Files.isRegularFile(cli.path(words.getFirst()))) words.set(0, named);
        }
        return switch (verb) {
            case "up" -> {
                int rc = up(labs, one(words, "up", "FILE"), dryRun, allowHost, filter);
                yield rc == 0 && verify && !dryRun ? verify(labs, words.getFirst(), sample, junit) : rc;
            }
            case "verify" -> verify(labs, one(words, "verify", "FILE|LAB"), sample, junit);
            case "down" -> stale ? downStale(words) : all ? downAll(labs, words)
                    : filter != null ? downSome(labs, one(words, "down", "FILE|LAB"), filter) : down(labs, one(words, "down", "FILE|LAB"));
            case "status", "ls" -> status(labs, words);
            case "exec" -> all || label != null ? execMany(labs, words, command, label) : exec(labs, words, command, detach);
            case "logs" -> logs(labs, words, follow);
            default -> throw new IllegalStateException(verb);
        };
    }

    /** As containerlab: without a file, the single *.clab.yml or *.clab.yaml of the current directory. */
    private String onlyLabFileHere(String verb) {
        List<String> found = new ArrayList<>();
        try (var ds = Files.newDirectoryStream(cli.path("."), "*.clab.{yml,yaml}")) {
            for (Path p : ds) found.add(p.getFileName().toString());
        } catch (java.io.IOException e) {
            // an unreadable directory holds no lab file we can use
        }
        if (found.size() == 1) return found.getFirst();
        throw new UsageException("Usage: nslab " + verb + " FILE (" + (found.isEmpty() ? "no *.clab.yml in this directory"
                : "several *.clab.yml here: " + String.join(", ", found.stream().sorted().toList())) + ")");
    }

    private static int sampleSize(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // worded below
        }
        throw new UsageException("nslab verify: --sample takes a number of pairs greater than 0, not \"" + text + "\"");
    }

    private static String one(List<String> words, String verb, String what) {
        if (words.size() != 1) throw new UsageException("Usage: nslab " + verb + " " + what + (words.isEmpty() ? " (missing)" : " (one only)"));
        return words.getFirst();
    }

    Progress progress() { return progress(false); }

    /**
     * Progress on standard error: a bar on a terminal, else a line per phase of 50 steps or more. {@code stoppable}
     * (an up): where a resident JVM's client has gone away, the next step ends the work as a failure would, once
     * (what the work then removes is not stopped again).
     */
    Progress progress(boolean stoppable) {
        boolean tty = cli.terminal() && (cli.err == System.err || cli.resident());
        return new Progress() {
            String what;
            int total, done;
            boolean stop = stoppable;

            private void stopIfGone() {
                if (stop && cli.clientGone()) {
                    stop = false;
                    throw new Resident.HungUp();
                }
            }

            public void phase(String w, int t) {
                stopIfGone();
                finishBar();
                what = w;
                total = t;
                done = 0;
                if (!tty && t >= 50) cli.err.println("nslab: " + w + " (" + t + ")");
                draw();
            }

            public void advance() {
                stopIfGone();
                done++;
                if (tty && (done == total || done % Math.max(1, total / 50) == 0)) draw();
            }

            public void say(String line) {
                finishBar();
                cli.err.println(line);
            }

            private void draw() {
                if (!tty || total < 2) return;
                int w = 30, filled = total == 0 ? w : done * w / total;
                cli.err.print("\r[" + "#".repeat(filled) + ".".repeat(w - filled) + "] " + what + " " + done + "/" + total + "   ");
                cli.err.flush();
            }

            private void finishBar() {
                if (tty && what != null && total >= 2) cli.err.print("\r" + " ".repeat(60) + "\r");
                what = null;
            }
        };
    }

    private Topology parse(String file) {
        Topology t = read(file);
        t.warnings().forEach(cli.err::println);
        return t;
    }

    /**
     * The file read and checked, its warnings not yet printed: a resident JVM declines a lab that starts programs,
     * and may decline it for what the lab has now, before it prints anything.
     */
    private Topology read(String file) {
        Topology t = TopologyParser.parseFile(cli.path(file), file, named, cli::variable);
        if (cli.resident() && t.startsPrograms()) throw new Resident.Declined("lab " + t.name() + " starts programs");
        return t;
    }

    /**
     * In a resident JVM, before a lab changes: declined when what the lab has now (its state) takes programs to
     * remove, or cannot be read from a state file (down then reads the lab's marks, which a process of its own does).
     */
    private void mayChangeHere(Labs labs, String lab, boolean mustExist) {
        if (!cli.resident()) return;
        LabState st;
        try {
            st = LabState.load(labs.stateDir(), lab);
        } catch (LabException e) {
            throw new Resident.Declined("the state of lab " + lab + " cannot be read");
        }
        if (st == null ? mustExist : java.util.stream.Stream.concat(st.done().stream(), st.pending().stream()).anyMatch(Resource::takesPrograms)) {
            throw new Resident.Declined(st == null ? "lab " + lab + " has no state file" : "lab " + lab + " has programs' objects");
        }
    }

    private static java.util.Set<String> nodeFilter(String text) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String n : text.split(",")) if (!n.isBlank()) out.add(n.strip());
        if (out.isEmpty()) throw new UsageException("--node-filter takes node names separated by commas, e.g. --node-filter r1,h1");
        return out;
    }

    private int up(Labs labs, String file, boolean dryRun, boolean allowHost, java.util.Set<String> filter) {
        Topology t = read(file);
        if (filter != null) t = t.only(filter);
        mayChangeHere(labs, t.name(), false);
        t.warnings().forEach(cli.err::println);
        long t0 = System.nanoTime();
        Labs.Result plan;
        try {
            plan = labs.up(t, dryRun, null, allowHost);
        } catch (MachineAccessException e) {
            throw new LabException(e.getMessage() + "\nread the file; if you want it to have that, run: nslab up " + file + " --allow-host"
                    + " (the same file, unchanged, is allowed from then on)", e);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        List<String> reaches = plan.access().words(t);
        if (cli.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lab", t.name());
            m.put("dry_run", dryRun);
            m.put("changed", !plan.isEmpty() && !dryRun);
            m.put("add", plan.add().stream().map(Resource::key).toList());
            m.put("remove", plan.remove().stream().map(Resource::key).toList());
            m.put("machine_access", reaches);
            m.put("machine_access_allowed", plan.access().allowed());
            m.put("seconds", Math.round(secs * 1000) / 1000.0);
            cli.printJson(m);
            return 0;
        }
        if (dryRun) {
            cli.out.println("lab " + t.name() + ": " + (plan.isEmpty() ? "nothing to change" : plan.add().size() + " to add, " + plan.remove().size() + " to remove"));
            plan.remove().forEach(r -> cli.out.println("- " + r.key()));
            plan.add().forEach(r -> cli.out.println("+ " + r.key()));
            if (!reaches.isEmpty()) {
                cli.out.println("beyond the lab's own confined nodes, the file asks for (" + (plan.access().remembered() ? "allowed before, the file unchanged"
                        : plan.access().allowed() ? "allowed by --allow-host" : "needs --allow-host") + "):");
                reaches.forEach(r -> cli.out.println("  " + r));
            }
            return 0;
        }
        if (plan.isEmpty()) {
            cli.out.println("lab " + t.name() + " is up to date: nothing to change");
            return 0;
        }
        long nodes = t.nodes().size();
        cli.out.printf("lab %s is up: %d nodes, %d links; %d objects added, %d removed in %.2f s%n", t.name(), nodes,
                t.links().size() + t.devices().size(), plan.add().size(), plan.remove().size(), secs);
        cli.out.println("  nodes: nslab status " + t.name() + "    shell: nslab exec " + t.name() + " NODE -- bash    remove: nslab down " + t.name());
        return 0;
    }

    /** The lab's topology: from the file given, or from the file the lab was brought up with. */
    private Topology topology(Labs labs, String fileOrLab) {
        Topology t = labs.topologyOf(fileOrLab);
        t.warnings().forEach(cli.err::println);
        return t;
    }

    /** Exit 0: the lab agrees; 1: something disagrees; 3: something could not be measured, or nothing was judged. */
    private int verify(Labs labs, String fileOrLab, int sample, Path junit) {
        Topology t = topology(labs, fileOrLab);
        Verifier.Report r = labs.verify(t, sample);
        if (junit != null) {
            try {
                Files.writeString(junit, VerifyFormat.junit(r));
            } catch (java.io.IOException e) {
                throw new LabException("cannot write the JUnit report " + junit + ": " + e.getMessage(), e);
            }
        }
        if (cli.json) {
            cli.printJson(dev.nslab.lab.verify.ReportJson.of(r));
        } else {
            boolean colour = System.console() != null && System.console().isTerminal() && cli.out == System.out;
            VerifyFormat.text(r, cli.out, colour);
        }
        return VerifyFormat.exitCode(r);
    }

    String labName(String fileOrLab) {
        if (Files.isRegularFile(cli.path(fileOrLab))) return parse(fileOrLab).name();
        return fileOrLab;
    }

    private int down(Labs labs, String fileOrLab) {
        Topology file = Files.isRegularFile(cli.path(fileOrLab)) ? read(fileOrLab) : null;
        String lab = file == null ? fileOrLab : file.name();
        mayChangeHere(labs, lab, true);
        if (file != null) file.warnings().forEach(cli.err::println);
        long t0 = System.nanoTime();
        Labs.Down d = labs.down(lab);
        double secs = (System.nanoTime() - t0) / 1e9;
        if (!d.found() && strict) throw new LabException("no lab named " + lab + " (nslab ls lists the labs in " + labs.stateDir() + ")");
        if (cli.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lab", lab);
            m.put("found", d.found());
            m.put("removed", d.removed().stream().map(Resource::key).toList());
            if (d.note() != null) m.put("note", d.note());
            m.put("seconds", Math.round(secs * 1000) / 1000.0);
            cli.printJson(m);
        } else if (!d.found()) {
            cli.out.println("no lab named " + lab + ": nothing to take down");
        } else {
            cli.out.printf("lab %s is down: %d objects removed in %.2f s%n", lab, d.removed().size(), secs);
        }
        return 0;
    }

    /** Removes the nodes named (and their links) from a lab; the rest stays as it is. */
    private int downSome(Labs labs, String fileOrLab, java.util.Set<String> filter) {
        Topology t = topology(labs, fileOrLab);
        t.only(filter); // the names must be the lab's
        LabState st = labs.state(t.name());
        java.util.Set<String> keep = new java.util.LinkedHashSet<>();
        for (NodeInfo n : st.nodes()) if (!filter.contains(n.name()) && t.node(n.name()).isPresent()) keep.add(n.name());
        keep.removeIf(n -> t.node(n).orElseThrow().isHost());
        if (keep.isEmpty()) return down(labs, t.name());
        Labs.Result r = labs.up(t.only(keep), false);
        if (cli.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lab", t.name());
            m.put("removed", r.remove().stream().map(Resource::key).toList());
            cli.printJson(m);
        } else {
            cli.out.printf("lab %s: %s removed (%d objects); %d nodes stay%n", t.name(), String.join(", ", filter), r.remove().size(), keep.size());
        }
        return 0;
    }

    /** Labs of Java programs (the library's NetLab) whose program is gone: their namespaces, after a mark check. */
    private int downStale(List<String> words) {
        if (!words.isEmpty()) throw new UsageException("Usage: nslab down --stale (no lab name with --stale)");
        List<String> removed = Owners.reapAll(cli.registry, new Labs(cli.registry, stateDir, progress()));
        if (cli.json) {
            cli.printJson(Map.of("removed", removed));
        } else {
            cli.out.println(removed.isEmpty() ? "no stale labs" : "removed what Java programs that are gone left (namespaces of their labs, "
                    + "labs they brought up from files): " + String.join(" ", removed));
        }
        return 0;
    }

    private int downAll(Labs labs, List<String> words) {
        if (!words.isEmpty()) throw new UsageException("Usage: nslab down --all (no lab name with --all)");
        int status = 0;
        for (String lab : labs.labs()) {
            try {
                down(labs, lab);
            } catch (LabException e) {
                cli.err.println("nslab: " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    private int status(Labs labs, List<String> words) {
        List<String> names = words.isEmpty() ? labs.labs() : List.of(labName(words.getFirst()));
        List<Object> json = new ArrayList<>();
        boolean healthy = true;
        if (names.isEmpty() && !cli.json) cli.out.println("no labs (state directory " + labs.stateDir() + ")");
        for (String lab : names) {
            Labs.Status s = labs.status(lab);
            healthy &= s.healthy();
            LabState st = s.state();
            if (cli.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("lab", lab);
                m.put("file", st.file());
                m.put("healthy", s.healthy());
                m.put("missing", s.missing());
                m.put("interrupted", !st.pending().isEmpty());
                if (s.note() != null) m.put("note", s.note());
                List<Object> nodes = new ArrayList<>();
                for (NodeInfo n : st.nodes()) {
                    Map<String, Object> nm = new LinkedHashMap<>();
                    nm.put("name", n.name());
                    nm.put("kind", n.kind());
                    nm.put("netns", n.ns());
                    nm.put("present", s.nodesPresent().get(n.name()));
                    nm.put("addresses", addressesOf(st, n.ns()));
                    List<Object> procs = new ArrayList<>();
                    for (Processes.Info p : s.processes().getOrDefault(n.name(), List.of())) {
                        Map<String, Object> pm = new LinkedHashMap<>();
                        pm.put("pid", p.pid());
                        pm.put("command", p.command());
                        procs.add(pm);
                    }
                    nm.put("processes", procs);
                    List<Object> svcs = new ArrayList<>();
                    for (Labs.ServiceState sv : s.services()) {
                        if (!sv.node().equals(n.name())) continue;
                        Map<String, Object> sm = new LinkedHashMap<>();
                        sm.put("name", sv.service());
                        sm.put("state", sv.state());
                        sm.put("pid", sv.pid());
                        sm.put("restarts", sv.restarts());
                        sm.put("log", sv.log().toString());
                        svcs.add(sm);
                    }
                    nm.put("services", svcs);
                    Labs.HostInfo h = s.hosts().get(n.name());
                    if (h != null) {
                        Map<String, Object> hm = new LinkedHashMap<>();
                        hm.put("init", h.init());
                        hm.put("namespaces", h.namespaces());
                        hm.put("layer_bytes", h.layerBytes());
                        if (h.container() != null) {
                            hm.put("container", h.container().name());
                            hm.put("image", h.container().image());
                            hm.put("container_state", h.container().state());
                            if (h.container().health() != null) hm.put("container_health", h.container().health());
                        }
                        nm.put("host", hm);
                    }
                    nodes.add(nm);
                }
                m.put("nodes", nodes);
                m.put("links", st.done().stream().filter(r -> r instanceof Resource.Veth).map(Resource::key).toList());
                m.put("faults", FaultCmd.faultsJson(labs, st));
                json.add(m);
                continue;
            }
            cli.out.println("lab " + lab + "  (" + (st.file().isEmpty() ? "file unknown" : st.file()) + ")  " + (s.healthy() ? "healthy"
                    : !st.pending().isEmpty() ? "INTERRUPTED: run nslab up or nslab down again" : "UNHEALTHY: " + String.join("; ", s.missing())));
            if (s.note() != null) cli.out.println("  " + s.note());
            if (!words.isEmpty() || names.size() == 1) {
                for (NodeInfo n : st.nodes()) {
                    String where = n.ns() != null ? "netns " + n.ns() : n.kind().equals("ovs-bridge") ? "Open vSwitch bridge"
                            : n.kind().equals("bridge") ? "root namespace (not the lab's)" : "root namespace (the machine)";
                    cli.out.printf("  %-14s %-11s %-28s %s%s%n", n.name(), n.kind(), where, String.join(" ", addressesOf(st, n.ns())),
                            Boolean.TRUE.equals(s.nodesPresent().get(n.name())) ? "" : "  (missing)");
                    Labs.HostInfo h = s.hosts().get(n.name());
                    if (h != null) {
                        if (h.container() != null) {
                            cli.out.printf("  %-14s container %s of image %s: %s%s%s%n", "", h.container().name(), h.container().image(), h.container().state(),
                                    h.container().health() == null ? "" : " (" + h.container().health() + ")",
                                    h.init() == 0 ? "" : ", init " + h.init() + ", " + String.join(" ", h.namespaces().values()));
                        } else {
                            cli.out.printf("  %-14s host: %s%n", "", h.init() == 0 ? "its init no longer runs"
                                    : "init " + h.init() + ", " + String.join(" ", h.namespaces().values()) + ", writable layer " + bytes(h.layerBytes()));
                        }
                    }
                    for (Labs.ServiceState sv : s.services()) {
                        if (!sv.node().equals(n.name())) continue;
                        cli.out.printf("  %-14s service %s: %s%s%s%n", "", sv.service(), sv.state(), sv.pid() > 0 ? " (process " + sv.pid() + ")" : "",
                                sv.restarts() > 0 ? ", restarted " + sv.restarts() + (sv.restarts() == 1 ? " time" : " times") : "");
                    }
                    for (Processes.Info p : s.processes().getOrDefault(n.name(), List.of())) {
                        cli.out.printf("  %-14s process %d: %s%n", "", p.pid(), p.command());
                    }
                }
                FaultCmd.faultLines(labs, st).forEach(l -> cli.out.println("  " + l));
                long links = st.done().stream().filter(r -> r instanceof Resource.Veth).count();
                cli.out.println("  " + links + " links, " + st.done().size() + " objects");
            }
        }
        if (cli.json) cli.printJson(words.isEmpty() ? json : json.getFirst());
        return healthy ? 0 : 1;
    }

    private static String bytes(long b) {
        return b < 10_000 ? b + " bytes" : b < 10_000_000 ? (b + 512) / 1024 + " KiB" : (b + 512 * 1024) / (1024 * 1024) + " MiB";
    }

    private static List<String> addressesOf(LabState st, String ns) {
        List<String> out = new ArrayList<>();
        if (ns == null) return out;
        for (Resource r : st.done()) if (r instanceof Resource.Address a && ns.equals(a.ns())) out.add(a.dev() + ":" + a.cidr());
        return out;
    }

    /**
     * {@code nslab logs LAB NODE [SERVICE] [-f]}: the output of a node's services, of what exec -d started there and,
     * for an image node, of its container; -f follows it as it grows.
     */
    private int logs(Labs labs, List<String> words, boolean follow) {
        if (words.size() < 2 || words.size() > 3) throw new UsageException("Usage: nslab logs LAB NODE [SERVICE] [-f]");
        String lab = labName(words.get(0)), node = words.get(1);
        List<java.nio.file.Path> files = labs.serviceLogs(lab, node, words.size() == 3 ? words.get(2) : null);
        java.util.Optional<String> c = words.size() == 2 ? labs.container(lab, node) : java.util.Optional.empty();
        boolean container = c.isPresent();
        if (container) {
            if (files.isEmpty()) {
                labs.containerLogs(lab, node, follow, cli.out);
                return 0;
            }
            cli.out.println("==> container <==");
            if (!follow) labs.containerLogs(lab, node, false, cli.out);
            else Thread.ofVirtual().name("nslab-logs").start(() -> labs.containerLogs(lab, node, true, cli.out)); // beside the files
        }
        long[] printed = new long[files.size()];
        do {
            for (int i = 0; i < files.size(); i++) {
                java.nio.file.Path f = files.get(i);
                if (!Files.exists(f)) continue;
                try (var in = Files.newInputStream(f)) {
                    in.skipNBytes(Math.min(printed[i], Files.size(f)));
                    byte[] more = in.readAllBytes();
                    if (more.length > 0 && (files.size() > 1 || container) && printed[i] == 0) cli.out.println("==> " + f.getFileName() + " <==");
                    cli.out.write(more);
                    printed[i] += more.length;
                } catch (java.io.IOException e) {
                    throw new LabException("cannot read " + f + ": " + e.getMessage(), e);
                }
            }
            cli.out.flush();
            if (follow) {
                try {
                    Thread.sleep(200); // -f: wait for more output, until interrupted
                } catch (InterruptedException e) {
                    return 0;
                }
            }
        } while (follow);
        return 0;
    }

    /**
     * containerlab's {@code exec --all} / {@code --label KEY=VALUE}: the command in every (matching) linux node, one
     * after the other, each node's output under its name; the status is the first failing node's.
     */
    private int execMany(Labs labs, List<String> words, List<String> command, String label) {
        if (words.size() != 1 || command == null || command.isEmpty()) {
            throw new UsageException("Usage: nslab exec LAB --all|--label KEY=VALUE -- COMMAND [ARG...]");
        }
        if (label != null && !label.contains("=")) throw new UsageException("nslab exec: --label takes KEY=VALUE, not \"" + label + "\"");
        Topology t = topology(labs, words.getFirst());
        LabState st = labs.state(t.name());
        List<Map<String, Object>> results = new ArrayList<>();
        int status = 0, matched = 0;
        for (Topology.NodeDef n : t.nodes()) {
            if (n.isSwitch() || n.isHost() || st.nodes().stream().noneMatch(x -> x.name().equals(n.name()))) continue;
            if (label != null) {
                String k = label.substring(0, label.indexOf('=')), v = label.substring(label.indexOf('=') + 1);
                if (!v.equals(n.meta().labels().get(k)) && !(k.equals("clab-node-group") && v.equals(n.meta().group()))) continue;
            }
            matched++;
            NetnsExec.Output o = labs.capture(t.name(), n.name(), command, cli.err::println);
            if (status == 0 && o.status() != 0) status = o.status();
            if (cli.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", n.name());
                m.put("status", o.status());
                m.put("output", o.text());
                results.add(m);
            } else {
                cli.out.println(n.name() + ":" + (o.status() == 0 ? "" : " (exit " + o.status() + ")"));
                o.text().lines().forEach(l -> cli.out.println("  " + l));
            }
        }
        if (cli.json) cli.printJson(results);
        else if (matched == 0) cli.out.println("no node of lab " + t.name() + " matches " + (label == null ? "" : "--label " + label));
        return status;
    }

    private int exec(Labs labs, List<String> words, List<String> command, boolean detach) {
        if (words.size() != 2 || command == null || command.isEmpty()) {
            throw new UsageException("Usage: nslab exec LAB NODE [-d] -- COMMAND [ARG...]");
        }
        String lab = labName(words.get(0)), node = words.get(1);
        labs.namespaceOf(lab, node); // a node with a namespace of its own, or a clear refusal
        if (detach) {
            java.nio.file.Path log = labs.logFile(lab, node);
            long pid = labs.spawn(lab, node, command, log, cli.err::println);
            if (cli.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("lab", lab);
                m.put("node", node);
                m.put("pid", pid);
                m.put("log", log.toString());
                cli.printJson(m);
            } else {
                cli.out.println("started process " + pid + " in node " + node + " of lab " + lab + ", in the background; output: " + log
                        + "; nslab logs " + lab + " " + node + " shows it; nslab down " + lab + " ends it");
            }
            return 0;
        }
        cli.out.flush();
        throw labs.exec(lab, node, command, cli.err::println);
    }
}
