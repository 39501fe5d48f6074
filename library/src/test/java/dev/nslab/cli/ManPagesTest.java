package dev.nslab.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manual pages are made from --help and docs/labs.md: every object's help is in nslab(8), the lab file's doc in nslab-lab(5). */
@Tag("unit")
class ManPagesTest {
    @Test
    void theCommandPageHoldsEveryObjectsHelpAsTheCommandPrintsIt() {
        String page = ManPages.commandPage();
        assertTrue(page.startsWith(".TH NSLAB 8 "), page);
        for (String title : ManPages.titles()) assertTrue(page.contains("\n.SH " + title + "\n"), title);
        assertTrue(page.contains("Usage: nslab up FILE"), "the labs' help, as printed");
        assertTrue(page.contains("\\-\\-allow\\-host"), "hyphens are roff's minus signs, as in option names");
        assertFalse(page.lines().anyMatch(l -> l.startsWith(".") && !l.matches("\\.(TH|SH|SS|PP|IP|nf|fi|RS|RE).*")), "no stray request");
    }

    @Test
    void theLabPageIsDocsLabsMd() throws Exception {
        Path md = Path.of("docs/labs.md");
        if (!Files.exists(md)) md = Path.of("..", "docs", "labs.md");
        String page = ManPages.labPage(Files.readString(md));
        assertTrue(page.startsWith(".TH NSLAB-LAB 5 "), page);
        assertTrue(page.contains("\n.SH SECURITY\n"), "a section per heading");
        assertTrue(page.contains("\\fBnslab up FILE \\-\\-allow\\-host\\fR"), "code as bold");
        assertFalse(page.lines().anyMatch(l -> l.startsWith(".") && !l.matches("\\.(TH|SH|SS|PP|IP|nf|fi|RS|RE).*")), "no stray request");
    }
}
