package dev.nslab.lab.file;

import dev.nslab.error.LabException;
import dev.nslab.lab.file.Yaml.Node;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.model.Names;
import dev.nslab.lab.model.NodeCheck;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.model.Topology.Endpoint;
import dev.nslab.lab.model.Topology.ExpectDef;
import dev.nslab.lab.model.Topology.Kind;
import dev.nslab.lab.model.Topology.LinkDef;
import dev.nslab.lab.model.Topology.NodeDef;
import dev.nslab.lab.model.Topology.RouteDef;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.Link;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a topology file (containerlab's format plus nslab's keys) and checks everything that can be checked before
 * touching the machine: the first mistake becomes a {@link LabException} at its file:line:column. Keys that
 * only mean something to containers are accepted with a warning.
 */
public final class TopologyParser {
    /** containerlab keys that need containers: accepted and ignored, with one warning each. */
    static final Set<String> CONTAINER_KEYS = Set.of(
            // every other node key of containerlab's published schema (schemas/clab.schema.json), which nslab does not honour
            "aliases", "auto-remove", "cap-add", "certificate", "cgroup-parent", "cgroupns-mode", "cmd", "components", "config",
            "cpu", "cpu-set", "credentials", "devices", "dns", "enforce-startup-config", "entrypoint", "env-files", "extras",
            "image", "image-pull-policy", "license", "link-apply-mode", "memory",
            "pid-mode", "ports", "privileged", "restart-policy", "runtime",
            "security-opts", "shm-size", "startup-config", "suppress-startup-config", "sysctls",
            "tmpfs", "type", "user", "volumes",
            // older spellings and keys of other levels that reach here
            "mgmt", "mgmt_ipv4", "mgmt_ipv6", "publish", "settings");
    /** containerlab's names of its FRR kind: a linux node of an FRR image whose /etc/frr nslab makes from the file. */
    private static final Set<String> FRR_KINDS = Set.of("frr", "frrouting");
    /** containerlab's keys for a node that runs as a container of an image (a container engine runs it). */
    static final Set<String> IMAGE_KEYS = Set.of("image", "cmd", "entrypoint", "user", "image-pull-policy", "healthcheck");
    private static final Set<String> TOP_KEYS = Set.of("name", "prefix", "topology", "expect", "mgmt", "settings", "debug");
    private static final Set<String> NODE_KEYS = Set.of("kind", "group", "labels", "interfaces", "routes", "forwarding", "exec", "env", "binds",
            "services", "network-mode", "startup-delay", "wait-for", "mgmt-ipv4", "mgmt-ipv6", "stages", "hostname");
    private static final Set<String> TOPOLOGY_KEYS = Set.of("nodes", "links", "defaults", "kinds", "groups");
    private static final Set<String> SERVICE_KEYS = Set.of("name", "cmd", "ready", "restart", "timeout");

    private final String file;
    private String labName;
    private final List<String> warnings = new ArrayList<>();
    private Inheritance levels = Inheritance.none();

    /** The lab's name when it is not the file's (containerlab's {@code deploy --name}); null: the file's. */
    private final String named;

    private TopologyParser(String file, String named) {
        this.file = file;
        this.named = named;
    }

    /** The largest lab file read: 5,000 nodes with their links and programs fit in a few megabytes. */
    static final long MAX_FILE_BYTES = 16L << 20;

    /** Reads and checks a file; never touches the machine (what the machine must offer is {@link Preflight}'s). */
    public static Topology parseFile(Path path) { return parseFile(path, null); }

    /** The same, the lab named {@code name} whatever the file's {@code name:} says (null: as it says). */
    public static Topology parseFile(Path path, String name) { return parseFile(path, path.toString(), name, System.getenv()::get); }

    /**
     * The same, for a caller that reads the file on somebody else's behalf: {@code path} where it is, {@code shown}
     * as that somebody typed it (for errors), {@code env} their environment for the file's {@code ${VAR}}.
     */
    public static Topology parseFile(Path path, String shown, String name, java.util.function.Function<String, String> env) {
        String text;
        try {
            // the size first: a lab file is a few hundred kilobytes at most; a huge one is refused before it is read
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new LabException(shown, 0, 0, String.format("the file is %,d bytes, more than a lab file may be (%,d): "
                        + "it is not read", size, MAX_FILE_BYTES));
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new LabException(shown, 0, 0, "no such file");
        } catch (IOException e) {
            throw new LabException(shown, 0, 0, "cannot read: " + e.getMessage());
        }
        Topology t = parse(shown, text, env, name);
        // errors show the path as the user typed it; the lab's state remembers where the file really is
        return new Topology(t.name(), t.prefix(), path.toAbsolutePath().normalize().toString(), t.nodes(), t.links(),
                t.expects(), t.warnings(), t.devices(), t.mgmt());
    }

    public static Topology parse(String file, String text) { return parse(file, text, System.getenv()::get, null); }

    /** The same, the lab named {@code name} whatever the file's {@code name:} says (null: as it says). */
    public static Topology parse(String file, String text, String name) { return parse(file, text, System.getenv()::get, name); }

    /** The same, with {@code env} for containerlab's {@code ${VAR}} and {@code ${VAR:=default}} in the file. */
    public static Topology parse(String file, String text, Map<String, String> env) { return parse(file, text, env::get, null); }

    private static Topology parse(String file, String text, java.util.function.Function<String, String> env, String name) {
        if (name != null && Names.whyNotLab(name) != null) throw new LabException("the lab's name \"" + name + "\": " + Names.whyNotLab(name));
        return new TopologyParser(file, name).topology(Yaml.parse(file, expand(file, text, env)));
    }

