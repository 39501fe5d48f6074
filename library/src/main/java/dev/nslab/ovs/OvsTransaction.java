package dev.nslab.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Changes to bridges and ports, checked one by one against the state read when the transaction began (and the
 * changes before them), then committed as one OVSDB transaction: a refused change leaves the database as it was.
 * Error messages use ovs-vsctl's words.
 */
public final class OvsTransaction {
    private final Ovs ovs;
    private final ArrayNode ops;
    /** Bridge name to its row reference (["uuid", ...] or ["named-uuid", ...]) and datapath type. */
    private final Map<String, BridgeRef> bridges = new LinkedHashMap<>();
    /** Port name to the bridge it is on and its row reference; inserted rows are kept to fold later settings in. */
    private final Map<String, PortRef> ports = new LinkedHashMap<>();
    /** Port name to the names of its interfaces (one, or a bond's several). */
    private final Map<String, List<String>> portInterfaces = new LinkedHashMap<>();
    private final Set<String> addedInterfaces = new LinkedHashSet<>();
    private final Set<String> userspacePorts = new LinkedHashSet<>();
    private int named;

    private record BridgeRef(JsonNode ref, String datapathType, ObjectNode insertRow) { }

    /** A port: the (real) bridge it is on, its row, its row when this transaction inserts it, its tag (null: none). */
    private record PortRef(String bridge, JsonNode ref, ObjectNode insertRow, Integer tag) {
        PortRef withTag(Integer t) { return new PortRef(bridge, ref, insertRow, t); }
    }

    /** ovs-vsctl's fake bridge: a port of {@code parent} standing for a bridge, whose ports are parent's tagged {@code vlan}. */
    private record Fake(String parent, int vlan) { }

    /** Fake bridges by name, as this transaction leaves them. */
    private final Map<String, Fake> fakes = new LinkedHashMap<>();

    private record IfaceRef(JsonNode ref, ObjectNode insertRow) { }

    /** Interface name to its row reference; rows inserted by this transaction are kept to fold later settings in. */
    private final Map<String, IfaceRef> interfaces = new LinkedHashMap<>();

    /** Rows this transaction inserts, by uuid-name: what later commands of the same line set is folded into them. */
    private final Map<String, ObjectNode> insertedRows = new LinkedHashMap<>();
    /** The uuid-names of the rows {@link #create} made, whose UUIDs the commit tells. */
    private final Set<String> created = new LinkedHashSet<>();

    /**
     * What a commit did: warnings from ovs-vswitchd, whether there was anything to commit, and the UUIDs the
     * database gave the rows {@link #create} made (by the reference create returned, ["named-uuid", NAME]'s NAME).
     */
    public record Result(List<String> warnings, boolean changed, Map<String, String> created) { }

    OvsTransaction(Ovs ovs, OvsState state) {
        this.ovs = ovs;
        this.ops = ovs.mapper().createArrayNode();
        for (OvsBridge b : state.bridges()) {
            bridges.put(b.name(), new BridgeRef(Values.uuidRef(b.uuid()), b.datapathType(), null));
            for (OvsPort p : b.ports()) {
                ports.put(p.name(), new PortRef(b.name(), Values.uuidRef(p.uuid()), null, p.tag()));
                portInterfaces.put(p.name(), p.interfaces().stream().map(OvsInterface::name).toList());
                for (OvsInterface i : p.interfaces()) interfaces.put(i.name(), new IfaceRef(Values.uuidRef(i.uuid()), null));
            }
        }
        for (OvsState.FakeBridge f : state.fakeBridges()) fakes.put(f.name(), new Fake(f.parent().name(), f.vlan()));
    }

    /** A bridge of that name, real or fake. */
    public boolean hasBridge(String name) { return bridges.containsKey(name) || fakes.containsKey(name); }

    public boolean hasPort(String name) { return ports.containsKey(name); }

    /** The bridges as this transaction leaves them: real ones ({@code real}), fake ones ({@code fake}). */
    public Set<String> bridgeNames(boolean real, boolean fake) {
        Set<String> out = new java.util.TreeSet<>();
        if (real) out.addAll(bridges.keySet());
        if (fake) out.addAll(fakes.keySet());
        return out;
    }

    /** The bridge a port is on, or null. */
    public String bridgeOf(String port) {
        PortRef p = ports.get(port);
        return p == null ? null : p.bridge();
    }

