package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.sys.Libc;
import dev.nslab.sys.MemoryFile;
import dev.nslab.sys.OwnFiles;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs programs inside a named namespace as {@code ip netns exec} does: in the namespace's network stack, in a
 * private mount namespace where /sys shows the namespace's own devices and the files of /etc/netns/NAME are bound
 * over their /etc counterparts (a per-namespace resolv.conf, for instance).
 */
public final class NetnsExec {
    private NetnsExec() {}

    /** A host path the process sees at {@code target} (read-only or not), in its private mount namespace. */
    public record Bind(String source, String target, boolean readOnly) { }

    /** What a process gets besides the namespace: environment variables and binds. */
    public record Options(Map<String, String> env, List<Bind> binds) {
        public static final Options NONE = new Options(Map.of(), List.of());
    }

    /**
     * Prepares the calling thread; meant for a dedicated platform thread, never the caller's own. A file of
     * /etc/netns/NAME that cannot be bound is told to {@code warnings} in ip's words, and the rest goes on.
     */
    static void enter(Namespaces registry, String name, Consumer<String> warnings) { enter(registry, name, Options.NONE, warnings); }

    /** The same, with {@code options}' binds mounted after /sys and /etc/netns. */
    static void enter(Namespaces registry, String name, Options options, Consumer<String> warnings) {
        if (name == null) { // the calling process's own namespace: only the binds need a mount namespace of their own
            if (options.binds().isEmpty()) return;
            Libc.unshare(Libc.CLONE_NEWNS, "binds");
            Libc.mount("", "/", "none", Libc.MS_SLAVE | Libc.MS_REC, null);
            mountBinds(options);
            return;
        }
        int fd = registry.open(NsRef.named(name));
        try {
            NsThread.join(fd, name);
        } finally {
            Libc.close(fd);
        }
        Libc.unshare(Libc.CLONE_NEWNS, name);
        // Our mounts must not leak back into the machine's mount namespace.
        Libc.mount("", "/", "none", Libc.MS_SLAVE | Libc.MS_REC, null);
        try {
            Libc.umount2("/sys", Libc.MNT_DETACH);
        } catch (KernelException e) {
            if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) throw e;
        }
        Libc.mount(name, "/sys", "sysfs", 0, null);
        bindEtc(name, warnings);
        mountBinds(options);
    }

    private static void mountBinds(Options options) {
        for (Bind b : options.binds()) {
            Libc.mount(b.source(), b.target(), "none", Libc.MS_BIND | Libc.MS_REC, null);
            if (b.readOnly()) Libc.mount("none", b.target(), "none", Libc.MS_BIND | Libc.MS_REMOUNT | Libc.MS_RDONLY, null);
        }
    }

    /**
     * The file a program run in namespace {@code name} by {@code ip netns exec} finds at {@code file} under /etc: the
     * namespace's own (/etc/netns/NAME/...) where one is bound over it, else {@code file}.
     */
    public static Path etcFile(String name, Path file) {
        Path etc = Path.of("/etc");
        if (!file.startsWith(etc) || file.equals(etc)) return file;
        Path first = etc.relativize(file).getName(0), own = Path.of("/etc/netns", name).resolve(first);
        return Files.exists(own) && Files.exists(etc.resolve(first)) ? own.resolve(etc.resolve(first).relativize(file)) : file;
    }

    private static void bindEtc(String name, Consumer<String> warnings) {
        Path dir = Path.of("/etc/netns", name);
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Path target = Path.of("/etc").resolve(p.getFileName().toString());
                if (!Files.exists(target)) continue;
                try {
                    Libc.mount(p.toString(), target.toString(), "none", Libc.MS_BIND, null);
                } catch (KernelException e) {
                    warnings.accept("Bind " + p + " -> " + target + " failed: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            warnings.accept("Cannot read " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Replaces this process with {@code command} running inside {@code name}; returns only by throwing.
     * Used when the command is the last thing the process does, so signals and the terminal go straight to it.
     */
    public static KernelException exec(Namespaces registry, String name, List<String> command, Consumer<String> warnings) {
        return exec(registry, name, command, Options.NONE, warnings);
    }

    /** The same, with {@code options}' environment (given to the command with env(1)) and binds. */
    public static KernelException exec(Namespaces registry, String name, List<String> command, Options options, Consumer<String> warnings) {
        return NsThread.callOnFreshThread(name, () -> {
            enter(registry, name, options, warnings);
            if (options.env().isEmpty()) throw Libc.execvp(command);
            List<String> argv = new java.util.ArrayList<>(List.of("env"));
            options.env().forEach((k, v) -> argv.add(k + "=" + v));
            argv.addAll(command);
            throw Libc.execvp(argv);
        });
    }

    /** Runs {@code command} inside {@code name} as a child process and waits; returns its exit status. */
    public static int run(Namespaces registry, String name, List<String> command, Consumer<String> warnings) {
        return NsThread.callOnFreshThread(name, () -> {
            enter(registry, name, warnings);
            try {
                return new ProcessBuilder(command).inheritIO().start().waitFor();
            } catch (IOException e) {
                throw KernelException.of("exec of \"" + command.getFirst() + "\" failed: " + e.getMessage(), Errno.ENOENT, command.getFirst());
            }
        });
    }

    /**
     * Starts {@code command} inside {@code name} in a session of its own ({@code setsid}), with its output appended to
     * {@code log} and no input, and returns at once with its process id: it outlives this process.
     */
    public static long spawn(Namespaces registry, String name, List<String> command, java.nio.file.Path log, Consumer<String> warnings) {
        return spawn(registry, name, command, log, Options.NONE, warnings);
    }

    /** The same, with {@code options}' environment and binds. */
    public static long spawn(Namespaces registry, String name, List<String> command, java.nio.file.Path log, Options options,
                             Consumer<String> warnings) {
        return NsThread.callOnFreshThread(name, () -> {
            enter(registry, name, options, warnings);
            List<String> argv = new java.util.ArrayList<>(List.of("setsid"));
            argv.addAll(command);
            try {
                OwnFiles.directory(log.getParent(), "rwx------"); // only nslab's user writes there: no link planted at the log
                ProcessBuilder pb = new ProcessBuilder(argv);
                pb.environment().putAll(options.env());
                Process p = pb.redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                return p.pid();
            } catch (IOException e) {
                throw KernelException.of("exec of \"" + command.getFirst() + "\" failed: " + e.getMessage(), Errno.ENOENT, command.getFirst());
            }
        });
    }

    /**
     * Starts {@code command} inside {@code name} as {@code ip netns exec} would (the namespace's /sys, its
     * /etc/netns files), with the builder's redirections, and returns the running process.
     */
    public static Process start(Namespaces registry, String name, ProcessBuilder command, Consumer<String> warnings) {
        return NsThread.callOnFreshThread(name, () -> {
            enter(registry, name, warnings);
            try {
                return command.start();
            } catch (IOException e) {
                String prog = command.command().isEmpty() ? "" : command.command().getFirst();
                throw KernelException.of("exec of \"" + prog + "\" failed: " + e.getMessage(), Errno.ENOENT, prog);
            }
        });
    }

    /** What a command printed (stdout and stderr merged) and its exit status. */
    public record Output(int status, String text) { }

    /**
     * Runs {@code command} inside {@code name} (null: this process's own namespace) with its output captured (for
     * commands a lab runs in its nodes). The
     * output goes to a file, not a pipe: a command that leaves a process in the background ({@code sh -c 'daemon &'})
     * returns when the command does, though the background process still holds its output open.
     */
    public static Output capture(Namespaces registry, String name, List<String> command, Consumer<String> warnings) {
        return capture(registry, name, command, Options.NONE, warnings);
    }

    /** The same, with {@code options}' environment and binds. */
    public static Output capture(Namespaces registry, String name, List<String> command, Options options, Consumer<String> warnings) {
        return NsThread.callOnFreshThread(name, () -> {
            enter(registry, name, options, warnings);
            try (MemoryFile out = new MemoryFile("nslab-exec")) {
                ProcessBuilder pb = new ProcessBuilder(command);
                pb.environment().putAll(options.env());
                Process p = pb.redirectErrorStream(true).redirectOutput(out.file())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                int status = p.waitFor();
                return new Output(status, out.text());
            } catch (IOException e) {
                throw KernelException.of("exec of \"" + command.getFirst() + "\" failed: " + e.getMessage(), Errno.ENOENT, command.getFirst());
            }
        });
    }

    /** Replaces this process with {@code command} in a fresh, anonymous network namespace (unshare --net). */
    public static KernelException execUnshared(List<String> command) {
        return NsThread.callOnFreshThread("unshare", () -> {
            Libc.unshare(Libc.CLONE_NEWNET, "unshare");
            throw Libc.execvp(command);
        });
    }
}
