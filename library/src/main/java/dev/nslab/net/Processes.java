package dev.nslab.net;

import dev.nslab.sys.ProcState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Processes as the kernel knows them. A process id is reused after its process ends; the pair (pid, start time)
 * names one process for good, which is how a lab records the process that owns it.
 */
public final class Processes {
    private Processes() {}

    /** The start time of process {@code pid} in clock ticks since boot (field 22 of /proc/PID/stat), if it runs. */
    public static OptionalLong startTime(long pid) {
        try (var in = Files.newInputStream(Path.of("/proc", Long.toString(pid), "stat"))) {
            String stat = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its closing one
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalLong.of(Long.parseLong(f[19]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** A process as status shows it: its id and its command line. */
    public record Info(long pid, String command) { }

    /**
     * The processes any of whose threads live in one of the network namespaces {@code inodes} (read off
     * /proc/PID/task/TID/ns/net), this process excepted, by namespace inode; one pass over /proc for all of them.
     */
    public static java.util.Map<Long, java.util.List<Info>> byNamespace(java.util.Set<Long> inodes) {
        java.util.Map<Long, java.util.List<Info>> out = new java.util.HashMap<>();
        long self = ProcessHandle.current().pid();
        // listed with getdents64: a directory per process and per thread, on every down
        java.util.List<String> procs = dev.nslab.sys.Libc.entries("/proc");
        if (procs == null) return out; // no /proc: nothing to find
        for (String name : procs) {
            if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) continue;
            long pid = Long.parseLong(name);
            if (pid == self) continue;
            Path p = Path.of("/proc", name);
            java.util.List<String> tasks = dev.nslab.sys.Libc.entries(p + "/task");
            if (tasks == null) continue; // gone meanwhile
            java.util.Set<Long> seen = new java.util.HashSet<>();
            for (String t : tasks) {
                long ino = Namespaces.inode(p.resolve("task").resolve(t).resolve("ns/net"));
                if (inodes.contains(ino) && seen.add(ino)) out.computeIfAbsent(ino, k -> new java.util.ArrayList<>()).add(new Info(pid, commandLine(p)));
            }
        }
        return out;
    }

    /** The processes any of whose threads live in one of the network namespaces {@code inodes}, this one excepted. */
    public static java.util.List<Long> inNamespaces(java.util.Set<Long> inodes) {
        java.util.Set<Long> pids = new java.util.TreeSet<>();
        byNamespace(inodes).values().forEach(list -> list.forEach(i -> pids.add(i.pid())));
        return java.util.List.copyOf(pids);
    }

    private static String commandLine(Path procDir) {
        try (var in = Files.newInputStream(procDir.resolve("cmdline"))) {
            String s = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').strip();
            if (!s.isEmpty()) return s;
        } catch (IOException e) {
            // gone meanwhile
        }
        try (var in = Files.newInputStream(procDir.resolve("comm"))) {
            return "[" + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip() + "]";
        } catch (IOException e) {
            return "?";
        }
    }

    /** Whether the process that had {@code pid} and started at {@code startTime} still runs. */
    public static boolean alive(long pid, long startTime) {
        OptionalLong now = startTime(pid);
        return now.isPresent() && now.getAsLong() == startTime;
    }

    /**
     * Ends {@code pids}: SIGTERM to all, up to {@code grace} for them to end (polled every 10 ms, zombies counting as
     * ended), then SIGKILL to what is left. Returns those that had to be killed.
     */
    public static java.util.List<Long> end(java.util.List<Long> pids, java.time.Duration grace) {
        for (long p : pids) ProcessHandle.of(p).ifPresent(ProcessHandle::destroy);
        java.util.List<Long> left = ProcState.awaitEnd(pids, grace);
        for (long p : left) ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
        return left;
    }
}
