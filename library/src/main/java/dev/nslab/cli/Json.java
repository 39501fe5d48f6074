package dev.nslab.cli;

import java.util.Collection;
import java.util.Map;

/**
 * A small JSON writer for the CLI's {@code -j} output: maps (kept in insertion order), lists, strings, numbers,
 * booleans and null. One line by default, as {@code ip -j}; indented with {@code -p}.
 */
public final class Json {
    private Json() {}

    /**
     * Fields written into the enclosing object in place of the entry that holds them (its key unused): iproute2
     * prints some parts of an object flat, with a key twice where it must (a route's encapsulation "dst" after the
     * route's own).
     */
    public record Inline(Map<String, Object> fields) { }

    /** A number written as C's printf("%g") writes it: iproute2's JSON floats (0.04, 7.4e-05). */
    public record G(double value) {
        @Override
        public String toString() { return dev.nslab.ovs.Datum.cFormatG(value, 6); }
    }

    public static String write(Object value, boolean pretty) {
        Writer w = new Writer(pretty);
        w.value(value);
        return w.sb.toString();
    }

    /**
     * iproute2's json_writer, step for step, so that {@code -j -p} is laid out as ip lays it out: a separator before
     * every element but the first, a line break and indentation before each key (not before array elements), a
     * space inside non-empty array brackets, and the closing bracket of a non-empty object on a line of its own.
     */
    private static final class Writer {
        final StringBuilder sb = new StringBuilder();
        final boolean pretty;
        int depth;
        char sep;

        Writer(boolean pretty) { this.pretty = pretty; }

        private void eol() {
            if (!pretty) return;
            sb.append('\n').append("    ".repeat(depth));
        }

        private void eor() {
            if (sep != '\0') sb.append(sep);
            sep = ',';
        }

        private void begin(char c) {
            eor();
            sb.append(c);
            depth++;
            sep = '\0';
        }

        private void end(char c) {
            depth--;
            if (sep != '\0') eol();
            sb.append(c);
            sep = ',';
        }

        private void name(String n) {
            eor();
            eol();
            sep = '\0';
            quote(sb, n);
            sb.append(pretty ? ": " : ":");
        }

        void value(Object v) {
            if (v == null) {
                eor();
                sb.append("null");
                return;
            }
            switch (v) {
                case Map<?, ?> m -> {
                    begin('{');
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        if (e.getValue() instanceof Inline in) {
                            in.fields().forEach((k, x) -> {
                                name(k);
                                value(x);
                            });
                            continue;
                        }
                        name(String.valueOf(e.getKey()));
                        value(e.getValue());
                    }
                    end('}');
                }
                case Collection<?> c -> {
                    begin('[');
                    if (pretty) sb.append(' ');
                    for (Object o : c) value(o);
                    if (pretty && sep != '\0') sb.append(' ');
                    sep = '\0';
                    end(']');
                }
                default -> {
                    eor();
                    switch (v) {
                        case String s -> quote(sb, s);
                        case Number n -> sb.append(n);
                        case G g -> sb.append(g);
                        case Boolean b -> sb.append(b);
                        default -> quote(sb, v.toString());
                    }
                }
            }
        }
    }

    /**
     * A JSON string as iproute2's json_writer writes it (\b \f \n \r \t by name), except that other control
     * characters, which ip writes raw (no longer JSON), are written as \\u00XX.
     */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
