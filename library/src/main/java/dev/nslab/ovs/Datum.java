package dev.nslab.ovs;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A column's value in OVSDB's text notation, the one ovs-vsctl and ovsdb-client print: atoms (a string quoted only
 * when it would not read back as itself), {@code [a, b]} for sets, {@code {k=v}} for maps, a scalar bare; members in
 * the database's order (strings by bytes, numbers by value, UUIDs by their text). The bare form prints atoms as they
 * are, separated by spaces.
 */
public final class Datum {
    private Datum() {}

    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** {@code value} (RFC 7047 notation) of a column of type {@code type}, as text. */
    public static String text(JsonNode value, OvsSchema.Type type, boolean bare) {
        List<JsonNode[]> members = members(value, type);
        StringBuilder b = new StringBuilder();
        boolean brackets = !bare && (type.max() != 1 || members.isEmpty());
        if (brackets) b.append(type.isMap() ? '{' : '[');
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) b.append(bare ? " " : ", ");
            atom(b, members.get(i)[0], type.key().type(), bare);
            if (type.isMap()) {
                b.append('=');
                atom(b, members.get(i)[1], type.value().type(), bare);
            }
        }
        if (brackets) b.append(type.isMap() ? '}' : ']');
        return b.toString();
    }

    /** The members of a datum as sent: {key, value} for a map's, {atom, null} for a set's or a single atom. */
    public static List<JsonNode[]> members(JsonNode v) {
        List<JsonNode[]> out = new ArrayList<>();
        if (v.isArray() && v.size() == 2 && "map".equals(v.get(0).asText())) {
            for (JsonNode kv : v.get(1)) out.add(new JsonNode[] {kv.get(0), kv.get(1)});
        } else if (v.isArray() && v.size() == 2 && "set".equals(v.get(0).asText())) {
            for (JsonNode a : v.get(1)) out.add(new JsonNode[] {a, null});
        } else if (!v.isMissingNode() && !v.isNull()) {
            out.add(new JsonNode[] {v, null});
        }
        return out;
    }

    /** An atom's text: a UUID's without its ["uuid", ...] wrapping, anything else as it is. */
    public static String atomText(JsonNode a) { return a.isArray() ? a.get(1).asText() : a.asText(); }

    /** The members (key, value) of a datum, sorted by key as the database keeps them. */
    static List<JsonNode[]> members(JsonNode v, OvsSchema.Type type) {
        List<JsonNode[]> out = members(v);
        Comparator<JsonNode> order = order(type.key().type());
        out.sort((x, y) -> order.compare(x[0], y[0]));
        return out;
    }

    private static Comparator<JsonNode> order(String type) {
        return switch (type) {
            case "integer" -> Comparator.comparingLong(JsonNode::asLong);
            case "real" -> Comparator.comparingDouble(JsonNode::asDouble);
            case "boolean" -> Comparator.comparing(JsonNode::asBoolean);
            case "uuid" -> Comparator.comparing(a -> a.isArray() ? a.get(1).asText() : a.asText());
            default -> (a, b) -> Arrays.compareUnsigned(a.asText().getBytes(StandardCharsets.UTF_8), b.asText().getBytes(StandardCharsets.UTF_8));
        };
    }

    private static void atom(StringBuilder b, JsonNode a, String type, boolean bare) {
        switch (type) {
            case "integer" -> b.append(a.asLong());
            case "real" -> b.append(real(a.asDouble()));
            case "boolean" -> b.append(a.asBoolean());
            case "uuid" -> b.append(a.isArray() ? a.get(1).asText() : a.asText());
            default -> {
                String s = a.asText();
                if (bare || !needsQuotes(s)) b.append(s);
                else quote(b, s);
            }
        }
    }

    /** A string reads back as itself without quotes when it is a word: a letter or _, then letters, digits, _ - . */
    static boolean needsQuotes(String s) {
        if (s.isEmpty()) return true;
        char c = s.charAt(0);
        if (!isAlpha(c) && c != '_') return true;
        for (int i = 1; i < s.length(); i++) {
            c = s.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-' && c != '.') return true;
        }
        return s.equals("true") || s.equals("false") || UUID.matcher(s).matches();
    }

    private static boolean isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

    /** JSON string syntax, as the database's own printer writes it. */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    /** C's "%.15g". */
    private static String real(double d) {
        if (d == 0) return "0";
        if (Double.isNaN(d) || Double.isInfinite(d)) return Double.toString(d).toLowerCase(java.util.Locale.ROOT);
        BigDecimal v = new BigDecimal(d).round(new MathContext(15));
        int exp = v.precision() - v.scale() - 1;
        if (exp < -4 || exp >= 15) {
            BigDecimal m = v.movePointLeft(exp).stripTrailingZeros();
            String e = (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
            return m.toPlainString() + "e" + e;
        }
        return v.stripTrailingZeros().toPlainString();
    }
}
