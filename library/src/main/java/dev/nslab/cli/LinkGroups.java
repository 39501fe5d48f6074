package dev.nslab.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * Device groups as iproute2 names them: 0 is "default", and /etc/iproute2/group names others (read once a command,
 * when first needed). Looked up as ip looks them up ({@link NameChains}); a number is strtol's (0x.., 0..).
 */
final class LinkGroups {
    private final PrintStream err;
    private NameChains names;

    /** {@code err}: where a file ip would call corrupted is named, as ip names it. */
    LinkGroups(PrintStream err) { this.err = err; }

    /** Group {@code g}'s name, or its number. */
    String name(int g) {
        String name = names().name(g);
        return name != null ? name : Integer.toString(g);
    }

    /** The group {@code w} names (a name, else a number), or ip's refusal of it as the value of {@code word}. */
    int id(String w, String word) {
        Long n = names().id(w);
        if (n == null || n > Integer.MAX_VALUE) n = Args.unsigned(w, Integer.MAX_VALUE);
        if (n == null) throw new UsageException("Error: argument \"" + w + "\" is wrong: Invalid \"" + word + "\" value\n");
        return n.intValue();
    }

    private NameChains names() {
        if (names == null) {
            names = new NameChains(List.of(new NameFile.Line(0, "default")));
            names.add(NameFile.read(NameFile.CONF.resolve("group"), err));
        }
        return names;
    }
}
