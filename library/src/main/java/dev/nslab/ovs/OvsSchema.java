package dev.nslab.ovs;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The database's schema as ovsdb-server describes it (RFC 7047 get_schema): each table's columns and their types,
 * which is what reading and printing a column generically needs. Table names are kept as the schema spells them.
 */
public record OvsSchema(Map<String, Table> tables) {
    /**
     * An atomic type: integer, real, boolean, string or uuid; a uuid may refer to rows of {@code refTable}. Its
     * constraints: the values it may take ({@code enumValues}, empty: any) and an integer's range (null: none).
     */
    public record Base(String type, String refTable, List<JsonNode> enumValues, Long minInteger, Long maxInteger) {
        public Base(String type, String refTable) { this(type, refTable, List.of(), null, null); }
    }

    /** A column's type: a key, a value (maps only, else null), and how many of them (max -1: unlimited). */
    public record Type(Base key, Base value, int min, int max) {
        public boolean isMap() { return value != null; }

        public boolean isScalar() { return min == 1 && max == 1; }
    }

    /**
     * A table: its columns by name, in name order (as ovs-vsctl lists them, after _uuid), and those set only when a
     * row is made ("mutable": false, a bridge's name for one).
     */
    public record Table(String name, Map<String, Type> columns, java.util.Set<String> readOnly) {
        /** ovs-vsctl's refusal to change a read-only column of a row that exists. */
        public void checkMutable(String column) {
            if (readOnly.contains(column)) throw new OvsdbException("cannot modify read-only column " + column + " in table " + name, "refused", column);
        }
    }

    static OvsSchema parse(JsonNode schema) {
        Map<String, Table> tables = new TreeMap<>();
        schema.path("tables").properties().forEach(t -> {
            Map<String, Type> cols = new TreeMap<>();
            java.util.Set<String> readOnly = new java.util.TreeSet<>();
            t.getValue().path("columns").properties().forEach(c -> {
                cols.put(c.getKey(), type(c.getValue().path("type")));
                if (!c.getValue().path("mutable").asBoolean(true)) readOnly.add(c.getKey());
            });
            tables.put(t.getKey(), new Table(t.getKey(), Collections.unmodifiableMap(cols), Collections.unmodifiableSet(readOnly)));
        });
        return new OvsSchema(Collections.unmodifiableMap(tables));
    }

    private static Type type(JsonNode t) {
        if (t.isTextual()) return new Type(new Base(t.asText(), null), null, 1, 1);
        Base key = base(t.path("key"));
        Base value = t.has("value") ? base(t.path("value")) : null;
        int min = t.path("min").asInt(1);
        JsonNode max = t.path("max");
        int mx = max.isMissingNode() ? 1 : max.isTextual() && max.asText().equals("unlimited") ? -1 : max.asInt(1);
        return new Type(key, value, min, mx);
    }

    private static Base base(JsonNode b) {
        if (b.isTextual()) return new Base(b.asText(), null);
        List<JsonNode> values = new java.util.ArrayList<>();
        if (b.has("enum")) {
            JsonNode e = b.get("enum");
            if (e.isArray() && e.size() == 2 && "set".equals(e.get(0).asText())) e.get(1).forEach(values::add);
            else values.add(e);
        }
        return new Base(b.path("type").asText(), b.has("refTable") ? b.path("refTable").asText() : null, List.copyOf(values),
                b.has("minInteger") ? b.get("minInteger").asLong() : null, b.has("maxInteger") ? b.get("maxInteger").asLong() : null);
    }

    /** The table called {@code name}: exactly (any case), else the only one it is a prefix of. */
    public Table table(String name) {
        Table best = null;
        java.util.List<String> matches = new java.util.ArrayList<>();
        for (Table t : tables.values()) {
            if (t.name().equalsIgnoreCase(name)) return t;
            if (t.name().toLowerCase(java.util.Locale.ROOT).startsWith(name.toLowerCase(java.util.Locale.ROOT))) {
                best = t;
                matches.add(t.name());
            }
        }
        if (matches.size() > 1) {
            throw new OvsdbException("\"" + name + "\" matches multiple table names: " + String.join(", ", matches), "refused", name);
        }
        if (best == null) throw new OvsdbException("unknown table \"" + name + "\"", "refused", name);
        return best;
    }
}
