package dev.nslab.helper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client asks: strings, each ended by a NUL byte: the protocol's name, the kind (run, ping, stop), the
 * client's identity (its namespaces and root directory as /proc/self shows them), its working directory, a count
 * and that many NAME=VALUE environment entries (only NSLAB_* and OVS_*), a count and that many arguments.
 * Version 2: a request may carry NSLAB_HELPER_TREE, which asks the helper to vouch for that source tree (a helper of
 * version 1 would serve it without that check, so it is not asked).
 */
record Request(String kind, String identity, String cwd, Map<String, String> env, List<String> argv) {
    static final String PROTOCOL = "nslab-helper/2";
    /** A command line is short; a bigger request is not one of ours. */
    private static final int MAX_BYTES = 1 << 20;

    static Request read(InputStream in) throws IOException {
        Reader r = new Reader(in);
        if (!PROTOCOL.equals(r.string())) throw new IOException("not a " + PROTOCOL + " request");
        String kind = r.string(), identity = r.string(), cwd = r.string();
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0, n = r.count(); i < n; i++) {
            String e = r.string();
            int eq = e.indexOf('=');
            if (eq > 0) env.put(e.substring(0, eq), e.substring(eq + 1));
        }
        List<String> argv = new ArrayList<>();
        for (int i = 0, n = r.count(); i < n; i++) argv.add(r.string());
        return new Request(kind, identity, cwd, env, List.copyOf(argv));
    }

    /** The request's bytes (what the C client writes; Java's side uses it for ping and stop). */
    byte[] encode() {
        List<String> parts = new ArrayList<>(List.of(PROTOCOL, kind, identity, cwd, Integer.toString(env.size())));
        env.forEach((k, v) -> parts.add(k + "=" + v));
        parts.add(Integer.toString(argv.size()));
        parts.addAll(argv);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String p : parts) {
            b.writeBytes(p.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        return b.toByteArray();
    }

    private static final class Reader {
        private final InputStream in;
        private int total;

        Reader(InputStream in) { this.in = in; }

        String string() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) throw new IOException("request cut short");
                if (++total > MAX_BYTES) throw new IOException("request too long");
                if (c == 0) return b.toString(StandardCharsets.UTF_8);
                b.write(c);
            }
        }

        int count() throws IOException {
            try {
                int n = Integer.parseInt(string());
                if (n < 0 || n > 100_000) throw new IOException("bad count " + n);
                return n;
            } catch (NumberFormatException e) {
                throw new IOException("bad count", e);
            }
        }
    }
}
