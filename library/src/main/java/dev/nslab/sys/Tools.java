package dev.nslab.sys;

import dev.nslab.error.NslabException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * nslab's own small programs (written in C, because a JVM thread cannot do what they do: join a user namespace,
 * become a node's init): where they are. A build puts them beside the jar ({@code library/target}) and, when a C
 * compiler was there, inside it ({@code dev/nslab/native/}); a package puts them in {@code /usr/lib/nslab}. From the
 * jar they are written once into a directory of this user's own (0700, checked), named by their content's hash, so
 * that a stale copy is never run and nobody else can swap one in.
 */
public final class Tools {
    private Tools() {}

    /** Where program {@code name} is, or empty when this nslab was built without it (no C compiler). */
    public static Optional<Path> find(String name) {
        String env = System.getenv("NSLAB_TOOLS");
        if (env != null && !env.isEmpty() && Files.isExecutable(Path.of(env, name))) return Optional.of(Path.of(env, name));
        Path beside = besideTheJar(name);
        if (beside != null) return Optional.of(beside);
        Path packaged = Path.of("/usr/lib/nslab", name);
        if (Files.isExecutable(packaged)) return Optional.of(packaged);
        return extracted(name);
    }

    /** A program of the machine's (not nslab's own): on PATH, else in the usual system directories; empty when nowhere. */
    public static Optional<Path> ofMachine(String name) {
        java.util.List<String> dirs = new java.util.ArrayList<>(java.util.List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(java.util.List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The program, or a failure naming what to do. */
    public static Path need(String name, String forWhat) {
        return find(name).orElseThrow(() -> new NslabException(forWhat + " needs nslab's helper program " + name + ", which this build lacks "
                + "(it is compiled with the jar when a C compiler is there): install gcc and build nslab again"));
    }

    private static Path besideTheJar(String name) {
        try {
            var src = Tools.class.getProtectionDomain().getCodeSource();
            if (src == null) return null;
            Path where = Path.of(src.getLocation().toURI());
            Path dir = Files.isDirectory(where) ? where.getParent() : where.getParent(); // target/classes or target/nslab.jar
            Path p = dir == null ? null : dir.resolve(name);
            return p != null && Files.isExecutable(p) && !Files.isDirectory(p) ? p : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static Optional<Path> extracted(String name) {
        try (InputStream in = Tools.class.getResourceAsStream("/dev/nslab/native/" + name)) {
            if (in == null) return Optional.empty();
            byte[] bytes = in.readAllBytes();
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
            Path dir = ownDirectory();
            Path target = dir.resolve(name + "-" + hash);
            if (Files.isExecutable(target) && Files.size(target) == bytes.length) return Optional.of(target);
            // copies of other builds go: only this one is run from here on
            try (var old = Files.newDirectoryStream(dir, name + "-*")) {
                for (Path p : old) if (!p.equals(target)) Files.deleteIfExists(p);
            }
            Path tmp = Files.createTempFile(dir, name, ".tmp");
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(target);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new NslabException("cannot write nslab's helper program " + name + " out of its jar: " + e.getMessage(), e);
        }
    }

    /** A directory of this user's only: created 0700 when missing, refused when it is anyone else's or open to others. */
    private static Path ownDirectory() throws IOException {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        long uid = OwnFiles.uid();
        Path base = uid == 0 ? Path.of("/run/nslab") : runtime != null && !runtime.isEmpty() ? Path.of(runtime, "nslab")
                : Path.of(System.getProperty("java.io.tmpdir"), "nslab-" + uid);
        OwnFiles.directory(base, "rwx--x--x");
        return OwnFiles.directory(base.resolve("tools"), "rwx------");
    }
}
