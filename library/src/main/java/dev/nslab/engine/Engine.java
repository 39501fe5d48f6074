package dev.nslab.engine;

import dev.nslab.error.NslabException;
import dev.nslab.error.ToolException;
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
 * The container engine that runs a lab's image nodes, through its command line (the interface both engines keep
 * stable): {@link Podman}, whose container joins the network namespace nslab made and wired for the node, or
 * {@link Docker}, which makes the container's network namespace itself, which nslab then names as the node's and
 * wires (as containerlab does). Chosen by {@code NSLAB_ENGINE} (podman or docker); without it podman where installed,
 * else docker where its daemon answers.
 */
public abstract sealed class Engine permits Podman, Docker {
    /** The label every container of a lab carries: {@code nslab.lab=LAB}; with {@code nslab.node=NODE}. */
    public static final String LAB_LABEL = "nslab.lab", NODE_LABEL = "nslab.node";
    /** The label naming where the lab keeps its hosts (state directory and lab, as one name): only this lab's containers carry it. */
    public static final String HOSTS_LABEL = "nslab.hosts";
    /** The variable that chooses the engine. */
    public static final String CHOICE = "NSLAB_ENGINE";

    private final Path program;

    Engine(Path program) { this.program = program; }

    /** The engine's name as its command is called: podman, docker. */
    public abstract String name();

    /**
     * Whether a container joins a network namespace given by path (podman): then nslab makes and wires the node's
     * namespace first; otherwise (docker) the container makes its own, with only a loopback, which nslab adopts.
     */
    public abstract boolean joinsNamespaceByPath();

    /** Whether the engine's local store has {@code image}. */
    public abstract boolean hasImage(String image);

    /** Starts a container by {@code s}, detached; its id. {@code s.netns()} is used only by an engine that joins by path. */
    public String run(Spec s) { return ok(runArgs(s), 120); }

    /** The engine's words for {@link #run}. */
    abstract List<String> runArgs(Spec s);

    /** Removes containers {@code names} at once (no grace period: a lab's down ends its nodes), those that are there. */
    public abstract void remove(List<String> names);

    /** Container {@code name}'s health as its check says now: "healthy", or what it is instead. */
    public abstract String checkHealth(String name);

    /** The engine {@code NSLAB_ENGINE} names, else podman where installed, else docker where its daemon answers; or empty. */
    public static Optional<Engine> find() {
        String chosen = System.getenv(CHOICE);
        if (chosen != null && !chosen.isEmpty()) return named(chosen);
        Optional<Engine> podman = named("podman");
        if (podman.isPresent()) return podman;
        return named("docker").filter(d -> ((Docker) d).answers());
    }

    /** The engine called {@code name} (podman, docker) when its program is on this machine. */
    public static Optional<Engine> named(String name) {
        return switch (name) {
            case "podman" -> Tools.ofMachine("podman").map(Podman::new);
            case "docker" -> Tools.ofMachine("docker").map(Docker::new);
            default -> Optional.empty();
        };
    }

    /** The engine, or a failure that names what to install or set. */
    public static Engine need(String forWhat) {
        String chosen = System.getenv(CHOICE);
        if (chosen != null && !chosen.isEmpty()) {
            if (!chosen.equals("podman") && !chosen.equals("docker")) {
                throw new NslabException(forWhat + " needs a container engine, and " + CHOICE + "=" + chosen + " names none: set it to podman or docker");
            }
            Engine e = named(chosen).orElseThrow(() -> new NslabException(forWhat + " needs a container engine, and " + CHOICE + "=" + chosen
                    + " names one that is not on this machine: install it, or unset " + CHOICE));
            if (e instanceof Docker d && !d.answers()) throw d.silent(forWhat);
            return e;
        }
        return find().orElseThrow(() -> {
            Optional<Engine> docker = named("docker");
            if (docker.isPresent()) return ((Docker) docker.get()).silent(forWhat);
            return new NslabException(forWhat + " needs a container engine, and neither podman nor docker is on this machine: install one "
                    + "(Debian: apt-get install podman runc)");
        });
    }

