package dev.nslab.helper;

import dev.nslab.cli.Cli;
import dev.nslab.cli.Resident;
import dev.nslab.ovs.OvsDaemons;
import dev.nslab.sys.Privileges;
import dev.nslab.sys.UnixServer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resident helper: a JVM that stays up and runs read-only commands for the launcher's client, so that a command
 * typed by hand does not pay for a JVM's start. It serves only a client that could run the command itself as the
 * helper would: a process of the helper's own user (the socket is 0600, and the kernel's record of the peer is
 * checked), with at least the helper's capabilities, in the helper's namespaces and root (read from the kernel, at
 * /proc/PID, never believed from the request), with the same nslab environment, for a command line
 * {@link Resident} accepts: a read that names no file, or — where the helper is the machine's root — a lab's up or
 * down or a batch, run for the client ({@link Resident.Client}: its directory, its variables) one at a time, and
 * declined before it begins when the lab or a line would start a program (a program started here would be the
 * helper's child, with the helper's environment). Everything else is answered "run it yourself" and runs as before.
 * Each request runs on a platform thread of {@link Workers}, which serves again only from where it began. A change
 * whose client goes away (its user's Ctrl-C) stops: an up removes what it made, as after a failure; a batch runs no
 * further line.
 */
final class Server {
    private final Path socket;
    private final Duration idle;
    private final String identity = Identity.current();
    private final Map<String, String> env = Identity.environment(System.getenv());
    private final Path jar = jarOf();
    private final Object jarStamp = stamp(jar);
    /** The sources of the tree the jar was built from, watched once the launcher's quick way first asks (null: not yet). */
    private SourceWatch sources;
    private final Instant started = Instant.now();
    private final AtomicLong served = new AtomicLong(), declined = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final Workers workers = new Workers();
    /**
     * Changes run one at a time: two in one JVM would take the same file locks twice (Java's locks are the process's,
     * so the second would fail where a second process waits or is told the lab is busy).
     */
    private final java.util.concurrent.locks.ReentrantLock changes = new java.util.concurrent.locks.ReentrantLock();

    private volatile long lastRequest = System.nanoTime();
    /** Set by {@link #stop} from any thread; the accepting thread notices within a fifth of a second and closes. */
    private volatile boolean stopping;
    /** NSLAB_HELPER_DEBUG=1: the log says why a command was not served. */
    private final boolean debug = "1".equals(System.getenv("NSLAB_HELPER_DEBUG"));
    /** The helper's own effective capabilities, which a peer must have too. */
    private final long capabilities = Privileges.effective();
    /** The helper's effective uid: the owner of the socket it made. */
    private int uid = -1;

    Server(Path socket, Duration idle) {
        this.socket = socket;
        this.idle = idle;
    }

    /** Serves until stopped, idle for too long, or its jar is rebuilt; removes its socket. */
    void run() throws IOException {
        warmUp();
        UnixServer ss;
        try {
            ss = UnixServer.listen(socket);
        } catch (RuntimeException e) {
            throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
        }
        Object key;
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            key = Files.readAttributes(socket, BasicFileAttributes.class).fileKey();
            uid = (int) Files.getAttribute(socket, "unix:uid");
        } catch (IOException e) {
            ss.close();
            Files.deleteIfExists(socket);
            throw e;
        }
        System.err.println("nslab helper: pid " + ProcessHandle.current().pid() + " serving on " + socket);
        Thread.ofPlatform().daemon().name("nslab-helper-idle").start(this::watchIdle);
        try (ss) {
            while (!stopping) {
                UnixServer.Connection c = ss.accept(200);
                if (c == null) continue;
                lastRequest = System.nanoTime();
                running.incrementAndGet();
                workers.run(() -> {
                    try {
                        handle(c);
                    } finally {
                        running.decrementAndGet();
                    }
                });
            }
        } finally {
            removeSocket(key);
            synchronized (this) {
                if (sources != null) sources.close();
            }
        }
        // commands already running are short: let them finish before the process goes
        for (int i = 0; i < 300 && running.get() > 0; i++) sleepQuietly(100);
        System.err.println("nslab helper: stopped after " + served.get() + " commands");
    }

    void stop() { stopping = true; }

    private void handle(UnixServer.Connection c) {
        try (c) {
            // the file's mode keeps other users out already; never serve them, nor a process of this user with fewer
            // capabilities than the helper's (a root process that dropped some would get them back through it)
            UnixServer.Peer peer = c.peer();
            if (peer.uid() != uid || (Privileges.effective(peer.pid()) & capabilities) != capabilities) return;
            Request r = Request.read(new BufferedInputStream(c.in()));
            Frames f = new Frames(c.out());
            switch (r.kind()) {
                case "run" -> run(r, f, peer, c);
                case "ping" -> {
                    byte[] text = status().getBytes(StandardCharsets.UTF_8);
                    f.send(Frames.OUT, text, 0, text.length);
                    f.exit(0);
                }
                case "stop" -> {
                    f.exit(0);
                    stop();
                }
                default -> { } // not ours: hang up
            }
        } catch (IOException e) {
            // the client went away or spoke another protocol: nothing to answer
        }
    }

    private String status() {
        return "pid " + ProcessHandle.current().pid() + "\nsocket " + socket + "\nsince " + started + "\nserved " + served.get()
                + "\ndeclined " + declined.get() + "\nidle-limit " + idle.toSeconds() + "\n";
    }

    private void run(Request r, Frames f, UnixServer.Peer peer, UnixServer.Connection c) throws IOException {
        String why = refusal(r, peer);
        if (why != null) {
            declined.incrementAndGet();
            if (debug) System.err.println("nslab helper: not served (" + why + "): " + String.join(" ", r.argv()));
            f.fallback();
            if (why.equals("jar")) stop(); // this code is no longer the installed one
            return;
        }
        if (!Resident.mayServe(r.argv())) {
            change(r, f, c);
            return;
        }
        answer(r, f, null);
    }

    /**
     * A change, one at a time, for the client: watched meanwhile, so that when the client goes away (its user's
     * Ctrl-C) an up stops and removes what it made, as a JVM of the user's own would have left it for the next up.
     */
    private void change(Request r, Frames f, UnixServer.Connection c) throws IOException {
        java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean(), finished = new java.util.concurrent.atomic.AtomicBoolean();
        changes.lock();
        Thread watcher = Thread.ofPlatform().daemon().name("nslab-helper-watch").start(() -> {
            while (!finished.get()) {
                if (c.peerGone(50)) {
                    gone.set(true);
                    return;
                }
            }
        });
        try {
            answer(r, f, new Resident.Client(Path.of(r.cwd()), r.env(), gone::get));
        } finally {
            finished.set(true);
            try {
                watcher.join(); // it polls the connection, which is closed once this returns
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            changes.unlock();
        }
    }

    private void answer(Request r, Frames f, Resident.Client client) throws IOException {
        PrintStream out = new PrintStream(new BufferedOutputStream(f.stream(Frames.OUT), 1 << 16), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(f.stream(Frames.ERR), true, StandardCharsets.UTF_8);
        Cli cli = new Cli(out, err);
        if (client != null) cli.servingFor(client);
        int code;
        try {
            code = cli.run(r.argv().toArray(String[]::new));
        } catch (Resident.Declined e) {
            // thrown before the command printed or changed anything: the client runs it itself
            declined.incrementAndGet();
            if (debug) System.err.println("nslab helper: not served (" + e.getMessage() + "): " + String.join(" ", r.argv()));
            if (!f.answered()) {
                f.fallback();
                return;
            }
            // a check that came too late (a mistake of nslab's): the client has output and cannot start over
            out.flush();
            err.println("nslab helper: this command must run on its own (" + e.getMessage() + "): run it again with NSLAB_HELPER=off");
            code = 1;
        } catch (RuntimeException | Error e) {
            // what the JVM would have printed for an uncaught exception, with its exit status
            out.flush();
            err.print("Exception in thread \"main\" ");
            e.printStackTrace(err);
            code = 1;
        }
        out.flush();
        err.flush();
        served.incrementAndGet();
        f.exit(code);
    }

    /** Why this request must run in a process of its own, or null. */
    private String refusal(Request r, UnixServer.Peer peer) {
        // the peer's namespaces and root as the kernel shows them; what the request says of them is not believed
        if (!identity.equals(r.identity()) || !identity.equals(Identity.of(peer.pid()))) return "namespaces";
        if (!env.equals(Identity.environment(r.env()))) return "environment";
        if (!Resident.mayServe(r.argv())) {
            if (!Resident.mayChange(r.argv())) return "not read-only";
            // a normal user's labs live in a user namespace of nslab-host's making, entered by a process of its own
            if (uid != 0 || !Privileges.inInitialUserNamespace()) return "a change, and the helper is not the machine's root";
            if (!Path.of(r.cwd()).isAbsolute()) return "no working directory";
        } else if (namesFile(r)) {
            return "names a file";
        }
        if (!Objects.equals(jarStamp, stamp(jar))) return "jar";
        String tree = r.env().get("NSLAB_HELPER_TREE");
        if (tree != null) {
            String why = unvouched(tree);
            if (why != null) return why;
        }
        if ((r.argv().contains("ovs") || r.argv().contains("ovs-vsctl")) && !new OvsDaemons().status().running()) {
            return "ovs not running"; // the command would start it: not from here
        }
        return null;
    }

    /**
     * Why the launcher's quick way in, which skipped its checks of source tree {@code tree} (that no source is newer
     * than the jar), may not be served: null when the helper's own jar is that tree's and its sources are not newer.
     */
    private synchronized String unvouched(String tree) {
        Path own = SourceWatch.treeOf(jar);
        if (own == null || !sameFile(own, tree)) return "another tree";
        try {
            // the jar's time now is its time at the start: the check before this one found the jar unchanged
            if (sources == null) sources = SourceWatch.of(own, Files.getLastModifiedTime(jar));
        } catch (IOException | RuntimeException e) {
            return "sources not watched: " + e.getMessage();
        }
        return sources.newer() ? "sources newer than the jar" : null;
    }

    private static boolean sameFile(Path a, String b) {
        try {
            return a.normalize().equals(Path.of(b).normalize()) || Files.isSameFile(a, Path.of(b));
        } catch (IOException | InvalidPathException e) {
            return false;
        }
    }

    /** A word the command reads as a file, relative, naming a file in the client's directory or the helper's. */
    private static boolean namesFile(Request r) {
        for (String w : Resident.fileWords(r.argv())) {
            try {
                Path p = Path.of(w);
                if (!p.isAbsolute() && (Files.isRegularFile(Path.of(r.cwd()).resolve(p)) || Files.isRegularFile(p))) return true;
            } catch (InvalidPathException e) {
                return true;
            }
        }
        return false;
    }

    private void watchIdle() {
        while (!stopping) {
            sleepQuietly(1000);
            if (running.get() == 0 && System.nanoTime() - lastRequest > idle.toNanos()) {
                System.err.println("nslab helper: idle for " + idle.toSeconds() + " s, stopping");
                stop();
            }
        }
    }

    /** Runs the read verbs a few times so the first real request finds the code loaded and compiled. */
    private static void warmUp() {
        PrintStream none = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        List<List<String>> lines = List.of(List.of("netns", "list"), List.of("link", "show"), List.of("-j", "link", "show"),
                List.of("address", "show"), List.of("-j", "address", "show"), List.of("-br", "address", "show"),
                List.of("route", "show"), List.of("-j", "route", "show"), List.of("ls"), List.of("inventory"));
        if (new OvsDaemons().status().running()) {
            // the database's reading and decoding, the larger part of an ovs transaction's code
            lines = new java.util.ArrayList<>(lines);
            lines.addAll(List.of(List.of("ovs", "show"), List.of("ovs", "list-br"), List.of("-j", "ovs", "show"),
                    List.of("ovs", "port-to-br", "nslab warm-up"), List.of("ovs", "br-exists", "nslab warm-up")));
        }
        for (int round = 0; round < 60; round++) {
            // inventory, the slowest read (a pass over /proc), has methods run once a command: compiled only after some
            // dozens of runs (measured: 20 ms a command after 20, 13 ms after 60); the others' after a few
            for (List<String> l : round < 20 ? lines : List.of(List.of("inventory"))) {
                try {
                    new Cli(none, none).run(l.toArray(String[]::new));
                } catch (RuntimeException e) {
                    // a warm-up line that fails here fails the same way for the user: nothing to do
                }
            }
        }
    }

    private void removeSocket(Object key) {
        try {
            // only our own socket: a helper started after this one may have taken the path
            if (Objects.equals(key, Files.readAttributes(socket, BasicFileAttributes.class).fileKey())) Files.delete(socket);
        } catch (IOException e) {
            // already gone
        }
    }

    private static Path jarOf() {
        try {
            Path p = Path.of(Server.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static Object stamp(Path jar) {
        if (jar == null) return null;
        try {
            BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
            return List.of(a.fileKey() == null ? "" : a.fileKey(), a.lastModifiedTime(), a.size());
        } catch (IOException e) {
            return "gone";
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