    private static final java.util.regex.Pattern VARIABLE = java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?}");

    /**
     * containerlab's variables: {@code ${VAR}} from the environment, {@code ${VAR:=default}} when it is unset or empty;
     * one unset and without a default is left as written (as containerlab does: an exec line's shell may expand it).
     */
    static String expand(String file, String text, java.util.function.Function<String, String> env) {
        java.util.regex.Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null || v.isEmpty()) v = m.group(2);
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Where a warning about the file goes: one per place in it (see {@link #warn}). */
    interface Warner {
        void warn(Node at, String msg);
    }

    private final Set<String> warnedAt = new HashSet<>();

    /** One warning per place in the file (a key of a group or of the defaults is read once per node that inherits it). */
    private void warn(Node at, String msg) {
        String where = file + ":" + at.line() + ":" + at.column();
        if (warnedAt.add(where)) warnings.add(where + ": warning: " + msg);
    }

    private Topology topology(Node root) {
        Map<String, Node> top = root.map("the file");
        for (Map.Entry<String, Node> e : top.entrySet()) {
            if (e.getKey().equals("settings") || e.getKey().equals("debug")) {
                warn(e.getValue(), "\"" + e.getKey() + "\" means nothing without containers: ignored");
            }
            else if (!TOP_KEYS.contains(e.getKey())) throw unknownKey(e.getValue(), e.getKey(), TOP_KEYS);
        }
        Node nameNode = required(root, top, "name", "the lab's name, e.g. \"name: vlan-demo\"");
        String name = named != null ? named : nameNode.text("name");
        String badName = Names.whyNotLab(name);
        if (badName != null) throw nameNode.error(badName);
        String prefix = name + "-";
        if (top.containsKey("prefix") && top.get("prefix").value() != null) {
            // as containerlab names its containers: PREFIX-LAB-NODE; "__lab-name": LAB-NODE; "": NODE
            String p = top.get("prefix").text("prefix");
            String badPrefix = p.equals("__lab-name") ? null : Names.whyNotPrefix(p);
            if (badPrefix != null) throw top.get("prefix").error(badPrefix);
            prefix = p.isEmpty() ? "" : p.equals("__lab-name") ? name + "-" : p + "-" + name + "-";
        }
        labName = name;
        Node topo = required(root, top, "topology", "the nodes and links, under \"topology:\"");
        Map<String, Node> t = topo.map("topology");
        for (Map.Entry<String, Node> e : t.entrySet()) {
            if (CONTAINER_KEYS.contains(e.getKey())) warn(e.getValue(), "\"" + e.getKey() + "\" means nothing without containers: ignored");
            else if (!TOPOLOGY_KEYS.contains(e.getKey())) throw unknownKey(e.getValue(), e.getKey(), TOPOLOGY_KEYS);
        }
        levels = Inheritance.of(t.get("defaults"), t.get("kinds"), t.get("groups"));
        Node nodesNode = required(topo, t, "nodes", "at least one node under topology.nodes");
        List<NodeDef> nodes = new ArrayList<>();
        Map<String, Node> nodeMap = nodesNode.value() == null ? Map.of() : nodesNode.map("topology.nodes");
        for (Map.Entry<String, Node> e : nodeMap.entrySet()) nodes.add(node(e.getKey(), levels.node(e.getKey(), e.getValue()), prefix));
        Map<String, NodeDef> byName = new HashMap<>();
        nodes.forEach(n -> byName.put(n.name(), n));
        nodes.replaceAll(n -> checkPlacement(n, byName, nodeMap.get(n.name())));
        nodes.forEach(n -> byName.put(n.name(), n));
        checkNoWaitCycle(nodes, byName, nodeMap);
        if (!byName.containsKey("host") && mentionsHost(t.get("links"))) {
            // containerlab's "host:IFACE" endpoints: the machine itself, a node no file declares
            NodeDef host = new NodeDef("host", Kind.LINUX, Map.of(), List.of(), false, List.of(), Topology.Programs.NONE,
                    new Topology.Meta(null, Map.of(), Topology.Meta.HOST, 0, List.of(), null, null, false, List.of()), topo.line());
            nodes.add(host);
            byName.put("host", host);
        }
        LinkParser linkParser = new LinkParser(name, byName, this::warn);
        linkParser.read(t.get("links"));
        List<LinkDef> links = linkParser.links;
        List<Topology.DeviceDef> devices = linkParser.devices;
        checkInterfaces(nodes, links, devices, linkParser.mgmtLinks, nodeMap);
        if (linkParser.hasEndpointAddresses()) nodes.replaceAll(linkParser::withEndpointAddresses);
        MgmtParser mgmtParser = new MgmtParser(file, this::warn, linkParser.mgmtLinks, noMgmt);
        Topology.Mgmt mgmt = mgmtParser.read(top.get("mgmt"), nodes, nodeMap, links, name);
        if (mgmt != null) nodes.replaceAll(mgmtParser::withAddresses);
        List<ExpectDef> expects = new ArrayList<>();
        Node ex = top.get("expect");
        if (ex != null && ex.value() != null) for (Node e : ex.list("expect")) expects.add(expect(e, byName));
        return new Topology(name, prefix, file, List.copyOf(nodes), List.copyOf(links), List.copyOf(expects), List.copyOf(warnings),
                List.copyOf(devices), mgmt);
    }

    static String textOf(Node n) { return n == null || n.value() == null ? null : n.text("a value"); }

    /**
     * network-mode container:NODE names a linux node with a namespace of its own, or a container outside the lab
     * (the node returned then says so); wait-for names nodes of the file.
     */
    private static NodeDef checkPlacement(NodeDef n, Map<String, NodeDef> byName, Node at) {
        Map<String, Node> m = at.value() == null ? Map.of() : at.map("node");
        String other = n.sharesWith();
        NodeDef placed = n;
        if (other != null) {
            NodeDef o = byName.get(other);
            Node where = m.getOrDefault("network-mode", at);
            if (o == null) {
                // no node of the file: a container outside the lab, whose network namespace this node is
                if (n.kind() != Kind.LINUX || n.programs().image() != null || !n.programs().services().isEmpty() || !n.programs().binds().isEmpty()) {
                    throw where.error("network-mode container:" + other + " names no node of the file, so a container outside the lab; "
                            + "node " + n.name() + " joins one only as a plain linux node (no image, services or binds of its own)");
                }
                placed = new NodeDef(n.name(), n.kind(), n.addresses(), n.routes(), n.forwarding(), n.exec(), n.programs(),
                        n.meta().withNetwork(Topology.Meta.OUTSIDE + other), n.line());
            }
            else if (o == n) throw where.error("node " + n.name() + " cannot share its own namespace");
            else if (o.kind() != Kind.LINUX || o.meta().network() != null) {
                throw where.error("network-mode container:" + other + ": " + other + " must be a linux node with a namespace of its own");
            }
        }
        for (String w : n.meta().waitFor()) {
            if (!byName.containsKey(w)) throw m.getOrDefault("wait-for", at).error("wait-for names \"" + w + "\", which is not a node of the file");
        }
        return placed;
    }

    /**
     * Refuses a circle of wait-for. Each node is walked once (a depth-first search with the nodes done remembered, and
     * an explicit stack), so that a long chain or a dense web of waits costs time linear in the waits, never
     * exponential, and no deep recursion.
     */
    private static void checkNoWaitCycle(List<NodeDef> nodes, Map<String, NodeDef> byName, Map<String, Node> at) {
        Set<String> done = new HashSet<>();
        for (NodeDef start : nodes) {
            if (done.contains(start.name())) continue;
            List<String> path = new ArrayList<>();
            Set<String> onPath = new HashSet<>();
            List<Iterator<String>> next = new ArrayList<>();
            path.add(start.name());
            onPath.add(start.name());
            next.add(start.meta().waitFor().iterator());
            while (!path.isEmpty()) {
                Iterator<String> it = next.getLast();
                if (!it.hasNext()) {
                    String finished = path.removeLast();
                    onPath.remove(finished);
                    done.add(finished);
                    next.removeLast();
                    continue;
                }
                String w = it.next();
                if (onPath.contains(w)) {
                    List<String> cycle = new ArrayList<>(path.subList(path.indexOf(w), path.size()));
                    cycle.add(w);
                    Node where = at.get(cycle.getFirst());
                    throw where.map("node").getOrDefault("wait-for", where).error("wait-for goes round in a circle: " + String.join(" -> ", cycle));
                }
                if (done.contains(w) || !byName.containsKey(w)) continue;
                path.add(w);
                onPath.add(w);
                next.add(byName.get(w).meta().waitFor().iterator());
            }
        }
    }

    /** Whether a link has a brief endpoint "host:IFACE" (the machine's own end). */
    private static boolean mentionsHost(Node links) {
        if (links == null || !links.isList()) return false;
        for (Node l : links.list("links")) {
            if (!l.isMap()) continue;
            Node eps = l.map("a link").get("endpoints");
            if (eps == null || !eps.isList()) continue;
            for (Node e : eps.list("endpoints")) if (!e.isMap() && !e.isList() && e.value() != null && String.valueOf(e.value()).startsWith("host:")) return true;
        }
        for (Node l : links.list("links")) {
            if (l.isMap() && "host".equals(textOf(l.map("a link").get("type")))) return true;
        }
        return false;
    }

    private NodeDef node(String name, Node n, String prefix) {
        // the one name rule, whatever the node's kind and mode (containerlab's BRIDGE|NODE: each part)
        for (String part : name.split("\\|", 2)) {
            String bad = Names.whyNotNode(part);
            if (bad != null) throw n.error(bad);
        }
        Map<String, Node> m = n.value() == null ? Map.of() : n.map("node \"" + name + "\"");
        boolean frrKind = m.containsKey("kind") && m.get("kind").value() != null && FRR_KINDS.contains(String.valueOf(m.get("kind").value()));
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (IMAGE_KEYS.contains(e.getKey())) continue; // read with the node's programs
            if (frrKind && Set.of("startup-config", "extras").contains(e.getKey())) continue; // kind frr's
            if (CONTAINER_KEYS.contains(e.getKey())) warn(e.getValue(), "\"" + e.getKey() + "\" of node " + name + " means nothing without containers: ignored");
            else if (!NODE_KEYS.contains(e.getKey())) throw unknownKey(e.getValue(), e.getKey(), NODE_KEYS);
        }
        String kindText = m.containsKey("kind") ? m.get("kind").text("kind") : "linux";
        Stages stages = stages(name, m.get("stages"));
        Topology.Meta meta = meta(name, m, kindText.equals("host"), stages);
        if (kindText.equals("ext-container")) {
            // containerlab's container made by someone else: the node is its network namespace, under the node's name
            for (String k : List.of("network-mode", "image", "binds", "services", "hostname")) {
                if (m.containsKey(k) && m.get(k).value() != null) {
                    throw m.get(k).error(k + " of " + name + ": an ext-container is a container outside the lab, made by someone else: "
                            + "nslab joins its network namespace and wires it, nothing more");
                }
            }
            meta = meta.withNetwork(Topology.Meta.OUTSIDE + name);
        }
        Kind kind = switch (kindText) {
            case "linux", "host", "frr", "frrouting", "ext-container" -> Kind.LINUX;
            case "bridge" -> Kind.BRIDGE;
            case "ovs-bridge" -> Kind.OVS_BRIDGE;
            default -> {
                String near = closest(kindText, List.of("linux", "host", "bridge", "ovs-bridge", "ext-container"));
                throw (m.containsKey("kind") ? m.get("kind") : n).error("kind \"" + kindText + "\" of node " + name + (near != null
                        ? " is not a kind nslab knows (did you mean " + near + "?)"
                        : " needs a container image") + ": nslab runs kind linux (a namespace), bridge (a Linux bridge), ovs-bridge (Open vSwitch) "
                        + "and ext-container (a container outside the lab)");
            }
        };
        if (meta.network() != null && kind != Kind.LINUX && !(kind == Kind.BRIDGE && meta.network() != Topology.Meta.HOST)) {
            throw m.get("network-mode").error("network-mode belongs to linux nodes (and, as container:NODE, to a bridge inside NODE), "
                    + "not to the switch " + name);
        }
        if (meta.network() != null) {
            for (String k : List.of("interfaces", "routes", "forwarding", "services")) {
                Node v = m.get(k);
                if (v == null || v.value() == null || !meta.network().equals(Topology.Meta.HOST)) continue;
                throw v.error(k + " of " + name + " would change the machine itself (it is " + (kindText.equals("host") ? "kind: host"
                        : "network-mode: host") + "); nslab leaves the root namespace's addresses, routes and programs to you (exec lines run there)");
            }
        }
        if (name.contains("|") && kind != Kind.BRIDGE) throw n.error("node name \"" + name + "\": \"|\" belongs to bridge nodes (containerlab's BRIDGE|NODE)");
        if (kind == Kind.OVS_BRIDGE) checkIfName(n, name, "Open vSwitch bridge name");
        if (kind == Kind.BRIDGE) {
            if (name.contains("|") && meta.network() == null) {
                throw n.error("bridge " + name + ": containerlab's BRIDGE|NODE names a bridge inside NODE, which needs network-mode: container:NODE");
            }
            checkIfName(n, name.contains("|") ? name.substring(0, name.indexOf('|')) : name, "bridge name");
        }
        Map<String, List<Cidr>> addresses = new LinkedHashMap<>();
        Node ifs = m.get("interfaces");
        if (ifs != null && ifs.value() != null) {
            if (kind != Kind.LINUX) throw ifs.error("interfaces (addresses) belong on linux nodes, not on the switch " + name);
            for (Map.Entry<String, Node> e : ifs.map("interfaces of " + name).entrySet()) {
                checkIfName(e.getValue(), e.getKey(), "interface name");
                addresses.put(e.getKey(), addresses(e.getKey(), e.getValue()));
            }
        }
        List<RouteDef> routes = new ArrayList<>();
        Node rs = m.get("routes");
        if (rs != null && rs.value() != null) {
            if (kind != Kind.LINUX) throw rs.error("routes belong on linux nodes, not on the switch " + name);
            for (Node r : rs.list("routes of " + name)) routes.add(route(r, name));
        }
        boolean frr = FRR_KINDS.contains(kindText);
        Node fw = m.get("forwarding");
        Boolean forwardingSaid = fw == null || fw.value() == null ? null : fw.bool("forwarding");
        List<String> exec = new ArrayList<>();
        Node ex = m.get("exec");
        if (ex != null && ex.value() != null) {
            if (kind != Kind.LINUX) throw ex.error("exec runs commands in linux nodes, not in the switch " + name);
            if (ex.isList()) for (Node c : ex.list("exec")) exec.add(nodeName(c.text("a command"), name));
            else exec.add(nodeName(ex.text("exec"), name));
        }
        if (!stages.before().isEmpty() || !stages.after().isEmpty()) {
            if (kind != Kind.LINUX) throw m.get("stages").error("stage commands run in linux nodes, not in the switch " + name);
            exec.addAll(0, stages.before());
            exec.addAll(stages.after());
        }
        Topology.Programs programs = programs(name, kind, m, frr ? frr(name, n, m) : null);
        // an FRR router forwards, as containerlab's kind frr sets it; so does every container of containerlab's: a new
        // network namespace inherits IPv4 forwarding from the machine's, which Docker switches on (frr01's routers
        // forward without a word about it in the file)
        boolean forwarding = forwardingSaid != null ? forwardingSaid : frr || programs.image() != null;
        return new NodeDef(name, kind, addresses, List.copyOf(routes), forwarding, List.copyOf(exec), programs, meta, n.line());
    }

    /** group, labels, network-mode, startup-delay, wait-for (its own and its stages') and the management addresses of a node. */
    private Topology.Meta meta(String name, Map<String, Node> m, boolean hostKind, Stages stages) {
        String group = textOf(m.get("group"));
        Map<String, String> labels = new LinkedHashMap<>();
        Node ln = m.get("labels");
        if (ln != null && ln.value() != null) {
            for (Map.Entry<String, Node> e : ln.map("labels of " + name + " (e.g. {role: spine})").entrySet()) {
                labels.put(e.getKey(), e.getValue().value() == null ? "" : e.getValue().text("the label " + e.getKey()));
            }
        }
        String network = hostKind ? Topology.Meta.HOST : null;
        Node nm = m.get("network-mode");
        if (nm != null && nm.value() != null && !hostKind) {
            String mode = nm.text("network-mode");
            if (mode.equals("none")) noMgmt.add(name);
            if (mode.equals("host")) network = Topology.Meta.HOST;
            else if (mode.startsWith("container:")) network = mode.substring("container:".length());
            else if (!mode.equals("none") && !mode.equals("bridge")) {
                throw nm.error("network-mode \"" + mode + "\": use host (the machine's own network), container:NODE (another node's "
                        + "namespace) or none");
            }
            if (network != null && network.isEmpty()) throw nm.error("network-mode container: needs the node whose namespace to share, e.g. container:r1");
        }
        long delay = 0;
        Node dn = m.get("startup-delay");
        if (dn != null && dn.value() != null) {
            int sec = dn.integer("startup-delay (seconds)");
            if (sec < 0) throw dn.error("startup-delay " + sec + " is negative: use seconds, 0 or more");
            delay = sec * 1000L;
        }
        List<String> waitFor = new ArrayList<>();
        Node wn = m.get("wait-for");
        if (wn != null && wn.value() != null) {
            for (Node w : wn.isList() ? wn.list("wait-for") : List.of(wn)) {
                if (w.isMap()) {
                    Node wnode = w.map("a wait-for entry").get("node");
                    if (wnode == null) throw w.error("a wait-for entry names a node: {node: r1}");
                    waitFor.add(wnode.text("node"));
                } else {
                    waitFor.add(w.text("a node to wait for"));
                }
            }
        }
        Cidr mgmt4 = mgmtAddress(m.get("mgmt-ipv4"), Family.INET), mgmt6 = mgmtAddress(m.get("mgmt-ipv6"), Family.INET6);
        if ((mgmt4 != null || mgmt6 != null) && network != null) {
            throw (mgmt4 != null ? m.get("mgmt-ipv4") : m.get("mgmt-ipv6")).error("node " + name + " has no management interface of its own "
                    + "(network-mode " + (network.equals(Topology.Meta.HOST) ? "host" : "container:" + network) + ")");
        }
        for (String w : stages.waitFor()) if (!waitFor.contains(w)) waitFor.add(w);
        String hostname = null;
        Node hn = m.get("hostname");
        if (hn != null && hn.value() != null) {
            hostname = hn.text("hostname");
            // a host name: letters, digits and "-" in dot-separated labels of at most 63, at most 64 in all (sethostname)
            if (hostname.length() > 64 || !hostname.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")) {
                throw hn.error("hostname \"" + hostname + "\" is not a host name: letters, digits and \"-\" in labels separated by \".\", "
                        + "at most 64 characters");
            }
        }
        return new Topology.Meta(group, Map.copyOf(labels), network, delay, List.copyOf(waitFor), mgmt4, mgmt6, false, stages.hostExec(), hostname,
                stages.waitHealthy());
    }

    /** What nslab takes from containerlab's stages: the nodes waited for, and the commands run in the node and on the machine. */
    private record Stages(List<String> waitFor, List<String> before, List<String> after, List<String> hostExec, List<String> waitHealthy) {
        static final Stages NONE = new Stages(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    private static final List<String> STAGE_ORDER = List.of("create", "create-links", "configure", "healthy", "exit");

    /**
     * containerlab's {@code stages}: every stage's {@code wait-for} orders this node's commands after the other
     * node's (nslab has one stage: wired); exec commands of create, create-links and configure run before the node's
     * exec lines, those of healthy after, {@code target: host} ones on the machine; exit (a container stopping) has no
     * counterpart and is warned about.
     */
    private Stages stages(String node, Node sn) {
        if (sn == null || sn.value() == null) return Stages.NONE;
        Map<String, Node> m = sn.map("stages of " + node);
        List<String> waitFor = new ArrayList<>(), before = new ArrayList<>(), after = new ArrayList<>(), host = new ArrayList<>(),
                healthy = new ArrayList<>();
        for (String stage : STAGE_ORDER) {
            Node st = m.get(stage);
            if (st == null || st.value() == null) continue;
            Map<String, Node> sm = st.map("stage " + stage);
            for (Map.Entry<String, Node> e : sm.entrySet()) {
                if (!e.getKey().equals("wait-for") && !e.getKey().equals("exec")) throw unknownKey(e.getValue(), e.getKey(), Set.of("wait-for", "exec"));
            }
            Node wn = sm.get("wait-for");
            if (wn != null && wn.value() != null) {
                for (Node w : wn.list("wait-for of stage " + stage)) {
                    Node wnode = w.map("a wait-for entry").get("node"), wstage = w.map("a wait-for entry").get("stage");
                    if (wnode == null) throw w.error("a wait-for entry names a node: {node: r1, stage: create}");
                    waitFor.add(wnode.text("node"));
                    if (wstage != null && "healthy".equals(wstage.text("stage")) && !healthy.contains(wnode.text("node"))) healthy.add(wnode.text("node"));
                }
            }
            Node en = sm.get("exec");
            if (en == null || en.value() == null) continue;
            if (stage.equals("exit")) {
                warn(en, "exec of stage exit (when a container stops) has no counterpart in nslab: ignored");
                continue;
            }
            List<String> enter = new ArrayList<>(), exit = new ArrayList<>();
            for (Node x : en.list("exec of stage " + stage)) {
                Map<String, Node> xm = x.map("a stage command ({command: ..., target: container|host, phase: on-enter|on-exit})");
                Node cmd = xm.get("command");
                if (cmd == null || cmd.value() == null) throw x.error("a stage command needs \"command\"");
                String target = textOf(xm.get("target")), phase = textOf(xm.get("phase"));
                if (target != null && !target.equals("container") && !target.equals("host")) throw xm.get("target").error("target \"" + target + "\": use container or host");
                if (phase != null && !phase.equals("on-enter") && !phase.equals("on-exit")) throw xm.get("phase").error("phase \"" + phase + "\": use on-enter or on-exit");
                String c = nodeName(cmd.text("command"), node);
                if ("host".equals(target)) host.add(c);
                else ("on-exit".equals(phase) ? exit : enter).add(c);
            }
            (stage.equals("healthy") ? after : before).addAll(enter);
            (stage.equals("healthy") ? after : before).addAll(exit);
        }
        return new Stages(waitFor, before, after, host, healthy);
    }

    private static Cidr mgmtAddress(Node a, Family family) {
        if (a == null || a.value() == null) return null;
        String text = a.text("a management address");
        try {
            InetAddress ip = Cidr.parseAddress(text);
            if (Cidr.family(ip) != family) throw a.error("\"" + text + "\" is not an " + (family == Family.INET ? "IPv4" : "IPv6") + " address");
            return new Cidr(ip, family == Family.INET ? 32 : 128);
        } catch (LabException e) {
            throw e;
        } catch (RuntimeException e) {
            throw a.error("\"" + text + "\" is not a valid " + (family == Family.INET ? "IPv4" : "IPv6") + " address (without a prefix length)");
        }
    }

    /** {@code env}, {@code binds} and {@code services} of a node (containerlab's keys, and nslab's services). */
    private Topology.Programs programs(String node, Kind kind, Map<String, Node> m, Topology.FrrDef frr) {
        Map<String, String> env = new LinkedHashMap<>();
        Node en = m.get("env");
        if (en != null && en.value() != null) {
            for (Map.Entry<String, Node> e : en.map("env of " + node + " (e.g. {GREETING: hello})").entrySet()) {
                if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) throw e.getValue().error("\"" + e.getKey() + "\" is not an environment variable name");
                env.put(e.getKey(), e.getValue().value() == null ? "" : nodeName(e.getValue().text("the value of " + e.getKey()), node));
            }
        }
        List<Topology.BindDef> binds = new ArrayList<>();
        Node bn = m.get("binds");
        if (bn != null && bn.value() != null) {
            Path base = Path.of(file).toAbsolutePath().getParent();
            for (Node b : bn.list("binds of " + node)) {
                String text = nodeName(b.text("a bind (HOST:NODE or HOST:NODE:ro)"), node);
                String[] parts = text.split(":");
                boolean ro = parts.length == 3 && parts[2].equals("ro");
                if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !ro && !parts[2].equals("rw")) || parts[0].isEmpty()
                        || !parts[1].startsWith("/")) {
                    throw b.error("bind \"" + text + "\" is not HOST:NODE[:ro] (the node path absolute, e.g. ./site:/srv/site:ro)");
                }
                String host = base.resolve(parts[0]).normalize().toString();
                String target = Path.of(parts[1]).normalize().toString();
                // the node's own file system holds it: nothing binds over what makes the node work, or over all of it
                for (String kept : List.of("/", "/proc", "/sys", "/dev")) {
                    if (target.equals(kept) || (!kept.equals("/") && target.startsWith(kept + "/"))) {
                        throw b.error("bind \"" + text + "\" onto " + target + ": " + (kept.equals("/") ? "the node's whole file system"
                                : kept + " is the node's own (made for its namespaces)") + " cannot be bound over; bind onto a directory or file of it");
                    }
                }
                binds.add(new Topology.BindDef(host, target, ro, b.line(), b.column()));
            }
        }
        List<Topology.ServiceDef> services = new ArrayList<>();
        Node sn = m.get("services");
        if (sn != null && sn.value() != null) {
            Set<String> names = new HashSet<>();
            for (Node x : sn.list("services of " + node)) {
                Topology.ServiceDef svc = service(node, x);
                svc = new Topology.ServiceDef(svc.name(), nodeName(svc.cmd(), node), svc.ready() instanceof Topology.Ready.Cmd c
                        ? new Topology.Ready.Cmd(nodeName(c.cmd(), node)) : svc.ready(), svc.restart(), svc.timeoutMillis(), svc.line());
                if (!names.add(svc.name())) throw (x.map("a service").getOrDefault("name", x)).error("node " + node + " has two services named " + svc.name());
                services.add(svc);
            }
        }
        boolean any = !env.isEmpty() || !binds.isEmpty() || !services.isEmpty();
        if (any && kind != Kind.LINUX) {
            Node at = en != null ? en : bn != null ? bn : sn;
            throw at.error("env, binds and services belong to linux nodes, not to the switch " + node);
        }
        Topology.ImageDef image = image(node, kind, m, env);
        if (frr != null) {
            if (image == null) {
                throw m.get("kind").error("node " + node + " of kind frr needs an image: an FRR image (scripts/build-image frr builds one from "
                        + "Debian's packages), e.g. image: localhost/nslab/frr:bookworm");
            }
            image = new Topology.ImageDef(image.image(), image.cmd(), image.entrypoint(), image.user(), image.pullPolicy(), image.env(), frr,
                    image.health(), image.line(), image.column());
        }
        return any || image != null ? new Topology.Programs(Map.copyOf(env), List.copyOf(binds), List.copyOf(services), image) : Topology.Programs.NONE;
    }

    /** containerlab's {@code startup-config} (a file, read now) and {@code extras.frr.daemons} of a node of kind frr. */
    private Topology.FrrDef frr(String node, Node at, Map<String, Node> m) {
        String config = null;
        Node sc = m.get("startup-config");
        if (sc != null && sc.value() != null) {
            Path p = Path.of(file).toAbsolutePath().getParent().resolve(sc.text("startup-config")).normalize();
            if (!java.nio.file.Files.isRegularFile(p)) throw sc.error("startup-config " + p + " of node " + node + " is not a file");
            config = p.toString();
        }
        List<String> daemons = new ArrayList<>();
        Node ex = m.get("extras");
        if (ex != null && ex.value() != null) {
            Node f = ex.map("extras").get("frr");
            Node ds = f == null || f.value() == null ? null : f.map("extras.frr").get("daemons");
            if (ds != null && ds.value() != null) {
                for (Node d : ds.list("extras.frr.daemons")) {
                    String name = d.text("a daemon");
                    if (Topology.FrrDef.ALWAYS.contains(name)) continue; // always started: nothing to switch on
                    if (!Topology.FrrDef.CONFIGURABLE.contains(name)) {
                        throw d.error("unknown FRR daemon \"" + name + "\" (known: " + String.join(", ", Topology.FrrDef.CONFIGURABLE) + "; always on: "
                                + String.join(", ", Topology.FrrDef.ALWAYS) + ")");
                    }
                    daemons.add(name);
                }
            }
        }
        return new Topology.FrrDef(config, List.copyOf(daemons));
    }

    /** {@code image:} and how it runs ({@code cmd}, {@code entrypoint}, {@code user}, {@code image-pull-policy}); null without an image. */
    private Topology.ImageDef image(String node, Kind kind, Map<String, Node> m, Map<String, String> env) {
        Node im = m.get("image");
        if (im == null || im.value() == null || kind != Kind.LINUX || (m.containsKey("network-mode") && m.get("network-mode").value() != null)) {
            for (String k : IMAGE_KEYS) {
                Node v = m.get(k);
                if (v == null) continue;
                warn(v, "\"" + k + "\" of node " + node + (kind != Kind.LINUX ? " means nothing for a switch"
                        : im == null || im.value() == null ? " means nothing without \"image\"" : " means nothing for a node in another's namespace") + ": ignored");
            }
            return null;
        }
        String name = im.text("image");
        if (name.isBlank() || name.chars().anyMatch(c -> c <= ' ')) throw im.error("image \"" + name + "\" is not an image name (e.g. alpine:3.20, quay.io/frrouting/frr:10.2.1)");
        String policy = "IfNotPresent";
        Node p = m.get("image-pull-policy");
        if (p != null && p.value() != null) {
            String v = p.text("image-pull-policy");
            policy = switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "ifnotpresent" -> "IfNotPresent";
                case "always" -> "Always";
                case "never" -> "Never";
                default -> throw p.error("image-pull-policy \"" + v + "\" is not IfNotPresent, Always or Never");
            };
        }
        return new Topology.ImageDef(name, shellWords(m.get("cmd"), "cmd"), shellWords(m.get("entrypoint"), "entrypoint"),
                m.containsKey("user") && m.get("user").value() != null ? m.get("user").text("user") : null, policy, Map.copyOf(env), null,
                health(node, m.get("healthcheck")), im.line(), im.column());
    }

    private static final Set<String> HEALTH_KEYS = Set.of("test", "interval", "timeout", "retries", "start-period");

    /** containerlab's healthcheck: test ([CMD-SHELL, line] or [CMD, program, args...]) and whole seconds. */
    private static Topology.HealthDef health(String node, Node h) {
        if (h == null || h.value() == null) return null;
        Map<String, Node> m = h.map("healthcheck of " + node);
        for (Map.Entry<String, Node> e : m.entrySet()) if (!HEALTH_KEYS.contains(e.getKey())) throw unknownKey(e.getValue(), e.getKey(), HEALTH_KEYS);
        Node t = m.get("test");
        if (t == null || t.value() == null) throw h.error("a healthcheck needs \"test\", e.g. test: [CMD-SHELL, \"ping -c1 -W1 10.0.0.1\"]");
        List<String> test = new ArrayList<>();
        if (t.isList()) for (Node w : t.list("test")) test.add(w.text("a word of test"));
        else test.addAll(List.of("CMD-SHELL", t.text("test"))); // Docker's short form: one shell line
        String how = test.isEmpty() ? "" : test.getFirst();
        if (!(how.equals("CMD-SHELL") && test.size() == 2) && !(how.equals("CMD") && test.size() >= 2)) {
            throw t.error("test " + test + " is not [CMD-SHELL, \"a shell line\"] nor [CMD, program, args...]");
        }
        int[] v = new int[4];
        List<String> keys = List.of("interval", "timeout", "retries", "start-period");
        for (int i = 0; i < keys.size(); i++) {
            Node n = m.get(keys.get(i));
            if (n == null || n.value() == null) continue;
            String text = n.text(keys.get(i));
            try {
                v[i] = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                v[i] = -1;
            }
            if (v[i] < 0) throw n.error(keys.get(i) + " \"" + text + "\" is not a whole number of " + (i == 2 ? "tries" : "seconds"));
        }
        return new Topology.HealthDef(List.copyOf(test), v[0], v[1], v[2], v[3]);
    }

    /** A command line split as a shell splits words (quotes, backslashes), as containerlab splits cmd; null when absent. */
    private static List<String> shellWords(Node n, String what) {
        if (n == null || n.value() == null) return null;
        String text = n.text(what);
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\' && quote == '"' && i + 1 < text.length()) w.append(text.charAt(++i));
                else w.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < text.length()) {
                w.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) out.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) throw n.error(what + " has an unclosed " + quote + " quote");
        if (inWord) out.add(w.toString());
        return List.copyOf(out);
    }

    private Topology.ServiceDef service(String node, Node x) {
        Map<String, Node> m = x.map("a service (e.g. {name: web, cmd: \"python3 -m http.server 8000\", ready: {tcp: 8000}})");
        for (Map.Entry<String, Node> e : m.entrySet()) if (!SERVICE_KEYS.contains(e.getKey())) throw unknownKey(e.getValue(), e.getKey(), SERVICE_KEYS);
        Node nameN = m.get("name");
        if (nameN == null || nameN.value() == null) throw x.error("a service of node " + node + " needs a name (name: web)");
        String name = nameN.text("the service's name");
        String badName = Names.whyNotService(name);
        if (badName != null) throw nameN.error(badName);
        Node cmdN = m.get("cmd");
        if (cmdN == null || cmdN.value() == null) throw x.error("service " + name + " of node " + node + " needs a cmd (the program and its arguments, run with sh -c)");
        String cmd = cmdN.text("cmd");
        Topology.Ready ready = null;
        Node rn = m.get("ready");
        if (rn != null && rn.value() != null) {
            Map<String, Node> r = rn.map("ready ({tcp: PORT}, {cmd: \"...\"} or {after: 2s})");
            if (r.size() != 1) throw rn.error("ready takes one form: {tcp: PORT}, {cmd: \"...\"} or {after: 2s}");
            Map.Entry<String, Node> e = r.entrySet().iterator().next();
            ready = switch (e.getKey()) {
                case "tcp" -> {
                    int port = e.getValue().integer("a TCP port");
                    if (port < 1 || port > 65535) throw e.getValue().error("TCP port " + port + " is out of range: use 1 to 65535");
                    yield new Topology.Ready.Tcp(port);
                }
                case "cmd" -> new Topology.Ready.Cmd(e.getValue().text("a command"));
                case "after" -> new Topology.Ready.After(millis(e.getValue(), "after"));
                default -> throw e.getValue().error("unknown ready form \"" + e.getKey() + "\": use {tcp: PORT}, {cmd: \"...\"} or {after: 2s}");
            };
        }
        Topology.Restart restart = Topology.Restart.NO;
        Node rs = m.get("restart");
        if (rs != null && rs.value() != null) {
            String w = rs.value() instanceof Boolean bo ? (bo ? "always" : "no") : rs.text("restart");
            restart = switch (w) {
                case "no" -> Topology.Restart.NO;
                case "on-failure" -> Topology.Restart.ON_FAILURE;
                case "always" -> Topology.Restart.ALWAYS;
                default -> throw rs.error("restart \"" + w + "\": use no, on-failure or always");
            };
        }
        long timeout = m.containsKey("timeout") && m.get("timeout").value() != null ? millis(m.get("timeout"), "timeout") : 30_000;
        return new Topology.ServiceDef(name, cmd, ready, restart, timeout, x.line());
    }

    /**
     * containerlab's {@code __clabNodeName__} (the node's name) and {@code __clabNodeDir__} (where containerlab keeps
     * a node's files: {@code DIR_OF_THE_FILE/clab-LAB/NODE}), in commands, environment values and binds.
     */
    private String nodeName(String text, String node) {
        String dir = Path.of(file).toAbsolutePath().getParent().resolve("clab-" + labName).resolve(node).toString();
        return text.replace("__clabNodeName__", node).replace("__clabNodeDir__", dir);
    }

    private static long millis(Node n, String what) {
        String v = n.text(what).strip();
        java.util.regex.Matcher mt = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m)?").matcher(v);
        if (!mt.matches()) throw n.error(what + " \"" + v + "\" is not a duration: use 500ms, 2s or 1m");
        double x = Double.parseDouble(mt.group(1));
        String unit = mt.group(2) == null ? "s" : mt.group(2);
        return Math.round(x * switch (unit) { case "ms" -> 1; case "m" -> 60_000; default -> 1_000; });
    }

    private List<Cidr> addresses(String iface, Node v) {
        List<Cidr> out = new ArrayList<>();
        List<Node> items = new ArrayList<>();
        if (v.value() == null) return out;
        if (v.isMap()) {
            Map<String, Node> m = v.map("interface " + iface);
            for (Map.Entry<String, Node> e : m.entrySet()) {
                if (!e.getKey().equals("address") && !e.getKey().equals("addresses")) {
                    throw unknownKey(e.getValue(), e.getKey(), Set.of("address", "addresses"));
                }
                Node a = e.getValue();
                if (a.value() == null) continue;
                if (a.isList()) items.addAll(a.list("addresses"));
                else items.add(a);
            }
        } else if (v.isList()) {
            items.addAll(v.list("addresses"));
        } else {
            items.add(v);
        }
        for (Node a : items) out.add(cidr(a, true));
        return out;
    }

    static Cidr cidr(Node a, boolean needPrefix) {
        String text = a.text("an address");
        if (needPrefix && !text.contains("/")) {
            throw a.error("address \"" + text + "\" needs a prefix length, e.g. " + text + "/24");
        }
        try {
            return Cidr.parse(text);
        } catch (RuntimeException e) {
            throw a.error("\"" + text + "\" is not a valid IPv4 or IPv6 address with prefix (e.g. 192.168.0.1/24 or fd00::1/64)");
        }
    }

    private RouteDef route(Node r, String node) {
        Map<String, Node> m = r.map("a route (e.g. {dst: 10.1.20.0/24, via: 10.1.10.1})");
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (!Set.of("dst", "via", "dev").contains(e.getKey())) throw unknownKey(e.getValue(), e.getKey(), Set.of("dst", "via", "dev"));
        }
        Node dstN = m.get("dst");
        if (dstN == null || dstN.value() == null) throw r.error("a route of " + node + " needs \"dst\" (a prefix or \"default\")");
        InetAddress via = null;
        if (m.containsKey("via") && m.get("via").value() != null) {
            Node v = m.get("via");
            try {
                via = Cidr.parseAddress(v.text("via"));
            } catch (RuntimeException e) {
                throw v.error("via \"" + v.text("via") + "\" is not a valid IPv4 or IPv6 address");
            }
        }
        String dev = m.containsKey("dev") && m.get("dev").value() != null ? m.get("dev").text("dev") : null;
        if (via == null && dev == null) throw r.error("a route of " + node + " needs \"via\" (a gateway) or \"dev\" (an interface)");
        Cidr dst = null;
        String dstText = dstN.text("dst");
        if (!dstText.equals("default")) dst = cidr(dstN, false).network();
        Family family = dst != null ? dst.family() : via != null ? Cidr.family(via) : Family.INET;
        if (dst != null && via != null && dst.family() != Cidr.family(via)) {
            throw m.get("via").error("gateway " + Cidr.format(via) + " and destination " + dst + " are of different IP families");
        }
        return new RouteDef(family, dst, via, dev);
    }

    /** Nodes of network-mode none: a namespace without a management interface. */
    private final Set<String> noMgmt = new HashSet<>();

    private void checkInterfaces(List<NodeDef> nodes, List<LinkDef> links, List<Topology.DeviceDef> devices,
                                 List<Topology.MgmtLink> mgmtLinks, Map<String, Node> nodeNodes) {
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> rootNames = new HashMap<>();
        Map<String, NodeDef> byName = new HashMap<>();
        nodes.forEach(n -> byName.put(n.name(), n));
        for (Topology.MgmtLink ml : mgmtLinks) {
            Integer first = seen.putIfAbsent(ml.end().toString(), ml.line());
            if (first != null) throw new LabException(file, ml.line(), 1, "interface " + ml.end() + " is used by two links (the first at line " + first + ")");
            rootNames.put(ml.hostInterface(), ml.line());
        }
        for (Topology.DeviceDef d : devices) {
            Integer first = seen.putIfAbsent(d.end().toString(), d.line());
            if (first != null) {
                throw new LabException(file, d.line(), 1, "interface " + d.end() + " is used by two links (the first at line " + first + ")");
            }
        }
        for (LinkDef l : links) {
            for (Endpoint e : List.of(l.a(), l.b())) {
                Integer first = seen.putIfAbsent(e.toString(), l.line());
                if (first != null) {
                    throw new LabException(file, l.line(), 1, "interface " + e + " is used by two links (the first at line "
                            + first + "): give each link its own interface");
                }
                NodeDef n = byName.get(e.node());
                if (n.kind() == Kind.OVS_BRIDGE || n.isHost()) {
                    // OVS ports live in the root namespace: their names must differ across switches too
                    Integer other = rootNames.putIfAbsent(e.iface(), l.line());
                    if (other != null) {
                        throw new LabException(file, l.line(), 1, "switch interface " + e.iface() + " is used twice (also at line "
                                + other + "): Open vSwitch ports share the root namespace, so their names must be unique");
                    }
                    if (byName.containsKey(e.iface()) && byName.get(e.iface()).kind() == Kind.OVS_BRIDGE) {
                        throw new LabException(file, l.line(), 1, "switch interface " + e.iface() + " has the name of an Open vSwitch bridge");
                    }
                }
                if (n.kind() == Kind.BRIDGE && e.iface().equals(n.name())) {
                    throw new LabException(file, l.line(), 1, "interface " + e + " has the name of its bridge: choose another");
                }
            }
        }
        for (NodeDef n : nodes) {
            for (String iface : n.addresses().keySet()) {
                if (!iface.equals("lo") && !seen.containsKey(n.name() + ":" + iface)) {
                    Node at = nodeNodes.get(n.name()).map("node").get("interfaces").map("interfaces").get(iface);
                    throw at.error("interface " + iface + " of " + n.name() + " is on no link: add a link with endpoint \""
                            + n.name() + ":" + iface + "\" or remove it");
                }
            }
            for (RouteDef r : n.routes()) {
                if (r.dev() != null && !r.dev().equals("lo") && !seen.containsKey(n.name() + ":" + r.dev())) {
                    Node at = nodeNodes.get(n.name()).map("node").get("routes");
                    throw at.error("route to " + r.dstText() + " of " + n.name() + " uses dev " + r.dev() + ", which is not an interface of " + n.name());
                }
            }
        }
    }

    private static final Set<String> REACH_KEYS = Set.of("from", "to", "reach", "wait");
    private static final Set<String> CHECK_KINDS = Set.of("route", "address", "listening", "resolves", "command");
    private static final Set<String> CHECK_KEYS = Set.of("node", "route", "address", "listening", "resolves", "command", "output", "wait");

    private ExpectDef expect(Node e, Map<String, NodeDef> nodes) {
        Map<String, Node> m = e.map("an expectation (e.g. {from: ns1, to: ns2, reach: false} or {node: ns1, listening: {tcp: 80}})");
        if (m.containsKey("node")) return check(e, m, nodes);
        for (Map.Entry<String, Node> x : m.entrySet()) {
            if (!REACH_KEYS.contains(x.getKey())) {
                if (CHECK_KEYS.contains(x.getKey())) throw x.getValue().error("\"" + x.getKey() + "\" is a check of one node: it goes with \"node:\", not \"from:\"");
                throw unknownKey(x.getValue(), x.getKey(), REACH_KEYS);
            }
        }
        for (String k : List.of("from", "to", "reach")) if (!m.containsKey(k) || m.get(k).value() == null) throw e.error("an expectation needs \"" + k + "\"");
        String from = m.get("from").text("from");
        if (!nodes.containsKey(from) || nodes.get(from).isSwitch()) throw m.get("from").error("\"from: " + from + "\" must name a linux node");
        String to = m.get("to").text("to");
        if (!nodes.containsKey(to)) {
            try {
                Cidr.parseAddress(to);
            } catch (RuntimeException ex) {
                throw m.get("to").error("\"to: " + to + "\" is neither a node nor an IP address");
            }
        }
        return new ExpectDef(from, to, m.get("reach").bool("reach"), null, waitOf(m), e.line());
    }

    /** An expectation's {@code wait: 60s}: how long it is tried again until it holds (0 without one). */
    private static long waitOf(Map<String, Node> m) {
        if (!m.containsKey("wait")) return 0;
        try {
            return Impairment.parseTime("wait", m.get("wait").text("wait")) / 1_000_000L;
        } catch (Impairment.BadValue ex) {
            throw m.get("wait").error(ex.getMessage());
        }
    }

    /** {@code {node: N, route|address|listening|resolves|command: ..., [output: REGEX], [wait: 60s]}}. */
    private ExpectDef check(Node e, Map<String, Node> m, Map<String, NodeDef> nodes) {
        for (Map.Entry<String, Node> x : m.entrySet()) if (!CHECK_KEYS.contains(x.getKey())) throw unknownKey(x.getValue(), x.getKey(), CHECK_KEYS);
        String node = m.get("node").text("node");
        if (!nodes.containsKey(node) || nodes.get(node).isSwitch()) throw m.get("node").error("\"node: " + node + "\" must name a linux node");
        List<String> kinds = CHECK_KINDS.stream().filter(m::containsKey).sorted().toList();
        if (kinds.size() != 1) {
            throw e.error("a check of node " + node + " needs exactly one of route, address, listening, resolves, command"
                    + (kinds.isEmpty() ? "" : " (it has " + String.join(", ", kinds) + ")"));
        }
        String kind = kinds.getFirst();
        Node v = m.get(kind);
        if (m.containsKey("output") && !kind.equals("command")) throw m.get("output").error("\"output\" goes with \"command\"");
        NodeCheck check = switch (kind) {
            case "route" -> {
                Map<String, Node> r = v.map("route (e.g. {dst: 10.45.0.0/24, via: 10.45.1.1, dev: eth0})");
                for (Map.Entry<String, Node> x : r.entrySet()) if (!Set.of("dst", "via", "dev").contains(x.getKey())) throw unknownKey(x.getValue(), x.getKey(), Set.of("dst", "via", "dev"));
                if (!r.containsKey("dst")) throw v.error("a route check needs \"dst\" (a prefix such as 10.45.0.0/24, or default)");
                String dst = r.get("dst").text("dst");
                Cidr c;
                try {
                    c = dst.equals("default") ? Cidr.parse(r.containsKey("via") && r.get("via").text("via").contains(":") ? "::/0" : "0.0.0.0/0") : Cidr.parse(dst).network();
                } catch (RuntimeException ex) {
                    throw r.get("dst").error("\"dst: " + dst + "\" is not a prefix (e.g. 10.45.0.0/24) nor default");
                }
                java.net.InetAddress via = null;
                if (r.containsKey("via")) {
                    try {
                        via = Cidr.parseAddress(r.get("via").text("via"));
                    } catch (RuntimeException ex) {
                        throw r.get("via").error("\"via: " + r.get("via").value() + "\" is not an IP address");
                    }
                }
                yield new NodeCheck.HasRoute(c, via, r.containsKey("dev") ? r.get("dev").text("dev") : null);
            }
            case "address" -> {
                Map<String, Node> a = v.map("address (e.g. {dev: eth0, cidr: 10.45.0.2/24})");
                for (Map.Entry<String, Node> x : a.entrySet()) if (!Set.of("dev", "cidr").contains(x.getKey())) throw unknownKey(x.getValue(), x.getKey(), Set.of("dev", "cidr"));
                if (!a.containsKey("dev") || !a.containsKey("cidr")) throw v.error("an address check needs \"dev\" and \"cidr\" (e.g. {dev: eth0, cidr: 10.45.0.2/24})");
                String cidr = a.get("cidr").text("cidr");
                Cidr c;
                try {
                    c = Cidr.parse(cidr);
                } catch (RuntimeException ex) {
                    throw a.get("cidr").error("\"cidr: " + cidr + "\" is not an address with its prefix length (e.g. 10.45.0.2/24)");
                }
                yield new NodeCheck.HasAddress(a.get("dev").text("dev"), c);
            }
            case "listening" -> {
                Map<String, Node> l = v.map("listening (e.g. {tcp: 8045} or {udp: 53})");
                if (l.size() != 1 || !(l.containsKey("tcp") || l.containsKey("udp"))) throw v.error("a listening check is {tcp: PORT} or {udp: PORT}");
                String proto = l.containsKey("tcp") ? "tcp" : "udp";
                int port = l.get(proto).integer(proto + " port");
                if (port < 1 || port > 65535) throw l.get(proto).error("port " + port + " is not from 1 to 65535");
                yield new NodeCheck.Listening(proto, port);
            }
            case "resolves" -> new NodeCheck.Resolves(v.text("resolves"));
            default -> {
                if (!m.containsKey("output")) throw e.error("a command check needs \"output\": a regular expression its output must match (e.g. output: \"Full\")");
                String re = m.get("output").text("output");
                try {
                    java.util.regex.Pattern.compile(re);
                } catch (java.util.regex.PatternSyntaxException ex) {
                    throw m.get("output").error("\"output\" is not a regular expression: " + ex.getDescription());
                }
                yield new NodeCheck.CommandOutput(v.text("command"), re);
            }
        };
        return new ExpectDef(node, null, true, check, waitOf(m), e.line());
    }

    static void checkIfName(Node at, String name, String what) {
        String why = Link.whyInvalid(name);
        if (why != null) throw at.error(what + " \"" + name + "\" " + why + "; choose another");
    }

    private static Node required(Node parent, Map<String, Node> m, String key, String what) {
        Node n = m.get(key);
        if (n == null) throw parent.error("missing \"" + key + "\": " + what);
        return n;
    }

    static LabException unknownKey(Node at, String key, Set<String> known) {
        String near = closest(key, known);
        return at.error("unknown key \"" + key + "\" here" + (near == null ? "" : ": did you mean \"" + near + "\"?") + " (known: "
                + String.join(", ", known.stream().sorted().toList()) + ")");
    }

    /** The word of {@code known} that {@code word} is most likely a misspelling of (at most two edits away), or null. */
    static String closest(String word, java.util.Collection<String> known) {
        String best = null;
        int bestD = 3;
        for (String k : known) {
            int d = distance(word.toLowerCase(), k.toLowerCase());
            if (d < bestD || (d == bestD && best != null && k.compareTo(best) < 0)) {
                best = k;
                bestD = d;
            }
        }
        return bestD <= Math.min(2, Math.max(1, word.length() / 3)) ? best : null;
    }

    /** Edit distance (insertions, deletions, substitutions, and swaps of neighbours, as typing errors go). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
        return d[a.length()][b.length()];
    }
}