    /** The engine that made a container, by the name noted with it; podman for a note that names none (written before docker was one). */
    public static Engine of(String noted, String forWhat) {
        String name = noted == null || noted.isEmpty() ? "podman" : noted;
        return named(name).orElseThrow(() -> new NslabException(forWhat + " needs " + name + ", which made it, and " + name + " is no longer on this machine"));
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

    record Out(int status, String text) { }

    Out call(List<String> args, long timeoutSeconds) {
        List<String> argv = new ArrayList<>(List.of(program.toString()));
        argv.addAll(args);
        try (MemoryFile out = new MemoryFile("nslab-" + name())) {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.file())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ToolException(name() + " " + String.join(" ", args) + ": no answer in " + timeoutSeconds + " s", -1);
            }
            return new Out(p.exitValue(), out.text().strip());
        } catch (IOException e) {
            throw new ToolException("cannot run " + program + ": " + e.getMessage(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while " + name() + " " + args.getFirst() + " ran", -1);
        }
    }

    String ok(List<String> args, long timeoutSeconds) {
        Out o = call(args, timeoutSeconds);
        if (o.status() != 0) throw failed(args, o);
        return o.text();
    }

    ToolException failed(List<String> args, Out o) {
        return new ToolException(name() + " " + String.join(" ", args) + " failed (exit " + o.status() + "): " + lastLines(o.text()), o.status());
    }

    /** What the engine said last: its "Error..." line when it has one (retries and warnings before it say less). */
    static String lastLines(String text) {
        List<String> l = text.lines().filter(x -> !x.isBlank()).toList();
        for (int i = l.size() - 1; i >= 0; i--) if (l.get(i).startsWith("Error")) return l.get(i);
        return String.join(" / ", l.subList(Math.max(0, l.size() - 3), l.size()));
    }

    /** Pulls {@code image} from its registry; the engine's words when it cannot. */
    public void pull(String image) { ok(List.of("pull", "--quiet", image), 600); }

    /**
     * What both engines' {@code run} share: detached, named, a terminal and an open standard input (as containerlab
     * gives its nodes: an image whose command is a shell, alpine's, waits there instead of ending at once), limits
     * within this process's own, the capabilities a network node needs, labels, environment, binds, user and health
     * check. The network and what follows the options are each engine's.
     */
    List<String> runOptions(Spec s) {
        List<String> a = new ArrayList<>(List.of("run", "--detach", "--name", s.name(), "--hostname", s.hostname(), "--tty", "--interactive"));
        // the engine's default limits (a million open files) exceed what a process without CAP_SYS_RESOURCE may set;
        // the container gets this process's own, and at most the 32,768 processes podman gives the container's monitor
        long[] files = dev.nslab.sys.Libc.getrlimit(dev.nslab.sys.Libc.RLIMIT_NOFILE), procs = dev.nslab.sys.Libc.getrlimit(dev.nslab.sys.Libc.RLIMIT_NPROC);
        long nofile = Math.min(files[1], 1_048_576L), nproc = Math.min(procs[1], 32_768L);
        a.addAll(List.of("--ulimit", "nofile=" + nofile + ":" + nofile, "--ulimit", "nproc=" + nproc + ":" + nproc));
        // a node is a network device: its programs set addresses and routes (NET_ADMIN), send raw packets (ping, OSPF:
        // NET_RAW), and routing daemons such as FRR's refuse to start without SYS_ADMIN; containerlab runs its nodes
        // privileged, which would also give them the machine's devices
        for (String cap : List.of("NET_ADMIN", "NET_RAW", "SYS_ADMIN")) a.addAll(List.of("--cap-add", cap));
        s.labels().forEach((k, v) -> a.addAll(List.of("--label", k + "=" + v)));
        s.env().forEach((k, v) -> a.addAll(List.of("--env", k + "=" + v)));
        for (Bind b : s.binds()) a.addAll(List.of("--volume", b.source() + ":" + b.target() + (b.readOnly() ? ":ro" : "")));
        if (s.user() != null) a.addAll(List.of("--user", s.user()));
        if (s.health() != null) {
            Health h = s.health();
            a.addAll(List.of("--health-cmd", healthCommand(h.test())));
            if (h.interval() > 0) a.addAll(List.of("--health-interval", h.interval() + "s"));
            if (h.timeout() > 0) a.addAll(List.of("--health-timeout", h.timeout() + "s"));
            if (h.retries() > 0) a.addAll(List.of("--health-retries", Integer.toString(h.retries())));
            if (h.startPeriod() > 0) a.addAll(List.of("--health-start-period", h.startPeriod() + "s"));
        }
        return a;
    }

    /** The check as the engine's {@code --health-cmd} takes it. */
    abstract String healthCommand(List<String> test);

    /** The process ids of containers {@code names}' first processes, asked at once (0: not running). */
    public Map<String, Long> pids(List<String> names) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        inspect(names, "{{.State.Pid}}", true).forEach((n, v) -> out.put(n, Long.parseLong(v)));
        return out;
    }

    /** The states of containers {@code names} as the engine words them (running, exited...), asked at once; those there. */
    public Map<String, String> states(List<String> names) { return inspect(names, "{{.State.Status}}", false); }

    /** One value of each container by a Go template, in one engine call; {@code strict}: every one must be there. */
    Map<String, String> inspect(List<String> names, String template, boolean strict) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (names.isEmpty()) return out;
        List<String> a = new ArrayList<>(List.of("inspect", "--format", "{{.Name}} " + template));
        a.addAll(names);
        Out o = call(a, 120);
        if (o.status() != 0 && strict) throw failed(a, o);
        for (String line : o.text().lines().toList()) {
            String[] f = line.strip().split(" ", 2);
            String name = f[0].startsWith("/") ? f[0].substring(1) : f[0]; // docker's names begin with "/"
            if (f.length == 2 && names.contains(name)) out.put(name, f[1]);
        }
        return out;
    }

    /** What container {@code name} printed. */
    public String logs(String name) { return ok(List.of("logs", name), 60); }

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
            if (status != 0) throw new ToolException(name() + " logs " + name + " failed (exit " + status + ")", status);
        } catch (IOException e) {
            throw new ToolException("cannot read the output of container " + name + ": " + e.getMessage(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (p != null) p.destroy();
        }
    }

    static String toJson(List<String> words) {
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
