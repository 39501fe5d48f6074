package dev.nslab.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A connection to the Open vSwitch database (the Open_vSwitch schema) over its JSON-RPC socket: reads the
 * switch state and runs transactions. Changes are gathered in an {@link OvsTransaction} and committed in one
 * OVSDB transaction, which either applies whole or not at all.
 */
public final class Ovs implements AutoCloseable {
    static final String DB = "Open_vSwitch";

    private final JsonRpc rpc;
    private final ObjectMapper mapper;
    private final Path socket;
    private long curCfg = -1;
    private boolean monitoring;

    private Ovs(JsonRpc rpc, ObjectMapper mapper, Path socket) {
        this.rpc = rpc;
        this.mapper = mapper;
        this.socket = socket;
    }

    /** Connects to the database socket; fails with error "io" when nothing listens there. */
    public static Ovs connect(Path socket) {
        ObjectMapper mapper = new ObjectMapper();
        try {
            return new Ovs(JsonRpc.connect(socket, mapper), mapper, socket);
        } catch (IOException e) {
            throw new OvsdbException("cannot connect to " + socket + " (" + e.getMessage() + ")", "io", socket.toString(), e);
        }
    }

    public Path socket() { return socket; }

    ObjectMapper mapper() { return mapper; }

    /**
     * The datapath a new bridge should use, given whether the kernel has Open vSwitch's module: the kernel's, else the
     * userspace one ("netdev"), which works on any kernel (asking the kernel is the caller's business).
     */
    public static String datapathType(boolean kernelModule) { return kernelModule ? "" : "netdev"; }

    /** Reads every bridge, port and interface in one transaction. */
    public OvsState state() {
        ArrayNode ops = mapper.createArrayNode();
        ops.add(select("Open_vSwitch", "_uuid", "ovs_version", "cur_cfg", "next_cfg", "bridges"));
        ops.add(select("Bridge", "_uuid", "name", "datapath_type", "ports", "external_ids", "fail_mode", "controller"));
        ops.add(select("Port", "_uuid", "name", "interfaces", "tag", "trunks", "vlan_mode", "external_ids", "bond_mode", "lacp", "fake_bridge"));
        ops.add(select("Interface", "_uuid", "name", "type", "error", "options"));
        ops.add(select("Controller", "_uuid", "target"));
        JsonNode r = transact(ops);
        Map<String, OvsInterface> ifaces = new HashMap<>();
        for (JsonNode row : r.get(3).path("rows")) {
            OvsInterface i = new OvsInterface(Values.uuid(row.get("_uuid")), row.path("name").asText(),
                    row.path("type").asText(""), Values.optString(row.path("error")), Values.map(row.path("options")));
            ifaces.put(i.uuid(), i);
        }
        Map<String, String> controllers = new HashMap<>();
        for (JsonNode row : r.get(4).path("rows")) controllers.put(Values.uuid(row.get("_uuid")), row.path("target").asText());
        Map<String, OvsPort> ports = new HashMap<>();
        for (JsonNode row : r.get(2).path("rows")) {
            List<OvsInterface> its = Values.uuids(row.path("interfaces")).stream().sorted()
                    .map(ifaces::get).filter(x -> x != null).toList();
            OvsPort p = new OvsPort(Values.uuid(row.get("_uuid")), row.path("name").asText(),
                    Values.optInt(row.path("tag")), Values.ints(row.path("trunks")), Values.optString(row.path("vlan_mode")), its,
                    Values.map(row.path("external_ids")), Values.optString(row.path("bond_mode")), Values.optString(row.path("lacp")),
                    row.path("fake_bridge").asBoolean(false));
            ports.put(p.uuid(), p);
        }
        Map<String, OvsBridge> bridges = new HashMap<>();
        for (JsonNode row : r.get(1).path("rows")) {
            List<OvsPort> ps = Values.uuids(row.path("ports")).stream().sorted()
                    .map(ports::get).filter(x -> x != null).toList();
            List<String> targets = Values.uuids(row.path("controller")).stream().sorted().map(controllers::get).filter(x -> x != null).toList();
            OvsBridge b = new OvsBridge(Values.uuid(row.get("_uuid")), row.path("name").asText(),
                    row.path("datapath_type").asText(""), ps, Values.map(row.path("external_ids")), Values.optString(row.path("fail_mode")),
                    targets);
            bridges.put(b.uuid(), b);
        }
        JsonNode root = r.get(0).path("rows").path(0);
        if (root.isMissingNode()) {
            throw new OvsdbException("the Open vSwitch database has no Open_vSwitch row: it was never initialised (starting Open vSwitch does that)",
                    "not initialized", socket.toString());
        }
        List<OvsBridge> bs = Values.uuids(root.path("bridges")).stream().sorted()
                .map(bridges::get).filter(x -> x != null).toList();
        return new OvsState(Values.uuid(root.get("_uuid")), Values.optString(root.path("ovs_version")),
                root.path("cur_cfg").asLong(), root.path("next_cfg").asLong(), bs);
    }

