package dev.nslab.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Device groups as iproute2 names them: 0 is "default", and /etc/iproute2/group names others (read once a command,
 * when first needed). Looked up as ip looks them up: chains by the id's low byte, a later line before an earlier
 * one and before the built-in name; a number is strtol's (0x.., 0..).
 */
final class LinkGroups {
    private final PrintStream err;
    private List<NameFile.Line> lines;

    /** {@code err}: where a file ip would call corrupted is named, as ip names it. */
    LinkGroups(PrintStream err) { this.err = err; }

    /** Group {@code g}'s name, or its number. */
    String name(int g) {
        for (NameFile.Line l : lines()) if (l.id() == g) return l.name();
        return Integer.toString(g);
    }

    /** The group {@code w} names (a name, else a number), or ip's refusal of it as the value of {@code word}. */
    int id(String w, String word) {
        for (NameFile.Line l : lines()) if (l.name().equals(w)) return (int) l.id();
        Long n = Args.unsigned(w, Integer.MAX_VALUE);
        if (n == null) throw new UsageException("Error: argument \"" + w + "\" is wrong: Invalid \"" + word + "\" value\n");
        return n.intValue();
    }

    /** In ip's lookup order: by chain (the id's low byte), a later line first, the built-in "default" last in its chain. */
    private List<NameFile.Line> lines() {
        if (lines != null) return lines;
        List<NameFile.Line> read = new ArrayList<>(NameFile.read(NameFile.CONF.resolve("group"), err));
        read.removeIf(l -> l.id() < 0 || l.id() > Integer.MAX_VALUE);
        List<NameFile.Line> ordered = new ArrayList<>(read.reversed());
        ordered.add(new NameFile.Line(0, "default"));
        ordered.sort(Comparator.comparingLong(l -> l.id() & 255)); // stable: a chain keeps its order
        lines = ordered;
        return lines;
    }
}
