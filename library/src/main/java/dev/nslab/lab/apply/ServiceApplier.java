package dev.nslab.lab.apply;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.LabState;
import dev.nslab.net.ListeningPorts;
import dev.nslab.net.Processes;
import dev.nslab.sys.OwnFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Services: each runs under a small shell supervisor, started in the node (its environment and binds) in a session
 * of its own, output appended to {@code STATEDIR/LAB.logs/NODE-SERVICE.log}. The supervisor notes the service's
 * process, its last exit status and its restarts in {@code STATEDIR/LAB.services/}, and restarts it by its policy.
 * Starting one waits until it is ready (a port listening, a command exiting 0, a delay), or fails with its log's tail.
 */
public final class ServiceApplier {
    /** The supervisor: runs the command, waits, notes how it ended, and starts it again while the policy says so. */
    private static final String SUPERVISOR = """
            d=$1; n=$2; policy=$3; cmd=$4; restarts=0
            while :; do
              sh -c "$cmd" &
              child=$!
              echo "$child" > "$d/$n.child"
              wait "$child"; rc=$?
              echo "$rc" > "$d/$n.exit"
              case $policy in no) exit 0;; on-failure) [ "$rc" -eq 0 ] && exit 0;; esac
              restarts=$((restarts+1)); echo "$restarts" > "$d/$n.restarts"
              sleep 1
            done
            """;

    private static final Duration GRACE = Duration.ofSeconds(5);

    private final Applier run;

    public ServiceApplier(Applier run) { this.run = run; }

    static Path dir(Path stateDir, String lab) { return LabState.beside(stateDir, lab, ".services"); }

    public static Path log(Path stateDir, String lab, String node, String service) { return LabState.logDir(stateDir, lab).resolve(node + "-" + service + ".log"); }

    private Path dir() { return dir(run.stateDir(), run.lab); }

    private static String id(Resource.Service s) { return s.node() + "." + s.def().name(); }

    /** Starts the service and returns once it is ready; throws, naming it and showing its log's tail, if it is not. */
    void create(Resource.Service s) {
        Topology.ServiceDef d = s.def();
        Path log = log(run.stateDir(), run.lab, s.node(), d.name());
        try {
            LabState.privateDirectory(run.stateDir(), run.lab, ".services");
            for (String f : List.of(".child", ".exit", ".restarts")) Files.deleteIfExists(dir().resolve(id(s) + f));
            // a file, so that the supervisor's command line says what it is (ps, status) rather than the whole script;
            // written anew each time, never taken as found
            OwnFiles.write(dir().resolve("supervise.sh"), SUPERVISOR);
        } catch (IOException e) {
            throw new LabException("cannot use " + dir() + " for the services of lab " + run.lab + ": " + e.getMessage(), e);
        }
        // in a host, the supervisor runs on the machine (where its notes are) and enters the host for each start
        NodeProcesses nodes = run.processes();
        java.util.OptionalLong init = nodes.isHost(s.ns()) ? HostApplier.init(run.stateDir(), run.lab, s.ns()) : java.util.OptionalLong.empty();
        if (nodes.isHost(s.ns()) && init.isEmpty()) throw new LabException("the host of node " + s.node() + " no longer runs: service " + d.name() + " cannot start");
        String child = init.isPresent() ? hostCommand(init.getAsLong(), d.cmd()) : childCommand(d.cmd());
        List<String> supervisor = List.of("sh", dir().resolve("supervise.sh").toString(), dir().toString(), id(s), d.restart().word(), child);
        long pid = init.isPresent() ? nodes.spawn(null, supervisor, log, s.env(), run.progress()::say)
                : nodes.spawn(s.ns(), supervisor, log, s.env(), run.progress()::say);
        OptionalLong start = Processes.startTime(pid);
        write(id(s) + ".supervisor", pid + " " + start.orElse(0));
        awaitReady(s, pid, log);
    }

    /**
     * A simple command replaces the shell that starts it, so that the process the supervisor waits for (and status
     * shows, and a test kills) is the program itself; a compound one keeps its shell.
     */
    static String childCommand(String cmd) {
        return cmd.matches("[^;&|<>()`$\\n]*") ? "exec " + cmd : cmd;
    }

    /** The service started inside the host whose init is {@code init}: the helper that enters it, replacing the shell. */
    static String hostCommand(long init, String cmd) {
        StringBuilder b = new StringBuilder("exec");
        for (String w : dev.nslab.net.NodeHost.enter(init, List.of("sh", "-c", childCommand(cmd)))) b.append(' ').append(quote(w));
        return b.toString();
    }

    private static String quote(String w) { return "'" + w.replace("'", "'\\''") + "'"; }

