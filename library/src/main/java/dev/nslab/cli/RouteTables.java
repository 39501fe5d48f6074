package dev.nslab.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Routing tables as iproute2 names them: default (253), main (254) and local (255), and the names of
 * /etc/iproute2/rt_tables and rt_tables.d/*.conf (policy-routing scripts add theirs there: "100 isp1"), read once a
 * command and only when a name is needed, and looked up as ip looks them up: 256 chains by the id's low byte, a
 * later line before an earlier one, a name searched chain by chain; a number is strtoul's (0x.., 0..).
 */
final class RouteTables {
    static final int DEFAULT = 253, MAIN = 254, LOCAL = 255;

    private record Entry(long id, String name) { }

    private final PrintStream err;
    private List<List<Entry>> chains;

    /** {@code err}: where a file ip would call corrupted is named, as ip names it. */
    RouteTables(PrintStream err) { this.err = err; }

    /** Table {@code t}'s name, or its number (unsigned). */
    String name(int t) {
        long id = Integer.toUnsignedLong(t);
        for (Entry e : chains().get((int) (id & 255))) if (e.id() == id) return e.name();
        return Long.toString(id);
    }

    /** The table {@code t} names (iproute2's rtnl_rttable_a2n: a name of the files, else a number), or null. */
    Integer id(String t) {
        for (List<Entry> chain : chains()) for (Entry e : chain) if (e.name().equals(t)) return (int) e.id();
        Long id = Args.unsigned(t, 0xffffffffL);
        return id == null ? null : (int) id.longValue();
    }

    /** {@link #id}, or ip's refusal in the words {@code invalid} of the command at hand. */
    int known(String t, String invalid) {
        Integer id = id(t);
        if (id == null) throw new UsageException("Error: argument \"" + t + "\" is wrong: " + invalid);
        return id;
    }

    private List<List<Entry>> chains() {
        if (chains != null) return chains;
        chains = new ArrayList<>();
        for (int i = 0; i < 256; i++) chains.add(new ArrayList<>());
        chains.get(DEFAULT).add(new Entry(DEFAULT, "default"));
        chains.get(MAIN).add(new Entry(MAIN, "main"));
        chains.get(LOCAL).add(new Entry(LOCAL, "local"));
        read(NameFile.CONF.resolve("rt_tables"));
        Path d = NameFile.CONF.resolve("rt_tables.d");
        // in the directory's order, as readdir gives it (ip does not sort): only NAME.conf, no hidden file
        for (String f : entries(d)) if (!f.startsWith(".") && f.length() > 5 && f.endsWith(".conf")) read(d.resolve(f));
        return chains;
    }

    /** The names in directory {@code d}, in readdir's order as Java's directory stream keeps it; none where it is not there. */
    private static List<String> entries(Path d) {
        try (var names = java.nio.file.Files.list(d)) {
            return names.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    /** One file, as iproute2's rtnl_hash_initialize takes it: a later line first in its chain. */
    private void read(Path file) {
        for (NameFile.Line l : NameFile.read(file, err)) if (l.id() >= 0) chains.get((int) (l.id() & 255)).addFirst(new Entry(l.id(), l.name()));
    }
}