    /** {@code add-br}: a bridge with its internal port; {@code datapathType} "" is the kernel datapath. */
    public OvsTransaction addBridge(String name, String datapathType, boolean mayExist) {
        return addBridge(name, datapathType, mayExist, Map.of());
    }

    /** {@code add-br} with external_ids on the bridge row (set in the same transaction as the bridge is made). */
    public OvsTransaction addBridge(String name, String datapathType, boolean mayExist, Map<String, String> externalIds) {
        if (mayExist && fakes.containsKey(name)) throw otherwise(name, "is a VLAN bridge for VLAN " + fakes.get(name).vlan());
        if (bridges.containsKey(name) && mayExist) return this;
        conflict(name, "cannot create a bridge named " + name);
        String iface = newName(), port = newName(), bridge = newName();
        ObjectNode ifRow = ovs.mapper().createObjectNode().put("name", name).put("type", "internal");
        ops.add(insert("Interface", iface, ifRow));
        interfaces.put(name, new IfaceRef(Values.namedRef(iface), ifRow));
        ObjectNode portRow = ovs.mapper().createObjectNode().put("name", name);
        portRow.set("interfaces", Values.namedRef(iface));
        ops.add(insert("Port", port, portRow));
        ObjectNode brRow = ovs.mapper().createObjectNode().put("name", name).put("datapath_type", datapathType);
        if (!externalIds.isEmpty()) brRow.set("external_ids", Values.mapOf(externalIds));
        brRow.set("ports", Values.setOf(List.of(Values.namedRef(port))));
        ops.add(insert("Bridge", bridge, brRow));
        ops.add(mutate("Open_vSwitch", null, "bridges", "insert", Values.setOf(List.of(Values.namedRef(bridge)))));
        bridges.put(name, new BridgeRef(Values.namedRef(bridge), datapathType, brRow));
        ports.put(name, new PortRef(name, Values.namedRef(port), portRow, null));
        addedInterfaces.add(name);
        return this;
    }

    /** {@code del-br}: the bridge goes, and with it (OVSDB garbage collection) its ports and interfaces. */
    public OvsTransaction delBridge(String name, boolean ifExists) {
        if (fakes.containsKey(name)) {
            // a fake bridge is its ports: every port of its parent with its VLAN, its own among them
            for (String port : List.copyOf(ports.keySet())) if (name.equals(vsctlBridge(port))) removePort(port);
            fakes.remove(name);
            return this;
        }
        BridgeRef b = bridges.get(name);
        if (b == null) {
            if (ifExists) return this;
            throw refused("no bridge named " + name, name);
        }
        ops.add(mutate("Open_vSwitch", null, "bridges", "delete", Values.setOf(List.of(b.ref()))));
        bridges.remove(name);
        fakes.values().removeIf(f -> f.parent().equals(name));
        ports.entrySet().removeIf(e -> {
            if (!e.getValue().bridge().equals(name)) return false;
            portInterfaces.remove(e.getKey());
            return true;
        });
        return this;
    }

    /** {@code set bridge BR datapath_type=T}. */
    public OvsTransaction setDatapathType(String bridge, String type) {
        BridgeRef b = bridges.get(bridge);
        if (b == null) throw refused("no bridge named " + bridge, bridge);
        if (b.insertRow() != null) {
            b.insertRow().put("datapath_type", type);
        } else {
            ObjectNode row = ovs.mapper().createObjectNode().put("datapath_type", type);
            ops.add(update("Bridge", b.ref(), row));
        }
        bridges.put(bridge, new BridgeRef(b.ref(), type, b.insertRow()));
        return this;
    }

    /** {@code set-fail-mode BR standalone|secure}; null: {@code del-fail-mode}. */
    public OvsTransaction setFailMode(String bridge, String mode) {
        if (fakes.containsKey(bridge)) throw refused(bridge + " is a fake bridge", bridge);
        if (mode != null && !mode.equals("standalone") && !mode.equals("secure")) {
            throw refused("fail-mode must be \"standalone\" or \"secure\"", mode);
        }
        return updateBridge(bridge, "fail_mode", mode == null ? Values.emptySet() : ovs.mapper().getNodeFactory().textNode(mode));
    }

