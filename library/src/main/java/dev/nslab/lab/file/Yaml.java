package dev.nslab.lab.file;

import dev.nslab.error.LabException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML (or JSON, which is YAML) document as a tree whose every node remembers where it was written, so that
 * errors about the topology can point at file:line:column. Duplicate keys are errors, not silent overrides.
 */
final class Yaml {
    private Yaml() {}

    /** A node: {@code value} is a Map&lt;String, Node&gt;, a List&lt;Node&gt;, a String, Number, Boolean or null. */
    record Node(Object value, String file, int line, int column) {
        LabException error(String message) { return new LabException(file, line, column, message); }

        @SuppressWarnings("unchecked")
        Map<String, Node> map(String what) {
            if (value instanceof Map<?, ?> m) return (Map<String, Node>) m;
            throw error(what + " must be a mapping (key: value lines)");
        }

        @SuppressWarnings("unchecked")
        List<Node> list(String what) {
            if (value instanceof List<?> l) return (List<Node>) l;
            throw error(what + " must be a list (\"- item\" lines or [a, b])");
        }

        boolean isMap() { return value instanceof Map; }

        boolean isList() { return value instanceof List; }

        String text(String what) {
            if (value instanceof String s) return s;
            if (value instanceof Number || value instanceof Boolean) return String.valueOf(value);
            throw error(what + " must be a single value");
        }

        int integer(String what) {
            if (value instanceof Number n && n.doubleValue() == n.intValue()) return n.intValue();
            if (value instanceof String s) {
                try {
                    return Integer.parseInt(s.trim());
                } catch (NumberFormatException ignored) {
                    // reported below
                }
            }
            throw error(what + " must be a whole number, not \"" + value + "\"");
        }

        boolean bool(String what) {
            if (value instanceof Boolean b) return b;
            if ("true".equals(value) || "yes".equals(value)) return true;
            if ("false".equals(value) || "no".equals(value)) return false;
            throw error(what + " must be true or false, not \"" + value + "\"");
        }
    }

    static Node parse(String file, String text) {
        int tpl = text.indexOf("{{");
        if (tpl >= 0 && text.indexOf("}}", tpl) > 0) {
            int line = (int) text.substring(0, tpl).chars().filter(c -> c == '\n').count() + 1;
            int column = tpl - text.lastIndexOf('\n', tpl - 1);
            throw new LabException(file, line, column, "Go template syntax (\"{{ ... }}\"): this is a template, not a topology; "
                    + "render it first (containerlab renders .gotmpl files with its template variables)");
        }
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new LabException(file, 1, 1, "the file is empty: it needs at least \"name:\" and \"topology:\"");
            return read(p, file);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String msg = yamlWords(e.getOriginalMessage());
            throw new LabException(file, l == null ? 1 : l.getLineNr(), l == null ? 1 : l.getColumnNr(), "YAML syntax: " + msg);
        } catch (IOException e) {
            throw new LabException(file, 1, 1, "cannot read: " + e.getMessage());
        }
    }

    private static Node read(JsonParser p, String file) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr(), col = at.getColumnNr();
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Node> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation k = p.currentTokenLocation();
                    String key = p.currentName();
                    if (m.containsKey(key)) {
                        throw new LabException(file, k.getLineNr(), k.getColumnNr(), "duplicate key \"" + key
                                + "\" (first at line " + m.get(key).line() + "): each name may appear once");
                    }
                    p.nextToken();
                    Node v = read(p, file);
                    // a key's own location is where errors about a missing/odd value should point
                    m.put(key, v.value() == null ? new Node(null, file, k.getLineNr(), k.getColumnNr()) : v);
                }
                return new Node(m, file, line, col);
            }
            case START_ARRAY -> {
                List<Node> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) l.add(read(p, file));
                return new Node(l, file, line, col);
            }
            case VALUE_STRING -> { return new Node(p.getText(), file, line, col); }
            case VALUE_NUMBER_INT -> { return new Node(p.getLongValue(), file, line, col); }
            case VALUE_NUMBER_FLOAT -> { return new Node(p.getDoubleValue(), file, line, col); }
            case VALUE_TRUE -> { return new Node(true, file, line, col); }
            case VALUE_FALSE -> { return new Node(false, file, line, col); }
            default -> { return new Node(null, file, line, col); }
        }
    }

    /**
     * SnakeYAML's message without its quotations of the file (the location is given anyway): "while parsing a flow
     * mapping ... expected ',' or '}', but got <scalar>" keeps both what it was reading and what it expected.
     */
    static String yamlWords(String message) {
        List<String> words = new ArrayList<>();
        for (String line : message.lines().toList()) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("in 'reader'") || l.startsWith("in '") || l.startsWith("^") || line.startsWith(" ")) continue;
            words.add(l);
        }
        return words.isEmpty() ? "syntax error" : String.join(": ", words);
    }
}
