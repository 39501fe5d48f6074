package dev.nslab.helper;

import dev.nslab.cli.Json;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab helper start | stop | status [-j] | serve}: the resident helper's lifetime. The launcher sends
 * "nslab helper ..." here (the command line's own entry point knows nothing of the helper).
 */
public final class HelperMain {
    private HelperMain() {}

    /** Idle time after which the helper stops by itself, unless NSLAB_HELPER_IDLE (seconds) says otherwise. */
    private static final Duration DEFAULT_IDLE = Duration.ofMinutes(15);

    public static void main(String[] args) {
        int code;
        try {
            code = run(List.of(args));
        } catch (IOException e) {
            System.err.println("nslab helper: " + e.getMessage());
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    private static int run(List<String> args) throws IOException {
        Path socket = Identity.socket(System.getenv());
        boolean json = args.contains("-j") || args.contains("--json");
        String verb = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("status");
        return switch (verb) {
            case "serve" -> {
                Files.createDirectories(socket.toAbsolutePath().getParent());
                // one helper per socket, also when two are started at once: the second finds the lock taken
                try (FileChannel lock = FileChannel.open(Path.of(socket + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock held = lock.tryLock()) {
                    if (held == null || answers(socket)) {
                        System.err.println("nslab helper: already running on " + socket);
                        yield 1;
                    }
                    Files.deleteIfExists(socket); // nobody answers on it: left by a helper that was killed
                    new Server(socket, idle()).run();
                    Files.deleteIfExists(Path.of(socket + ".lock"));
                }
                yield 0;
            }
            case "start" -> start(socket);
            case "stop" -> stop(socket);
            case "status" -> status(socket, json);
            case "help" -> {
                System.out.print(USAGE);
                yield 0;
            }
            default -> {
                System.err.print("nslab helper: unknown command \"" + verb + "\"\n" + USAGE);
                yield 255;
            }
        };
    }

    static final String USAGE = """
            Usage: nslab helper start     keep a JVM resident that runs read-only commands (show, list, status,
                                          ls, inventory, ovs show ...) for the launcher: a few ms instead of ~100;
                                          the machine's root's also runs up and down of labs that start no
                                          programs, and -batch FILE of kernel requests
                   nslab helper stop      stop it (it also stops after NSLAB_HELPER_IDLE seconds idle, default 900)
                   nslab helper status [-j]
                   nslab helper serve     run it in the foreground
            For the machine's root the launcher starts one by itself when none answers; for a normal user only
            "nslab helper start" does (or NSLAB_HELPER=auto). NSLAB_HELPER=off: the launcher neither asks nor starts one.
            Only the helper's user's own commands, from the helper's namespaces, with the same NSLAB_*/OVS_*
            environment, are served; anything else runs in a JVM of its own as before.
            """;

    private static Duration idle() {
        String s = System.getenv("NSLAB_HELPER_IDLE");
        try {
            return s == null || s.isEmpty() ? DEFAULT_IDLE : Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("NSLAB_HELPER_IDLE must be a number of seconds, not \"" + s + "\"");
        }
    }

    private static int start(Path socket) throws IOException {
        Map<String, String> running = ask(socket, "ping");
        if (running != null) {
            System.out.println("nslab helper: already running (pid " + running.get("pid") + ") on " + socket);
            return 0;
        }
        Files.createDirectories(socket.toAbsolutePath().getParent());
        Path log = Path.of(socket + ".log");
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) cmd.add("/usr/bin/setsid"); // out of the terminal's session
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String o : jvmOptions()) cmd.add(o.startsWith("-XX:AOTCache=") ? "-XX:AOTCache=" + absolute(o.substring(13)) : o);
        // a command's code runs once a command: compiled after a tenth of the usual runs, so that the warm-up's
        // rounds (and a user's first commands) find it compiled
        if (cmd.stream().noneMatch(o -> o.startsWith("-XX:CompileThresholdScaling="))) cmd.add("-XX:CompileThresholdScaling=0.1");
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) cp.add(absolute(e));
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, cp), HelperMain.class.getName(), "serve"));
        // in "/", as a daemon: it must not keep the user's directory busy, nor read paths against it
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File("/")).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectErrorStream(true);
        // a clean environment: what nslab reads, and a plain PATH; nothing else of the starting shell's (LD_PRELOAD,
        // a PATH with the user's directories first) reaches a helper that serves later commands, perhaps as root
        Map<String, String> env = pb.environment();
        Map<String, String> keep = new java.util.TreeMap<>(Identity.environment(env));
        for (String k : List.of("NSLAB_HELPER_IDLE", "NSLAB_HELPER_DEBUG", "NSLAB_JAVA_HOME", "NSLAB_TOOLS", "LANG")) {
            if (env.containsKey(k)) keep.put(k, env.get(k));
        }
        env.clear();
        env.putAll(keep);
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("NSLAB_HELPER_SOCKET", absolute(socket.toString())); // it runs in "/"
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, String> st = ask(socket, "ping");
            if (st != null) {
                System.out.println("nslab helper: running (pid " + st.get("pid") + ") on " + socket + "; it stops after "
                        + st.get("idle-limit") + " s idle or with \"nslab helper stop\"");
                return 0;
            }
            if (!p.isAlive()) break;
            try {
                p.waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS); // until it answers, or ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (p.isAlive()) p.destroy();
        System.err.println("nslab helper: did not start; its log (" + log + ") ends:");
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach(l -> System.err.println("  " + l));
        return 1;
    }

    /**
     * The options this JVM was started with (the launcher's: C1, serial GC, its AOT cache, whose classes the helper
     * then finds loaded and linked); without them, the same minus the cache.
     */
    private static List<String> jvmOptions() {
        List<String> args = ProcessHandle.current().info().arguments().map(List::of).orElse(List.of());
        int cp = args.indexOf("-cp");
        if (cp > 0 && args.contains(HelperMain.class.getName())) return args.subList(0, cp);
        return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xss512k", "--enable-native-access=ALL-UNNAMED");
    }

    private static String absolute(String path) { return Path.of(path).toAbsolutePath().normalize().toString(); }

    private static int stop(Path socket) throws IOException {
        Map<String, String> st = ask(socket, "ping");
        if (st == null) {
            System.out.println("nslab helper: not running (" + socket + ")");
            return 0;
        }
        ask(socket, "stop");
        long pid = Long.parseLong(st.get("pid"));
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(40, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> h).join());
        boolean gone = ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
        System.out.println("nslab helper: " + (gone ? "stopped" : "asked to stop, still finishing") + " (pid " + pid + ")");
        return gone ? 0 : 1;
    }

    private static int status(Path socket, boolean json) throws IOException {
        Map<String, String> st = ask(socket, "ping");
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("running", st != null);
            m.put("socket", socket.toString());
            if (st != null) {
                for (String k : List.of("pid", "served", "declined", "idle-limit")) m.put(k, Long.parseLong(st.get(k)));
                m.put("since", st.get("since"));
            }
            System.out.println(Json.write(m, false));
        } else if (st == null) {
            System.out.println("nslab helper: not running (" + socket + ")");
        } else {
            System.out.println("nslab helper: running (pid " + st.get("pid") + ") on " + socket + " since " + st.get("since")
                    + "; " + st.get("served") + " commands served, " + st.get("declined") + " run on their own; stops after "
                    + st.get("idle-limit") + " s idle");
        }
        return st != null ? 0 : 1;
    }

    /** Sends a ping or stop and reads the answer's standard output as KEY VALUE lines; null when nobody answers. */
    static Map<String, String> ask(Path socket, String kind) {
        if (!Files.exists(socket)) return null;
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            Request r = new Request(kind, Identity.current(), System.getProperty("user.dir"), Map.of(), List.of());
            c.write(ByteBuffer.wrap(r.encode()));
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(c)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                byte type = in.readByte();
                byte[] data = in.readNBytes(in.readInt());
                if (type == Frames.OUT) out.writeBytes(data);
                if (type == Frames.EXIT) break;
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                int sp = line.indexOf(' ');
                if (sp > 0) m.put(line.substring(0, sp), line.substring(sp + 1));
            }
            return m;
        } catch (EOFException e) {
            return Map.of();
        } catch (IOException e) {
            return null;
        }
    }

    static boolean answers(Path socket) { return ask(socket, "ping") != null; }

}
