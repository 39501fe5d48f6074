package dev.nslab.ovs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nslab.sys.Libc;
import dev.nslab.sys.ProcState;
import dev.nslab.sys.Privileges;

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
 *
 * <p>A normal user's daemons are the user's own, in the user's namespaces: their run directory is the standard one,
 * which there lies in the user's own /run (so ovs-vsctl run there finds them unasked), and their database and logs
 * are kept in it too (the machine's /etc and /var/log are root's): the user's switch lasts as long as the user's
 * namespaces, and nothing of it is written outside them.
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
        boolean machines = Privileges.inInitialUserNamespace();
        dbFile = Path.of(env("OVS_DBDIR", machines ? "/etc/openvswitch" : runDir.toString()), "conf.db");
        logDir = Path.of(env("OVS_LOGDIR", machines ? "/var/log/openvswitch" : runDir.toString()));
        schema = Path.of(env("OVS_PKGDATADIR", "/usr/share/openvswitch"), "vswitch.ovsschema");
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    public Path socket() { return runDir.resolve("db.sock"); }

    /** Where the daemons nslab starts write their logs (ovs-vsctl names it after an interface it could not set up). */
    public Path logDir() { return logDir; }

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

    /**
     * Stops both daemons (SIGTERM to the pids in their pidfiles); the database file stays, the run directory goes when
     * they left it empty. Returns what was stopped.
     */
    public List<String> stop() {
        List<String> stopped = new ArrayList<>();
        for (String daemon : List.of("ovs-vswitchd", "ovsdb-server")) {
            Optional<Long> pid = pid(daemon);
            if (pid.isEmpty()) continue;
            Optional<ProcessHandle> h = ProcessHandle.of(pid.get());
            if (h.isEmpty()) continue;
            h.get().destroy();
            // an orphan's end is seen by its state (a zombie until the machine's init collects it, which may take
            // seconds), not by ProcessHandle.onExit
            if (!ProcState.awaitEnd(List.of(pid.get()), java.time.Duration.ofSeconds(10)).isEmpty()) {
                throw new OvsdbException(daemon + " (pid " + pid.get() + ") did not stop within 10 s", "timeout", daemon);
            }
            stopped.add(daemon + " (pid " + pid.get() + ")");
        }
        if (!stopped.isEmpty()) {
            try {
                Files.deleteIfExists(runDir); // as a service manager's stop does: the daemons took their files along
            } catch (IOException e) {
                // not empty (a database kept there, another's file): it stays
            }
        }
        return stopped;
    }

    /**
     * Whether the daemons are a user's own (in the user's namespaces), which go when the user's labs no longer need
     * them; the machine's (root's) are the machine's service, and stay.
     */
    public boolean usersOwn() { return !Privileges.inInitialUserNamespace(); }

    /**
     * One run's use of the daemons, held from before it starts or asks them until it ends: {@link #stopUnused} leaves
     * daemons that another run still uses. A shared lock on a file in the run directory (the lock goes with the
     * process, however it ends).
     */
    public final class Use implements AutoCloseable {
        private int fd;

        private Use(int fd) { this.fd = fd; }

        @Override
        public void close() {
            Libc.close(fd);
            fd = -1;
        }
    }

    public Use use() {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new OvsdbException("cannot make " + runDir + ": " + e.getMessage(), "io", runDir.toString(), e);
        }
        String lock = runDir.resolve("nslab-users.lock").toString();
        int fd = Libc.open(lock, Libc.O_RDWR | Libc.O_CREAT, 0600);
        try {
            Libc.flock(fd, Libc.LOCK_SH, lock);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        return new Use(fd);
    }

    /**
     * Stops the daemons when {@code mine} is the only use of them left and their switch holds no bridge (asked through
     * {@code ovs} once no other run can start using them; {@code ovs} is closed either way). Returns what was stopped.
     */
    public List<String> stopUnused(Use mine, Ovs ovs) {
        try (ovs) {
            if (mine.fd < 0) return List.of();
            if (!Libc.flock(mine.fd, Libc.LOCK_EX | Libc.LOCK_NB, "nslab-users.lock")) {
                Libc.flock(mine.fd, Libc.LOCK_SH, "nslab-users.lock"); // a refused upgrade has given up the shared lock (flock(2))
                return List.of();
            }
            if (!ovs.state().bridges().isEmpty()) return List.of();
        }
        return stop();
    }

    private static String version(Path vswitchd) {
        String out = run(List.of(vswitchd.toString(), "--version"));
        String first = out.lines().findFirst().orElse("");
        int sp = first.lastIndexOf(' ');
        return sp < 0 ? null : first.substring(sp + 1).trim();
    }

    /** The installed Open vSwitch's version (as its ovs-vswitchd gives it) and its database schema's (null: unknown). */
    public record Version(String openVswitch, String schema) { }

    /** The installed Open vSwitch's version, asked of ovs-vswitchd ({@code --version}); empty where it is not installed. */
    public Optional<Version> version() {
        Optional<Path> vswitchd = program("ovs-vswitchd");
        return vswitchd.map(p -> new Version(version(p), schemaVersion()));
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