    /** The database's schema (get_schema). */
    public OvsSchema schema() {
        return OvsSchema.parse(rpc.call("get_schema", mapper.createArrayNode().add(DB)));
    }

    /** Every row of {@code table}, with {@code _uuid} and all columns, in RFC 7047 notation. */
    public List<JsonNode> rows(String table) {
        ObjectNode op = mapper.createObjectNode().put("op", "select").put("table", table);
        op.putArray("where");
        List<JsonNode> out = new java.util.ArrayList<>();
        transact(mapper.createArrayNode().add(op)).get(0).path("rows").forEach(out::add);
        return out;
    }

    /** Starts a transaction against the current state. */
    public OvsTransaction begin() { return new OvsTransaction(this, state()); }

    ObjectNode select(String table, String... columns) {
        ObjectNode op = mapper.createObjectNode().put("op", "select").put("table", table);
        op.putArray("where");
        ArrayNode cols = op.putArray("columns");
        for (String c : columns) cols.add(c);
        return op;
    }

    /** Runs one transaction; any failed operation (the database rolled all back) becomes an exception. */
    JsonNode transact(ArrayNode ops) {
        ArrayNode params = mapper.createArrayNode().add(DB);
        params.addAll(ops);
        JsonNode result = rpc.call("transact", params);
        for (int i = 0; i < result.size(); i++) {
            JsonNode r = result.get(i);
            if (r.has("error") && !r.get("error").isNull()) {
                // as ovs-vsctl words it: the database's error object, its members in name order
                java.util.Map<String, JsonNode> sorted = new java.util.TreeMap<>();
                r.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
                String text;
                try {
                    text = mapper.writeValueAsString(sorted);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    text = r.toString();
                }
                throw new OvsdbException("transaction error: " + text, r.get("error").asText(), i < ops.size() ? ops.get(i).path("table").asText() : DB);
            }
        }
        return result;
    }

    /** Starts following Open_vSwitch.cur_cfg, the configuration number ovs-vswitchd has applied. */
    void monitorCurCfg() {
        if (monitoring) return;
        ObjectNode req = mapper.createObjectNode();
        req.putObject("Open_vSwitch").putArray("columns").add("cur_cfg");
        ArrayNode params = mapper.createArrayNode().add(DB).add(CFG_MONITOR).add(req);
        rpc.onNotify(this::onUpdate);
        takeCurCfg(rpc.call("monitor", params));
        monitoring = true;
    }

    private void onUpdate(JsonNode msg) {
        if (!"update".equals(msg.path("method").asText())) return;
        if (CFG_MONITOR.equals(msg.path("params").path(0).asText())) takeCurCfg(msg.path("params").path(1));
    }

    private static final String CFG_MONITOR = "nslab-cfg", WAIT_MONITOR = "nslab-wait";

