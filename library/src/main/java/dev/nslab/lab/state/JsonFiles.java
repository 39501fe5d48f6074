package dev.nslab.lab.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * nslab's own JSON files (a lab's state, the record of raised kernel limits) as Jackson trees, read and written with
 * the streaming parser and generator. No ObjectMapper: making the first one costs a fresh JVM about 0.15 s, more than
 * a 100-node lab's state takes to write, and a JUnit test's first lab would pay it.
 */
public final class JsonFiles {
    private JsonFiles() {}

    public static ObjectNode object() { return JsonNodeFactory.instance.objectNode(); }

    /** The tree of the JSON file {@code p}. */
    public static JsonNode read(Path p) throws IOException {
        try (JsonParser in = new JsonFactory().createParser(Files.readAllBytes(p))) {
            JsonToken t = in.nextToken();
            if (t == null) throw new IOException(p + " is empty");
            return value(in, t);
        }
    }

    private static JsonNode value(JsonParser in, JsonToken t) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (t) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                for (JsonToken k = in.nextToken(); k != JsonToken.END_OBJECT; k = in.nextToken()) {
                    String name = in.currentName();
                    o.set(name, value(in, in.nextToken()));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                for (JsonToken e = in.nextToken(); e != JsonToken.END_ARRAY; e = in.nextToken()) a.add(value(in, e));
                yield a;
            }
            case VALUE_STRING -> f.textNode(in.getText());
            case VALUE_NUMBER_INT -> switch (in.getNumberType()) {
                case INT -> f.numberNode(in.getIntValue());
                case LONG -> f.numberNode(in.getLongValue());
                default -> f.numberNode(in.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> f.numberNode(in.getDoubleValue());
            case VALUE_TRUE, VALUE_FALSE -> f.booleanNode(t == JsonToken.VALUE_TRUE);
            case VALUE_NULL -> f.nullNode();
            default -> throw new IOException("unexpected " + t + " at " + in.currentLocation());
        };
    }

    /** {@code n} as indented JSON (Jackson's default pretty printer). */
    public static byte[] pretty(JsonNode n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            write(g, n);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, JsonNode n) throws IOException {
        if (n.isObject()) {
            g.writeStartObject();
            for (var e : n.properties()) {
                g.writeFieldName(e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (JsonNode e : n) write(g, e);
            g.writeEndArray();
        } else if (n.isTextual()) {
            g.writeString(n.textValue());
        } else if (n.isIntegralNumber()) {
            if (n.canConvertToLong()) g.writeNumber(n.longValue());
            else g.writeNumber(n.bigIntegerValue());
        } else if (n.isNumber()) {
            g.writeNumber(n.doubleValue());
        } else if (n.isBoolean()) {
            g.writeBoolean(n.booleanValue());
        } else {
            g.writeNull();
        }
    }
}