    private void awaitReady(Resource.Service s, long supervisor, Path log) {
        Topology.ServiceDef d = s.def();
        long deadline = System.nanoTime() + d.timeoutMillis() * 1_000_000;
        long started = System.nanoTime();
        while (true) {
            boolean ready = switch (d.ready()) {
                case null -> true;
                case Topology.Ready.Tcp t -> ListeningPorts.tcp(run.registry(), s.ns(), t.port());
                case Topology.Ready.Cmd c -> run.processes().capture(s.ns(), List.of("sh", "-c", c.cmd()), s.env(), w -> { }).status() == 0;
                case Topology.Ready.After a -> System.nanoTime() - started >= a.millis() * 1_000_000;
            };
            if (ready) return;
            boolean gone = ProcessHandle.of(supervisor).map(p -> !p.isAlive()).orElse(true);
            if (gone) throw notReady(s, "it exited" + exitText(s) + " before it was ready", log);
            if (System.nanoTime() > deadline) {
                throw notReady(s, "it was not ready within " + Impairment.timeText(d.timeoutMillis() * 1_000_000) + " (ready: " + d.ready() + ")", log);
            }
            try {
                Thread.sleep(50); // polling a condition: the port, the command, the clock
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting for service " + d.name() + " of node " + s.node(), e);
            }
        }
    }

    private String exitText(Resource.Service s) {
        String rc = read(id(s) + ".exit");
        return rc == null ? "" : " with status " + rc;
    }

    private LabException notReady(Resource.Service s, String why, Path log) {
        List<String> tail = List.of();
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            tail = all.subList(Math.max(0, all.size() - 10), all.size());
        } catch (IOException e) {
            // no log to show
        }
        return new LabException("service " + s.def().name() + " of node " + s.node() + " (file line " + s.def().line() + "): " + why
                + "; the last lines of its log (" + log + "):" + (tail.isEmpty() ? " (empty)" : "\n  " + String.join("\n  ", tail)));
    }

    /** Ends the supervisor and the service (SIGTERM, SIGKILL after a grace period); false when neither was running. */
    boolean remove(Resource.Service s) {
        List<ProcessHandle> procs = new ArrayList<>();
        String sup = read(id(s) + ".supervisor");
        if (sup != null) {
            String[] f = sup.split(" ");
            long pid = Long.parseLong(f[0]), start = Long.parseLong(f[1]);
            if (Processes.alive(pid, start)) ProcessHandle.of(pid).ifPresent(p -> {
                procs.add(p);
                p.descendants().forEach(procs::add);
            });
        }
        Processes.end(procs.stream().map(ProcessHandle::pid).toList(), GRACE);
        for (String f : List.of(".supervisor", ".child", ".exit", ".restarts")) {
            try {
                Files.deleteIfExists(dir().resolve(id(s) + f));
            } catch (IOException e) {
                // the state directory's clean-up at down takes what is left
            }
        }
        return !procs.isEmpty();
    }

    /** How a service is doing, as status shows it. */
    public record State(String node, String service, String state, long pid, int restarts, java.util.Set<Long> processes) { }

    public static State state(Path stateDir, String lab, Resource.Service s) {
        Path d = dir(stateDir, lab);
        String sup = readFile(d.resolve(id(s) + ".supervisor"));
        String child = readFile(d.resolve(id(s) + ".child"));
        String exit = readFile(d.resolve(id(s) + ".exit"));
        String restarts = readFile(d.resolve(id(s) + ".restarts"));
        boolean supAlive = false;
        java.util.Set<Long> procs = new java.util.HashSet<>();
        if (sup != null) {
            String[] f = sup.split(" ");
            long supPid = Long.parseLong(f[0]);
            supAlive = Processes.alive(supPid, Long.parseLong(f[1]));
            if (supAlive) ProcessHandle.of(supPid).ifPresent(p -> {
                procs.add(p.pid());
                p.descendants().forEach(x -> procs.add(x.pid()));
            });
        }
        long pid = child == null ? 0 : Long.parseLong(child);
        boolean childAlive = pid > 0 && dev.nslab.sys.ProcState.running(pid);
        String state = childAlive ? "running" : supAlive ? "restarting" : exit != null ? "exited with status " + exit : "not running";
        return new State(s.node(), s.def().name(), state, childAlive ? program(pid) : 0, restarts == null ? 0 : Integer.parseInt(restarts), procs);
    }

    /**
     * The program a service's process runs: the process itself, or, in a host, the one the helper that entered the host
     * started (its only child, in the node), as the machine numbers it.
     */
    private static long program(long pid) {
        try {
            String children = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children")).strip();
            String comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
            if (comm.startsWith("nslab-host") && !children.isEmpty() && !children.contains(" ")) return Long.parseLong(children);
        } catch (IOException | NumberFormatException e) {
            // gone meanwhile, or not a helper
        }
        return pid;
    }

    private void write(String name, String text) {
        try {
            OwnFiles.write(dir().resolve(name), text);
        } catch (IOException e) {
            throw new LabException("cannot write " + dir().resolve(name) + ": " + e.getMessage(), e);
        }
    }

    private String read(String name) { return readFile(dir().resolve(name)); }

    private static String readFile(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