    /** {@code br-set-external-id BR KEY [VALUE]}: key KEY of the bridge's external_ids set to VALUE, or (null) removed. */
    public OvsTransaction setBridgeExternalId(String bridge, String key, String value) {
        // a fake bridge keeps them in its port's, as "fake-bridge-KEY"
        boolean fake = fakes.containsKey(bridge);
        BridgeRef b = bridges.get(bridge);
        if (b == null && !fake) throw refused("no bridge named " + bridge, bridge);
        String table = fake ? "Port" : "Bridge";
        JsonNode row = fake ? ports.get(bridge).ref() : b.ref();
        JsonNode k = ovs.mapper().getNodeFactory().textNode(fake ? "fake-bridge-" + key : key);
        if (value == null) return mutate(table, row, "external_ids", false, Values.setOf(List.of(k)));
        return writeKey(table, row, "external_ids", k, ovs.mapper().getNodeFactory().textNode(value));
    }

    /** {@code set-controller BR TARGET...} (each a new Controller row); no targets: {@code del-controller}. */
    public OvsTransaction setControllers(String bridge, List<String> targets) {
        if (fakes.containsKey(bridge)) throw refused(bridge + " is a fake bridge", bridge);
        List<JsonNode> refs = new ArrayList<>();
        for (String t : targets) {
            String name = newName();
            ops.add(insert("Controller", name, ovs.mapper().createObjectNode().put("target", t)));
            refs.add(Values.namedRef(name));
        }
        return updateBridge(bridge, "controller", Values.setOf(refs));
    }

    /** {@code set interface IF type=T}. */
    public OvsTransaction setInterfaceType(String iface, String type) {
        IfaceRef i = ifaceRef(iface);
        if (i.insertRow() != null) i.insertRow().put("type", type);
        else ops.add(update("Interface", i.ref(), ovs.mapper().createObjectNode().put("type", type)));
        // a patch or internal port is no veth of the machine's: nothing to prepare for the userspace datapath
        if (!type.isEmpty() && !type.equals("system")) userspacePorts.remove(iface);
        return this;
    }

    public boolean hasInterface(String name) { return interfaces.containsKey(name); }

    private IfaceRef ifaceRef(String iface) {
        IfaceRef i = interfaces.get(iface);
        if (i == null) throw refused("no row \"" + iface + "\" in table Interface", iface);
        return i;
    }

    private OvsTransaction updateBridge(String bridge, String column, JsonNode value) {
        BridgeRef b = bridges.get(bridge);
        if (b == null) throw refused("no bridge named " + bridge, bridge);
        return write("Bridge", b.ref(), column, value);
    }

    /** {@code add-port BR PORT [tag=N ...]}: a port with one system interface of the same name. */
    public OvsTransaction addPort(String bridge, String port, PortConfig config, boolean mayExist) {
        return addPort(bridge, port, config, mayExist, Map.of());
    }

    /** {@code add-port} with external_ids on the port row. */
    public OvsTransaction addPort(String bridge, String port, PortConfig config, boolean mayExist, Map<String, String> externalIds) {
        Fake fake = fakes.get(bridge);
        BridgeRef b = bridges.get(fake != null ? fake.parent() : bridge);
        if (b == null) throw refused("no bridge named " + bridge, bridge);
        PortRef existing = ports.get(port);
        if (existing != null) {
            if (mayExist && bridge.equals(vsctlBridge(port))) {
                // the device behind the port may be new (a lab re-making a veth): prepare it like a new one
                if ("netdev".equals(b.datapathType())) userspacePorts.add(port);
                return config.isEmpty() ? this : setPort(port, config);
            }
            if (mayExist) {
                throw elsewhere("port " + port + " may exist only on bridge " + bridge + ", but it is attached to bridge " + vsctlBridge(port),
                        port, vsctlBridge(port));
            }
        }
        conflict(port, "cannot create a port named " + port);
        ObjectNode row = ovs.mapper().createObjectNode().put("name", port);
        if (!externalIds.isEmpty()) row.set("external_ids", Values.mapOf(externalIds));
        if (fake != null) row.put("tag", fake.vlan()); // a port of a fake bridge is its parent's, tagged with its VLAN
        apply(row, config);
        insertPort(b == null ? bridge : fake != null ? fake.parent() : bridge, b, port, List.of(port), row);
        return this;
    }

