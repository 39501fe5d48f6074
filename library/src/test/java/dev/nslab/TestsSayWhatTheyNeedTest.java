package dev.nslab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every test class says what it needs: {@code @Tag("unit")} (nothing: it runs as a normal user, in the unit group) or
 * {@code @Needs(...)} (root, programs, Open vSwitch, kernel features: skipped with the reason where they are missing),
 * or the JUnit extension, which skips without privileges. A class that says nothing would fail for a normal user
 * instead of being skipped.
 */
@Tag("unit")
class TestsSayWhatTheyNeedTest {
    @Test
    void everyTestClassIsUnitOrSaysWhatItNeeds() throws IOException {
        List<String> silent = new ArrayList<>();
        for (String root : List.of("library/src/test/java", "junit/src/test/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith("Test.java")).toList()) {
                    String text = Files.readString(f);
                    boolean says = text.contains("@Tag(\"unit\")") || text.contains("@Needs(") || text.contains("@Needs\n")
                            || text.matches("(?s).*\\n@ExtendWith\\(NetLabExtension\\.class\\)[^\\n]*\\n(?:@\\w+.*\\n)*(?:public |final )*class .*");
                    if (!says) silent.add(f.toString());
                }
            }
        }
        assertEquals(List.of(), silent, "test classes that say neither @Tag(\"unit\") nor @Needs(...)");
    }
}
