package dev.nslab.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real program (the independent witness: ip, ping, readlink...) and captures what it says. */
public final class Sh {
    private Sh() {}

    public record Result(int code, String out, String err) {
        public Result ok() {
            if (code != 0) throw new AssertionError("exit " + code + "\nstdout: " + out + "\nstderr: " + err);
            return this;
        }
    }

    public static Result run(String... cmd) { return run(List.of(cmd), null); }

    public static Result run(List<String> cmd, String stdin) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            var outF = OwnThread.supply(() -> read(p.getInputStream()));
            var errF = OwnThread.supply(() -> read(p.getErrorStream()));
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Result(p.exitValue(), outF.join(), errF.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A shell line, for witnesses that need pipes. */
    public static Result bash(String script) { return run(List.of("bash", "-c", script), null); }

    public static String ok(String... cmd) { return run(cmd).ok().out(); }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public static List<String> words(String s) { return new ArrayList<>(Arrays.asList(s.trim().split("\\s+"))); }

    /** Words as a shell splits them, where '...' keeps its spaces (and '' is an empty word). */
    public static List<String> shellWords(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '\'' ) {
                quoted = !quoted;
                if (w == null) w = new StringBuilder();
            } else if (Character.isWhitespace(c) && !quoted) {
                if (w != null) out.add(w.toString());
                w = null;
            } else {
                if (w == null) w = new StringBuilder();
                w.append(c);
            }
        }
        if (w != null) out.add(w.toString());
        return out;
    }
}