    /**
     * {@code add-bond BR PORT IFACE IFACE... [settings]}: a port with several system interfaces (a bond, which
     * ovs-vswitchd runs itself, on either datapath). With {@code mayExist}, an existing port of that bridge with exactly
     * those interfaces is left as it is.
     */
    public OvsTransaction addBond(String bridge, String port, List<String> ifaceNames, PortConfig config, boolean mayExist, boolean fakeIface) {
        BridgeRef b = bridges.get(bridge);
        if (b == null) throw refused("no bridge named " + bridge, bridge);
        PortRef existing = ports.get(port);
        if (mayExist && existing != null) {
            if (!existing.bridge().equals(bridge)) {
                throw elsewhere("bond " + port + " may exist only on bridge " + bridge + ", but it is attached to bridge " + existing.bridge(),
                        port, existing.bridge());
            }
            java.util.TreeSet<String> want = new java.util.TreeSet<>(ifaceNames), have = new java.util.TreeSet<>(portInterfaces.getOrDefault(port, List.of()));
            if (!want.equals(have)) {
                throw new OvsdbException("bond " + port + " may exist only with interfaces " + String.join(" ", ifaceNames) + ", but it has "
                        + String.join(", ", have), OvsdbException.OTHER_INTERFACES, port, String.join(", ", have));
            }
            return this;
        }
        conflict(port, "cannot create a port named " + port);
        for (String i : ifaceNames) conflict(i, "cannot create an interface named " + i);
        ObjectNode row = ovs.mapper().createObjectNode().put("name", port);
        if (fakeIface) row.put("bond_fake_iface", true);
        apply(row, config);
        insertPort(bridge, b, port, ifaceNames, row);
        return this;
    }

    /**
     * Inserts a port ({@code row}: its name and settings) with a system interface per name in {@code ifaceNames},
     * puts it on bridge {@code b}, and records it for the rest of the transaction and for the commit.
     */
    private void insertPort(String bridge, BridgeRef b, String port, List<String> ifaceNames, ObjectNode row) {
        List<JsonNode> refs = new ArrayList<>();
        for (String i : ifaceNames) {
            String iface = newName();
            ObjectNode ifRow = ovs.mapper().createObjectNode().put("name", i);
            ops.add(insert("Interface", iface, ifRow));
            interfaces.put(i, new IfaceRef(Values.namedRef(iface), ifRow));
            refs.add(Values.namedRef(iface));
        }
        row.set("interfaces", refs.size() == 1 ? refs.getFirst() : Values.setOf(refs));
        String pname = newName();
        ops.add(insert("Port", pname, row));
        if (b.insertRow() != null) ((ArrayNode) b.insertRow().get("ports").get(1)).add(Values.namedRef(pname));
        else ops.add(mutate("Bridge", b.ref(), "ports", "insert", Values.setOf(List.of(Values.namedRef(pname)))));
        ports.put(port, new PortRef(bridge, Values.namedRef(pname), row, row.has("tag") ? row.get("tag").asInt() : null));
        portInterfaces.put(port, List.copyOf(ifaceNames));
        addedInterfaces.addAll(ifaceNames);
        if ("netdev".equals(b.datapathType())) userspacePorts.addAll(ifaceNames);
    }

    /** ovs-vsctl's check_conflicts: a bridge, port or interface of that name already there. */
    private void conflict(String name, String what) {
        if (hasBridge(name)) throw refused(what + " because a bridge named " + name + " already exists", name);
        if (ports.containsKey(name)) throw refused(what + " because a port named " + name + " already exists on bridge " + vsctlBridge(name), name);
        for (var e : portInterfaces.entrySet()) {
            if (e.getValue().contains(name)) {
                throw refused(what + " because an interface named " + name + " already exists on bridge " + vsctlBridge(e.getKey()), name);
            }
        }
    }

    /** The bridge ovs-vsctl counts a port in: the fake bridge of its tag on its bridge, if there is one. */
    private String vsctlBridge(String port) {
        PortRef p = ports.get(port);
        if (p == null) return null;
        if (p.tag() != null) {
            for (var f : fakes.entrySet()) if (f.getValue().parent().equals(p.bridge()) && f.getValue().vlan() == p.tag()) return f.getKey();
        }
        return p.bridge();
    }

