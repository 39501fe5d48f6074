package dev.nslab.lab.state;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Faults;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.model.Names;
import dev.nslab.lab.model.NodeInfo;
import dev.nslab.lab.model.Topology.RouteDef;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Resource.End;
import dev.nslab.lab.plan.Resource;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.sys.OwnFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lab engine's store: what a lab owns, kept in {@code DIR/LAB.json}, with the lab's lock beside it.
 * {@code done} objects exist; {@code pending} ones are being made
 * right now: they are written down before the first of them is created, so a later {@code down} can remove them
 * even if nslab was killed half-way. The file is replaced atomically (write, rename). {@code observed} holds,
 * per namespace whose node has exec lines, the addresses ("DEV CIDR") its interfaces had once up finished: what those
 * lines set, so that {@code status} notices when they are gone. {@code owner} is the program that owns the lab (a Java
 * program using the library), or null: a lab whose owner is gone is stale ({@link Owners}).
 */
public record LabState(String lab, String file, String prefix, List<NodeInfo> nodes, List<Resource> done,
                       List<Resource> pending, Map<String, List<String>> observed, String owner, Faults faults) {

    public LabState(String lab, String file, String prefix, List<NodeInfo> nodes, List<Resource> done, List<Resource> pending,
                    Map<String, List<String>> observed, String owner) {
        this(lab, file, prefix, nodes, done, pending, observed, owner, Faults.NONE);
    }

    public LabState withDone(List<Resource> d) { return new LabState(lab, file, prefix, nodes, List.copyOf(d), pending, observed, owner, faults); }

    public LabState withPending(List<Resource> p) { return new LabState(lab, file, prefix, nodes, done, List.copyOf(p), observed, owner, faults); }

    public LabState withObserved(Map<String, List<String>> o) { return new LabState(lab, file, prefix, nodes, done, pending, Map.copyOf(o), owner, faults); }

    /** @param f what was done to the lab at run time (impair, cut, partition) */
    public LabState withFaults(Faults f) { return new LabState(lab, file, prefix, nodes, done, pending, observed, owner, f); }

    /** @param o the program that owns the lab ("PID:START", see {@link Owners}), or null for a lab of the command line */
    public LabState withOwner(String o) { return new LabState(lab, file, prefix, nodes, done, pending, observed, o, faults); }

    public static Path path(Path dir, String lab) { return dir.resolve(named(lab) + ".json"); }

    /** Where the owner of a lab of a Java program is noted beside its state ({@code .LAB.owner}). */
    public static Path ownerMarker(Path dir, String lab) { return dir.resolve("." + named(lab) + ".owner"); }

    /** The lab's log directory: output of processes started in its nodes in the background. */
    public static Path logDir(Path dir, String lab) { return dir.resolve(named(lab) + ".logs"); }

    /** The text of the file the lab was brought up from, as it was then. */
    public static Path savedFile(Path dir, String lab) { return beside(dir, lab, ".yml"); }

    /** A file or directory of the lab's beside its state: {@code DIR/LAB + suffix}, the name checked. */
    public static Path beside(Path dir, String lab, String suffix) { return dir.resolve(named(lab) + suffix); }

    /**
     * Every path of a lab's state passes here: a name typed on a command line ("down ../../etc/x") or found in a file
     * never leads out of the state directory.
     */
    private static String named(String lab) {
        String why = Names.whyNotLab(lab);
        if (why != null) throw new LabException("no lab is called that: the " + why);
        return lab;
    }

    /** Held while a lab changes, so two nslab processes never change the same lab at once. */
    public record Lock(FileChannel channel) implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.close(); // releases the lock
            } catch (IOException ignored) {
                // nothing to undo
            }
        }
    }

    /**
     * The state directory, made when missing, else checked ({@link OwnFiles#directory}): others may pass through it
     * (the layers of hosts below it are reached by the labs' own users) but neither list nor write it.
     */
    public static Path directory(Path dir) throws IOException { return OwnFiles.directory(dir, "rwx--x--x"); }

    /** A directory of a lab's beside its state ({@code DIR/LAB + suffix}), made or checked, for this user only. */
    public static Path privateDirectory(Path dir, String lab, String suffix) throws IOException {
        return OwnFiles.directory(beside(directory(dir), lab, suffix), "rwx------");
    }

    /** Takes the lab's lock in {@code dir}, or refuses at once when another process holds it. */
    public static Lock lock(Path dir, String lab) {
        try {
            directory(dir);
            FileChannel ch = OwnFiles.open(dir.resolve("." + named(lab) + ".lock"), StandardOpenOption.WRITE);
            var l = ch.tryLock();
            if (l == null) {
                ch.close();
                throw new LabException("lab " + lab + " is being changed by another nslab process: wait for it to finish");
            }
            return new Lock(ch);
        } catch (IOException e) {
            throw new LabException("cannot use the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public void save(Path dir) {
        ObjectNode root = JsonFiles.object().put("lab", lab).put("file", file).put("prefix", prefix);
        ArrayNode ns = root.putArray("nodes");
        for (NodeInfo n : nodes) ns.addObject().put("name", n.name()).put("kind", n.kind()).put("ns", n.ns());
        write(root.putArray("done"), done);
        write(root.putArray("pending"), pending);
        if (owner != null) root.put("owner", owner);
        ObjectNode obs = root.putObject("observed");
        observed.forEach((where, list) -> list.forEach(obs.putArray(where)::add));
        if (!faults.isEmpty()) {
            ObjectNode f = root.putObject("faults");
            ObjectNode imp = f.putObject("impairments");
            faults.impairments().forEach((end, i) -> imp.put(end, i.words()));
            faults.cuts().forEach(f.putArray("cuts")::add);
            ArrayNode groups = f.putArray("partition");
            for (var g : faults.partition()) g.forEach(groups.addArray()::add);
        }
        try {
            // no fsync: a killed process loses nothing the page cache holds, and what the file describes lives in the
            // kernel's memory, gone after a crash of the machine as the file's last writes would be
            OwnFiles.write(path(directory(dir), lab), JsonFiles.pretty(root));
        } catch (IOException e) {
            throw new LabException("cannot write the state of lab " + lab + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    public static LabState load(Path dir, String lab) {
        Path p = path(dir, lab);
        if (!Files.exists(p)) return null;
        try {
            JsonNode root = JsonFiles.read(p);
            List<NodeInfo> nodes = new ArrayList<>();
            for (JsonNode n : root.path("nodes")) nodes.add(new NodeInfo(n.path("name").asText(), n.path("kind").asText(), text(n, "ns")));
            Map<String, List<String>> observed = new java.util.TreeMap<>();
            root.path("observed").properties().forEach(e -> {
                List<String> list = new ArrayList<>();
                e.getValue().forEach(v -> list.add(v.asText()));
                observed.put(e.getKey(), list);
            });
            Faults faults = Faults.NONE;
            JsonNode f = root.path("faults");
            if (f.isObject()) {
                Map<String, Impairment> imp = new java.util.TreeMap<>();
                f.path("impairments").properties().forEach(e -> imp.put(e.getKey(), Impairment.parseWords(e.getValue().asText())));
                java.util.Set<String> cuts = new java.util.TreeSet<>();
                f.path("cuts").forEach(c -> cuts.add(c.asText()));
                List<java.util.Set<String>> groups = new ArrayList<>();
                f.path("partition").forEach(g -> {
                    java.util.Set<String> group = new java.util.TreeSet<>();
                    g.forEach(n -> group.add(n.asText()));
                    groups.add(group);
                });
                faults = new Faults(imp, cuts, groups);
            }
            return new LabState(root.path("lab").asText(), root.path("file").asText(), root.path("prefix").asText(), nodes,
                    read(root.path("done")), read(root.path("pending")), observed, text(root, "owner"), faults);
        } catch (IOException | RuntimeException e) {
            throw new LabException("the state file " + p + " of lab " + lab + " is unreadable (" + e.getMessage()
                    + "): remove the lab's objects by hand, then the file", e);
        }
    }

    /** Names of the labs that have a state file in {@code dir}. */
    public static List<String> labs(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - 5)).filter(n -> Names.whyNotLab(n) == null).sorted().toList();
        } catch (IOException e) {
            throw new LabException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    public static void remove(Path dir, String lab) { remove(dir, lab, false); }

    /**
     * Removes the lab's state; with {@code keepLogs}, its logs stay (an up that failed: the error names a service's
     * log, which must still be there to read; the next up or down takes them).
     */
    public static void remove(Path dir, String lab, boolean keepLogs) {
        try {
            Files.deleteIfExists(path(dir, lab));
            Path logs = logDir(dir, lab);
            if (!keepLogs && Files.isDirectory(logs)) {
                try (var files = Files.list(logs)) {
                    for (Path f : files.toList()) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(logs);
            }
            Files.deleteIfExists(savedFile(dir, lab));
            Files.deleteIfExists(TablesFile.path(dir, lab));
            Files.deleteIfExists(TablesFile.oldPath(dir, lab));
            Files.deleteIfExists(MountsFile.path(dir, lab));
            Path services = beside(dir, lab, ".services");
            if (Files.isDirectory(services)) {
                try (var files = Files.list(services)) {
                    for (Path f : files.toList()) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(services);
            }
            Files.deleteIfExists(ownerMarker(dir, lab));
            Files.deleteIfExists(dir.resolve("." + named(lab) + ".lock"));
        } catch (IOException e) {
            throw new LabException("cannot remove the state of lab " + lab + ": " + e.getMessage(), e);
        }
    }

    private static Topology.HealthDef health(JsonNode h) {
        if (!h.isObject()) return null;
        return new Topology.HealthDef(words(h.path("test")), h.path("interval").asInt(), h.path("timeout").asInt(), h.path("retries").asInt(),
                h.path("start_period").asInt());
    }

    private static java.util.Map<String, String> env(JsonNode o) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (var e : o.properties()) out.put(e.getKey(), e.getValue().asText());
        return java.util.Map.copyOf(out);
    }

    private static List<String> words(JsonNode a) {
        if (!a.isArray()) return null;
        List<String> out = new ArrayList<>();
        a.forEach(w -> out.add(w.asText()));
        return List.copyOf(out);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }

    private static void write(ArrayNode a, List<Resource> rs) {
        for (Resource r : rs) {
            ObjectNode o = a.addObject();
            switch (r) {
                case Resource.Namespace n -> {
                    o.put("type", "netns").put("name", n.name());
                    if (n.outside() != null) o.put("outside", n.outside());
                    if (n.host() != null) {
                        ObjectNode h = o.putObject("host").put("hostname", n.host().hostname());
                        ArrayNode bs = h.putArray("binds");
                        for (Topology.BindDef b : n.host().binds()) bs.addObject().put("host", b.host()).put("node", b.node()).put("ro", b.readOnly())
                                .put("line", b.line()).put("column", b.column());
                        Topology.ImageDef im = n.host().image();
                        if (im != null) {
                            ObjectNode i = h.putObject("image").put("name", im.image()).put("user", im.user()).put("pull", im.pullPolicy())
                                    .put("line", im.line()).put("column", im.column());
                            if (im.cmd() != null) im.cmd().forEach(i.putArray("cmd")::add);
                            if (im.entrypoint() != null) im.entrypoint().forEach(i.putArray("entrypoint")::add);
                            ObjectNode env = i.putObject("env");
                            new java.util.TreeMap<>(im.env()).forEach(env::put);
                            if (im.health() != null) {
                                ObjectNode hc = i.putObject("health").put("interval", im.health().interval()).put("timeout", im.health().timeout())
                                        .put("retries", im.health().retries()).put("start_period", im.health().startPeriod());
                                im.health().test().forEach(hc.putArray("test")::add);
                            }
                            if (im.frr() != null) {
                                ObjectNode fr = i.putObject("frr").put("config", im.frr().startupConfig());
                                im.frr().daemons().forEach(fr.putArray("daemons")::add);
                            }
                        }
                    }
                }
                case Resource.Users u -> o.put("type", "userns");
                case Resource.LinuxBridge b -> o.put("type", "bridge").put("ns", b.ns()).put("name", b.name());
                case Resource.Veth v -> {
                    o.put("type", "veth");
                    end(o.putObject("a"), v.a());
                    end(o.putObject("b"), v.b());
                    if (v.mtu() != null) o.put("mtu", v.mtu());
                }
                case Resource.Device d -> {
                    o.put("type", "device").put("ns", d.ns()).put("iface", d.iface());
                    if (d.mtu() != null) o.put("mtu", d.mtu());
                    switch (d.device()) {
                        case Topology.Device.Dummy x -> o.put("kind", "dummy");
                        case Topology.Device.Macvlan m -> o.put("kind", "macvlan").put("parent", m.parent()).put("mode", m.mode());
                        case Topology.Device.Vxlan v -> o.put("kind", "vxlan").put("remote", Cidr.format(v.remote())).put("vni", v.vni()).put("port", v.port());
                    }
                }
                case Resource.OvsBridge b -> o.put("type", "ovs-bridge").put("name", b.name());
                case Resource.OvsPort p -> {
                    o.put("type", "ovs-port").put("bridge", p.bridge()).put("port", p.port());
                    if (p.tag() != null) o.put("tag", p.tag());
                    if (p.trunks() != null) p.trunks().forEach(o.putArray("trunks")::add);
                }
                case Resource.Address ad -> o.put("type", "address").put("ns", ad.ns()).put("dev", ad.dev()).put("cidr", ad.cidr().toString());
                case Resource.Forwarding f -> o.put("type", "forwarding").put("ns", f.ns()).put("ipv6", f.ipv6());
                case Resource.Impair i -> {
                    o.put("type", "impair").put("ns", i.ns()).put("dev", i.dev())
                            .put("impairment", i.impairment().words()).put("mechanism", i.mechanism().name());
                    end(o.putObject("peer"), i.peer());
                }
                case Resource.Partition pt -> {
                    o.put("type", "partition").put("ns", pt.ns());
                    pt.blocked().forEach(o.putArray("blocked")::add);
                }
                case Resource.Service sv -> {
                    Topology.ServiceDef d = sv.def();
                    o.put("type", "service").put("ns", sv.ns()).put("node", sv.node()).put("name", d.name()).put("cmd", d.cmd())
                            .put("restart", d.restart().name()).put("timeout_ms", d.timeoutMillis()).put("line", d.line());
                    switch (d.ready()) {
                        case null -> { }
                        case Topology.Ready.Tcp t -> o.putObject("ready").put("tcp", t.port());
                        case Topology.Ready.Cmd c -> o.putObject("ready").put("cmd", c.cmd());
                        case Topology.Ready.After af -> o.putObject("ready").put("after_ms", af.millis());
                    }
                    ObjectNode env = o.putObject("env");
                    sv.env().forEach(env::put);
                    ArrayNode bs = o.putArray("binds");
                    for (Topology.BindDef b : sv.binds()) bs.addObject().put("host", b.host()).put("node", b.node()).put("ro", b.readOnly())
                            .put("line", b.line()).put("column", b.column());
                }
                case Resource.Cut c -> {
                    o.put("type", "cut");
                    end(o.putObject("a"), c.a());
                    end(o.putObject("b"), c.b());
                }
                case Resource.Route rt -> {
                    o.put("type", "route").put("ns", rt.ns()).put("family", rt.route().family().code());
                    if (rt.route().dst() != null) o.put("dst", rt.route().dst().toString());
                    if (rt.route().via() != null) o.put("via", Cidr.format(rt.route().via()));
                    if (rt.route().dev() != null) o.put("dev", rt.route().dev());
                }
            }
        }
    }

    private static void end(ObjectNode o, End e) {
        o.put("ns", e.ns()).put("iface", e.iface()).put("master", e.master());
        if (e.alt() != null) o.put("alt", e.alt());
    }

    private static End end(JsonNode o) { return new End(text(o, "ns"), o.path("iface").asText(), text(o, "master"), text(o, "alt")); }

    private static List<Resource> read(JsonNode a) {
        List<Resource> out = new ArrayList<>();
        for (JsonNode o : a) {
            out.add(switch (o.path("type").asText()) {
                case "netns" -> {
                    JsonNode h = o.path("host");
                    Resource.Host host = null;
                    if (h.isObject()) {
                        List<Topology.BindDef> binds = new ArrayList<>();
                        for (JsonNode b : h.path("binds")) binds.add(new Topology.BindDef(b.path("host").asText(), b.path("node").asText(),
                                b.path("ro").asBoolean(), b.path("line").asInt(), b.path("column").asInt()));
                        JsonNode im = h.path("image");
                        Topology.ImageDef image = !im.isObject() ? null : new Topology.ImageDef(im.path("name").asText(), words(im.path("cmd")),
                                words(im.path("entrypoint")), text(im, "user"), text(im, "pull"), env(im.path("env")),
                                im.path("frr").isObject() ? new Topology.FrrDef(text(im.path("frr"), "config"), words(im.path("frr").path("daemons"))) : null,
                                health(im.path("health")), im.path("line").asInt(), im.path("column").asInt());
                        host = new Resource.Host(h.path("hostname").asText(), List.copyOf(binds), image);
                    }
                    yield new Resource.Namespace(o.path("name").asText(), host, text(o, "outside"));
                }
                case "userns" -> new Resource.Users();
                case "bridge" -> new Resource.LinuxBridge(text(o, "ns"), o.path("name").asText());
                case "veth" -> new Resource.Veth(end(o.path("a")), end(o.path("b")), o.has("mtu") ? o.path("mtu").asInt() : null);
                case "device" -> new Resource.Device(text(o, "ns"), o.path("iface").asText(), switch (o.path("kind").asText()) {
                    case "macvlan" -> new Topology.Device.Macvlan(o.path("parent").asText(), o.path("mode").asText());
                    case "vxlan" -> new Topology.Device.Vxlan(Cidr.parseAddress(o.path("remote").asText()), o.path("vni").asInt(), o.path("port").asInt());
                    default -> new Topology.Device.Dummy();
                }, o.has("mtu") ? o.path("mtu").asInt() : null);
                case "ovs-bridge" -> new Resource.OvsBridge(o.path("name").asText());
                case "ovs-port" -> {
                    List<Integer> trunks = null;
                    if (o.has("trunks")) {
                        trunks = new ArrayList<>();
                        for (JsonNode t : o.path("trunks")) trunks.add(t.asInt());
                    }
                    yield new Resource.OvsPort(o.path("bridge").asText(), o.path("port").asText(),
                            o.has("tag") ? o.path("tag").asInt() : null, trunks);
                }
                case "address" -> new Resource.Address(text(o, "ns"), o.path("dev").asText(), Cidr.parse(o.path("cidr").asText()));
                case "forwarding" -> new Resource.Forwarding(o.path("ns").asText(), o.path("ipv6").asBoolean(true));
                case "route" -> new Resource.Route(o.path("ns").asText(), new RouteDef(Family.of(o.path("family").asInt()),
                        o.has("dst") ? Cidr.parse(o.path("dst").asText()) : null,
                        o.has("via") ? Cidr.parseAddress(o.path("via").asText()) : null, text(o, "dev")));
                case "impair" -> new Resource.Impair(text(o, "ns"), o.path("dev").asText(), Impairment.parseWords(o.path("impairment").asText()),
                        Resource.Mechanism.valueOf(o.path("mechanism").asText()), end(o.path("peer")));
                case "partition" -> {
                    List<String> blocked = new ArrayList<>();
                    o.path("blocked").forEach(b -> blocked.add(b.asText()));
                    yield new Resource.Partition(o.path("ns").asText(), List.copyOf(blocked));
                }
                case "cut" -> new Resource.Cut(end(o.path("a")), end(o.path("b")));
                case "service" -> {
                    JsonNode r = o.path("ready");
                    Topology.Ready ready = r.has("tcp") ? new Topology.Ready.Tcp(r.path("tcp").asInt())
                            : r.has("cmd") ? new Topology.Ready.Cmd(r.path("cmd").asText())
                            : r.has("after_ms") ? new Topology.Ready.After(r.path("after_ms").asLong()) : null;
                    Map<String, String> env = new java.util.LinkedHashMap<>();
                    o.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
                    List<Topology.BindDef> binds = new ArrayList<>();
                    for (JsonNode b : o.path("binds")) binds.add(new Topology.BindDef(b.path("host").asText(), b.path("node").asText(),
                            b.path("ro").asBoolean(), b.path("line").asInt(), b.path("column").asInt()));
                    yield new Resource.Service(o.path("ns").asText(), o.path("node").asText(), new Topology.ServiceDef(o.path("name").asText(),
                            o.path("cmd").asText(), ready, Topology.Restart.valueOf(o.path("restart").asText()), o.path("timeout_ms").asLong(),
                            o.path("line").asInt()), Map.copyOf(env), List.copyOf(binds));
                }
                default -> throw new IllegalArgumentException("unknown object type \"" + o.path("type").asText() + "\"");
            });
        }
        return out;
    }
}
