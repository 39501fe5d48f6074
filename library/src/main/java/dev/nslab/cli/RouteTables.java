package dev.nslab.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Routing tables as iproute2 names them: default (253), main (254) and local (255), and the names of
 * /etc/iproute2/rt_tables and rt_tables.d/*.conf (policy-routing scripts add theirs there: "100 isp1"), read once a
 * command and only when a name is needed, and looked up as ip looks them up ({@link NameChains}); a number is
 * strtoul's (0x.., 0..).
 */
final class RouteTables {
    static final int DEFAULT = 253, MAIN = 254, LOCAL = 255;

    private final PrintStream err;
    private NameChains names;

    /** {@code err}: where a file ip would call corrupted is named, as ip names it. */
    RouteTables(PrintStream err) { this.err = err; }

    /** Table {@code t}'s name, or its number (unsigned). */
    String name(int t) {
        long id = Integer.toUnsignedLong(t);
        String name = names().name(id);
        return name != null ? name : Long.toString(id);
    }

    /** The table {@code t} names (iproute2's rtnl_rttable_a2n: a name of the files, else a number), or null. */
    Integer id(String t) {
        Long id = names().id(t);
        if (id == null) id = Args.unsigned(t, 0xffffffffL);
        return id == null ? null : (int) id.longValue();
    }

    /** {@link #id}, or ip's refusal in the words {@code invalid} of the command at hand. */
    int known(String t, String invalid) {
        Integer id = id(t);
        if (id == null) throw new UsageException("Error: argument \"" + t + "\" is wrong: " + invalid);
        return id;
    }

    private NameChains names() {
        if (names != null) return names;
        names = new NameChains(List.of(new NameFile.Line(DEFAULT, "default"), new NameFile.Line(MAIN, "main"), new NameFile.Line(LOCAL, "local")));
        names.add(NameFile.read(NameFile.CONF.resolve("rt_tables"), err));
        Path d = NameFile.CONF.resolve("rt_tables.d");
        // in the directory's order, as readdir gives it (ip does not sort): only NAME.conf, no hidden file
        for (String f : entries(d)) if (!f.startsWith(".") && f.length() > 5 && f.endsWith(".conf")) names.add(NameFile.read(d.resolve(f), err));
        return names;
    }

    /** The names in directory {@code d}, in readdir's order as Java's directory stream keeps it; none where it is not there. */
    private static List<String> entries(Path d) {
        try (var names = java.nio.file.Files.list(d)) {
            return names.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }
}
