package dev.nslab.cli;

import dev.nslab.lab.verify.Verifier;
import dev.nslab.lab.verify.VerifyText;
import dev.nslab.net.Cidr;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@code nslab verify} prints its report: a matrix, then every disagreement with its reason; or JSON. */
final class VerifyFormat {
    private VerifyFormat() {}

    private static final String GREEN = "\033[32m", RED = "\033[31m", YELLOW = "\033[33m", BOLD = "\033[1m", OFF = "\033[0m";

    static void text(Verifier.Report r, PrintStream out, boolean colour) {
        List<String> nodes = r.nodes();
        int w = Math.max(4, nodes.stream().mapToInt(String::length).max().orElse(4));
        boolean matrix = nodes.size() <= 40;
        if (matrix) {
            out.println("reachability of lab " + r.lab() + " (row pings column: + all addresses answer, . none, ~ some, ? not measured; "
                    + "! differs from the prediction)");
            StringBuilder head = new StringBuilder(" ".repeat(w + 1));
            for (int i = 0; i < nodes.size(); i++) head.append(String.format("%3d", i + 1));
            out.println(head);
            for (int i = 0; i < nodes.size(); i++) {
                StringBuilder row = new StringBuilder(String.format("%-" + w + "s ", nodes.get(i)));
                for (String to : nodes) {
                    String c = r.cell(nodes.get(i), to);
                    String sym = c.isEmpty() ? "-" : r.cellUnmeasured(nodes.get(i), to) ? "?" : c.equals("all") ? "+" : c.equals("none") ? "." : "~";
                    boolean agrees = r.cellAgrees(nodes.get(i), to);
                    String cell = (agrees ? " " : "!") + sym;
                    if (colour && !c.isEmpty()) {
                        cell = (!agrees || sym.equals("?") ? RED + BOLD : sym.equals("+") ? GREEN : sym.equals(".") ? "" : YELLOW) + cell + OFF;
                    }
                    row.append(" ").append(cell);
                }
                row.append("   ").append(i + 1);
                out.println(row);
            }
        }
        List<Verifier.Pair> unmeasured = r.unmeasured();
        out.println(VerifyText.summary(r));
        String bases = VerifyText.bases(r);
        if (!bases.isEmpty()) out.println("  " + bases);
        int unpredicted = r.unpredicted().size();
        if (unpredicted > 0) {
            out.println("  " + unpredicted + " pairs are measured, not predicted: " + r.unpredicted().getFirst().reason()
                    + (unpredicted > 1 ? " (and the like)" : ""));
        }
        if (!r.changes().isEmpty()) {
            out.println("  the nodes' kernels differ from the file or from the lab as it came up:");
            // a daemon's hundreds of routes would bury the rest: ten a node here, every one in -j
            Map<String, Integer> shown = new LinkedHashMap<>();
            for (String c : r.changes()) {
                String node = c.substring(0, Math.max(0, c.indexOf(": ")));
                if (shown.merge(node, 1, Integer::sum) <= CHANGES_A_NODE) out.println("    " + c);
            }
            shown.forEach((node, n) -> {
                if (n > CHANGES_A_NODE) out.println("    " + node + ": ... and " + (n - CHANGES_A_NODE) + " more changes (-j lists every one)");
            });
        }
        for (Verifier.Pair p : r.mismatches()) {
            String line = "  " + VerifyText.mismatch(p);
            out.println(colour ? RED + line + OFF : line);
        }
        for (int i = 0; i < unmeasured.size() && i < 10; i++) {
            Verifier.Pair p = unmeasured.get(i);
            String line = "  " + VerifyText.unmeasured(p);
            out.println(colour ? RED + line + OFF : line);
        }
        if (unmeasured.size() > 10) out.println("  ... and " + (unmeasured.size() - 10) + " more not measured");
        for (Verifier.Expectation e : r.expectations()) {
            String line = "  " + VerifyText.expectation(e);
            out.println(colour ? (e.holds() ? GREEN : RED) + line + OFF : line);
        }
        out.println(verdict(r));
    }

    /** Changes listed a node in the human form. */
    private static final int CHANGES_A_NODE = 10;

    /** The last line: never better than what was measured. */
    static String verdict(Verifier.Report r) { return "verify: " + r.verdict() + (r.ok() ? "" : " (exit " + exitCode(r) + ")"); }

    /** 0: the lab agrees; 1: a pair or an expectation disagrees; 3: nothing disagrees, but something could not be measured or nothing was judged. */
    static int exitCode(Verifier.Report r) {
        if (r.ok()) return 0;
        return !r.mismatches().isEmpty() || r.expectations().stream().anyMatch(e -> !e.holds()) ? 1 : 3;
    }

    /**
     * The report as JUnit XML (the format CI systems and course platforms read): one test case per expectation and one
     * per pair; a disagreement is a failure, a pair not measured or not predicted is skipped with the reason.
     */
    static String junit(Verifier.Report r) {
        StringBuilder cases = new StringBuilder();
        int failures = 0, skipped = 0, n = 0;
        for (Verifier.Expectation e : r.expectations()) {
            n++;
            cases.append("    <testcase classname=\"").append(xml(r.lab())).append(".expect\" name=\"").append(xml(e.expect().words()))
                    .append(" (line ").append(e.expect().line()).append(")\">\n");
            if (!e.holds()) {
                failures++;
                cases.append("      <failure message=\"").append(xml(e.why())).append("\"/>\n");
            } else {
                cases.append("      <system-out>").append(xml(e.why())).append("</system-out>\n");
            }
            cases.append("    </testcase>\n");
        }
        for (Verifier.Pair p : r.pairs()) {
            n++;
            cases.append("    <testcase classname=\"").append(xml(r.lab())).append(".reach\" name=\"").append(xml(p.from() + " -> " + p.to()
                    + " (" + Cidr.format(p.address()) + ")")).append("\">\n");
            if (p.disagrees()) {
                failures++;
                cases.append("      <failure message=\"").append(xml(VerifyText.mismatch(p))).append("\"/>\n");
            } else if (!p.judged()) {
                skipped++;
                cases.append("      <skipped message=\"").append(xml(p.outcome() == dev.nslab.lab.verify.Prober.Outcome.UNMEASURED
                        ? VerifyText.unmeasured(p) : "measured, not predicted: " + p.reason())).append("\"/>\n");
            }
            cases.append("    </testcase>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"nslab verify " + xml(r.lab()) + "\" tests=\"" + n
                + "\" failures=\"" + failures + "\" errors=\"0\" skipped=\"" + skipped + "\" time=\""
                + String.format(java.util.Locale.ROOT, "%.3f", r.seconds()) + "\">\n" + cases + "  </testsuite>\n</testsuites>\n";
    }

    private static String xml(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n') b.append(' '); // not allowed in XML 1.0
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
