package dev.nslab.cli;

import dev.nslab.ovs.Datum;
import dev.nslab.ovs.Ovs;
import dev.nslab.ovs.OvsSchema;
import dev.nslab.ovs.OvsTransaction;
import dev.nslab.ovs.OvsdbException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ovs-vsctl's database commands over any table: {@code list TABLE [RECORD...]}, {@code find TABLE [COLUMN[:KEY]=VALUE...]},
 * {@code get TABLE RECORD COLUMN[:KEY]...}, with {@code --columns}, {@code --bare} and {@code --no-headings}. Records
 * are named as ovs-vsctl names them (a bridge, port, interface or mirror by name, the Open_vSwitch row as ".", a
 * controller, NetFlow, sFlow or IPFIX row by its bridge, a QoS row by its port, a manager by its target) or by UUID
 * (whole, or a unique prefix of at least 4 characters). And the commands that change them: {@code set}, {@code add},
 * {@code remove}, {@code clear}, {@code create} and {@code destroy}, with values in the database's notation
 * ({@link Datum#parse}) and rows of the same command line named "@NAME" (--id=@NAME).
 */
final class OvsRecords {
    /** How rows of a table are named: by a column of their own, or through a column of a row of another table. */
    private record RowId(String table, String nameColumn, String refColumn) { }

    private static final Map<String, List<RowId>> IDS = Map.ofEntries(
            Map.entry("Bridge", List.of(new RowId("Bridge", "name", null))),
            Map.entry("Controller", List.of(new RowId("Bridge", "name", "controller"))),
            Map.entry("Interface", List.of(new RowId("Interface", "name", null))),
            Map.entry("Mirror", List.of(new RowId("Mirror", "name", null))),
            Map.entry("Manager", List.of(new RowId("Manager", "target", null))),
            Map.entry("NetFlow", List.of(new RowId("Bridge", "name", "netflow"))),
            Map.entry("Open_vSwitch", List.of(new RowId("Open_vSwitch", null, null))),
            Map.entry("Port", List.of(new RowId("Port", "name", null))),
            Map.entry("QoS", List.of(new RowId("Port", "name", "qos"))),
            Map.entry("SSL", List.of(new RowId("Open_vSwitch", null, "ssl"))),
            Map.entry("sFlow", List.of(new RowId("Bridge", "name", "sflow"))),
            Map.entry("Flow_Table", List.of(new RowId("Flow_Table", "name", null))),
            Map.entry("IPFIX", List.of(new RowId("Bridge", "name", "ipfix"))),
            Map.entry("AutoAttach", List.of(new RowId("Bridge", "name", "auto_attach"))));

    /** ovs-vsctl's list of comparison operators, as its error names them (nslab compares with = and != only). */
    private static final String OPERATORS = "\"=\", \"!=\", \"<\", \">\", \"<=\", \">=\", \"{=}\", \"{!=}\", \"{<}\", \"{>}\", \"{<=}\", \"{>=}\", \"{in}\", or \"{not-in}\"";

    private final Ovs ovs;
    private final OvsSchema schema;
    private final Map<String, List<JsonNode>> rows = new HashMap<>();
    /** The rows this command line names with --id=@NAME: a create's new row, a get's existing one. */
    private final Map<String, JsonNode> ids = new HashMap<>();

    OvsRecords(Ovs ovs) {
        this.ovs = ovs;
        this.schema = ovs.schema();
    }

    /** Table output in ovs-vsctl's list format: "COLUMN (to 20) : VALUE" per line, a blank line between records. */
    /** ovs-vsctl's --format for list and find. */
    enum Format { LIST, CSV, TABLE, HTML, JSON }

    /** ovs-vsctl's --data: how a cell is written (in the JSON format, always as the database's JSON). */
    enum Cells { STRING, BARE, JSON }

    String list(String tableName, List<String> records, List<String> columns, Cells cellsAs, boolean headings, Format format) {
        OvsSchema.Table t = schema.table(tableName);
        List<JsonNode> chosen = new ArrayList<>();
        if (records.isEmpty()) chosen.addAll(asOvsVsctl(rowsOf(t.name())));
        else for (String r : records) chosen.add(row(t, r));
        return print(t, chosen, columns, cellsAs, headings, format);
    }

    /** The rows that satisfy every condition (COLUMN[:KEY] OP VALUE, see {@link #matches}). */
    String find(String tableName, List<String> conditions, List<String> columns, Cells cellsAs, boolean headings, Format format) {
        OvsSchema.Table t = schema.table(tableName);
        List<JsonNode> chosen = new ArrayList<>();
        for (JsonNode r : asOvsVsctl(rowsOf(t.name()))) {
            boolean all = true;
            for (String c : conditions) all &= matches(t, r, c);
            if (all) chosen.add(r);
        }
        return print(t, chosen, columns, cellsAs, headings, format);
    }

    /** One line per COLUMN[:KEY], as ovs-vsctl get prints them (in the database's notation, whatever -d or --bare say). */
    List<String> get(String tableName, String record, List<String> columns) {
        OvsSchema.Table t = schema.table(tableName);
        JsonNode r = row(t, record);
        List<String> out = new ArrayList<>();
        for (String spec : columns) {
            int colon = spec.indexOf(':');
            String col = column(t, colon < 0 ? spec : spec.substring(0, colon));
            OvsSchema.Type type = type(t, col);
            if (colon < 0) {
                out.add(Datum.text(r.path(col), type, false));
                continue;
            }
            String key = unquote(spec.substring(colon + 1));
            if (!type.isMap()) throw new OvsdbException("cannot specify key to get for non-map column " + col, "refused", col);
            JsonNode value = null;
            for (JsonNode[] kv : Datum.members(r.path(col))) if (Datum.atomText(kv[0]).equals(key)) value = kv[1];
            if (value == null) throw new OvsdbException("no key \"" + key + "\" in " + t.name() + " record \"" + record + "\" column " + col, "refused", key);
            out.add(Datum.text(value, new OvsSchema.Type(type.value(), null, 1, 1), false));
        }
        return out;
    }

    /** Whether {@code record} names a row of the table (ovs-vsctl's --if-exists get passes over one that does not). */
    boolean exists(String tableName, String record) { return rowOrNull(schema.table(tableName), record) != null; }

    /** --id=@NAME of a create (its new row) or a get (the row it names). */
    void declare(String id, JsonNode ref) {
        if (!id.startsWith("@") || id.length() < 2) throw new OvsdbException("row id \"" + id + "\" does not begin with \"@\"", "refused", id);
        if (ids.putIfAbsent(id, ref) != null) throw new OvsdbException("row id \"" + id + "\" may only be specified on one --id option", "refused", id);
    }

    /** The table as the schema spells it (ovs-vsctl takes any case, and a unique prefix). */
    String tableName(String name) { return schema.table(name).name(); }

    /**
     * A row to change, as the transaction will find it: a bridge, port or interface as the command line has left
     * them (made or removed by earlier commands of it), any other row as the database holds it; null when it is
     * not there and {@code ifExists}.
     */
    JsonNode ref(OvsTransaction txn, String tableName, String record, boolean ifExists) {
        OvsSchema.Table t = schema.table(tableName);
        if (ids.containsKey(record)) return ids.get(record);
        JsonNode own = txn.ref(t.name(), record);
        if (own != null) return own;
        // a bridge, port or interface by name is the transaction's (one an earlier command removed is not there)
        boolean byName = List.of("Bridge", "Port", "Interface").contains(t.name()) && !record.matches("[0-9a-fA-F-]{4,}");
        try {
            if (byName) throw new OvsdbException("no row \"" + record + "\" in table " + t.name(), "refused", record);
            return rowRef(row(t, record));
        } catch (OvsdbException e) {
            if (ifExists) return null;
            throw e;
        }
    }

    /** {@code set TABLE RECORD COLUMN[:KEY]=VALUE...} on a row already found. */
    void set(OvsTransaction txn, String tableName, JsonNode ref, List<String> settings) {
        OvsSchema.Table t = schema.table(tableName);
        for (String setting : settings) {
            Datum.Setting st = Datum.setting(setting);
            if (st == null) throw new UsageException("ovs-vsctl: " + setting + ": argument does not end in \"=\" followed by a value.");
            String colText = st.column(), key = st.key(), value = st.value();
            String col = column(t, colText);
            mutable(t, ref, col);
            OvsSchema.Type type = type(t, col);
            if (key == null) {
                txn.write(t.name(), ref, col, Datum.parse(value, type, ids::get));
                continue;
            }
            if (!type.isMap()) throw new OvsdbException("cannot specify key to set for non-map column " + col, "refused", col);
            txn.writeKey(t.name(), ref, col, Datum.atom(key, type.key(), ids::get), Datum.atom(value.strip(), type.value(), ids::get));
        }
    }

    /** COLUMN[:KEY]=VALUE settings read as ovs-vsctl reads them, for its refusals (their values are the caller's). */
    void check(String tableName, List<String> settings) {
        OvsSchema.Table t = schema.table(tableName);
        for (String setting : settings) {
            Datum.Setting st = Datum.setting(setting);
            if (st == null) throw new UsageException("ovs-vsctl: " + setting + ": argument does not end in \"=\" followed by a value.");
            OvsSchema.Type type = type(t, column(t, st.column()));
            if (st.key() == null) Datum.parse(st.value(), type, ids::get);
            else if (type.isMap()) Datum.atom(st.value().strip(), type.value(), ids::get);
        }
    }

    /** {@code add} ({@code insert}) or {@code remove}: each VALUE a set of members (a map's pairs, or its keys to remove). */
    void mutate(OvsTransaction txn, String tableName, JsonNode ref, String column, List<String> values, boolean insert) {
        OvsSchema.Table t = schema.table(tableName);
        String col = column(t, column);
        mutable(t, ref, col);
        OvsSchema.Type type = type(t, col);
        OvsSchema.Type many = new OvsSchema.Type(type.key(), type.value(), 1, -1);
        for (String v : values) {
            JsonNode members;
            try {
                members = Datum.parse(v, many, ids::get);
            } catch (OvsdbException e) {
                // a map's members to remove may be its keys alone
                if (insert || !type.isMap()) throw e;
                members = Datum.parse(v, new OvsSchema.Type(type.key(), null, 1, -1), ids::get);
            }
            txn.mutate(t.name(), ref, col, insert, members);
        }
    }

    /** {@code clear TABLE RECORD COLUMN...}: each column empty, where it may be. */
    void clear(OvsTransaction txn, String tableName, JsonNode ref, List<String> columns) {
        OvsSchema.Table t = schema.table(tableName);
        for (String c : columns) {
            String col = column(t, c);
            mutable(t, ref, col);
            OvsSchema.Type type = type(t, col);
            if (type.min() > 0) {
                throw new OvsdbException("\"clear\" operation cannot be applied to column " + col + " of table " + t.name()
                        + ", which is not allowed to be empty", "refused", col);
            }
            txn.write(t.name(), ref, col, empty(type.isMap() ? "map" : "set"));
        }
    }

    /**
     * {@code emer-reset}, as ovs-vsctl does it: the switch back to its bridges, ports and interfaces alone. Managers,
     * SSL, controllers, fail modes, mirrors, NetFlow, sFlow, IPFIX and flood VLANs taken off, every bridge's
     * other_config but its hwaddr, every port's other_config and every interface's policing cleared.
     */
    void emergencyReset(OvsTransaction txn) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        for (JsonNode r : rowsOf("Open_vSwitch")) {
            JsonNode ref = rowRef(r);
            txn.write("Open_vSwitch", ref, "manager_options", empty("set"));
            txn.write("Open_vSwitch", ref, "ssl", empty("set"));
        }
        for (JsonNode r : rowsOf("Bridge")) {
            JsonNode ref = rowRef(r);
            for (String col : List.of("controller", "fail_mode", "mirrors", "netflow", "sflow", "ipfix", "flood_vlans")) txn.write("Bridge", ref, col, empty("set"));
            JsonNode kept = f.arrayNode();
            for (JsonNode[] kv : Datum.members(r.path("other_config"))) {
                if (Datum.atomText(kv[0]).equals("hwaddr")) ((com.fasterxml.jackson.databind.node.ArrayNode) kept).add(f.arrayNode().add(kv[0]).add(kv[1]));
            }
            txn.write("Bridge", ref, "other_config", f.arrayNode().add("map").add(kept));
        }
        for (JsonNode r : rowsOf("Port")) txn.write("Port", rowRef(r), "other_config", empty("map"));
        for (JsonNode r : rowsOf("Interface")) {
            JsonNode ref = rowRef(r);
            txn.write("Interface", ref, "ingress_policing_rate", f.numberNode(0));
            txn.write("Interface", ref, "ingress_policing_burst", f.numberNode(0));
        }
        // the mirrors, controllers, managers, SSL, NetFlow, sFlow and IPFIX rows, no longer referred to, go with the
        // transaction (the database collects them); ovs-vsctl's own deletions of them come to that, and the sample
        // collector sets, a root table it does not read, stay with it as they stay here
    }

    /**
     * {@code set-ssl KEY CERT CA [--bootstrap]} ({@code files}), or with null {@code del-ssl}: the switch's SSL row
     * replaced by a new one with those files, or taken away.
     */
    void ssl(OvsTransaction txn, List<String> files, boolean bootstrap) {
        for (JsonNode ref : all("SSL")) txn.destroy("SSL", ref);
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode value = empty("set");
        if (files != null) {
            value = txn.create("SSL");
            txn.write("SSL", value, "private_key", f.textNode(files.get(0)));
            txn.write("SSL", value, "certificate", f.textNode(files.get(1)));
            txn.write("SSL", value, "ca_cert", f.textNode(files.get(2)));
            txn.write("SSL", value, "bootstrap_ca_cert", f.booleanNode(bootstrap));
        }
        for (JsonNode r : rowsOf("Open_vSwitch")) txn.write("Open_vSwitch", rowRef(r), "ssl", value);
    }

    /** {@code get-ssl}: the switch's SSL files, as ovs-vsctl prints them (nothing without an SSL row). */
    List<String> ssl() {
        for (JsonNode r : rowsOf("SSL")) {
            return List.of("Private key: " + r.path("private_key").asText(), "Certificate: " + r.path("certificate").asText(),
                    "CA Certificate: " + r.path("ca_cert").asText(), "Bootstrap: " + r.path("bootstrap_ca_cert").asBoolean());
        }
        return List.of();
    }

    /** An empty set or map ({@code kind}), in the database's notation. */
    private static JsonNode empty(String kind) { return JsonNodeFactory.instance.arrayNode().add(kind).add(JsonNodeFactory.instance.arrayNode()); }

    /** The reference to a row the database holds. */
    private static JsonNode rowRef(JsonNode row) { return OvsTransaction.uuidRef(uuid(row.path("_uuid"))); }

    /** A string column of every row of a table, as text. */
    List<String> column(String tableName, String column) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : rowsOf(schema.table(tableName).name())) out.add(nameOf(r.path(column)));
        return out;
    }

    /** A read-only column may be set only in a row the same line makes (its reference is a named one, until the commit). */
    private static void mutable(OvsSchema.Table t, JsonNode ref, String column) {
        if (!"named-uuid".equals(ref.path(0).asText())) t.checkMutable(column);
    }

    /** Every row of a table, for {@code --all destroy}. */
    List<JsonNode> all(String tableName) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode r : rowsOf(schema.table(tableName).name())) out.add(rowRef(r));
        return out;
    }

    private String print(OvsSchema.Table t, List<JsonNode> chosen, List<String> columns, Cells cellsAs, boolean headings, Format format) {
        List<String> cols = new ArrayList<>();
        if (columns == null) {
            cols.add("_uuid");
            cols.addAll(t.columns().keySet());
        } else {
            for (String c : columns) cols.add(column(t, c));
        }
        if (format == Format.JSON) return tableJson(chosen, cols);
        // bare: values without quotes (-d bare; --bare is the list format so, without headings); json: as the database writes them
        boolean bare = cellsAs == Cells.BARE;
        java.util.function.BiFunction<JsonNode, String, String> cell = cellsAs == Cells.JSON ? (r, c) -> r.path(c).toString()
                : (r, c) -> Datum.text(r.path(c), type(t, c), bare);
        if (format != Format.LIST) {
            List<List<String>> cells = new ArrayList<>();
            for (JsonNode r : chosen) {
                List<String> row = new ArrayList<>();
                for (String c : cols) row.add(cell.apply(r, c));
                cells.add(row);
            }
            return switch (format) {
                case CSV -> csv(cols, cells, headings);
                case TABLE -> table(cols, cells, headings);
                default -> html(cols, cells, headings);
            };
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < chosen.size(); i++) {
            if (i > 0) b.append('\n');
            for (String c : cols) {
                if (headings) b.append(String.format("%-20s: ", c));
                b.append(cell.apply(chosen.get(i), c)).append('\n');
            }
        }
        return b.toString();
    }

    /** ovs-vsctl's JSON format: the headings, and each row's cells as the database writes them (keys in order). */
    private static String tableJson(List<JsonNode> chosen, List<String> cols) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        com.fasterxml.jackson.databind.node.ObjectNode o = f.objectNode();
        com.fasterxml.jackson.databind.node.ArrayNode data = o.putArray("data");
        for (JsonNode r : chosen) {
            com.fasterxml.jackson.databind.node.ArrayNode row = data.addArray();
            for (String c : cols) row.add(r.path(c).isMissingNode() ? NullNode.getInstance() : r.path(c));
        }
        com.fasterxml.jackson.databind.node.ArrayNode h = o.putArray("headings");
        cols.forEach(h::add);
        return o + "\n";
    }

    /** Comma-separated, a cell with a comma, quote or newline in quotes (its quotes doubled). */
    private static String csv(List<String> cols, List<List<String>> cells, boolean headings) {
        StringBuilder b = new StringBuilder();
        List<List<String>> lines = new ArrayList<>();
        if (headings) lines.add(cols);
        lines.addAll(cells);
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                if (i > 0) b.append(',');
                String v = line.get(i);
                b.append(v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 ? v : '"' + v.replace("\"", "\"\"") + '"');
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Columns as wide as their widest cell, one space apart, a row of dashes under the headings; no trailing spaces. */
    private static String table(List<String> cols, List<List<String>> cells, boolean headings) {
        int[] width = new int[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            if (headings) width[i] = cols.get(i).length();
            for (List<String> row : cells) width[i] = Math.max(width[i], row.get(i).length());
        }
        StringBuilder b = new StringBuilder();
        List<List<String>> lines = new ArrayList<>();
        if (headings) {
            lines.add(cols);
            List<String> dashes = new ArrayList<>();
            for (int w : width) dashes.add("-".repeat(w));
            lines.add(dashes);
        }
        lines.addAll(cells);
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                if (i > 0) b.append(' ');
                b.append(i == line.size() - 1 ? line.get(i) : String.format("%-" + Math.max(1, width[i]) + "s", line.get(i)));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String html(List<String> cols, List<List<String>> cells, boolean headings) {
        StringBuilder b = new StringBuilder("<table border=1>\n");
        if (headings) {
            b.append("  <tr>\n");
            for (String c : cols) b.append("    <th>").append(escape(c)).append("</th>\n");
            b.append("  </tr>\n");
        }
        for (List<String> row : cells) {
            b.append("  <tr>\n");
            for (String v : row) b.append("    <td>").append(escape(v)).append("</td>\n");
            b.append("  </tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    private static String escape(String v) { return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"); }

    /** A table's rows in the order ovs-vsctl lists them (its in-memory table's: {@link OvsRowOrder}). */
    private static List<JsonNode> asOvsVsctl(List<JsonNode> rows) { return OvsRowOrder.of(rows, r -> uuid(r.path("_uuid"))); }

    private List<JsonNode> rowsOf(String table) { return rows.computeIfAbsent(table, ovs::rows); }

    /**
     * wait-until's test: whether {@code record} of the table is there (read afresh) and satisfies every condition.
     * The conditions are checked for their columns and values first, so that a wrong one is refused at once.
     */
    boolean holds(String tableName, String record, List<String> conditions) {
        OvsSchema.Table t = schema.table(tableName);
        for (String c : conditions) matches(t, NullNode.getInstance(), c);
        rows.clear();
        JsonNode r = rowOrNull(t, record);
        if (r == null) return false;
        for (String c : conditions) if (!matches(t, r, c)) return false;
        return true;
    }

    /** A record as ovs-vsctl finds it: a whole UUID, then the table's names, then a unique UUID prefix. */
    private JsonNode row(OvsSchema.Table t, String id) {
        JsonNode r = rowOrNull(t, id);
        if (r == null) throw new OvsdbException("no row \"" + id + "\" in table " + t.name(), "refused", id);
        return r;
    }

    /** The same, null where there is none. */
    private JsonNode rowOrNull(OvsSchema.Table t, String id) {
        for (JsonNode r : rowsOf(t.name())) if (uuid(r.path("_uuid")).equals(id)) return r;
        for (RowId rid : IDS.getOrDefault(t.name(), List.of())) {
            List<JsonNode> referrers = new ArrayList<>();
            for (JsonNode r : rowsOf(rid.table())) {
                if (rid.nameColumn() == null ? id.equals(".") : nameOf(r.path(rid.nameColumn())).equals(id)) referrers.add(r);
            }
            if (referrers.size() > 1) throw new OvsdbException("multiple rows in " + rid.table() + " match \"" + id + "\"", "refused", id);
            if (referrers.isEmpty()) continue;
            JsonNode ref = referrers.getFirst();
            if (rid.refColumn() == null) return ref;
            List<String> targets = new ArrayList<>();
            for (String[] m : members(ref.path(rid.refColumn()))) targets.add(m[0]);
            if (targets.size() == 1) {
                for (JsonNode r : rowsOf(t.name())) if (uuid(r.path("_uuid")).equals(targets.getFirst())) return r;
            }
        }
        if (id.length() >= 4 && id.matches("[0-9a-fA-F-]+")) {
            JsonNode found = null;
            for (JsonNode r : rowsOf(t.name())) {
                if (uuid(r.path("_uuid")).startsWith(id.toLowerCase(java.util.Locale.ROOT))) {
                    if (found != null) throw new OvsdbException("multiple rows in " + t.name() + " match \"" + id + "\"", "refused", id);
                    found = r;
                }
            }
            if (found != null) return found;
        }
        return null;
    }

    /** ovs-vsctl's condition: COLUMN[:KEY], an operator, a value. */
    private static final java.util.regex.Pattern CONDITION = java.util.regex.Pattern.compile(
            "([^:=!<>{}]+)(?::([^=!<>{}]+))?(\\{not-in}|\\{in}|\\{!=}|\\{<=}|\\{>=}|\\{=}|\\{<}|\\{>}|!=|<=|>=|=|<|>)(.*)", java.util.regex.Pattern.DOTALL);

    /**
     * COLUMN[:KEY] OP VALUE against one row, as ovs-vsctl evaluates it: =, !=, <, >, <=, >= compare the two values
     * (first by their number of members, then member by member in the database's order), {=} {!=} as sets, {<} {>}
     * {<=} {>=} {in} {not-in} as subsets and supersets. With a KEY the row's value is that key's (none when absent).
     */
    private boolean matches(OvsSchema.Table t, JsonNode r, String condition) {
        java.util.regex.Matcher m = CONDITION.matcher(condition);
        if (!m.matches() || m.group(4).isEmpty()) {
            throw new OvsdbException(condition + ": argument does not end in " + OPERATORS + " followed by a value.", "refused", condition);
        }
        String col = column(t, m.group(1));
        OvsSchema.Type type = type(t, col);
        String op = m.group(3), value = m.group(4);
        List<String> have = new ArrayList<>(), want;
        String atomType;
        if (m.group(2) != null) {
            if (!type.isMap()) throw new OvsdbException("cannot specify key to check for non-map column " + col, "refused", col);
            String key = unquote(m.group(2));
            for (String[] kv : pairs(r.path(col))) if (kv[0].equals(key)) have.add(kv[1]);
            // a missing key satisfies only the set operators
            if (have.isEmpty() && !op.startsWith("{")) return false;
            atomType = type.value().type();
            want = parseMembers(value, new OvsSchema.Type(type.value(), null, 0, -1));
        } else {
            for (String[] mem : members(r.path(col))) have.add(type.isMap() ? mem[0] + "=" + mem[1] : mem[0]);
            atomType = type.key().type();
            want = parseMembers(value, type);
            // the value is read as the column's own type: no more (or fewer) members than the column may have
            if (type.max() >= 0 && want.size() > type.max()) {
                throw new OvsdbException(value + ": " + want.size() + " value(s) specified but the maximum number is " + type.max(), "refused", value);
            }
            if (want.size() < type.min()) {
                throw new OvsdbException(value + ": " + want.size() + " value(s) specified but the minimum number is " + type.min(), "refused", value);
            }
        }
        List<String> a = normalize(have, atomType), b = normalize(want, atomType);
        return switch (op) {
            case "=", "{=}" -> compare(a, b, atomType) == 0;
            case "!=", "{!=}" -> compare(a, b, atomType) != 0;
            case "<" -> compare(a, b, atomType) < 0;
            case ">" -> compare(a, b, atomType) > 0;
            case "<=" -> compare(a, b, atomType) <= 0;
            case ">=" -> compare(a, b, atomType) >= 0;
            case "{<}" -> b.size() > a.size() && b.containsAll(a);
            case "{>}" -> a.size() > b.size() && a.containsAll(b);
            case "{<=}", "{in}" -> b.containsAll(a);
            case "{>=}" -> a.containsAll(b);
            case "{not-in}" -> a.stream().noneMatch(b::contains);
            default -> throw new IllegalStateException(op);
        };
    }

    /** ovsdb_datum_compare_3way: fewer members first, then member by member. */
    private static int compare(List<String> a, List<String> b, String atomType) {
        if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
        Comparator<String> c = atomOrder(atomType);
        for (int i = 0; i < a.size(); i++) {
            int d = c.compare(a.get(i), b.get(i));
            if (d != 0) return d;
        }
        return 0;
    }

    /** The database's order of atoms of a type (map members "k=v" by key, then value, as text). */
    private static Comparator<String> atomOrder(String atomType) {
        return switch (atomType) {
            case "integer" -> Comparator.comparingLong(x -> parseLong(x));
            case "real" -> Comparator.comparingDouble(x -> parseDouble(x));
            default -> (x, y) -> java.util.Arrays.compareUnsigned(x.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    y.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        };
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new OvsdbException("\"" + s + "\" is not a valid integer", "refused", s);
        }
    }

    private static double parseDouble(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new OvsdbException("\"" + s + "\" is not a valid real number", "refused", s);
        }
    }

    private static List<String> parseMembers(String value, OvsSchema.Type type) {
        String v = value.trim();
        if ((v.startsWith("[") && v.endsWith("]")) || (v.startsWith("{") && v.endsWith("}"))) v = v.substring(1, v.length() - 1).trim();
        else if (!type.isScalar() && type.max() == 1 && v.isEmpty()) return List.of();
        List<String> out = new ArrayList<>();
        if (v.isEmpty()) return out;
        for (String part : v.split(",")) {
            String p = part.trim();
            int eq = type.isMap() ? p.indexOf('=') : -1;
            out.add(eq < 0 ? unquote(p) : unquote(p.substring(0, eq)) + "=" + unquote(p.substring(eq + 1)));
        }
        return out;
    }

    /** Members in canonical text (integers without leading zeros, booleans and UUIDs in lower case), in the database's order. */
    private static List<String> normalize(List<String> members, String atomType) {
        List<String> out = new ArrayList<>();
        for (String m : members) {
            out.add(switch (atomType) {
                case "integer" -> Long.toString(parseLong(m));
                case "boolean", "uuid" -> m.toLowerCase(java.util.Locale.ROOT);
                default -> m;
            });
        }
        out.sort(atomOrder(atomType));
        return out;
    }

    /**
     * The column {@code name} means, as ovs-vsctl finds it: the column of that name, else the one it names in
     * other case or with '-' for '_', else the one it is the longest prefix of ("trunk" is trunks); two equally good
     * are refused by name.
     */
    private static String column(OvsSchema.Table t, String name) {
        if (name.equals("_uuid") || t.columns().containsKey(name)) return name;
        int best = 0;
        java.util.TreeSet<String> matches = new java.util.TreeSet<>();
        for (String c : t.columns().keySet()) {
            int score = score(c, name);
            if (score == 0 || score < best) continue;
            if (score > best) matches.clear();
            matches.add(c);
            best = score;
        }
        if (matches.isEmpty()) throw new OvsdbException(t.name() + " does not contain a column whose name matches \"" + name + "\"", "refused", name);
        if (matches.size() > 1) {
            throw new OvsdbException(t.name() + " contains more than one column whose name matches \"" + name + "\": " + String.join(", ", matches),
                    "refused", name);
        }
        return matches.first();
    }

    /** ovs-vsctl's score of typed {@code s} for column {@code column}: 0 when it does not match, higher the better. */
    private static int score(String column, String s) {
        for (int i = 0; ; i++) {
            char a = i < column.length() ? lowerUnderscore(column.charAt(i)) : 0, b = i < s.length() ? lowerUnderscore(s.charAt(i)) : 0;
            if (a != b) return b == 0 ? i : 0;
            if (a == 0) return Integer.MAX_VALUE - 1;
        }
    }

    private static char lowerUnderscore(char c) { return c == '-' ? '_' : Character.toLowerCase(c); }

    private static OvsSchema.Type type(OvsSchema.Table t, String col) {
        return col.equals("_uuid") ? new OvsSchema.Type(new OvsSchema.Base("uuid", null), null, 1, 1) : t.columns().get(col);
    }

    private static String uuid(JsonNode atom) { return Datum.atomText(atom); }

    /** A name column's value: a string, or the one member of an optional string. */
    private static String nameOf(JsonNode v) {
        List<String[]> m = members(v);
        return m.size() == 1 ? m.getFirst()[0] : "";
    }

    /** Members as text: [atom] for sets and scalars, [key, value] for maps. */
    private static List<String[]> members(JsonNode v) {
        List<String[]> out = new ArrayList<>();
        for (JsonNode[] m : Datum.members(v)) {
            out.add(m[1] == null ? new String[] {Datum.atomText(m[0])} : new String[] {Datum.atomText(m[0]), Datum.atomText(m[1])});
        }
        return out;
    }

    private static List<String[]> pairs(JsonNode v) { return members(v).stream().filter(m -> m.length == 2).toList(); }

    private static String unquote(String s) {
        String t = s.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }
}
