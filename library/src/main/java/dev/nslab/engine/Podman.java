package dev.nslab.engine;

import dev.nslab.error.NslabException;
import dev.nslab.error.ToolException;
import dev.nslab.sys.Libc;
import dev.nslab.sys.MemoryFile;

import java.io.IOException;
import java.nio.file.Files;
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

    private Podman(Path program) { this.program = program; }

    /** The machine's podman, or empty. */
    public static Optional<Podman> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "podman");
            if (Files.isExecutable(p)) return Optional.of(new Podman(p));
        }
        for (String p : List.of("/usr/bin/podman", "/usr/local/bin/podman")) if (Files.isExecutable(Path.of(p))) return Optional.of(new Podman(Path.of(p)));
        return Optional.empty();
    }

    /** The machine's podman, or a failure that names what to install. */
    public static Podman need(String forWhat) {
        return find().orElseThrow(() -> new NslabException(forWhat + " needs a container engine, and podman is not on this machine: install it "
                + "(Debian: apt-get install podman runc); docker cannot join a network namespace given by path"));
    }

    /** What a node's container is made of. */
    public record Spec(String name, String netns, String hostname, String image, List<String> entrypoint, List<String> cmd, String user,
                       Map<String, String> env, List<Bind> binds, Map<String, String> labels) { }

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
        // the engine's default limits (a million open files) exceed what a process without CAP_SYS_RESOURCE may set;
        // the container gets this process's own, and at most the 32,768 processes podman gives the container's monitor
        long[] files = Libc.getrlimit(Libc.RLIMIT_NOFILE), procs = Libc.getrlimit(Libc.RLIMIT_NPROC);
        long nofile = Math.min(files[1], 1_048_576L), nproc = Math.min(procs[1], 32_768L);
        a.addAll(List.of("--ulimit", "nofile=" + nofile + ":" + nofile, "--ulimit", "nproc=" + nproc + ":" + nproc));
        // a node is a network device: its programs set addresses and routes (NET_ADMIN), send raw packets (ping, OSPF:
        // NET_RAW), and routing daemons such as FRR's refuse to start without SYS_ADMIN; containerlab runs its nodes
        // privileged, which would also give them the machine's devices
        a.addAll(List.of("--cap-add", "NET_ADMIN,NET_RAW,SYS_ADMIN"));
        // crun refuses a hybrid cgroup layout; runc, where there, works on every layout
        if (find("runc").isPresent()) a.addAll(List.of("--runtime", find("runc").get().toString()));
        s.labels().forEach((k, v) -> a.addAll(List.of("--label", k + "=" + v)));
        s.env().forEach((k, v) -> a.addAll(List.of("--env", k + "=" + v)));
        for (Bind b : s.binds()) a.addAll(List.of("--volume", b.source() + ":" + b.target() + (b.readOnly() ? ":ro" : "")));
        if (s.user() != null) a.addAll(List.of("--user", s.user()));
        if (s.entrypoint() != null) a.addAll(List.of("--entrypoint", s.entrypoint().isEmpty() ? "" : toJson(s.entrypoint())));
        a.add(s.image());
        if (s.cmd() != null) a.addAll(s.cmd());
        return ok(a, 120);
    }

    /** The process id of container {@code name}'s first process on this machine (0: not running). */
    public long pid(String name) {
        String t = ok(List.of("inspect", "--format", "{{.State.Pid}}", name), 60);
        return Long.parseLong(t.strip());
    }

    /** The process ids of containers {@code names}' first processes, asked at once (0: not running). */
    public Map<String, Long> pids(List<String> names) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        if (names.isEmpty()) return out;
        List<String> a = new ArrayList<>(List.of("inspect", "--format", "{{.Name}} {{.State.Pid}}"));
        a.addAll(names);
        for (String line : ok(a, 120).lines().toList()) {
            String[] f = line.strip().split(" ");
            if (f.length == 2) out.put(f[0].startsWith("/") ? f[0].substring(1) : f[0], Long.parseLong(f[1]));
        }
        return out;
    }

    /** Container {@code name}'s state as the engine words it (running, exited...), or empty when there is none. */
    public Optional<String> state(String name) {
        Out o = podman(List.of("inspect", "--format", "{{.State.Status}}", name), 60);
        return o.status() == 0 ? Optional.of(o.text().strip()) : Optional.empty();
    }

    /** The names of the containers that carry label {@code key=value}, running or not. */
    public List<String> names(String key, String value) {
        String t = ok(List.of("ps", "--all", "--filter", "label=" + key + "=" + value, "--format", "{{.Names}}"), 60);
        return t.lines().map(String::strip).filter(x -> !x.isEmpty()).toList();
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

    private static Optional<Path> find(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin")) if (Files.isExecutable(Path.of(d, program))) return Optional.of(Path.of(d, program));
        return Optional.empty();
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
