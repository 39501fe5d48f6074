package dev.nslab.engine;

import dev.nslab.error.NslabException;
import dev.nslab.error.ToolException;
import dev.nslab.sys.Libc;
import dev.nslab.sys.MemoryFile;
import dev.nslab.sys.Tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The container engine that runs a lab's image nodes: podman, through its command line (its stable interface; no
 * daemon). A node's container joins the network namespace nslab made and wired for it ({@code --network ns:PATH}),
 * so links, addresses, faults and verify see it as any node. Docker cannot join a namespace given by path, which is
 * why podman is the engine.
 */
public final class Podman {
    /** The label every container of a lab carries: {@code nslab.lab=LAB}; with {@code nslab.node=NODE}. */
    public static final String LAB_LABEL = "nslab.lab", NODE_LABEL = "nslab.node";
    /** The label naming where the lab keeps its hosts (state directory and lab, as one name): only this lab's containers carry it. */
    public static final String HOSTS_LABEL = "nslab.hosts";

    private final Path program;
    /** runc, where installed: crun refuses a hybrid cgroup layout, runc works on every layout. */
    private final Optional<Path> runc;

    private Podman(Path program) {
        this.program = program;
        this.runc = Tools.ofMachine("runc");
    }

    /** The machine's podman, or empty. */
    public static Optional<Podman> find() { return Tools.ofMachine("podman").map(Podman::new); }

    /** The machine's podman, or a failure that names what to install. */
    public static Podman need(String forWhat) {
        return find().orElseThrow(() -> new NslabException(forWhat + " needs a container engine, and podman is not on this machine: install it "
                + "(Debian: apt-get install podman runc); docker cannot join a network namespace given by path"));
    }

    /** What a node's container is made of. */
    public record Spec(String name, String netns, String hostname, String image, List<String> entrypoint, List<String> cmd, String user,
                       Map<String, String> env, List<Bind> binds, Map<String, String> labels, Health health) { }

    /**
     * A health check as Docker and podman take it: {@code test} [CMD-SHELL, line] or [CMD, program, args...], times in
     * seconds and retries (0: the engine's default).
     */
    public record Health(List<String> test, int interval, int timeout, int retries, int startPeriod) { }

    /** A host path seen at {@code target} in the container. */
    public record Bind(String source, String target, boolean readOnly) { }

    private record Out(int status, String text) { }

