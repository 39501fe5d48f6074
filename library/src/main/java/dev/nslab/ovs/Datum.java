package dev.nslab.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A column's value in OVSDB's text notation, the one ovs-vsctl and ovsdb-client print: atoms (a string quoted only
 * when it would not read back as itself), {@code [a, b]} for sets, {@code {k=v}} for maps, a scalar bare; members in
 * the database's order (strings by bytes, numbers by value, UUIDs by their text). The bare form prints atoms as they
 * are, separated by spaces. {@link #parse} reads that notation back as ovs-vsctl reads a command's values.
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

    /** C's "%.15g": an OVSDB real as the database's printer writes it. */
    private static String real(double d) { return cFormatG(d, 15); }

    /** C's printf "%.{precision}g" ("%g" is a precision of 6): trailing zeros dropped, an exponent of two digits at least. */
    public static String cFormatG(double d, int precision) {
        if (d == 0) return "0";
        if (Double.isNaN(d) || Double.isInfinite(d)) return Double.toString(d).toLowerCase(java.util.Locale.ROOT);
        BigDecimal v = new BigDecimal(d).round(new MathContext(precision));
        int exp = v.precision() - v.scale() - 1;
        if (exp < -4 || exp >= precision) {
            BigDecimal m = v.movePointLeft(exp).stripTrailingZeros();
            String e = (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
            return m.toPlainString() + "e" + e;
        }
        return v.stripTrailingZeros().toPlainString();
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /**
     * A value as ovs-vsctl reads it for a column of {@code type} (ovsdb_datum_from_string): atoms separated by
     * commas or spaces, a map's as KEY=VALUE, optionally in [] (a set) or {} (a map), which an empty one needs. A
     * UUID atom may be "@name", a row of the same command line: {@code ids} gives its reference, or null when the
     * line declares no such name. Returns RFC 7047 JSON: an atom for a scalar column, else ["set", ...] or ["map", ...].
     */
    public static JsonNode parse(String text, OvsSchema.Type type, Function<String, JsonNode> ids) {
        boolean map = type.isMap();
        int[] at = {skipSpaces(text, 0)};
        char end = 0;
        if (at[0] < text.length() && text.charAt(at[0]) == (map ? '{' : '[')) {
            end = map ? '}' : ']';
            at[0] = skipSpaces(text, at[0] + 1);
        } else if (at[0] >= text.length()) {
            throw refused(map ? "use \"{}\" to specify the empty map" : "use \"[]\" to specify the empty set", text);
        }
        List<JsonNode[]> members = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        while (at[0] < text.length() && text.charAt(at[0]) != end) {
            char c = text.charAt(at[0]);
            if (isDelimiter(c)) throw refused(text + ": unexpected \"" + c + "\" parsing " + english(type), text);
            int keyStart = at[0];
            String keyToken = token(text, at);
            List<JsonNode> keyAtoms = atoms(keyToken, type.key(), ids, !map);
            JsonNode value = null;
            if (map) {
                at[0] = skipSpaces(text, at[0]);
                if (at[0] >= text.length() || text.charAt(at[0]) != '=') {
                    throw refused(text.substring(keyStart) + ": syntax error at \"" + (at[0] < text.length() ? text.charAt(at[0]) : "") + "\" expecting \"=\"", text);
                }
                at[0] = skipSpaces(text, at[0] + 1);
                value = atom(token(text, at), type.value(), ids);
            }
            for (JsonNode k : keyAtoms) {
                if (!keys.add(k.toString())) throw refused(text + (map ? ": map contains duplicate key" : ": set contains duplicate value"), text);
                members.add(new JsonNode[] {k, value});
            }
            at[0] = skipSpaces(text, at[0]);
            if (at[0] < text.length() && text.charAt(at[0]) == ',') at[0] = skipSpaces(text, at[0] + 1);
        }
        if (end != 0 ? at[0] >= text.length() : at[0] < text.length()) {
            throw refused(text + ": missing \"" + (end == 0 ? "" : String.valueOf(end)) + "\" at end of data", text);
        }
        if (end != 0 && skipSpaces(text, at[0] + 1) < text.length()) throw refused(text + ": trailing garbage after \"" + end + "\"", text);
        String what = map ? "pair(s)" : "value(s)";
        if (members.size() < type.min()) throw refused(text + ": " + members.size() + " " + what + " specified but the minimum number is " + type.min(), text);
        if (type.max() >= 0 && members.size() > type.max()) {
            throw refused(text + ": " + members.size() + " " + what + " specified but the maximum number is " + type.max(), text);
        }
        if (type.isScalar()) return members.getFirst()[0];
        ArrayNode list = F.arrayNode();
        for (JsonNode[] m : members) list.add(map ? F.arrayNode().add(m[0]).add(m[1]) : m[0]);
        return F.arrayNode().add(map ? "map" : "set").add(list);
    }

    /** A command's COLUMN[:KEY]=VALUE: the column and key as tokens (see {@link #token}), the value as typed. */
    public record Setting(String column, String key, String value) { }

    /** {@code arg} as a {@link Setting}, or null when no "=" follows the column (and key). */
    public static Setting setting(String arg) {
        int[] at = {0};
        String column = token(arg, at), key = null;
        if (at[0] < arg.length() && arg.charAt(at[0]) == ':') {
            at[0]++;
            key = token(arg, at);
        }
        if (at[0] >= arg.length() || arg.charAt(at[0]) != '=') return null;
        return new Setting(column, key, arg.substring(at[0] + 1));
    }

    /** One atom's text as ovs-vsctl reads it (a map key given alone, a set member). */
    public static JsonNode atom(String token, OvsSchema.Base base, Function<String, JsonNode> ids) {
        return atoms(token, base, ids, false).getFirst();
    }

    /** An atom, or for an integer set member "N-M" each integer of the range (trunks=10-20), within its constraints. */
    private static List<JsonNode> atoms(String s, OvsSchema.Base base, Function<String, JsonNode> ids, boolean ranges) {
        List<JsonNode> out = unchecked(s, base, ids, ranges);
        for (JsonNode a : out) checkConstraints(a, base);
        return out;
    }

    /** ovsdb_atom_check_constraints, in its words: a value outside its type's enumeration or integer range. */
    static void checkConstraints(JsonNode atom, OvsSchema.Base base) {
        OvsSchema.Base plain = new OvsSchema.Base(base.type(), base.refTable());
        if (!base.enumValues().isEmpty() && base.enumValues().stream().noneMatch(v -> v.isNumber() && atom.isNumber() ? v.asLong() == atom.asLong() : v.equals(atom))) {
            ArrayNode values = F.arrayNode();
            base.enumValues().forEach(values::add);
            throw new OvsdbException("constraint violation: " + text(atom, new OvsSchema.Type(plain, null, 1, 1), false) + " is not one of the allowed values ("
                    + text(F.arrayNode().add("set").add(values), new OvsSchema.Type(plain, null, 1, -1), false) + ")", "refused", atom.asText());
        }
        if (!base.type().equals("integer")) return;
        long v = atom.asLong();
        Long min = base.minInteger(), max = base.maxInteger();
        if ((min == null || v >= min) && (max == null || v <= max)) return;
        String why = min != null && max != null ? v + " is not in the valid range " + min + " to " + max + " (inclusive)"
                : min != null ? v + " is less than minimum allowed value " + min : v + " is greater than maximum allowed value " + max;
        throw new OvsdbException("constraint violation: " + why, "refused", Long.toString(v));
    }

    private static List<JsonNode> unchecked(String s, OvsSchema.Base base, Function<String, JsonNode> ids, boolean ranges) {
        switch (base.type()) {
            case "integer" -> {
                int dash = s.indexOf('-', 1);
                if (ranges && dash > 0) {
                    long from = integer(s.substring(0, dash), s), to = integer(s.substring(dash + 1), s);
                    if (to < from) throw refused("\"" + s + "\" is not a valid range. Range end cannot be before start.", s);
                    if (to - from >= 4096) throw refused("Range \"" + from + "-" + to + "\" is too big. Maximum allowed size is 4096.", s);
                    List<JsonNode> out = new ArrayList<>();
                    for (long i = from; i <= to; i++) out.add(F.numberNode(i));
                    return out;
                }
                return List.of(F.numberNode(integer(s, s)));
            }
            case "real" -> {
                try {
                    double d = Double.parseDouble(s.strip());
                    if (s.strip().isEmpty() || s.endsWith("d") || s.endsWith("f") || s.endsWith("D") || s.endsWith("F")) throw new NumberFormatException();
                    return List.of(F.numberNode(d == 0 ? 0.0 : d));
                } catch (NumberFormatException e) {
                    throw refused("\"" + s + "\" is not a valid real number", s);
                }
            }
            case "boolean" -> {
                if (List.of("true", "yes", "on", "1").contains(s)) return List.of(F.booleanNode(true));
                if (List.of("false", "no", "off", "0").contains(s)) return List.of(F.booleanNode(false));
                throw refused("\"" + s + "\" is not a valid boolean (use \"true\" or \"false\")", s);
            }
            case "uuid" -> {
                if (s.startsWith("@")) {
                    JsonNode ref = ids.apply(s);
                    if (ref == null) throw refused("row id \"" + s + "\" is referenced but never created (e.g. with \"-- --id=" + s + " create ...\")", s);
                    return List.of(ref);
                }
                if (!UUID.matcher(s).matches()) throw refused("\"" + s + "\" is not a valid UUID", s);
                return List.of(Values.uuidRef(s.toLowerCase(java.util.Locale.ROOT)));
            }
            default -> {
                if (s.isEmpty()) throw refused("An empty string is not valid as input; use \"\" to represent the empty string", s);
                if (!s.startsWith("\"")) return List.of(F.textNode(s));
                if (s.length() < 2 || !s.endsWith("\"")) throw refused(s + ": missing quote at end of quoted string", s);
                try {
                    return List.of(F.textNode(new com.fasterxml.jackson.databind.ObjectMapper().readValue(s, String.class)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw refused(s + ": " + e.getOriginalMessage(), s);
                }
            }
        }
    }

    private static long integer(String s, String whole) {
        try {
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            throw refused("\"" + whole + "\" is not a valid integer or range", whole);
        }
    }

    /** ovsdb_token_parse: up to the next delimiter; a backslash escapes one, double quotes hide them (and stay). */
    static String token(String s, int[] at) {
        StringBuilder out = new StringBuilder();
        boolean quoted = false;
        int i = at[0];
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '\\') {
                if (quoted) out.append('\\');
                if (i >= s.length()) throw refused(s.substring(at[0]) + ": backslash at end of argument", s);
                out.append(s.charAt(i++));
            } else if (!quoted && isDelimiter(c)) {
                i--;
                break;
            } else {
                out.append(c);
                if (c == '"') quoted = !quoted;
            }
        }
        if (quoted) throw refused(s.substring(at[0]) + ": quoted string extends past end of argument", s);
        at[0] = i;
        return out.toString();
    }

    static boolean isDelimiter(char c) { return ":=, []{}!<>".indexOf(c) >= 0; }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    /** ovsdb_type_to_english, as the parse errors name a column's type. */
    private static String english(OvsSchema.Type t) {
        String key = t.key().type() + (t.key().refTable() != null ? " (" + t.key().refTable() + " reference)" : "");
        if (t.isScalar()) return key;
        if (t.isMap()) {
            String value = t.value().type() + (t.value().refTable() != null ? " (" + t.value().refTable() + " reference)" : "");
            return "map of " + (t.max() < 0 ? "" : t.max() + " or fewer ") + key + "-" + value + " pairs";
        }
        if (t.min() == 0 && t.max() == 1) return "optional " + key;
        return (t.max() < 0 ? "set of " : "set of up to " + t.max() + " ") + key + "s";
    }

    private static OvsdbException refused(String message, String object) { return new OvsdbException(message, "refused", object); }
}
