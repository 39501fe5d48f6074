package dev.nslab.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Container images built here, for tests (no registry is reachable): a root file system of Debian's static busybox
 * and its applets, imported with {@code podman import} under a tag of the test's own, and removed by {@link #close}
 * (only the tag: an image another run imported from the same bytes keeps its own).
 */
public final class TestImages implements AutoCloseable {
    private final List<String> tags = new java.util.ArrayList<>();

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
                Sh.ok("podman", "import", "--change", "CMD " + json.append(']'), tar.toString(), tag);
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
        for (String t : tags) Sh.run("podman", "rmi", t); // without --force: never a container it did not make
    }
}