    /**
     * Waits until {@code holds} says yes: asked now, then after each change to the database (a monitor of every
     * table), as ovs-vsctl's wait-until asks again after each update. False when {@code timeout} (null: none) passes
     * first; the connection is closed then.
     */
    public boolean awaitUntil(BooleanSupplier holds, Duration timeout) {
        if (holds.getAsBoolean()) return true;
        ObjectNode req = mapper.createObjectNode();
        for (String table : schema().tables().keySet()) req.putObject(table);
        rpc.onNotify(this::onUpdate);
        rpc.call("monitor", mapper.createArrayNode().add(DB).add(WAIT_MONITOR).add(req));
        return awaitWithin(timeout, holds);
    }

    private void takeCurCfg(JsonNode tableUpdates) {
        for (JsonNode row : tableUpdates.path("Open_vSwitch")) {
            JsonNode v = row.path("new").path("cur_cfg");
            if (v.isNumber()) curCfg = v.asLong();
        }
    }

    /** Waits until ovs-vswitchd has applied configuration {@code cfg}, as ovs-vsctl does before it returns. */
    void awaitCfg(long cfg, Duration timeout) {
        if (curCfg >= cfg) return;
        if (!awaitWithin(timeout, () -> curCfg >= cfg)) {
            throw new OvsdbException("ovs-vswitchd has not applied the change within " + timeout.toSeconds()
                    + " s (the database has it): is ovs-vswitchd running?", "timeout", socket.toString());
        }
    }

    /**
     * Reads the database's notifications until {@code done} says yes; false when {@code timeout} (null: none) passes
     * first, which closes the connection: the only way to end a blocking read of a channel stream.
     */
    private boolean awaitWithin(Duration timeout, BooleanSupplier done) {
        AtomicBoolean fired = new AtomicBoolean();
        Thread watchdog = timeout == null ? null : Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(timeout);
                fired.set(true); // before the close: the reader's failure is then known to be the time's
                rpc.close();
            } catch (InterruptedException inTime) {
                // it came in time
            }
        });
        try {
            // a change committed while done reads is in what it reads, or its update follows that read's reply
            while (!done.getAsBoolean()) rpc.awaitNotification();
            return true;
        } catch (OvsdbException e) {
            if (!fired.get()) throw e;
            return false;
        } finally {
            if (watchdog != null) watchdog.interrupt();
        }
    }

    /**
     * The named interfaces ovs-vswitchd could not set up, as ovs-vsctl judges them after a change: those without an
     * OpenFlow port number (none, or -1), each with the error text it left (null where it left none). A patch port
     * waiting for its peer has a port number and an error: it is not one of them.
     */
    Map<String, String> interfaceErrors(List<String> names) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (names.isEmpty()) return out;
        ArrayNode ops = mapper.createArrayNode().add(select("Interface", "name", "ofport", "error"));
        for (JsonNode row : transact(ops).get(0).path("rows")) {
            String name = row.path("name").asText();
            if (!names.contains(name)) continue;
            JsonNode ofport = row.path("ofport");
            boolean none = !ofport.isNumber() || ofport.asLong() == -1; // an empty set is ["set",[]]
            if (none) out.put(name, Values.optString(row.path("error")));
        }
        return out;
    }

    /** Adds the Open_vSwitch root row when the database is new, and records versions as ovs-ctl does. */
    void initialize(String ovsVersion, String dbVersion) {
        ArrayNode probe = mapper.createArrayNode().add(select("Open_vSwitch", "_uuid"));
        boolean empty = transact(probe).get(0).path("rows").isEmpty();
        ArrayNode ops = mapper.createArrayNode();
        ObjectNode row = mapper.createObjectNode();
        if (ovsVersion != null) row.put("ovs_version", ovsVersion);
        if (dbVersion != null) row.put("db_version", dbVersion);
        if (empty) {
            ops.add(mapper.createObjectNode().put("op", "insert").put("table", "Open_vSwitch").set("row", row));
        } else if (!row.isEmpty()) {
            ObjectNode update = mapper.createObjectNode().put("op", "update").put("table", "Open_vSwitch");
            update.putArray("where");
            update.set("row", row);
            ops.add(update);
        }
        if (!ops.isEmpty()) transact(ops);
    }

    @Override public void close() { rpc.close(); }
}
