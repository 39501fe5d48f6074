package dev.nslab.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** RFC 7047 value notation: atoms, ["set", [...]], ["uuid", "..."], ["named-uuid", "..."]. */
final class Values {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Values() { }

    /** The members of a set column (a single atom is a set of one). */
    static List<JsonNode> set(JsonNode v) {
        List<JsonNode> out = new ArrayList<>();
        if (v.isArray() && v.size() == 2 && "set".equals(v.get(0).asText())) v.get(1).forEach(out::add);
        else if (!v.isMissingNode() && !v.isNull()) out.add(v);
        return out;
    }

    static String uuid(JsonNode atom) { return atom.isArray() ? atom.get(1).asText() : atom.asText(); }

    static List<String> uuids(JsonNode v) { return set(v).stream().map(Values::uuid).toList(); }

    /** An optional string column ("[set, []]" when empty). */
    static String optString(JsonNode v) {
        List<JsonNode> s = set(v);
        return s.isEmpty() ? null : s.get(0).asText();
    }

    static Integer optInt(JsonNode v) {
        List<JsonNode> s = set(v);
        return s.isEmpty() ? null : s.get(0).asInt();
    }

    static List<Integer> ints(JsonNode v) { return set(v).stream().map(JsonNode::asInt).sorted().toList(); }

    /** A map column: ["map", [[k, v], ...]]. */
    static Map<String, String> map(JsonNode v) {
        Map<String, String> out = new TreeMap<>();
        if (v.isArray() && v.size() == 2 && "map".equals(v.get(0).asText())) {
            for (JsonNode kv : v.get(1)) out.put(kv.get(0).asText(), kv.get(1).asText());
        }
        return out;
    }

    static ArrayNode mapOf(Map<String, String> m) {
        ArrayNode pairs = F.arrayNode();
        m.forEach((k, val) -> pairs.add(F.arrayNode().add(k).add(val)));
        return F.arrayNode().add("map").add(pairs);
    }

    static ArrayNode uuidRef(String uuid) { return F.arrayNode().add("uuid").add(uuid); }

    static ArrayNode namedRef(String name) { return F.arrayNode().add("named-uuid").add(name); }

    static ArrayNode setOf(List<? extends JsonNode> members) {
        ArrayNode a = F.arrayNode();
        members.forEach(a::add);
        return F.arrayNode().add("set").add(a);
    }

    static ArrayNode intSet(List<Integer> members) {
        ArrayNode a = F.arrayNode();
        members.forEach(a::add);
        return F.arrayNode().add("set").add(a);
    }

    static ArrayNode emptySet() { return F.arrayNode().add("set").add(F.arrayNode()); }

    /** ["_uuid", "==", ["uuid", u]] as a where clause. */
    static ArrayNode whereUuid(JsonNode ref) {
        return F.arrayNode().add(F.arrayNode().add("_uuid").add("==").add(ref));
    }
}
