package dev.nslab.cli;

import dev.nslab.net.Namespaces;
import dev.nslab.net.Sandbox;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The workload recorded into the launcher's AOT caches at build time, so that one-shot commands start with their
 * classes loaded and linked and the FFM downcall stubs already generated. It touches nothing on the machine:
 * read-only commands first, then (as root) every write path inside a private, anonymous network namespace and
 * mount namespace that vanish with the training thread. With {@code --reads} only the read-only commands: a JVM
 * loads every class of its cache as it starts, so the whole workload's cache costs a read 25-50 ms more than a cache
 * of the reads alone (the launcher picks one by the command's verb).
 */
final class Training {
    /** Marks a step that is run to be refused (its first word): the failure is the part of the code it trains. */
    private static final String REFUSED = "!";

    private final PrintStream sink;
    /** What did not go as the workload expects: a workload that silently fails trains nothing (a test checks). */
    private final List<String> surprises = new ArrayList<>();

    private Training(PrintStream sink) { this.sink = sink; }

    public static void main(String[] args) throws Exception {
        List<String> flags = List.of(args);
        boolean report = flags.contains("--report"); // the commands' own words too, to see why
        PrintStream sink = report ? System.err : new PrintStream(OutputStream.nullOutputStream());
        List<String> surprises = flags.contains("--reads") ? reads(sink) : run(sink);
        if (report) surprises.forEach(s -> System.err.println("training: " + s));
    }

    /** Runs the whole workload; returns the commands whose outcome was not the expected one. */
    static List<String> run(PrintStream sink) throws Exception {
        Training t = new Training(sink);
        t.readOnly();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                t.privateWrites();
            } catch (Exception e) {
                // not root, or a kernel without some feature: the read-only training still counts
                t.surprises.add("the private writes stopped: " + e);
            }
        });
        thread.join();
        return t.surprises;
    }

    /** The read-only commands alone; returns those whose outcome was not the expected one. */
    static List<String> reads(PrintStream sink) {
        Training t = new Training(sink);
        t.readOnly();
        return t.surprises;
    }

    private void readOnly() {
        String[][] readOnly = {
                {"link", "show"}, {"-j", "link", "show"}, {"address", "show"}, {"-j", "-p", "address"},
                {"route", "show"}, {"-6", "route"}, {"netns", "list"}, {"-j", "netns", "list"},
                {"sysctl", "net.ipv4.ip_forward"}, {"link", "show", "dev", "lo"}, {"help"}, {REFUSED, "nosuchobject"},
                {"inventory"}, {"-j", "inventory"}, {"graph", "--system"},
        };
        for (String[] c : readOnly) run(new Cli(sink, sink), c);
    }

    private void run(Cli cli, String... step) {
        boolean refusal = step[0].equals(REFUSED);
        String[] argv = refusal ? Arrays.copyOfRange(step, 1, step.length) : step;
        int rc;
        try {
            rc = cli.run(argv);
        } catch (RuntimeException e) {
            // one command's crash must not end the training: what follows would go untrained (a normal user's
            // cache once lost every lab verb so)
            surprises.add(String.join(" ", argv) + ": " + e);
            return;
        }
        if ((rc == 0) == refusal) surprises.add(String.join(" ", argv) + ": exit " + rc + (refusal ? ", expected a refusal" : ""));
    }

    private void privateWrites() throws Exception {
        Path dir = Sandbox.enter("nslab-training");
        try {
            Namespaces reg = new Namespaces(dir.resolve("netns"));
            String[][] writes = {
                    {"netns", "add", "a"}, {"netns", "add", "b"}, {"-n", "a", "netns", "set", "b", "auto"},
                    {"-n", "a", "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", "b"},
                    {"-n", "a", "link", "add", "br0", "type", "bridge"},
                    {"-n", "a", "link", "set", "v0", "master", "br0", "up"}, {"-n", "a", "link", "set", "dev", "br0", "up"},
                    {"-n", "a", "link", "set", "lo", "up"}, {"-n", "b", "link", "set", "v1", "up", "mtu", "1400"},
                    {"-n", "a", "address", "add", "10.0.0.1/24", "dev", "br0"}, {"-n", "b", "addr", "add", "10.0.0.2/24", "dev", "v1"},
                    {"-n", "b", "addr", "add", "fd00::2/64", "dev", "v1", "nodad"},
                    {"-n", "b", "route", "add", "default", "via", "10.0.0.1"}, {"-n", "b", "route", "add", "10.9.0.0/16", "dev", "v1"},
                    {"-n", "a", "sysctl", "-w", "net.ipv4.ip_forward=1"},
                    {"-n", "b", "ping", "-c", "2", "-i", "0.01", "-w", "5", "10.0.0.1"},
                    {"-n", "a", "link", "show"}, {"-n", "a", "-j", "address"}, {"-n", "b", "route"}, {"netns", "list"},
                    {"-n", "b", "route", "del", "10.9.0.0/16", "dev", "v1"}, {"-n", "b", "addr", "del", "10.0.0.2/24", "dev", "v1"},
                    {"-n", "a", "link", "set", "v0", "nomaster"}, {"-n", "a", "link", "del", "v0"}, {REFUSED, "-n", "a", "link", "set", "nosuch", "up"},
                    {"netns", "del", "a"}, {"netns", "del", "b"},
            };
            for (int round = 0; round < 2; round++) {
                for (String[] c : writes) run(new Cli(sink, sink, reg), c);
            }
            lab(reg, dir);
            ovs(); // here, so that preparing ports for the userspace datapath can only touch this private namespace
        } finally {
            Sandbox.leave(dir);
        }
    }

    /** Labs: up, status, up again, an edit, down, and a bad file, with a private registry and state directory. */
    private void lab(Namespaces reg, Path dir) throws Exception {
        Path file = dir.resolve("t.yml"), bad = dir.resolve("bad.yml");
        String lab = """
                name: training
                topology:
                  nodes:
                    sw: {kind: bridge}
                    r: {forwarding: true, interfaces: {eth0: {address: 10.0.0.1/24}, eth1: {address: [10.0.1.1/24, "fd00:1::1/64"]}}}
                    a: {interfaces: {eth0: {address: 10.0.1.2/24}}, routes: [{dst: default, via: 10.0.1.1}]}
                    b: {interfaces: {eth0: {address: 10.0.0.2/24}}, routes: [{dst: 10.0.1.0/24, via: 10.0.0.1}], exec: ["true"]}
                  links:
                    - endpoints: ["r:eth0", "sw:p1"]
                    - endpoints: ["b:eth0", "sw:p2"]
                    - endpoints: ["a:eth0", "r:eth1"]
                """;
        Files.writeString(bad, lab.replace("sw:p2", "nosuch:p2"));
        String sd = "--state-dir=" + dir.resolve("state");
        String[][] cmds = {
                {"up", file.toString(), sd, "--dry-run"}, {"up", file.toString(), sd}, {"status", sd}, {"-j", "status", "training", sd},
                {"up", file.toString(), sd}, {"verify", "training", sd}, {"-j", "verify", "training", sd},
                {"graph", "training", sd}, {"graph", file.toString(), "--format", "mermaid"},
        };
        String[][] edited = { // the same file, changed: an up that reconciles
                {"up", file.toString(), sd}, {"ls", sd}, {"down", "training", sd}, {REFUSED, "up", bad.toString(), sd}, {"down", "gone", sd},
        };
        for (int round = 0; round < 2; round++) {
            Files.writeString(file, lab);
            for (String[] c : cmds) run(new Cli(sink, sink, reg), c);
            Files.writeString(file, lab.replace("10.0.0.2/24}}", "10.0.0.3/24}}"));
            for (String[] c : edited) run(new Cli(sink, sink, reg), c);
        }
    }

    /**
     * "nslab ovs" against a stand-in database on a private socket that answers every select with one canned row
     * per table, so the OVSDB client, JSON and transaction classes are in the cache without a real switch.
     * Runs inside the private network namespace.
     */
    private void ovs() throws Exception {
        Path dir = Files.createTempDirectory("nslab-training-ovs");
        Path sock = dir.resolve("db.sock");
        ObjectMapper mapper = new ObjectMapper();
        JsonNode rows = mapper.readTree("""
                {"Open_vSwitch": [{"_uuid": ["uuid", "00000000-0000-0000-0000-000000000001"], "ovs_version": "3.1.0",
                                   "cur_cfg": 1, "next_cfg": 1, "bridges": ["uuid", "00000000-0000-0000-0000-000000000002"]}],
                 "Bridge": [{"_uuid": ["uuid", "00000000-0000-0000-0000-000000000002"], "name": "br0", "datapath_type": "netdev",
                             "ports": ["set", [["uuid", "00000000-0000-0000-0000-000000000003"]]]}],
                 "Port": [{"_uuid": ["uuid", "00000000-0000-0000-0000-000000000003"], "name": "p0", "tag": 100,
                           "trunks": ["set", [1, 2]], "vlan_mode": ["set", []],
                           "interfaces": ["uuid", "00000000-0000-0000-0000-000000000004"]}],
                 "Interface": [{"_uuid": ["uuid", "00000000-0000-0000-0000-000000000004"], "name": "p0", "type": "",
                                "error": "could not open network device p0 (No such device)"}]}
                """);
        // the columns the commands below read and write, typed as the real schema types them
        JsonNode schema = mapper.readTree("""
                {"name": "Open_vSwitch", "tables": {
                 "Open_vSwitch": {"columns": {"bridges": {"type": {"key": {"type": "uuid", "refTable": "Bridge"}, "min": 0, "max": "unlimited"}},
                                              "ovs_version": {"type": {"key": "string", "min": 0, "max": 1}}}},
                 "Bridge": {"columns": {"name": {"type": "string", "mutable": false}, "datapath_type": {"type": "string"},
                                        "ports": {"type": {"key": {"type": "uuid", "refTable": "Port"}, "min": 0, "max": "unlimited"}},
                                        "external_ids": {"type": {"key": "string", "value": "string", "min": 0, "max": "unlimited"}}}},
                 "Port": {"columns": {"name": {"type": "string", "mutable": false}, "tag": {"type": {"key": "integer", "min": 0, "max": 1}},
                                      "trunks": {"type": {"key": "integer", "min": 0, "max": 4096}},
                                      "vlan_mode": {"type": {"key": "string", "min": 0, "max": 1}},
                                      "interfaces": {"type": {"key": {"type": "uuid", "refTable": "Interface"}, "min": 1, "max": "unlimited"}}}},
                 "Interface": {"columns": {"name": {"type": "string", "mutable": false}, "type": {"type": "string"},
                                           "error": {"type": {"key": "string", "min": 0, "max": 1}}}}}}
                """);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread db = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        try (SocketChannel c = server.accept();
                             JsonParser in = mapper.getFactory().createParser(Channels.newInputStream(c))) {
                            for (JsonNode req; (req = mapper.readTree(in)) != null; ) {
                                ObjectNode reply = mapper.createObjectNode().putNull("error").set("id", req.get("id"));
                                ArrayNode result = mapper.createArrayNode();
                                JsonNode params = req.path("params");
                                if (req.path("method").asText().equals("get_schema")) {
                                    reply.set("result", schema);
                                } else if (req.path("method").asText().equals("monitor")) {
                                    reply.putObject("result").putObject("Open_vSwitch").putObject("00000000-0000-0000-0000-000000000001")
                                            .putObject("new").put("cur_cfg", 1 << 30);
                                } else {
                                    for (int i = 1; i < params.size(); i++) {
                                        String op = params.get(i).path("op").asText();
                                        if (op.equals("select")) result.addObject().set("rows", rows.path(params.get(i).path("table").asText()));
                                        else result.addObject().put("count", 1);
                                    }
                                    reply.set("result", result);
                                }
                                c.write(ByteBuffer.wrap(mapper.writeValueAsBytes(reply)));
                            }
                        } catch (IOException e) {
                            // the client went away: wait for the next one
                        }
                    }
                } catch (Exception e) {
                    // socket closed at the end of training
                }
            });
            String db0 = "--db=unix:" + sock;
            // real veth pairs behind the ports (in this private namespace), so that preparing them for the userspace
            // datapath (the ethtool ioctls, the peer lookups) is in the cache too: it is most of a big add-port chain
            for (String p : List.of("p0", "p1", "p2")) {
                run(new Cli(sink, sink), "link", "add", p, "type", "veth", "peer", "name", p + "b");
            }
            String[][] cmds = {
                    {"ovs", db0, "show"}, {"-j", "ovs", db0, "show"}, {"ovs", db0, "list-br"}, {"ovs", db0, "list-ports", "br0"},
                    {REFUSED, "ovs", db0, "br-exists", "nope"},
                    {"ovs", db0, "add-br", "br1", "--", "add-port", "br1", "p1", "tag=10", "--", "set", "port", "p0", "tag=20"},
                    {"ovs", db0, "-v", "add-port", "br0", "p2", "trunks=1,2", "vlan_mode=trunk", "--", "clear", "port", "p0", "tag"},
                    {"ovs", db0, "del-port", "p0", "--", "del-br", "br0"}, {REFUSED, "ovs", db0, "add-port", "nobr", "x"},
            };
            for (String[] c : cmds) run(new Cli(sink, sink), c);
            server.close();
            db.join(1000);
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }
}
