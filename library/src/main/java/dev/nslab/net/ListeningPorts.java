package dev.nslab.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Which TCP ports something listens on inside a namespace, as its /proc/net/tcp and tcp6 tell. */
public final class ListeningPorts {
    private static final String LISTEN = "0A";

    private ListeningPorts() {}

    /** Whether a socket listens on TCP {@code port} (any address, IPv4 or IPv6) in namespace {@code ns}. */
    public static boolean tcp(Namespaces registry, String ns, int port) {
        // /proc/thread-self/net shows the namespace of the thread that reads it: read from a thread inside
        return registry.call(NsRef.named(ns), () -> listens(Path.of("/proc/thread-self/net/tcp"), port)
                || listens(Path.of("/proc/thread-self/net/tcp6"), port));
    }

    /** Lines "sl local_address rem_address st ...": local_address is ADDR:PORT in hex, st 0A is LISTEN. */
    static boolean listens(Path table, int port) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            return false; // no IPv6 in this kernel, for one
        }
        String hexPort = String.format(":%04X", port);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals(LISTEN)) return true;
        }
        return false;
    }
}
