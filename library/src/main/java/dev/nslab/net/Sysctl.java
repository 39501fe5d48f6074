package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Kernel parameters under /proc/sys, read and written inside a network namespace. The files under
 * /proc/sys/net belong to the namespace of the thread that opens them, which is why the I/O runs on a thread
 * inside the target namespace.
 */
public final class Sysctl {
    private final Namespaces registry;

    public Sysctl(Namespaces registry) { this.registry = registry; }

    /** "net.ipv4.ip_forward" or "net/ipv4/ip_forward" to its /proc/sys path. */
    public static Path path(String key) {
        if (key.isEmpty() || key.contains("..") || key.startsWith("/") || key.startsWith(".")) {
            throw KernelException.of("sysctl: invalid key \"" + key + "\"", Errno.EINVAL, key);
        }
        String rel = key.indexOf('/') >= 0 ? key : key.replace('.', '/');
        return Path.of("/proc/sys").resolve(rel);
    }

    public String read(NsRef ns, String key) {
        Path p = path(key);
        return registry.call(ns, () -> {
            // not Files.readString: procfs reports a size of 0, and JDK 25 then returns the first byte only
            try (var in = Files.newInputStream(p)) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw failure(key, p, e);
            }
        });
    }

    public void write(NsRef ns, String key, String value) {
        Path p = path(key);
        registry.call(ns, () -> {
            try {
                Files.writeString(p, value + "\n");
                return null;
            } catch (IOException e) {
                throw failure(key, p, e);
            }
        });
    }

    private static KernelException failure(String key, Path p, IOException e) {
        if (e instanceof NoSuchFileException) {
            return KernelException.of("sysctl: cannot stat " + p + ": No such file or directory (unknown key \"" + key + "\")", Errno.ENOENT, key);
        }
        if (e instanceof AccessDeniedException) {
            return KernelException.of("sysctl: permission denied on key \"" + key + "\" (writing needs root)", Errno.EACCES, key);
        }
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        return KernelException.of("sysctl: setting key \"" + key + "\": " + msg, Errno.EINVAL, key);
    }
}
