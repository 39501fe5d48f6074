package dev.nslab.cli;

import java.util.List;

/** A cursor over the words of one command, with iproute2's prefix matching and error wording. */
final class Args {
    private final List<String> words;
    private int pos;

    Args(List<String> words) { this.words = words; }

    boolean more() { return pos < words.size(); }

    String peek() { return more() ? words.get(pos) : null; }

    String next() { return words.get(pos++); }

    /** The words not read yet, left unread. */
    List<String> ahead() { return words.subList(pos, words.size()); }

    List<String> rest() {
        List<String> r = words.subList(pos, words.size());
        pos = words.size();
        return r;
    }

    /** GNU's {@code --name=value} form of option {@code name}: the value, or null when {@code w} is not that form. */
    static String inline(String w, String name) {
        return w.startsWith(name) && w.length() > name.length() && w.charAt(name.length()) == '=' ? w.substring(name.length() + 1) : null;
    }

    /** The value after keyword {@code key}; iproute2's "Command line is not complete" when it is missing. */
    String value(String key) {
        if (!more()) throw new UsageException("Command line is not complete. Try option \"help\"" + (key == null ? "" : " (\"" + key + "\" needs a value)"));
        return next();
    }

    /**
     * {@code value}, or ip's refusal of {@code word} when it named nothing: "Error: argument "WORD" is wrong: WHY",
     * with the blank line ip's invarg() leaves after these.
     */
    static <T> T known(T value, String word, String why) {
        if (value == null) throw new UsageException("Error: argument \"" + word + "\" is wrong: " + why + "\n");
        return value;
    }

    int intValue(String key) {
        String v = value(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("Error: argument \"" + v + "\" is wrong: \"" + key + "\" value is invalid (expected a number)");
        }
    }

    /**
     * A number as ip reads one (C's strtoul with base 0: decimal, 0x hexadecimal, 0 octal), or null when the word is
     * none or above {@code max}; each caller refuses it in ip's words for its place.
     */
    static Long unsigned(String v, long max) {
        try {
            long n = v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16)
                    : v.length() > 1 && v.startsWith("0") ? Long.parseLong(v.substring(1), 8) : Long.parseLong(v);
            return n >= 0 && n <= max ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** True when {@code word} is a non-empty prefix of {@code full}, as iproute2's matches(). */
    static boolean matches(String word, String full) {
        return word != null && !word.isEmpty() && full.startsWith(word);
    }
}
