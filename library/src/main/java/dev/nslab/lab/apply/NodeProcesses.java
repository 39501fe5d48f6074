package dev.nslab.lab.apply;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetnsExec;
import dev.nslab.net.NodeHost;
import dev.nslab.sys.MemoryFile;
import dev.nslab.sys.OwnFiles;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * How a program runs in a node of a lab, the same for every way in — exec lines, services and their readiness,
 * {@code nslab exec}, a Java program's {@code start}: inside the node's host when the node is one (its file system,
 * host name and processes, as root of the lab's user namespace), else in its network namespace as {@code ip netns exec}
 * runs it (the machine's file system, the node's /sys and /etc/netns files).
 */
public final class NodeProcesses {
    private final Namespaces registry;
    private final Path stateDir;
    private final String lab;

    public NodeProcesses(Namespaces registry, Path stateDir, String lab) {
        this.registry = registry;
        this.stateDir = stateDir;
        this.lab = lab;
    }

    /** The init of namespace {@code ns}'s host, when the node is a host that runs; a host that was made but is gone is said. */
    private OptionalLong host(String ns) {
        if (ns == null || stateDir == null) return OptionalLong.empty();
        java.util.Optional<String> outside = HostApplier.outside(stateDir, lab, ns);
        if (outside.isPresent()) {
            // a container outside the lab: its programs run in it, entered by its first process (the engine is asked
            // only when the one noted at up has ended: the container was restarted)
            OptionalLong noted = HostApplier.outsideInit(stateDir, lab, ns);
            if (noted.isPresent()) return noted;
            long pid = dev.nslab.engine.Engine.need("the container " + outside.get()).pids(List.of(outside.get())).getOrDefault(outside.get(), 0L);
            if (pid <= 0) throw KernelException.of("container " + outside.get() + " (outside the lab) does not run", Errno.ESRCH, outside.get());
            return OptionalLong.of(pid);
        }
        OptionalLong init = HostApplier.init(stateDir, lab, ns);
        if (init.isEmpty() && HostApplier.isHost(stateDir, lab, ns)) {
            throw KernelException.of("the host of " + ns + " no longer runs (its init ended): bring the lab up again to make it again",
                    Errno.ESRCH, ns);
        }
        return init;
    }

    /** Whether namespace {@code ns} is a node's host. */
    public boolean isHost(String ns) { return ns != null && stateDir != null && HostApplier.isHost(stateDir, lab, ns); }

    /** Runs {@code command} and waits; its output (standard output and error) and status. */
    public NetnsExec.Output capture(String ns, List<String> command, Map<String, String> env, Consumer<String> warnings) {
        OptionalLong init = host(ns);
        if (init.isEmpty()) return NetnsExec.capture(registry, ns, command, new NetnsExec.Options(env, List.of()), warnings);
        try (MemoryFile out = new MemoryFile("nslab-exec")) {
            ProcessBuilder pb = new ProcessBuilder(NodeHost.enter(init.getAsLong(), command));
            pb.environment().putAll(env);
            // a file, not a pipe: a command that leaves a process in the background returns when the command does
            Process p = pb.redirectErrorStream(true).redirectOutput(out.file()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            int status = p.waitFor();
            return new NetnsExec.Output(status, out.text());
        } catch (IOException e) {
            throw KernelException.of("exec of \"" + command.getFirst() + "\" failed: " + e.getMessage(), Errno.ENOENT, command.getFirst());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KernelException.of("interrupted while running \"" + command.getFirst() + "\"", Errno.EINTR, command.getFirst());
        }
    }

    /**
     * Starts {@code command} in a session of its own, output appended to {@code log}, no input, and returns its
     * process id (on the machine) at once: it outlives this process. In a host, the process that runs on the machine
     * is the helper that entered it, and the command dies with it.
     */
    public long spawn(String ns, List<String> command, Path log, Map<String, String> env, Consumer<String> warnings) {
        OptionalLong init = host(ns);
        if (init.isEmpty()) return NetnsExec.spawn(registry, ns, command, log, new NetnsExec.Options(env, List.of()), warnings);
        List<String> argv = new ArrayList<>(List.of("setsid"));
        argv.addAll(NodeHost.enter(init.getAsLong(), command));
        try {
            OwnFiles.directory(log.getParent(), "rwx------"); // only nslab's user writes there: no link planted at the log
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().putAll(env);
            return pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start().pid();
        } catch (IOException e) {
            throw KernelException.of("exec of \"" + command.getFirst() + "\" failed: " + e.getMessage(), Errno.ENOENT, command.getFirst());
        }
    }

    /** Replaces this process with {@code command} in the node; returns only by throwing. */
    public KernelException exec(String ns, List<String> command, Map<String, String> env, Consumer<String> warnings) {
        OptionalLong init = host(ns);
        if (init.isEmpty()) return NetnsExec.exec(registry, ns, command, new NetnsExec.Options(env, List.of()), warnings);
        return NodeHost.execInto(init.getAsLong(), command, env);
    }

    /** Starts {@code command} (its redirections as the builder says) and returns the running process. */
    public Process start(String ns, ProcessBuilder command, Consumer<String> warnings) {
        OptionalLong init = host(ns);
        if (init.isEmpty()) return NetnsExec.start(registry, ns, command, warnings);
        ProcessBuilder pb = new ProcessBuilder(NodeHost.enter(init.getAsLong(), command.command()));
        pb.environment().clear();
        pb.environment().putAll(command.environment());
        pb.redirectInput(command.redirectInput()).redirectOutput(command.redirectOutput()).redirectError(command.redirectError())
                .redirectErrorStream(command.redirectErrorStream());
        if (command.directory() != null) pb.directory(command.directory());
        try {
            return pb.start();
        } catch (IOException e) {
            String prog = command.command().isEmpty() ? "" : command.command().getFirst();
            throw KernelException.of("exec of \"" + prog + "\" failed: " + e.getMessage(), Errno.ENOENT, prog);
        }
    }
}
