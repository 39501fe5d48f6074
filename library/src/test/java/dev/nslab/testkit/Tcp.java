package dev.nslab.testkit;

import dev.nslab.net.Namespaces;
import dev.nslab.net.NsRef;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * A real TCP transfer between two namespaces: a socket belongs to the namespace of the thread that creates its descriptor, so
 * the listening socket is made inside one namespace and the client socket inside the other; the kernel's TCP
 * stacks (and whatever switch lies between) do the rest. Reads time out, so a stalled transfer fails the test.
 */
public final class Tcp {
    private Tcp() {}

    /** Sends {@code bytes} from namespace {@code from} to {@code addr}:{@code port} served in {@code to}; returns bytes received. */
    public static long transfer(String from, String to, String addr, int port, int bytes) throws Exception {
        Namespaces reg = new Namespaces();
        try (ServerSocket server = reg.call(NsRef.named(to), () -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(addr, port));
            return s;
        })) {
            server.setSoTimeout(10_000);
            CompletableFuture<Long> received = OwnThread.supply(() -> {
                try (Socket c = server.accept(); InputStream in = c.getInputStream()) {
                    c.setSoTimeout(5_000);
                    byte[] buf = new byte[65536];
                    long total = 0;
                    for (int n; (n = in.read(buf)) > 0; ) total += n;
                    return total;
                } catch (Exception e) {
                    throw new IllegalStateException("receiving in " + to + ": " + e, e);
                }
            });
            // a Socket makes its descriptor only when it connects: connect inside the namespace too
            try (Socket client = reg.call(NsRef.named(from), () -> {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(addr, port), 5_000);
                return s;
            })) {
                client.setSoTimeout(5_000);
                OutputStream out = client.getOutputStream();
                byte[] chunk = new byte[65536];
                for (int sent = 0; sent < bytes; sent += chunk.length) out.write(chunk, 0, Math.min(chunk.length, bytes - sent));
                client.shutdownOutput();
            }
            return received.get();
        }
    }
}
