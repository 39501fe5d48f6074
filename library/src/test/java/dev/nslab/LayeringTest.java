package dev.nslab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layers of docs/design.md, read from the sources: each package imports only the packages below it that it may
 * use (the API package and the CLI being the faces on top). A new import across a line fails here, with the file.
 */
@Tag("unit")
class LayeringTest {
    private static final Path SRC = Path.of("library/src/main/java/dev/nslab");

    /** What each package may import from nslab (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("error", Set.of()),
            Map.entry("sys", Set.of("error")),
            Map.entry("netlink", Set.of("error", "sys")),
            Map.entry("net", Set.of("error", "sys", "netlink")),
            Map.entry("ovs", Set.of("error", "sys")),
            Map.entry("engine", Set.of("error", "sys")),
            Map.entry("inventory", Set.of("error", "sys", "netlink", "net", "ovs")),
            // the lab engine's rooms, in the order data flows through them: file -> model -> plan -> apply -> state
            Map.entry("lab.model", Set.of("error", "net")),
            Map.entry("lab.file", Set.of("error", "net", "lab.model")),
            Map.entry("lab.plan", Set.of("error", "net", "ovs", "lab.model")),
            Map.entry("lab.state", Set.of("error", "sys", "net", "lab.model", "lab.plan")),
            Map.entry("lab.apply", Set.of("error", "sys", "net", "ovs", "engine", "lab.model", "lab.plan", "lab.state")),
            Map.entry("lab.verify", Set.of("error", "net", "lab.model")),
            Map.entry("lab", Set.of("error", "sys", "net", "ovs", "engine", "lab.model", "lab.file", "lab.plan", "lab.state", "lab.apply", "lab.verify")),
            Map.entry("cli", Set.of("error", "net", "ovs", "inventory", "lab", "lab.model", "lab.file", "lab.plan", "lab.state", "lab.verify", "web")),
            // the live page: a face beside the command line, which starts it; it never speaks the command line's words
            Map.entry("web", Set.of("error", "sys", "net", "lab", "lab.model", "lab.plan", "lab.state", "lab.verify")),
            Map.entry("helper", Set.of("error", "ovs", "cli", "sys")),
            Map.entry("", Set.of("error", "sys", "net", "lab", "lab.model", "lab.file", "lab.plan", "lab.state", "lab.apply", "lab.verify"))); // the API

    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?dev\\.nslab\\.([a-z.]+?)\\.[A-Z]");

    @Test
    void packagesImportOnlyTheLayersBelowThem() throws IOException {
        List<String> crossings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SRC)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java")).toList()) {
                Path rel = SRC.relativize(f);
                String pkg = rel.getParent() == null ? "" : rel.getParent().toString().replace('/', '.');
                Set<String> allowed = ALLOWED.get(pkg);
                if (allowed == null) {
                    crossings.add(rel + ": package " + pkg + " is not in the layer table of this test (and docs/design.md)");
                    continue;
                }
                String text = Files.readString(f);
                Matcher m = IMPORT.matcher(text);
                while (m.find()) {
                    String to = m.group(1);
                    if (!to.equals(pkg) && !allowed.contains(to)) crossings.add(rel + " imports dev.nslab." + to);
                }
                // fully qualified uses count too
                Matcher q = Pattern.compile("\\bdev\\.nslab\\.([a-z.]+?)\\.[A-Z]").matcher(text.replaceAll("(?m)^(package|import) .*$", ""));
                while (q.find()) {
                    String to = q.group(1);
                    if (!to.equals(pkg) && !allowed.contains(to)) crossings.add(rel + " uses dev.nslab." + to + " by its full name");
                }
            }
        }
        assertEquals(List.of(), crossings);
    }

    /**
     * The command line's words belong to the command line: below it, errors carry the object, the errno and the
     * kernel's own words, and the CLI adds iproute2's and ovs-vsctl's framing and its own verbs. Java users of the
     * library read these messages too.
     */
    @Test
    void theCommandLinesWordsStayInTheCommandLine() throws IOException {
        Pattern words = Pattern.compile("RTNETLINK answers|\\bnslab (up|down|ls|status|exec|verify|logs|impair|cut|mend|partition|heal|graph"
                + "|inventory|netns|link|address|route|rule|ovs|helper|ping|sysctl)\\b|--may-exist|--if-exists|--fake-iface|--dry-run");
        List<String> found = new ArrayList<>();
        for (String below : List.of("sys", "netlink", "net", "ovs", "lab", "error")) { // lab: every room of the engine
            try (Stream<Path> files = Files.walk(SRC.resolve(below))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i).strip();
                        if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) continue; // comments may explain
                        Matcher m = words.matcher(line.replaceAll("//.*$", ""));
                        if (m.find()) found.add(SRC.relativize(f) + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
