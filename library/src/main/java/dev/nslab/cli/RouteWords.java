package dev.nslab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The names iproute2 gives route types, scopes and protocols, both ways: its built-in ones, and for protocols those of
 * /etc/iproute2/rt_protos and rt_protos.d/*.conf where the machine has them (routing daemons add theirs there), read
 * as ip reads them: only for a number its own table does not name.
 */
final class RouteWords {
    private RouteWords() {}

    private static final String[] TYPES = {"unspec", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole",
            "unreachable", "prohibit", "throw", "nat", "xresolve"};

    /** ip's name of route type {@code t}. */
    static String type(int t) { return t >= 0 && t < TYPES.length && t != 0 ? TYPES[t] : String.valueOf(t); }

    /** The route type named {@code w} (a name or a number), or null when {@code w} names none. */
    static Integer type(String w) {
        for (int i = 1; i < TYPES.length; i++) if (TYPES[i].equals(w)) return i;
        return null;
    }

    /** The scope named {@code w}: host, link, global (universe), site, nowhere, or a number; null when none. */
    static Integer scope(String w) {
        return switch (w) {
            case "host" -> 254;
            case "link" -> 253;
            case "global", "universe" -> 0;
            case "site" -> 200;
            case "nowhere" -> 255;
            default -> number(w, 255);
        };
    }

    /** iproute2's built-in protocol names, as Debian's /etc/iproute2/rt_protos lists them too. */
    private static final Map<Integer, String> BUILT_IN = Map.ofEntries(Map.entry(0, "unspec"), Map.entry(1, "redirect"),
            Map.entry(2, "kernel"), Map.entry(3, "boot"), Map.entry(4, "static"), Map.entry(8, "gated"), Map.entry(9, "ra"),
            Map.entry(10, "mrt"), Map.entry(11, "zebra"), Map.entry(12, "bird"), Map.entry(13, "dnrouted"), Map.entry(14, "xorp"),
            Map.entry(15, "ntk"), Map.entry(16, "dhcp"), Map.entry(18, "keepalived"), Map.entry(42, "babel"), Map.entry(99, "openr"),
            Map.entry(186, "bgp"), Map.entry(187, "isis"), Map.entry(188, "ospf"), Map.entry(189, "rip"), Map.entry(192, "eigrp"));

    /** Protocol numbers to names: the built-in ones, then the machine's files, which win (ip reads them the same way). */
    static Map<Integer, String> protocols() {
        Map<Integer, String> m = new TreeMap<>(BUILT_IN);
        read(Path.of("/etc/iproute2/rt_protos"), m);
        Path d = Path.of("/etc/iproute2/rt_protos.d");
        if (Files.isDirectory(d)) {
            try (var files = Files.list(d)) {
                files.filter(f -> f.toString().endsWith(".conf")).sorted().forEach(f -> read(f, m));
            } catch (IOException e) {
                // unreadable: the names known so far
            }
        }
        return m;
    }

    private static void read(Path f, Map<Integer, String> m) {
        try {
            for (String line : Files.readAllLines(f)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                String[] w = l.split("\\s+");
                Integer n = w.length >= 2 ? number(w[0], 255) : null;
                if (n != null) m.put(n, w[1]);
            }
        } catch (IOException | RuntimeException e) {
            // a file that cannot be read adds nothing
        }
    }

    /** One command's protocol names: the machine's files read at most once, and only when needed (as ip reads them). */
    static final class Protocols {
        private Map<Integer, String> names;

        private Map<Integer, String> names() {
            if (names == null) names = protocols();
            return names;
        }

        /** Protocol {@code p}'s name: iproute2's own first, the machine's files read only for a number it does not name. */
        String name(int p) {
            String known = builtInProtocol(p);
            return known != null ? known : protocol(p, names());
        }

        /** The protocol named {@code w} (a name or a number), or null. */
        Integer parse(String w) { return protocol(w, names()); }
    }

    /** iproute2's built-in name of protocol {@code p}, or null. */
    static String builtInProtocol(int p) { return BUILT_IN.get(p); }

    /** ip's name of protocol {@code p}. */
    static String protocol(int p, Map<Integer, String> names) { return names.getOrDefault(p, String.valueOf(p)); }

    /** The protocol named {@code w} (a name or a number), or null. */
    static Integer protocol(String w, Map<Integer, String> names) {
        for (Map.Entry<Integer, String> e : names.entrySet()) if (e.getValue().equals(w)) return e.getKey();
        return number(w, 255);
    }

    private static Integer number(String w, int max) {
        try {
            int n = w.startsWith("0x") ? Integer.parseInt(w.substring(2), 16) : Integer.parseInt(w);
            return n >= 0 && n <= max ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