    /**
     * {@code add-br NAME PARENT VLAN}: ovs-vsctl's fake bridge, a port of PARENT marked fake_bridge with an internal
     * interface, tagged VLAN; ports added to NAME join PARENT with that tag.
     */
    public OvsTransaction addFakeBridge(String name, String parent, int vlan, boolean mayExist) {
        if (mayExist && bridges.containsKey(name)) throw otherwise(name, "is not a VLAN bridge");
        Fake have = fakes.get(name);
        if (mayExist && have != null) {
            if (!have.parent().equals(parent)) throw otherwise(name, "has the wrong parent " + have.parent());
            if (have.vlan() != vlan) throw otherwise(name, "is a VLAN bridge for the wrong VLAN " + have.vlan());
            return this;
        }
        conflict(name, "cannot create a bridge named " + name);
        if (fakes.containsKey(parent)) throw refused("cannot create bridge with fake bridge as parent", parent);
        BridgeRef b = bridges.get(parent);
        if (b == null) throw refused("parent bridge " + parent + " does not exist", parent);
        for (var f : fakes.entrySet()) {
            if (f.getValue().parent().equals(parent) && f.getValue().vlan() == vlan) {
                throw refused("bridge " + parent + " already has a child VLAN bridge " + f.getKey() + " on VLAN " + vlan, name);
            }
        }
        ObjectNode row = ovs.mapper().createObjectNode().put("name", name).put("fake_bridge", true).put("tag", vlan);
        insertPort(parent, b, name, List.of(name), row);
        interfaces.get(name).insertRow().put("type", "internal");
        userspacePorts.remove(name); // an internal port: no veth of the machine's to prepare
        fakes.put(name, new Fake(parent, vlan));
        return this;
    }

    /** The port's row off its bridge, and out of this transaction's view. */
    private void removePort(String port) {
        PortRef p = ports.get(port);
        ops.add(mutate("Bridge", bridges.get(p.bridge()).ref(), "ports", "delete", Values.setOf(List.of(p.ref()))));
        ports.remove(port);
        portInterfaces.remove(port);
    }

    /** {@code del-port [BR] PORT}. */
    public OvsTransaction delPort(String bridge, String port, boolean ifExists) {
        if (hasBridge(port)) {
            if (ifExists) return this;
            throw refused("cannot delete port " + port + " because it is the local port for bridge " + port
                    + " (deleting this port requires deleting the entire bridge)", port);
        }
        PortRef p = ports.get(port);
        if (p == null) {
            if (ifExists) return this;
            throw refused("no port named " + port, port);
        }
        if (bridge != null) {
            if (!hasBridge(bridge)) throw refused("no bridge named " + bridge, bridge);
            String on = vsctlBridge(port);
            if (!on.equals(bridge)) {
                Fake f = fakes.get(on);
                throw refused("bridge " + bridge + " does not have a port " + port
                        + (f != null && f.parent().equals(bridge) ? " (although its child bridge " + on + " does)" : ""), port);
            }
        }
        removePort(port);
        return this;
    }

    /** {@code set port PORT tag=N trunks=... vlan_mode=...}: the non-null settings of {@code config}. */
    public OvsTransaction setPort(String port, PortConfig config) {
        PortRef p = portRef(port);
        if (config.tag() != null) ports.put(port, p.withTag(config.tag()));
        if (p.insertRow() != null) {
            apply(p.insertRow(), config);
        } else {
            ObjectNode row = ovs.mapper().createObjectNode();
            apply(row, config);
            if (!row.isEmpty()) ops.add(update("Port", p.ref(), row));
        }
        return this;
    }

    private PortRef portRef(String port) {
        PortRef p = ports.get(port);
        if (p == null) throw refused("no row \"" + port + "\" in table Port", port);
        return p;
    }

    /**
     * A row of Bridge, Port or Interface by its name as this transaction sees it (rows it inserts too), or null: the
     * rows of other tables are found by the caller (a name's meaning there is ovs-vsctl's business, not OVSDB's).
     */
    public JsonNode ref(String table, String name) {
        return switch (table) {
            case "Bridge" -> bridges.containsKey(name) ? bridges.get(name).ref() : null;
            case "Port" -> ports.containsKey(name) ? ports.get(name).ref() : null;
            case "Interface" -> interfaces.containsKey(name) ? interfaces.get(name).ref() : null;
            default -> null;
        };
    }

