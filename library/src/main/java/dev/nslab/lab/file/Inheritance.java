package dev.nslab.lab.file;

import dev.nslab.lab.file.Yaml.Node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * containerlab's levels of node settings: {@code defaults}, {@code kinds} (by kind name) and {@code groups}, under a
 * node's own keys. The parser reads each node through {@link #node}, which gives it every key it inherits, each
 * still located where it was written.
 */
final class Inheritance {
    private final Map<String, Node> defaults, kinds, groups;

    private Inheritance(Map<String, Node> defaults, Map<String, Node> kinds, Map<String, Node> groups) {
        this.defaults = defaults;
        this.kinds = kinds;
        this.groups = groups;
    }

    /** No defaults, kinds or groups: each node as written. */
    static Inheritance none() { return new Inheritance(Map.of(), Map.of(), Map.of()); }

    /** Keys whose values are merged across node, group, kind and defaults (more specific entries win), as containerlab does. */
    private static final Set<String> MERGED_MAPS = Set.of("env", "labels", "sysctls", "interfaces");
    /** Keys whose lists are joined across the levels, less specific first, duplicates once. */
    private static final Set<String> JOINED_LISTS = Set.of("exec", "binds", "routes", "services", "env-files", "devices", "cap-add");

    static Inheritance of(Node defaults, Node kinds, Node groups) {
        return new Inheritance(level(defaults, "topology.defaults"), level(kinds, "topology.kinds"), level(groups, "topology.groups"));
    }

    private static Map<String, Node> level(Node n, String what) {
        return n == null || n.value() == null ? Map.of() : n.map(what);
    }

    private static String textOf(Node n) { return n == null || n.value() == null ? null : n.text("a value"); }

    private static Map<String, Node> definition(Map<String, Node> of, String key, String what) {
        Node d = key == null ? null : of.get(key);
        return level(d, what + " " + key);
    }

    /**
     * How many entries (map keys, list items) nodes may take from defaults, kinds and groups in all: what a shared
     * definition holds is read again for every node that inherits it, so 50,000 keys over 50,000 nodes would be 2.5
     * billion; real files inherit a few per node.
     */
    static final long MAX_INHERITED = 2_000_000;
    private long inherited;

    private void spend(Node v, String node) {
        int n = v.isMap() ? v.map("a value").size() : v.isList() ? v.list("a value").size() : 1;
        inherited += n;
        if (inherited > MAX_INHERITED) {
            throw v.error(String.format("node %s takes this from defaults, kinds or groups, and the nodes so far inherit more than "
                    + "%,d entries in all: give the nodes their own entries, or fewer in what they share", node, MAX_INHERITED));
        }
    }

    /**
     * A node as containerlab reads it: its own keys over its group's, over its kind's (under {@code kinds}), over
     * {@code defaults}. Maps (env, labels, ...) merge key by key and lists (exec, binds, ...) join, less specific first;
     * a value keeps the place it was written, so a mistake in a group is reported where the group says it. The kind
     * comes from the node, its group, the defaults' group or the defaults; the group from the node, its kind or the
     * defaults (containerlab's order).
     */
    Node node(String name, Node n) {
        Map<String, Node> own = n.value() == null ? Map.of() : n.map("node \"" + name + "\"");
        if (defaults.isEmpty() && kinds.isEmpty() && groups.isEmpty()) return n;
        Node kindN = own.get("kind");
        if (textOf(kindN) == null) kindN = definition(groups, textOf(own.get("group")), "group").get("kind");
        if (textOf(kindN) == null) kindN = definition(groups, textOf(defaults.get("group")), "group").get("kind");
        if (textOf(kindN) == null) kindN = defaults.get("kind");
        String kind = textOf(kindN) == null ? "linux" : textOf(kindN);
        Map<String, Node> kindDef = definition(kinds, kind, "kind");
        Node groupN = own.get("group");
        if (textOf(groupN) == null) groupN = kindDef.get("group");
        if (textOf(groupN) == null) groupN = defaults.get("group");
        Map<String, Node> groupDef = definition(groups, textOf(groupN), "group");
        Map<String, Node> out = new LinkedHashMap<>();
        for (Map<String, Node> lv : List.of(defaults, kindDef, groupDef, own)) {
            for (Map.Entry<String, Node> e : lv.entrySet()) {
                Node v = e.getValue(), prev = out.get(e.getKey());
                if (v.value() == null || (v.value() instanceof String str && str.isEmpty())) continue; // not set at this level
                if (prev != null && MERGED_MAPS.contains(e.getKey()) && prev.isMap() && v.isMap()) {
                    Map<String, Node> merged = new LinkedHashMap<>(prev.map(e.getKey()));
                    merged.putAll(v.map(e.getKey()));
                    v = new Node(merged, v.file(), v.line(), v.column());
                } else if (prev != null && JOINED_LISTS.contains(e.getKey())) {
                    Map<String, Node> joined = new LinkedHashMap<>();
                    for (Node x : List.of(prev, v)) {
                        for (Node item : x.isList() ? x.list(e.getKey()) : List.of(x)) {
                            String id = identity(e.getKey(), item);
                            joined.put(id, item); // a more specific entry for the same thing replaces the other, in its place
                        }
                    }
                    v = new Node(List.copyOf(joined.values()), v.file(), v.line(), v.column());
                }
                out.put(e.getKey(), v);
                if (lv != own) spend(v, name);
            }
        }
        if (kindN != null) out.put("kind", kindN);
        if (textOf(groupN) != null) out.put("group", groupN);
        if (kind.equals("bridge") || kind.equals("ovs-bridge")) {
            // what a switch cannot have, inherited from a wider level (defaults: {exec: ...}), is not the switch's
            for (String k : List.of("exec", "env", "binds", "services", "interfaces", "routes", "forwarding", "network-mode", "mgmt-ipv4", "mgmt-ipv6")) {
                if (!own.containsKey(k)) out.remove(k);
            }
        }
        return new Node(out, n.file(), n.line(), n.column());
    }

    /** What makes two entries of a joined list the same: a bind's node path, a service's name, a route's destination. */
    private static String identity(String key, Node item) {
        if (key.equals("binds") && !item.isMap() && !item.isList()) {
            String[] parts = item.text("a bind").split(":");
            return parts.length > 1 ? parts[1] : parts[0];
        }
        if (item.isMap()) {
            Map<String, Node> m = item.map(key);
            Node id = key.equals("services") ? m.get("name") : key.equals("routes") ? m.get("dst") : null;
            if (id != null && id.value() != null) return String.valueOf(id.value());
            return String.valueOf(strip(item));
        }
        return String.valueOf(item.value());
    }

    /** A node's value without the places it was written (for comparing values). */
    private static Object strip(Node n) {
        if (n.value() instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, strip((Node) v)));
            return out;
        }
        if (n.value() instanceof List<?> l) return l.stream().map(x -> strip((Node) x)).toList();
        return n.value();
    }

}
