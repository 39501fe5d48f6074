package dev.nslab.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * iproute2's name databases (/etc/iproute2/rt_tables, rt_dsfield...): "ID NAME" lines, read as its fread_id_name reads
 * them (blanks before, '#' comments, the id as "0x.." or a decimal number, a name the next word).
 */
final class NameFile {
    private NameFile() {}

    static final Path CONF = Path.of("/etc/iproute2");

    /** One line: its id (-1 where negative: ip skips it) and name. */
    record Line(long id, String name) { }

    /**
     * The file's lines in order; none where it is not there. A line ip calls corrupted ends the file, named on
     * {@code err} as ip names it ("Database FILE is corrupted at REST", the rest with its newline).
     */
    static List<Line> read(Path file, PrintStream err) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return List.of();
        }
        List<Line> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].stripLeading();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] w = l.split("\\s+", 3);
            Long id = w.length < 2 ? null : id(w[0]);
            if (id == null) {
                err.println("Database " + file + " is corrupted at " + l + (i < lines.length - 1 ? "\n" : ""));
                break;
            }
            out.add(new Line(id, w[1]));
        }
        return out;
    }

    /** sscanf's "0x%x" or "%d" of the line's first word (-1 for a negative one), or null. */
    private static Long id(String w) {
        try {
            if (w.startsWith("0x")) return Long.parseLong(w.substring(2), 16) & 0xffffffffL;
            long n = Long.parseLong(w.startsWith("+") ? w.substring(1) : w);
            return n < 0 ? -1L : n & 0xffffffffL;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
