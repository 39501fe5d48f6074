package dev.nslab.ovs;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The two Open vSwitch daemons (ovsdb-server and ovs-vswitchd) at the standard locations that ovs-vsctl and
 * ovs-ctl use, so that every tool sees the same switch. The directories follow the OVS_RUNDIR, OVS_DBDIR and
 * OVS_LOGDIR environment variables as Open vSwitch's own tools do. Starting a daemon means running its program,
 * exactly as ovs-ctl would; talking to the database afterwards goes over its socket.
 */
public final class OvsDaemons {
    public static final String PACKAGE = "openvswitch-switch";

    private final Path runDir;
    private final Path dbFile;
    private final Path logDir;
    private final Path schema;

    /** A daemon's pid (from its pidfile) when it is running. */
    public record Status(Optional<Long> dbServer, Optional<Long> vswitchd, boolean installed, Path socket) {
        public boolean running() { return dbServer.isPresent() && vswitchd.isPresent(); }
    }

    public OvsDaemons() {
        runDir = Path.of(env("OVS_RUNDIR", "/var/run/openvswitch"));
        dbFile = Path.of(env("OVS_DBDIR", "/etc/openvswitch"), "conf.db");
        logDir = Path.of(env("OVS_LOGDIR", "/var/log/openvswitch"));
        schema = Path.of(env("OVS_PKGDATADIR", "/usr/share/openvswitch"), "vswitch.ovsschema");
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    public Path socket() { return runDir.resolve("db.sock"); }

    public Status status() {
        return new Status(pid("ovsdb-server"), pid("ovs-vswitchd"), program("ovsdb-server").isPresent(), socket());
    }

    /** The pid in DAEMON.pid when that process is alive and is that daemon. */
    private Optional<Long> pid(String daemon) {
        try {
            long pid = Long.parseLong(Files.readString(runDir.resolve(daemon + ".pid")).trim());
            String comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
            return daemon.startsWith(comm) ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Where a program of the Open vSwitch packages is installed (sbin first, then PATH). */
    private static Optional<Path> program(String name) {
        List<String> dirs = new ArrayList<>(List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin", "/sbin"));
        String path = System.getenv("PATH");
        if (path != null) dirs.addAll(List.of(path.split(":")));
        for (String d : dirs) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private static Path need(String name) {
        return program(name).orElseThrow(() -> new OvsdbException("Open vSwitch is not installed (" + name
                + " not found): install the Debian package " + PACKAGE + " (apt-get install " + PACKAGE + ")", "not installed", name));
    }

    /**
     * Starts whichever daemon is not running, creating the database first when there is none. Returns what was
     * started (empty when both were already running).
     */
    public List<String> start(Consumer<String> progress) {
        List<String> started = new ArrayList<>();
        Status s = status();
        if (s.running()) return started;
        Path dbServer = need("ovsdb-server");
        Path vswitchd = need("ovs-vswitchd");
        try {
            Files.createDirectories(runDir);
            Files.createDirectories(logDir);
            if (!Files.exists(dbFile)) {
                // conf.db may be a dangling symlink into /var/lib/openvswitch (Debian): create its directory
                Path target = Files.isSymbolicLink(dbFile) ? dbFile.resolveSibling(Files.readSymbolicLink(dbFile)) : dbFile;
                Files.createDirectories(target.getParent());
                progress.accept("creating the Open vSwitch database " + dbFile);
                run(List.of(need("ovsdb-tool").toString(), "create", dbFile.toString(), schema.toString()));
            }
        } catch (IOException e) {
            throw new OvsdbException("cannot prepare " + runDir + " or " + dbFile + ": " + e.getMessage(), "io", dbFile.toString(), e);
        }
        if (s.dbServer().isEmpty()) {
            progress.accept("starting ovsdb-server (" + socket() + ")");
            run(List.of(dbServer.toString(), dbFile.toString(), "--remote=punix:" + socket(),
                    "--remote=db:Open_vSwitch,Open_vSwitch,manager_options", "--no-chdir", "-vconsole:off",
                    "--log-file=" + logDir.resolve("ovsdb-server.log"), "--pidfile=" + runDir.resolve("ovsdb-server.pid"),
                    "--detach"));
            started.add("ovsdb-server");
        }
        try (Ovs ovs = Ovs.connect(socket())) {
            ovs.initialize(version(vswitchd), schemaVersion());
        }
        if (s.vswitchd().isEmpty()) {
            progress.accept("starting ovs-vswitchd");
            run(List.of(vswitchd.toString(), "unix:" + socket(), "--no-chdir", "-vconsole:off",
                    "--log-file=" + logDir.resolve("ovs-vswitchd.log"), "--pidfile=" + runDir.resolve("ovs-vswitchd.pid"),
                    "--detach"));
            started.add("ovs-vswitchd");
        }
        return started;
    }

    /** The switch's state when its database runs; empty when Open vSwitch is not running (nothing is started). */
    public java.util.Optional<OvsState> stateIfRunning() {
        if (!status().running()) return java.util.Optional.empty();
        try (Ovs ovs = Ovs.connect(socket())) {
            return java.util.Optional.of(ovs.state());
        }
    }

    /** Stops both daemons (SIGTERM to the pids in their pidfiles); the database file stays. Returns what was stopped. */
    public List<String> stop() {
        List<String> stopped = new ArrayList<>();
        for (String daemon : List.of("ovs-vswitchd", "ovsdb-server")) {
            Optional<Long> pid = pid(daemon);
            if (pid.isEmpty()) continue;
            Optional<ProcessHandle> h = ProcessHandle.of(pid.get());
            if (h.isEmpty()) continue;
            h.get().destroy();
            try {
                h.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new OvsdbException(daemon + " (pid " + pid.get() + ") did not stop within 10 s", "timeout", daemon);
            }
            stopped.add(daemon + " (pid " + pid.get() + ")");
        }
        return stopped;
    }

    private static String version(Path vswitchd) {
        String out = run(List.of(vswitchd.toString(), "--version"));
        String first = out.lines().findFirst().orElse("");
        int sp = first.lastIndexOf(' ');
        return sp < 0 ? null : first.substring(sp + 1).trim();
    }

    private String schemaVersion() {
        try {
            return new ObjectMapper().readTree(schema.toFile()).path("version").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Runs a daemon program (which detaches) and returns its output; a non-zero exit is an error with its output. */
    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new OvsdbException(Path.of(cmd.getFirst()).getFileName() + " failed (exit " + rc + "): " + out.strip(), "start", cmd.getFirst());
            }
            return out;
        } catch (IOException e) {
            throw new OvsdbException("cannot run " + cmd.getFirst() + ": " + e.getMessage(), "start", cmd.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OvsdbException("interrupted while starting " + cmd.getFirst(), "start", cmd.getFirst(), e);
        }
    }
}
