package dev.nslab.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says of a process's state. */
public final class ProcState {
    private ProcState() {}

    /**
     * Whether process {@code pid} still runs: not when it is gone, nor when it has ended and waits for its parent to
     * collect it (a zombie), which for an orphan depends on the machine's init, however slow that is.
     */
    public static boolean running(long pid) {
        try (var in = Files.newInputStream(Path.of("/proc", Long.toString(pid), "stat"))) {
            String stat = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            int close = stat.lastIndexOf(')');
            char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : 'X';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits up to {@code grace} for {@code pids} to end (polled every 10 ms: nothing wakes a waiter for a process that
     * is not its child; ended counts as ended before it is collected). Returns those still running.
     */
    public static java.util.List<Long> awaitEnd(java.util.List<Long> pids, java.time.Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        java.util.List<Long> left = new java.util.ArrayList<>(pids);
        while (true) {
            left.removeIf(p -> !running(p));
            if (left.isEmpty() || System.nanoTime() >= deadline) return left;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return left;
            }
        }
    }
}
