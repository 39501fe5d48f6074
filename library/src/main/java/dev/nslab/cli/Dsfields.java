package dev.nslab.cli;

import java.io.PrintStream;

/**
 * Type-of-service (DS field) values as iproute2 names them: /etc/iproute2/rt_dsfield (Debian's names the DSCP
 * classes: AF11 is 0x28, EF 0xb8), read once a command when first needed; a value it does not name is "0x%02x", and
 * a value given on the command line is a name or a hexadecimal number, as ip reads it (so "tos 10" is 0x10).
 */
final class Dsfields {
    private final PrintStream err;
    private String[] names;

    /** {@code err}: where a file ip would call corrupted is named, as ip names it. */
    Dsfields(PrintStream err) { this.err = err; }

    /** ip's name of value {@code v}: the file's, else "0x%02x". */
    String name(int v) {
        if (v < 0 || v >= 256) return Integer.toString(v);
        String n = names()[v];
        return n != null ? n : String.format("0x%02x", v);
    }

    /** The value {@code w} names (a name of the file, else hexadecimal, with or without "0x", at most 0xff), or null. */
    Integer value(String w) {
        String[] n = names();
        for (int i = 0; i < 256; i++) if (w.equals(n[i])) return i;
        String hex = w.startsWith("+") ? w.substring(1) : w;
        if (hex.startsWith("0x") || hex.startsWith("0X")) hex = hex.substring(2);
        if (hex.isEmpty() || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) return null;
        try {
            long v = Long.parseLong(hex, 16);
            return v <= 255 ? (int) v : null;
        } catch (NumberFormatException e) {
            return null; // beyond a long: beyond 0xff too
        }
    }

    /** {@link #value}, or ip's refusal in the words {@code invalid} of the command at hand. */
    int known(String w, String invalid) {
        Integer v = value(w);
        if (v == null) throw new UsageException("Error: argument \"" + w + "\" is wrong: " + invalid);
        return v;
    }

    private String[] names() {
        if (names != null) return names;
        names = new String[256];
        names[0] = "0";
        for (NameFiles.Line l : NameFiles.read(NameFiles.CONF.resolve("rt_dsfield"), err)) if (l.id() >= 0 && l.id() < 256) names[(int) l.id()] = l.name();
        return names;
    }
}
