package dev.nslab.lab.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nslab.lab.model.NodeTables;
import dev.nslab.lab.model.NodeTables.TableRoute;
import dev.nslab.net.Cidr;
import dev.nslab.sys.OwnFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tables of a lab's self-configuring nodes as they were when the lab came up (STATEDIR/LAB.tables, JSON; not
 * named *.json, which is how a lab's own state is found):
 * verify predicts from where the file cannot, and compares with the kernel's tables of the day.
 */
public final class TablesFile {
    private TablesFile() {}

    public static Path path(Path dir, String lab) { return LabState.beside(dir, lab, ".tables"); }

    /** Where earlier builds kept them, which listed them as a lab of their own ("LAB.tables"): removed with the lab. */
    static Path oldPath(Path dir, String lab) { return LabState.beside(dir, lab, ".tables.json"); }

    public static void write(Path dir, String lab, Map<String, NodeTables> tables) throws IOException {
        ObjectNode nodes = JsonFiles.object();
        for (Map.Entry<String, NodeTables> e : new TreeMap<>(tables).entrySet()) {
            NodeTables t = e.getValue();
            ObjectNode n = nodes.putObject(e.getKey());
            n.put("forwards4", t.forwards4());
            n.put("forwards6", t.forwards6());
            if (t.unmodelled() != null) n.put("unmodelled", t.unmodelled());
            ObjectNode addrs = n.putObject("addresses");
            t.addresses().forEach((dev, cs) -> {
                ArrayNode a = addrs.putArray(dev);
                cs.forEach(c -> a.add(c.toString()));
            });
            ArrayNode routes = n.putArray("routes");
            for (TableRoute r : t.routes()) {
                ObjectNode o = routes.addObject();
                o.put("dst", r.dst().toString());
                if (r.via() != null) o.put("via", Cidr.format(r.via()));
                if (r.dev() != null) o.put("dev", r.dev());
                o.put("type", r.type());
                o.put("metric", r.metric());
            }
            ObjectNode dead = n.putObject("dead");
            t.dead().forEach(dead::put);
        }
        ObjectNode root = JsonFiles.object();
        root.set("nodes", nodes);
        OwnFiles.write(path(LabState.directory(dir), lab), JsonFiles.pretty(root));
    }

    /** The tables kept for {@code lab}; empty when none were (a lab of an older nslab, or one without such nodes). */
    public static Map<String, NodeTables> read(Path dir, String lab) throws IOException {
        Path p = path(dir, lab);
        Map<String, NodeTables> out = new LinkedHashMap<>();
        if (!Files.exists(p)) return out;
        JsonNode nodes = JsonFiles.read(p).path("nodes");
        for (var e : nodes.properties()) {
            JsonNode n = e.getValue();
            Map<String, List<Cidr>> addrs = new TreeMap<>();
            for (var a : n.path("addresses").properties()) {
                List<Cidr> cs = new ArrayList<>();
                a.getValue().forEach(c -> cs.add(Cidr.parse(c.asText())));
                addrs.put(a.getKey(), cs);
            }
            List<TableRoute> routes = new ArrayList<>();
            for (JsonNode r : n.path("routes")) {
                routes.add(new TableRoute(Cidr.parse(r.path("dst").asText()), r.hasNonNull("via") ? Cidr.parseAddress(r.path("via").asText()) : null,
                        r.hasNonNull("dev") ? r.path("dev").asText() : null, r.path("type").asInt(1), r.path("metric").asInt(0)));
            }
            Map<String, String> dead = new TreeMap<>();
            for (var d : n.path("dead").properties()) dead.put(d.getKey(), d.getValue().asText());
            out.put(e.getKey(), new NodeTables(addrs, routes, n.path("forwards4").asBoolean(), n.path("forwards6").asBoolean(), dead,
                    n.hasNonNull("unmodelled") ? n.path("unmodelled").asText() : null));
        }
        return out;
    }
}
