package dev.nslab.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The manual pages, made from what the command already says and documents so that they cannot drift: nslab(8)
 * from the same text as {@code nslab help} and each object's help, nslab-lab(5) from docs/labs.md. Run at packaging
 * time: {@code java -cp nslab.jar dev.nslab.cli.ManPages OUTDIR docs/labs.md}.
 */
public final class ManPages {
    private ManPages() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ManPages OUTDIR LABS.md");
            System.exit(2);
        }
        Path out = Files.createDirectories(Path.of(args[0]));
        Files.writeString(out.resolve("nslab.8"), commandPage());
        Files.writeString(out.resolve("nslab-lab.5"), labPage(Files.readString(Path.of(args[1]))));
    }

    private record Section(String title, Consumer<PrintStream> text) { }

    private static final List<Section> SECTIONS = List.of(new Section("LINKS", Help::link), new Section("ADDRESSES", Help::address),
            new Section("ROUTES", Help::route), new Section("RULES", Help::rule), new Section("NETWORK NAMESPACES", Help::netns),
            new Section("NEIGHBOURS", Help::neigh), new Section("SYSCTL", Help::sysctl), new Section("UNSHARE", Help::unshare),
            new Section("PING", Help::ping), new Section("OPEN VSWITCH", Help::ovs), new Section("LABS", Help::lab),
            new Section("FAULTS", Help::faults), new Section("INVENTORY", Help::inventory), new Section("LIVE PAGE", Help::ui));

    /** nslab(8): the synopsis of {@code nslab help}, then every object's help as the command prints it. */
    static String commandPage() {
        StringBuilder b = new StringBuilder(header("NSLAB", 8, "System Administration"));
        b.append(".SH NAME\nnslab \\- Linux network namespaces, links, switches and whole labs, in iproute2's and ovs\\-vsctl's words\n");
        b.append(".SH SYNOPSIS\n").append(verbatim(printed(Help::top)));
        b.append(".SH DESCRIPTION\n.PP\n").append(escape("nslab does what ip(8), ovs-vsctl(8), sysctl(8) and ping(8) do for network "
                + "namespaces, and brings up whole labs from one containerlab-format file (nslab-lab(5)): verified, faulted and taken down "
                + "leaving nothing. Each section below is what \"nslab OBJECT help\" prints.")).append('\n');
        for (Section s : SECTIONS) b.append(".SH ").append(s.title()).append('\n').append(verbatim(printed(s.text())));
        b.append(".SH SEE ALSO\nnslab\\-lab(5), ip(8), ip\\-netns(8), ovs\\-vsctl(8), tc(8)\n");
        return b.toString();
    }

    /** nslab-lab(5): docs/labs.md as a manual page (headings, paragraphs, lists, code and tables). */
    static String labPage(String markdown) {
        StringBuilder b = new StringBuilder(header("NSLAB-LAB", 5, "File Formats"));
        b.append(".SH NAME\nnslab\\-lab \\- the lab file: nodes, links, addresses, routes, faults and expectations (containerlab's format)\n");
        boolean code = false, firstHeading = true;
        List<String> lines = markdown.lines().toList();
        for (String line : lines) {
            if (line.startsWith("```")) {
                b.append(code ? ".fi\n.RE\n" : ".RS 4\n.nf\n");
                code = !code;
                continue;
            }
            if (code) {
                b.append(escapeLine(line)).append('\n');
                continue;
            }
            if (line.startsWith("# ")) {
                if (firstHeading) b.append(".SH DESCRIPTION\n");
                firstHeading = false;
            } else if (line.startsWith("## ")) {
                b.append(".SH ").append(escape(plain(line.substring(3)).toUpperCase(java.util.Locale.ROOT))).append('\n');
            } else if (line.startsWith("### ")) {
                b.append(".SS ").append(escape(plain(line.substring(4)))).append('\n');
            } else if (line.startsWith("|")) {
                if (line.matches("\\|[-|: ]+\\|?")) continue; // a table's rule
                b.append(".nf\n").append(escape(plain(line))).append("\n.fi\n");
            } else if (line.startsWith("- ") || line.startsWith("* ")) {
                b.append(".IP \\(bu 2\n").append(inline(line.substring(2))).append('\n');
            } else if (line.isBlank()) {
                b.append(".PP\n");
            } else {
                b.append(inline(line.strip())).append('\n');
            }
        }
        if (code) b.append(".fi\n.RE\n");
        b.append(".SH SEE ALSO\nnslab(8)\n");
        return b.toString();
    }

    private static String header(String name, int section, String manual) {
        return ".TH " + name + " " + section + " \"\" \"nslab " + Help.VERSION + "\" \"" + manual + "\"\n";
    }

    private static String printed(Consumer<PrintStream> text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            text.accept(p);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String verbatim(String text) {
        StringBuilder b = new StringBuilder(".nf\n");
        for (String l : text.lines().toList()) b.append(escapeLine(l)).append('\n');
        return b.append(".fi\n").toString();
    }

    /** Markdown's emphasis and code as bold, links as their text. */
    private static String inline(String text) {
        String t = escapeLine(text).replaceAll("\\[([^]]+)]\\([^)]+\\)", "$1");
        t = t.replaceAll("\\*\\*([^*]+)\\*\\*", "\\\\fB$1\\\\fR").replaceAll("`([^`]+)`", "\\\\fB$1\\\\fR");
        return t;
    }

    private static String plain(String text) { return text.replace("`", "").replace("**", "").replaceAll("\\[([^]]+)]\\([^)]+\\)", "$1"); }

    /** A line of text safe for roff: backslashes doubled, hyphens kept hyphens, a leading dot or quote made literal. */
    private static String escapeLine(String line) {
        String t = escape(line);
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }

    private static String escape(String text) { return text.replace("\\", "\\e").replace("-", "\\-"); }

    /** The sections' titles, for a test that every object's help is in the page. */
    static List<String> titles() {
        List<String> out = new ArrayList<>();
        for (Section s : SECTIONS) out.add(s.title());
        return out;
    }
}
