package dev.nslab.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's neighbour-table counters ({@code /proc/net/stat/arp_cache}, {@code ndisc_cache}): one line per CPU,
 * in hex. {@code table_fulls} counts the times a new entry was refused because the table was full; it is counted for
 * the whole table, which all namespaces share.
 */
public final class NeighbourStats {
    private NeighbourStats() {}

    /** How often the IPv4 or IPv6 table was full so far; -1 when the kernel does not say. */
    public static long tableFulls(Family family) {
        Path p = Path.of("/proc/net/stat", family == Family.INET6 ? "ndisc_cache" : "arp_cache");
        try {
            List<String> lines = Files.readAllLines(p);
            if (lines.isEmpty()) return -1;
            int col = List.of(lines.getFirst().trim().split("\\s+")).indexOf("table_fulls");
            if (col < 0) return -1;
            long sum = 0;
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.trim().split("\\s+");
                if (f.length > col) sum += Long.parseLong(f[col], 16);
            }
            return sum;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