    /** {@code set TABLE ROW COLUMN=VALUE}: the column's whole value (RFC 7047 notation). */
    public OvsTransaction write(String table, JsonNode ref, String column, JsonNode value) {
        if (table.equals("Port") && column.equals("tag")) {
            // which fake bridge a port counts in follows its tag
            List<JsonNode[]> tag = Datum.members(value);
            ports.replaceAll((n, p) -> p.ref().equals(ref) ? p.withTag(tag.isEmpty() ? null : tag.getFirst()[0].asInt()) : p);
        }
        ObjectNode own = own(ref);
        if (own != null) own.set(column, value);
        else ops.add(update(table, ref, ovs.mapper().createObjectNode().set(column, value)));
        return this;
    }

    /** {@code set TABLE ROW COLUMN:KEY=VALUE}: one key of a map column. */
    public OvsTransaction writeKey(String table, JsonNode ref, String column, JsonNode key, JsonNode value) {
        ArrayNode pair = ovs.mapper().createArrayNode().add(key).add(value);
        ArrayNode map = ovs.mapper().createArrayNode().add("map").add(ovs.mapper().createArrayNode().add(pair));
        ObjectNode own = own(ref);
        if (own != null) return fold(own, column, map, Fold.REPLACE);
        ops.add(mutate(table, ref, column, "delete", Values.setOf(List.of(key))));
        ops.add(mutate(table, ref, column, "insert", map));
        return this;
    }

    /**
     * {@code add} ({@code insert} true) or {@code remove}: a set's members, or a map's pairs, in or out of the column;
     * a map's keys given as a set remove those keys. The database applies it to the value it holds.
     */
    public OvsTransaction mutate(String table, JsonNode ref, String column, boolean insert, JsonNode members) {
        boolean map = "map".equals(members.path(0).asText());
        ObjectNode own = own(ref);
        // as ovs-vsctl adds to a map: a key that is there takes the new value (the database's insert would keep the old)
        if (own != null) return fold(own, column, members, !insert ? Fold.SUBTRACT : map ? Fold.REPLACE : Fold.UNION);
        if (insert && map) {
            List<JsonNode> keys = new ArrayList<>();
            for (JsonNode[] m : Datum.members(members)) keys.add(m[0]);
            ops.add(mutate(table, ref, column, "delete", Values.setOf(keys)));
        }
        ops.add(mutate(table, ref, column, insert ? "insert" : "delete", members));
        return this;
    }

    /**
     * {@code create TABLE}: a new row, empty until {@link #write} and the rest fill it; its reference may be used
     * anywhere in the transaction, before the create too (as ovs-vsctl's --id=@NAME).
     */
    public JsonNode create(String table) {
        String name = newName();
        created.add(name);
        ops.add(insert(table, name, ovs.mapper().createObjectNode()));
        return Values.namedRef(name);
    }

    /** The UUID a row the database holds is referred to by (a column of type uuid, a where clause). */
    public static JsonNode uuidRef(String uuid) { return Values.uuidRef(uuid); }

    /** {@code destroy TABLE ROW}. */
    public OvsTransaction destroy(String table, JsonNode ref) {
        ObjectNode op = ovs.mapper().createObjectNode().put("op", "delete").put("table", table);
        op.set("where", Values.whereUuid(ref));
        ops.add(op);
        return this;
    }

    /** The row this transaction inserts under {@code ref}, or null for a row the database holds. */
    private ObjectNode own(JsonNode ref) {
        return ref != null && "named-uuid".equals(ref.path(0).asText()) ? insertedRows.get(ref.path(1).asText()) : null;
    }

    /** How a change meets a column's members: a key set anew, an {@code add}, a {@code remove}. */
    private enum Fold { REPLACE, UNION, SUBTRACT }

    /**
     * A change to a row not yet inserted, made on the row as the database would make it: {@code add} keeps a key
     * that is there, {@code remove} takes a map's keys given alone whatever their value.
     */
    private OvsTransaction fold(ObjectNode row, String column, JsonNode change, Fold how) {
        boolean map = "map".equals(change.path(0).asText()) || "map".equals(row.path(column).path(0).asText());
        List<JsonNode[]> have = new ArrayList<>(Datum.members(row.path(column)));
        for (JsonNode[] m : Datum.members(change)) {
            boolean there = have.stream().anyMatch(h -> h[0].equals(m[0]));
            switch (how) {
                case REPLACE -> {
                    have.removeIf(h -> h[0].equals(m[0]));
                    have.add(m);
                }
                case UNION -> { if (!there) have.add(m); }
                case SUBTRACT -> have.removeIf(h -> h[0].equals(m[0]) && (m[1] == null || m[1].equals(h[1])));
            }
        }
        ArrayNode list = ovs.mapper().createArrayNode();
        for (JsonNode[] h : have) list.add(map ? ovs.mapper().createArrayNode().add(h[0]).add(h[1]) : h[0]);
        row.set(column, ovs.mapper().createArrayNode().add(map ? "map" : "set").add(list));
        return this;
    }

