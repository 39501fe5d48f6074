package dev.nslab.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Docker daemon of the test's own: its data, run directory and socket in a temporary directory, and nothing of the
 * machine's network touched (no docker0 bridge, no iptables rules, no forwarding switched on). Whatever daemon the
 * machine has, if any, is never asked. {@link #close} stops it (by its process) and removes its directory.
 */
public final class Dockerd implements AutoCloseable {
    private final Path dir;
    private final Process daemon;
    /** What the test's docker commands and nslab are given: DOCKER_HOST=unix://... */
    public final String host;

    private Dockerd(Path dir, Process daemon) {
        this.dir = dir;
        this.daemon = daemon;
        this.host = "unix://" + dir.resolve("docker.sock");
    }

    /** Starts one and waits until it answers (by asking it, up to a minute). */
    public static Dockerd start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nslab-dockerd");
        Process p = new ProcessBuilder("dockerd", "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("dockerd.pid").toString(), "--host", "unix://" + dir.resolve("docker.sock"),
                "--bridge", "none", "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--ip-forward=false", "--userland-proxy=false")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        Dockerd d = new Dockerd(dir, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (d.docker("version", "--format", "{{.Server.Version}}").code() != 0) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("dockerd.log"));
                d.close();
                throw new AssertionError("the test's dockerd did not answer: " + log.substring(Math.max(0, log.length() - 2000)));
            }
            Thread.sleep(100); // asked again: the daemon says nothing when it is ready
        }
        return d;
    }

    /** The docker client against this daemon. */
    public Sh.Result docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "DOCKER_HOST=" + host, "docker"));
        cmd.addAll(List.of(args));
        return Sh.run(cmd, null);
    }

    /** The command prefix that runs this daemon's client (for {@link TestImages}). */
    public List<String> client() { return List.of("env", "DOCKER_HOST=" + host, "docker"); }

    @Override
    public void close() {
        daemon.destroy(); // SIGTERM: the daemon stops its containerd and unmounts its layers
        try {
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
                daemon.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // what it may have left mounted under its directory (deepest first), then the directory
        List<String> mounts = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mp = l.split(" ")[4];
                if (mp.startsWith(dir.toString() + "/")) mounts.add(mp);
            }
        } catch (IOException e) {
            // nothing to read: nothing to unmount
        }
        mounts.sort(java.util.Comparator.comparingInt(String::length).reversed());
        for (String m : mounts) Sh.run("umount", "-l", m);
        Sh.run("rm", "-rf", dir.toString());
    }
}
