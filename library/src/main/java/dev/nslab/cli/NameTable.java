package dev.nslab.cli;

import java.io.PrintStream;

/**
 * One of iproute2's tables of 256 names read from a file of /etc/iproute2, once a command and when first needed, as
 * ip reads it (a later line wins): type-of-service values (rt_dsfield; Debian's names the DSCP classes, AF11 is 0x28;
 * unnamed ones "0x%02x", read in hexadecimal, so "tos 10" is 0x10) and route realms (rt_realms; 0 is "cosmos",
 * unnamed ones decimal, read as strtoul reads a number).
 */
final class NameTable {
    private final PrintStream err;
    private final String file, zero;
    private final boolean hex;
    private String[] names;

    private NameTable(PrintStream err, String file, String zero, boolean hex) {
        this.err = err;
        this.file = file;
        this.zero = zero;
        this.hex = hex;
    }

    /** {@code err}: where a file ip would call corrupted is named, as ip names it. */
    static NameTable dsfields(PrintStream err) { return new NameTable(err, "rt_dsfield", "0", true); }

    static NameTable realms(PrintStream err) { return new NameTable(err, "rt_realms", "cosmos", false); }

    /** ip's name of value {@code v}: the file's, else its number. */
    String name(int v) {
        if (v < 0 || v >= 256) return Integer.toString(v);
        String n = names()[v];
        return n != null ? n : hex ? String.format("0x%02x", v) : Integer.toString(v);
    }

    /** The value {@code w} names (a name of the file, else a number of at most 255), or null. */
    Integer value(String w) {
        String[] n = names();
        for (int i = 0; i < 256; i++) if (w.equals(n[i])) return i;
        if (!hex) {
            Long v = Args.unsigned(w, 255);
            return v == null ? null : v.intValue();
        }
        String digits = w.startsWith("+") ? w.substring(1) : w;
        if (digits.startsWith("0x") || digits.startsWith("0X")) digits = digits.substring(2);
        if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) return null;
        try {
            long v = Long.parseLong(digits, 16);
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
        names[0] = zero;
        for (NameFile.Line l : NameFile.read(NameFile.CONF.resolve(file), err)) if (l.id() >= 0 && l.id() < 256) names[(int) l.id()] = l.name();
        return names;
    }
}