    /**
     * The ports this transaction puts on userspace-datapath ("netdev") bridges: their devices need preparing before
     * the commit (that datapath does not complete checksums; see net.ChecksumOffload), which is the caller's job,
     * since this client speaks OVSDB only.
     */
    public Set<String> userspacePorts() { return java.util.Collections.unmodifiableSet(userspacePorts); }

    /**
     * Commits. With {@code wait} non-null, returns only once ovs-vswitchd has applied the change (as ovs-vsctl
     * does) and reports what it could not set up.
     */
    public Result commit(Duration wait) {
        if (ops.isEmpty()) return new Result(List.of(), false, Map.of());
        if (wait != null) ovs.monitorCurCfg();
        ops.add(mutate("Open_vSwitch", null, "next_cfg", "+=", ovs.mapper().getNodeFactory().numberNode(1)));
        ops.add(ovs.select("Open_vSwitch", "next_cfg"));
        JsonNode result = ovs.transact(ops);
        long nextCfg = result.get(result.size() - 1).path("rows").path(0).path("next_cfg").asLong();
        Map<String, String> uuids = new LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            String name = ops.get(i).path("uuid-name").asText();
            if (created.contains(name)) uuids.put(name, Values.uuid(result.get(i).path("uuid")));
        }
        List<String> warnings = new ArrayList<>();
        if (wait != null) {
            ovs.awaitCfg(nextCfg, wait);
            ovs.interfaceErrors(List.copyOf(addedInterfaces)).forEach((name, err) -> warnings.add("Error detected while setting up '" + name + "'"
                    + (err == null || err.isEmpty() ? "" : ": " + err) + ".  See ovs-vswitchd log for details."));
        }
        return new Result(warnings, true, uuids);
    }

    private void apply(ObjectNode row, PortConfig c) {
        if (c.tag() != null) row.put("tag", c.tag());
        if (c.trunks() != null) row.set("trunks", Values.intSet(c.trunks()));
        if (c.vlanMode() != null) row.put("vlan_mode", c.vlanMode());
        if (c.bondMode() != null) row.put("bond_mode", c.bondMode());
        if (c.lacp() != null) row.put("lacp", c.lacp());
    }

    private String newName() { return "row" + (named++); }

    private ObjectNode insert(String table, String uuidName, ObjectNode row) {
        insertedRows.put(uuidName, row);
        ObjectNode op = ovs.mapper().createObjectNode().put("op", "insert").put("table", table).put("uuid-name", uuidName);
        op.set("row", row);
        return op;
    }

    private ObjectNode update(String table, JsonNode ref, ObjectNode row) {
        ObjectNode op = ovs.mapper().createObjectNode().put("op", "update").put("table", table);
        op.set("where", Values.whereUuid(ref));
        op.set("row", row);
        return op;
    }

    private ObjectNode mutate(String table, JsonNode ref, String column, String mutator, JsonNode value) {
        ObjectNode op = ovs.mapper().createObjectNode().put("op", "mutate").put("table", table);
        if (ref == null) op.putArray("where");
        else op.set("where", Values.whereUuid(ref));
        op.putArray("mutations").add(ovs.mapper().createArrayNode().add(column).add(mutator).add(value));
        return op;
    }

    private static OvsdbException refused(String msg, String object) { return new OvsdbException(msg, "refused", object); }

    /** A bridge that may exist, but exists as another kind: {@code how} says which ("is not a VLAN bridge"). */
    private static OvsdbException otherwise(String bridge, String how) {
        return new OvsdbException("bridge " + bridge + " exists, but " + how, OvsdbException.EXISTS_OTHERWISE, bridge, how);
    }

    /** A port asked for on one bridge that is on another ({@code other}): a refusal of its own kind. */
    private static OvsdbException elsewhere(String msg, String port, String other) {
        return new OvsdbException(msg, OvsdbException.ATTACHED_ELSEWHERE, port, other);
    }
}
