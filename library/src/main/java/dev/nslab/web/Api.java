package dev.nslab.web;

import dev.nslab.error.LabException;
import dev.nslab.error.NslabException;
import dev.nslab.lab.Labs;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.verify.ReportJson;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HTTP JSON API under /api/ (docs/ui.md): what the page uses, and nothing else. Reads come from the live
 * picture; changes go through {@link Labs}, one at a time (a lab's state is changed under its lock, which one process
 * takes once), and the picture is sampled again at once after each.
 */
final class Api {
    /** An answer: an HTTP status and a JSON body. */
    record Reply(int status, String json) {
        static Reply ok(Object body) { return new Reply(200, Json.write(body)); }

        static Reply error(int status, String message) { return new Reply(status, Json.write(Map.of("error", message))); }
    }

    private final LabViews views;
    private final Live live;
    private final ReentrantLock changes = new ReentrantLock();
    /** The long work going on, by lab ("verify"): shown by the page as progress. */
    private final Map<String, Object> running = new ConcurrentHashMap<>();

    Api(LabViews views, Live live) {
        this.views = views;
        this.live = live;
    }

    Reply handle(String method, String path, String body) {
        List<String> p = List.of(path.substring("/api/".length()).split("/"));
        try {
            if (p.size() == 1 && p.getFirst().equals("labs")) {
                if (!method.equals("GET")) return Reply.error(405, "GET /api/labs");
                return new Reply(200, live.latest());
            }
            if (p.size() == 2 && p.getFirst().equals("labs")) {
                if (!method.equals("GET")) return Reply.error(405, "GET /api/labs/LAB");
                return Reply.ok(views.one(p.get(1)));
            }
            if (p.size() == 3 && p.getFirst().equals("labs")) {
                if (!method.equals("POST")) return Reply.error(405, "POST /api/labs/LAB/" + p.get(2));
                return act(p.get(1), p.get(2), Json.read(body));
            }
            return Reply.error(404, "no such API path: " + path + " (see docs/ui.md)");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Reply.error(400, "the request's body is not JSON: " + e.getOriginalMessage());
        } catch (Impairment.BadValue e) {
            return Reply.error(400, e.getMessage());
        } catch (NslabException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            return Reply.error(m.startsWith("no lab named") || m.contains("is not shown by this page") ? 404 : 409, m);
        }
    }

    private Reply act(String lab, String action, JsonNode b) {
        if (!views.shows(lab)) throw new LabException("lab " + lab + " is not shown by this page");
        if (action.equals("verify")) return verify(lab, b);
        Labs labs = views.labs();
        changes.lock();
        try {
            Labs.FaultChange c = switch (action) {
                case "cut" -> labs.cut(lab, text(b, "end"));
                case "mend" -> labs.mend(lab, text(b, "end"));
                case "impair" -> impair(labs, lab, b);
                case "partition" -> labs.partition(lab, groups(b));
                case "heal" -> labs.partition(lab, List.of());
                default -> throw new LabException("no action \"" + action + "\" (actions: cut, mend, impair, partition, heal, verify)");
            };
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("lab", lab);
            out.put("added", c.added().stream().map(Resource::key).toList());
            out.put("removed", c.removed().stream().map(Resource::key).toList());
            return Reply.ok(out);
        } finally {
            changes.unlock();
            live.poke();
        }
    }

    private static Labs.FaultChange impair(Labs labs, String lab, JsonNode b) {
        String end = b.hasNonNull("end") ? b.get("end").asText() : null;
        if (b.path("clear").asBoolean(false)) return labs.impair(lab, end, Impairment.NONE);
        if (end == null) throw new LabException("impair needs \"end\": \"NODE:IFACE\" (or \"clear\": true)");
        Map<String, String> values = new LinkedHashMap<>();
        for (String k : Impairment.KEYS) if (b.hasNonNull(k) && !b.get(k).asText().isBlank()) values.put(k, b.get(k).asText().strip());
        if (values.isEmpty()) throw new LabException("impair needs one of " + String.join(", ", Impairment.KEYS) + " (or \"clear\": true)");
        return labs.impair(lab, end, Impairment.parse(values));
    }

    /** "groups": [["a","b"],["c"]] or ["a,b","c"]. */
    private static List<Set<String>> groups(JsonNode b) {
        JsonNode g = b.path("groups");
        if (!g.isArray() || g.isEmpty()) throw new LabException("partition needs \"groups\": [[\"NODE\", ...], ...]");
        List<Set<String>> out = new ArrayList<>();
        for (JsonNode x : g) {
            Set<String> group = new LinkedHashSet<>();
            if (x.isArray()) x.forEach(n -> group.add(n.asText().strip()));
            else for (String n : x.asText().split(",")) if (!n.isBlank()) group.add(n.strip());
            out.add(group);
        }
        return out;
    }

    private Reply verify(String lab, JsonNode b) {
        if (running.putIfAbsent(lab, "verify") != null) return Reply.error(409, "lab " + lab + " is being verified already");
        live.activity(Map.copyOf(running));
        try {
            Labs labs = views.labs();
            int sample = b.path("sample").asInt(0);
            return Reply.ok(ReportJson.of(labs.verify(labs.topology(lab), sample)));
        } finally {
            running.remove(lab);
            live.activity(Map.copyOf(running));
        }
    }

    private static String text(JsonNode b, String key) {
        if (!b.hasNonNull(key) || b.get(key).asText().isBlank()) throw new LabException("the request needs \"" + key + "\"");
        return b.get(key).asText().strip();
    }
}
