package dev.nslab.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Container images built here, for tests (no registry is reachable): a root file system of Debian's static busybox
 * and its applets, imported with {@code podman import} (or another engine's client) under a tag of the test's own,
 * and removed by {@link #close} (only the tag: an image another run imported from the same bytes keeps its own).
 */
public final class TestImages implements AutoCloseable {
    private final List<String> tags = new java.util.ArrayList<>();
    /** The engine's client, as a command prefix. */
    private final List<String> client;

    /** Images in podman's store. */
    public TestImages() { this(List.of("podman")); }

    /** Images in the store of the engine that {@code client} (a command prefix) runs, such as {@link Dockerd#client}. */
    public TestImages(List<String> client) { this.client = List.copyOf(client); }

    private Sh.Result engine(String... args) {
        List<String> cmd = new java.util.ArrayList<>(client);
        cmd.addAll(List.of(args));
        return Sh.run(cmd, null);
    }

    /** The busybox applets a node needs: a shell, ip, ping, a web server, nc, and what tests look with. */
    private static final List<String> APPLETS = List.of("sh", "ls", "cat", "echo", "ip", "ping", "httpd", "sleep", "ps", "hostname", "nc",
            "wget", "sysctl", "true", "grep", "rm");

    /** Imports a busybox image as {@code tag} whose command is {@code cmd} (JSON array words). */
    public String busybox(String tag, String... cmd) throws IOException {
        Path root = Files.createTempDirectory("nslab-image");
        try {
            Files.createDirectories(root.resolve("bin"));
            Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
            for (String a : APPLETS) Files.createSymbolicLink(root.resolve("bin").resolve(a), Path.of("busybox"));
            for (String d : List.of("etc", "tmp", "www")) Files.createDirectories(root.resolve(d));
            Files.writeString(root.resolve("www/index.html"), "hello from the image\n");
            Path tar = root.resolveSibling(root.getFileName() + ".tar");
            try {
                Sh.ok("tar", "-C", root.toString(), "-cf", tar.toString(), ".");
                StringBuilder json = new StringBuilder("[");
                for (int i = 0; i < cmd.length; i++) json.append(i == 0 ? "" : ",").append('"').append(cmd[i]).append('"');
                engine("import", "--change", "CMD " + json.append(']'), tar.toString(), tag).ok();
                tags.add(tag);
                return tag;
            } finally {
                Files.deleteIfExists(tar);
            }
        } finally {
            Sh.run("rm", "-rf", root.toString());
        }
    }

    /** Whether /bin/busybox is the static one an image of its own can run (Debian's busybox-static). */
    public static boolean staticBusybox() {
        if (!Files.isExecutable(Path.of("/bin/busybox"))) return false;
        Sh.Result r = Sh.run("ldd", "/bin/busybox");
        return (r.out() + r.err()).contains("not a dynamic executable");
    }

    @Override
    public void close() {
        for (String t : tags) engine("rmi", t); // without --force: never a container it did not make
    }
}
