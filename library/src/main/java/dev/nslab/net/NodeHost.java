package dev.nslab.net;

import dev.nslab.error.ToolException;
import dev.nslab.sys.Tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node made a small host: network, mount, UTS, IPC and PID namespaces of its own under a user namespace, the
 * machine's tree beneath a writable layer, private /tmp, /run and /dev, binds, a host name, and an init that reaps
 * (pid 1 inside). The namespaces are made by nslab's helper program {@code nslab-host} (a thread of a JVM cannot join a
 * user namespace); this class starts it, names what it made, and runs programs inside through it.
 */
public final class NodeHost {
    private NodeHost() {}

    /** The helper program's name (see {@link Tools}). */
    public static final String TOOL = "nslab-host";

    /** A host path the node sees at {@code target}, read-only or not. */
    public record Bind(String source, String target, boolean readOnly) { }

    /**
     * What a host is made of.
     *
     * @param hostname the node's host name
     * @param dir      its directory: {@code upper} and {@code work} (the writable layer, owned by the node's root),
     *                 {@code lower} and {@code merged} (mount points)
     * @param userns   the lab's user namespace pinned on a file, or null to stay in this process's own (rootless)
     * @param idmap    whether the machine's root is seen through an idmapped mount (a user namespace whose root is
     *                 not the machine's: root of the lab owns what root of the machine owns, in the node's view)
     * @param etc      the lab's directory of names (its hosts file), or null
     * @param masks    paths of the machine the node must not read (its secrets): hidden under an empty file or directory
     */
    public record Spec(String hostname, Path dir, Path userns, boolean idmap, Path etc, List<Bind> binds, List<String> masks) { }

    /**
     * A host that exists but has no name yet: its init waits for {@link #go()}. Closed without it, the init ends and
     * takes everything of the host along (so a caller that dies halfway leaves nothing).
     */
    public static final class Pending implements AutoCloseable {
        private final Process helper;
        private final long pid;
        private OutputStream go;

        private Pending(Process helper, long pid) {
            this.helper = helper;
            this.pid = pid;
            this.go = helper.getOutputStream();
        }

        /** The process id of the host's init, as this process sees it. */
        public long pid() { return pid; }

        /** Lets the host live on its own. */
        public void go() {
            try {
                go.write("go".getBytes(StandardCharsets.US_ASCII));
                go.close();
                go = null;
                if (!helper.waitFor(10, TimeUnit.SECONDS) || helper.exitValue() != 0) {
                    throw new ToolException("the host of process " + pid + " did not take its go", 125);
                }
            } catch (IOException e) {
                throw new ToolException("the host of process " + pid + " is gone before it was started: " + e.getMessage(), 125);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ToolException("interrupted while starting the host of process " + pid, 125);
            }
        }

        @Override
        public void close() {
            try {
                if (go != null) go.close(); // end of input before "go": the init ends
            } catch (IOException ignored) {
                // gone already
            }
            helper.destroy();
        }
    }

    /** Whether nodes can be made hosts here: nslab's helper program is there. */
    public static boolean available() { return Tools.find(TOOL).isPresent(); }

    /** Pins a user namespace whose ids 0.. {@code count}-1 are the machine's {@code base}.. on {@code pin} (an existing file). */
    public static void pinUserNamespace(Path pin, long base, int count) {
        run(List.of(Tools.need(TOOL, "a lab's user namespace").toString(), "userns", pin.toString(), Long.toString(base), Integer.toString(count)),
                "the user namespace of a lab");
    }

    /** Makes a host; it waits for {@link Pending#go()}. */
    public static Pending start(Spec s) {
        List<String> cmd = new ArrayList<>(List.of(Tools.need(TOOL, "a node's host").toString(), "init", "--dir", s.dir().toString(),
                "--hostname", s.hostname()));
        if (s.userns() != null) cmd.addAll(List.of("--userns", s.userns().toString()));
        if (s.idmap()) cmd.add("--idmap");
        if (s.etc() != null) cmd.addAll(List.of("--etc", s.etc().toString()));
        for (String m : s.masks()) cmd.addAll(List.of("--mask", m));
        for (Bind b : s.binds()) cmd.addAll(List.of("--bind", b.source() + ":" + b.target() + (b.readOnly() ? ":ro" : "")));
        try {
            // the helper stays until it is told go (its standard input stays open as long as it runs): one line, the pid
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
            String out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (out == null || out.isBlank()) {
                p.getOutputStream().close();
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                int status = p.waitFor();
                throw new ToolException("the host of node " + s.hostname() + " could not be made: " + (err.isEmpty() ? "exit " + status : err), status);
            }
            return new Pending(p, Long.parseLong(out.strip()));
        } catch (IOException e) {
            throw new ToolException("cannot run " + cmd.getFirst() + ": " + e.getMessage(), 125);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while making the host of node " + s.hostname(), 125);
        }
    }

    /** The command line that runs {@code command} inside the host whose init is {@code pid}. */
    public static List<String> enter(long pid, List<String> command) {
        List<String> out = new ArrayList<>(List.of(Tools.need(TOOL, "a program in a node's host").toString(), "enter", Long.toString(pid), "--"));
        out.addAll(command);
        return out;
    }

    /**
     * Replaces this process with {@code command} inside the host whose init is {@code pid}, with {@code env} added to
     * its environment: the last thing a command line does ({@code nslab exec}), so that the terminal and signals go
     * straight to it. Returns only by throwing.
     */
    public static dev.nslab.error.KernelException execInto(long pid, List<String> command, java.util.Map<String, String> env) {
        List<String> argv = new ArrayList<>();
        if (!env.isEmpty()) {
            argv.add("env");
            env.forEach((k, v) -> argv.add(k + "=" + v));
        }
        argv.addAll(enter(pid, command));
        return dev.nslab.sys.Libc.execvp(argv);
    }

    /** Lets go of a user namespace pinned on {@code pin} (it ends once no process or namespace of it is left). */
    public static void unpin(Path pin) {
        try {
            dev.nslab.sys.Libc.umount2(pin.toString(), dev.nslab.sys.Libc.MNT_DETACH);
        } catch (dev.nslab.error.KernelException e) {
            if (e.errno() != dev.nslab.error.Errno.EINVAL && e.errno() != dev.nslab.error.Errno.ENOENT) throw e;
        }
    }

    private static void run(List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ToolException(what + " was not made within 30 s", 125);
            }
            if (p.exitValue() != 0) throw new ToolException(what + " could not be made: " + out, p.exitValue());
        } catch (IOException e) {
            throw new ToolException("cannot run " + cmd.getFirst() + ": " + e.getMessage(), 125);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while making " + what, 125);
        }
    }
}
