package dev.nslab.lab.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** nslab's JSON files without an ObjectMapper: the same trees and the same bytes as Jackson's ObjectMapper (the witness). */
@Tag("unit")
class JsonFilesTest {
    @TempDir
    Path dir;

    private static final String SAMPLE = """
            {"lab":"x","nodes":[{"name":"a","ns":null,"up":true,"down":false}],"n":7,"big":12345678901,
             "huge":123456789012345678901234567890,"real":1.5,"neg":-3,"text":"tab\\tquote\\"back\\\\slash é \\u0001",
             "empty":{},"none":[],"nested":[[1,[2]],{"k":{"j":"v"}}]}
            """;

    @Test
    void readsWhatObjectMapperReads() throws IOException {
        Path p = dir.resolve("s.json");
        Files.writeString(p, SAMPLE);
        JsonNode mine = JsonFiles.read(p), witness = new ObjectMapper().readTree(SAMPLE);
        assertEquals(witness, mine);
        assertEquals(witness.toString(), mine.toString());
    }

    @Test
    void writesWhatObjectMappersPrettyPrinterWrites() throws IOException {
        JsonNode tree = new ObjectMapper().readTree(SAMPLE);
        String mine = new String(JsonFiles.pretty(tree), StandardCharsets.UTF_8);
        assertEquals(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree), mine);
        Path p = dir.resolve("back.json");
        Files.writeString(p, mine);
        assertEquals(tree, JsonFiles.read(p));
    }

    @Test
    void anEmptyOrBrokenFileIsAnError() throws IOException {
        Path empty = dir.resolve("e.json"), broken = dir.resolve("b.json");
        Files.writeString(empty, "");
        Files.writeString(broken, "{\"lab\": ");
        assertThrows(IOException.class, () -> JsonFiles.read(empty));
        assertThrows(IOException.class, () -> JsonFiles.read(broken));
    }
}
