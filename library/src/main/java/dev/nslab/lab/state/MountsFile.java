package dev.nslab.lab.state;

import dev.nslab.sys.OwnFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mounts that register a lab's namespaces, by their unique ids, as up left them (STATEDIR/LAB.mounts: the boot
 * they belong to, then "NAMESPACE ID" lines). Down takes a namespace whose mount still has its id for the lab's
 * without opening a socket in it to read its mark: a mount's id is never given to another while the machine runs.
 * Anything else (no file, another boot, another id) is judged by its mark, as without this file.
 */
public final class MountsFile {
    private MountsFile() {}

    public static Path path(Path dir, String lab) { return LabState.beside(dir, lab, ".mounts"); }

    public static void write(Path dir, String lab, Map<String, Long> ids) throws IOException {
        String boot = bootId();
        if (boot == null) return; // without the boot's id, ids of another boot could be taken for this one's
        StringBuilder b = new StringBuilder(boot).append('\n');
        new TreeMap<>(ids).forEach((ns, id) -> { if (id != 0) b.append(ns).append(' ').append(id).append('\n'); });
        OwnFiles.write(path(LabState.directory(dir), lab), b.toString());
    }

    /** The ids kept for {@code lab} in this boot; empty when none are (or they are of an earlier boot). */
    public static Map<String, Long> read(Path dir, String lab) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path(dir, lab));
        } catch (IOException e) {
            return Map.of(); // none kept (or unreadable): every namespace is judged by its mark
        }
        String boot = bootId();
        if (boot == null || lines.isEmpty() || !lines.getFirst().equals(boot)) return Map.of();
        Map<String, Long> out = new HashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            int sp = l.lastIndexOf(' ');
            try {
                if (sp > 0) out.put(l.substring(0, sp), Long.parseLong(l.substring(sp + 1)));
            } catch (NumberFormatException e) {
                // a line cut short: that namespace is judged by its mark
            }
        }
        return out;
    }

    private static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
