package dev.nslab.net;

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

    /**
     * The processes any of whose threads live in one of the network namespaces {@code inodes} (read off
     * /proc/PID/task/TID/ns/net), this process excepted.
     */
    public static java.util.List<Long> inNamespaces(java.util.Set<Long> inodes) {
        java.util.List<Long> out = new java.util.ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (var procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self) continue;
                try (var tasks = Files.newDirectoryStream(p.resolve("task"))) {
                    for (Path t : tasks) {
                        if (inodes.contains(Namespaces.inode(t.resolve("ns/net")))) {
                            out.add(pid);
                            break;
                        }
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to find
        }
        return out;
    }

    /** Whether the process that had {@code pid} and started at {@code startTime} still runs. */
    public static boolean alive(long pid, long startTime) {
        OptionalLong now = startTime(pid);
        return now.isPresent() && now.getAsLong() == startTime;
    }
}