    private Out podman(List<String> args, long timeoutSeconds) {
        List<String> argv = new ArrayList<>(List.of(program.toString()));
        argv.addAll(args);
        try (MemoryFile out = new MemoryFile("nslab-podman")) {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.file())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ToolException("podman " + String.join(" ", args) + ": no answer in " + timeoutSeconds + " s", -1);
            }
            return new Out(p.exitValue(), out.text().strip());
        } catch (IOException e) {
            throw new ToolException("cannot run " + program + ": " + e.getMessage(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while podman " + args.getFirst() + " ran", -1);
        }
    }

    private String ok(List<String> args, long timeoutSeconds) {
        Out o = podman(args, timeoutSeconds);
        if (o.status() != 0) throw new ToolException("podman " + String.join(" ", args) + " failed (exit " + o.status() + "): " + lastLines(o.text()), o.status());
        return o.text();
    }

    /** What the engine said last: its "Error:" line when it has one (retries and warnings before it say less). */
    private static String lastLines(String text) {
        List<String> l = text.lines().filter(x -> !x.isBlank()).toList();
        for (int i = l.size() - 1; i >= 0; i--) if (l.get(i).startsWith("Error:")) return l.get(i);
        return String.join(" / ", l.subList(Math.max(0, l.size() - 3), l.size()));
    }

    /** Whether the engine's local store has {@code image}. */
    public boolean hasImage(String image) { return podman(List.of("image", "exists", image), 60).status() == 0; }

    /** Pulls {@code image} from its registry; the engine's words when it cannot. */
    public void pull(String image) { ok(List.of("pull", "--quiet", image), 600); }

    /** Starts a container by {@code s}, detached; its id. */
    public String run(Spec s) {
        List<String> a = new ArrayList<>(List.of("run", "--detach", "--name", s.name(), "--network", "ns:" + s.netns(), "--hostname", s.hostname()));
        // a terminal and an open standard input, as containerlab gives its nodes: an image whose command is a shell
        // (alpine's) waits there instead of ending at once
        a.addAll(List.of("--tty", "--interactive"));
        // the engine's default limits (a million open files) exceed what a process without CAP_SYS_RESOURCE may set;
        // the container gets this process's own, and at most the 32,768 processes podman gives the container's monitor
        long[] files = Libc.getrlimit(Libc.RLIMIT_NOFILE), procs = Libc.getrlimit(Libc.RLIMIT_NPROC);
        long nofile = Math.min(files[1], 1_048_576L), nproc = Math.min(procs[1], 32_768L);
        a.addAll(List.of("--ulimit", "nofile=" + nofile + ":" + nofile, "--ulimit", "nproc=" + nproc + ":" + nproc));
        // a node is a network device: its programs set addresses and routes (NET_ADMIN), send raw packets (ping, OSPF:
        // NET_RAW), and routing daemons such as FRR's refuse to start without SYS_ADMIN; containerlab runs its nodes
        // privileged, which would also give them the machine's devices
        a.addAll(List.of("--cap-add", "NET_ADMIN,NET_RAW,SYS_ADMIN"));
        runc.ifPresent(r -> a.addAll(List.of("--runtime", r.toString())));
        s.labels().forEach((k, v) -> a.addAll(List.of("--label", k + "=" + v)));
        s.env().forEach((k, v) -> a.addAll(List.of("--env", k + "=" + v)));
        for (Bind b : s.binds()) a.addAll(List.of("--volume", b.source() + ":" + b.target() + (b.readOnly() ? ":ro" : "")));
        if (s.user() != null) a.addAll(List.of("--user", s.user()));
        if (s.health() != null) {
            Health h = s.health();
            List<String> rest = h.test().subList(1, h.test().size());
            a.addAll(List.of("--health-cmd", h.test().getFirst().equals("CMD-SHELL") ? rest.getFirst() : toJson(rest)));
            if (h.interval() > 0) a.addAll(List.of("--health-interval", h.interval() + "s"));
            if (h.timeout() > 0) a.addAll(List.of("--health-timeout", h.timeout() + "s"));
            if (h.retries() > 0) a.addAll(List.of("--health-retries", Integer.toString(h.retries())));
            if (h.startPeriod() > 0) a.addAll(List.of("--health-start-period", h.startPeriod() + "s"));
        }
        if (s.entrypoint() != null) a.addAll(List.of("--entrypoint", s.entrypoint().isEmpty() ? "" : toJson(s.entrypoint())));
        a.add(s.image());
        if (s.cmd() != null) a.addAll(s.cmd());
        return ok(a, 120);
    }

    /** The process ids of containers {@code names}' first processes, asked at once (0: not running). */
    public Map<String, Long> pids(List<String> names) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        inspect(names, "{{.State.Pid}}", true).forEach((n, v) -> out.put(n, Long.parseLong(v)));
        return out;
    }

    /** The states of containers {@code names} as the engine words them (running, exited...), asked at once; those there. */
    public Map<String, String> states(List<String> names) { return inspect(names, "{{.State.Status}}", false); }

    /** One value of each container by a Go template, in one engine call; {@code strict}: every one must be there. */
    private Map<String, String> inspect(List<String> names, String template, boolean strict) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (names.isEmpty()) return out;
        List<String> a = new ArrayList<>(List.of("inspect", "--format", "{{.Name}} " + template));
        a.addAll(names);
        Out o = podman(a, 120);
        if (o.status() != 0 && strict) throw new ToolException("podman " + String.join(" ", a) + " failed (exit " + o.status() + "): " + lastLines(o.text()), o.status());
        for (String line : o.text().lines().toList()) {
            String[] f = line.strip().split(" ", 2);
            String name = f[0].startsWith("/") ? f[0].substring(1) : f[0]; // docker-style names begin with "/"
            if (f.length == 2 && names.contains(name)) out.put(name, f[1]);
        }
        return out;
    }

    /** Removes containers {@code names} at once (no grace period: a lab's down ends its nodes), those that are there. */
    public void remove(List<String> names) {
        if (names.isEmpty()) return;
        List<String> a = new ArrayList<>(List.of("rm", "--force", "--ignore", "--time", "0"));
        a.addAll(names);
        ok(a, 120);
    }

    /** What container {@code name} printed. */
    public String logs(String name) { return ok(List.of("logs", name), 60); }

    /**
     * Runs container {@code name}'s health check now and says what it found: "healthy" or "unhealthy" (podman runs
     * the checks on a timer only where systemd runs; nslab asks when it needs to know).
     */
    public String checkHealth(String name) {
        Out o = podman(List.of("healthcheck", "run", name), 120);
        return o.status() == 0 ? "healthy" : o.status() == 1 ? "unhealthy" : "unknown (" + lastLines(o.text()) + ")";
    }

    /**
     * What container {@code name} printed, written to {@code out} as it comes; {@code follow}: and what it prints from
     * then on, until the container ends or this thread is interrupted.
     */
    public void logs(String name, boolean follow, java.io.OutputStream out) {
        List<String> argv = new ArrayList<>(List.of(program.toString(), "logs"));
        if (follow) argv.add("--follow");
        argv.add(name);
        Process p = null;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
            int status = p.waitFor();
            if (status != 0) throw new ToolException("podman logs " + name + " failed (exit " + status + ")", status);
        } catch (IOException e) {
            throw new ToolException("cannot read the output of container " + name + ": " + e.getMessage(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (p != null) p.destroy();
        }
    }

    private static String toJson(List<String> words) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < words.size(); i++) {
            if (i > 0) b.append(',');
            b.append('"');
            for (char c : words.get(i).toCharArray()) {
                if (c == '"' || c == '\\') b.append('\\');
                b.append(c);
            }
            b.append('"');
        }
        return b.append(']').toString();
    }
}
