package dev.nslab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** IP protocols by name and number as /etc/protocols has them, read as getprotobyname and getprotobynumber read it. */
final class IpProtocols {
    private IpProtocols() {}

    /** By name (aliases too), and each number's first name. */
    private record Table(Map<String, Integer> byName, Map<Integer, String> byNumber) {
        static final Table MACHINE = read();

        private static Table read() {
            Map<String, Integer> byName = new HashMap<>();
            Map<Integer, String> byNumber = new HashMap<>();
            try {
                for (String line : Files.readAllLines(Path.of("/etc/protocols"))) {
                    String[] f = line.replaceAll("#.*", "").trim().split("\\s+");
                    if (f.length < 2 || !f[1].matches("\\d{1,3}")) continue;
                    int n = Integer.parseInt(f[1]);
                    byNumber.putIfAbsent(n, f[0]);
                    for (int i = 0; i < f.length; i++) if (i != 1) byName.putIfAbsent(f[i], n);
                }
            } catch (java.io.IOException e) {
                // no /etc/protocols: numbers only, as getprotobyname then finds nothing
            }
            return new Table(Map.copyOf(byName), Map.copyOf(byNumber));
        }
    }

    /** The number of protocol {@code name}, or null. */
    static Integer number(String name) { return Table.MACHINE.byName().get(name); }

    /** The name of protocol {@code n}, or its number. */
    static String name(int n) { return Table.MACHINE.byNumber().getOrDefault(n, Integer.toString(n)); }

    /** ip's inet_proto_a2n: a decimal number up to 255, else a name; -1 where it is neither. */
    static int parse(String w) {
        if (w.matches("\\d+") && Long.parseLong(w) <= 255) return Integer.parseInt(w);
        Integer n = number(w);
        return n == null ? -1 : n;
    }

    /** ip's inet_proto_n2a: the name, else "ipproto-N". */
    static String word(int n) {
        String name = Table.MACHINE.byNumber().get(n);
        return name != null ? name : "ipproto-" + n;
    }
}
