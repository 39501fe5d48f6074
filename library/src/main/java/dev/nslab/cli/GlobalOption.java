package dev.nslab.cli;

import java.util.List;

/**
 * iproute2's global options, in the order ip tries them: a typed option ("-s", "-stat") is any prefix of a name,
 * and the first name it is a prefix of wins, so "-h" is -human (not -help), "-b" -batch, "-br" -brief.
 */
final class GlobalOption {
    private GlobalOption() {}

    private record Name(String name, boolean exact, String... spellings) { }

    private static final List<Name> ORDER = List.of(
            new Name("loops", false, "-loops"), new Name("family", false, "-family"),
            new Name("4", true, "-4"), new Name("6", true, "-6"), new Name("0", true, "-0"), new Name("M", true, "-M"),
            new Name("B", true, "-B"), new Name("human", false, "-human", "-human-readable"), new Name("iec", false, "-iec"),
            new Name("stats", false, "-stats", "-statistics"), new Name("details", false, "-details"),
            new Name("resolve", false, "-resolve"), new Name("oneline", false, "-oneline"),
            new Name("timestamp", false, "-timestamp"), new Name("tshort", false, "-tshort"),
            new Name("Version", false, "-Version"), new Name("force", false, "-force"), new Name("batch", false, "-batch"),
            new Name("brief", false, "-brief"), new Name("json", false, "-json"), new Name("pretty", false, "-pretty"),
            new Name("rcvbuf", false, "-rcvbuf"), new Name("color", false, "-color"), new Name("help", false, "-help"),
            new Name("netns", false, "-netns"), new Name("Numeric", false, "-Numeric"), new Name("all", false, "-all"),
            new Name("echo", true, "-echo"));

    /** The options that take the next word as their value (-netns NAME, -family inet, -loops N, -rcvbuf SIZE). */
    private static final java.util.Set<String> WITH_VALUE = java.util.Set.of("netns", "family", "loops", "rcvbuf");

    /** Whether option {@code name} (as {@link #of} gives it) reads the next word as its value. */
    static boolean takesValue(String name) { return WITH_VALUE.contains(name); }

    /** The option {@code typed} (with one leading dash) stands for, or null. */
    static String of(String typed) {
        // only -color takes a value: -c=never, -color=auto
        String word = typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
        for (Name n : ORDER) {
            for (String s : n.spellings()) {
                if (n.exact() ? s.equals(word) : (word.length() > 1 && s.startsWith(word))) {
                    return typed.contains("=") && !n.name().equals("color") ? null : n.name();
                }
            }
        }
        return null;
    }
}
