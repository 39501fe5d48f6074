package dev.nslab.lab.state;

import dev.nslab.error.LabException;
import dev.nslab.lab.file.TopologyParser;
import dev.nslab.lab.model.NodeInfo;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Planner;
import dev.nslab.lab.plan.Resource;
import dev.nslab.testkit.LabTexts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state file: every kind of object survives a round trip; a broken file is reported, not guessed at. */
@Tag("unit")
class LabStateTest {
    @TempDir
    Path dir;

    @Test
    void everyKindOfObjectSurvivesARoundTrip() {
        String text = LabTexts.ROUTERS.replace("h3: {interfaces: {eth0: 10.10.12.9/24}}",
                "h3: {interfaces: {eth0: [10.10.12.9/24, \"fd00::9/64\"]}, routes: [{dst: \"default\", via: \"fd00::1\"}, {dst: 10.9.0.0/16, dev: eth0}]}")
                + "      vlan: 7\n    - {endpoints: [\"sw:p4\", \"r2:eth9\"], trunks: [7, 8], mtu: 1400}\n";
        Topology t = TopologyParser.parse("r.yml", text);
        List<Resource> rs = Planner.resources(t);
        LabState st = new LabState("r", "/x/r.yml", "r-", List.of(new NodeInfo("h1", "linux", "r-h1"),
                new NodeInfo("sw", "ovs-bridge", null)), rs, rs.subList(0, 3), Map.of("r-h1", List.of("eth0 10.10.1.2/24")), "123:456");
        st.save(dir);
        LabState back = LabState.load(dir, "r");
        assertEquals(st, back);
        assertEquals(List.of("r"), LabState.labs(dir));
        LabState.remove(dir, "r");
        assertNull(LabState.load(dir, "r"));
    }

    @Test
    void servicesSurviveARoundTripAndTheirEditsChangeTheirKeys() {
        String text = """
                name: s
                topology:
                  nodes:
                    a:
                      env: {X: "1"}
                      binds: ["/tmp:/mnt:ro"]
                      services:
                        - {name: web, cmd: "python3 -m http.server", ready: {tcp: 8000}, restart: on-failure, timeout: 5s}
                        - {name: w2, cmd: "sleep 9", ready: {after: 500ms}}
                        - {name: w3, cmd: "sleep 9", ready: {cmd: "true"}, restart: always}
                        - {name: w4, cmd: "echo __clabNodeName__ __clabNodeDir__"}
                  links: []
                """;
        Topology t = TopologyParser.parse("s.yml", text);
        List<Resource> rs = Planner.resources(t);
        assertEquals(6, rs.size(), "the lab's user namespace, the node's host, its four services: " + rs);
        LabState st = new LabState("s", "/x/s.yml", "s-", List.of(new NodeInfo("a", "linux", "s-a")), rs, List.of(), Map.of(), null);
        st.save(dir);
        assertEquals(st, LabState.load(dir, "s"));
        Topology edited = TopologyParser.parse("s.yml", text.replace("sleep 9\", ready: {after", "sleep 10\", ready: {after"));
        List<String> before = rs.stream().map(Resource::key).toList(), after = Planner.resources(edited).stream().map(Resource::key).toList();
        assertEquals(1, before.stream().filter(k -> !after.contains(k)).count(), "only the edited service changes");
        assertTrue(before.stream().anyMatch(k -> k.contains("env {X=1}") && k.contains("binds [/tmp:/mnt:ro]")), before.toString());
        String here = java.nio.file.Path.of("s.yml").toAbsolutePath().getParent().toString();
        assertTrue(before.stream().anyMatch(k -> k.contains("cmd echo a " + here + "/clab-s/a ")), "containerlab's substitutions: " + before);
    }

    @Test
    void anUnreadableStateFileIsReportedWithWhatToDo() throws Exception {
        Files.writeString(dir.resolve("r.json"), "{\"lab\": \"r\", \"done\": [{\"type\": \"teleporter\"}]}");
        LabException e = assertThrows(LabException.class, () -> LabState.load(dir, "r"));
        assertTrue(e.getMessage().contains("is unreadable") && e.getMessage().contains("remove the lab's objects by hand"), e.getMessage());
    }

    @Test
    void aLabNameNeverLeadsOutOfTheStateDirectory(@TempDir Path dir) {
        for (String bad : List.of("../x", "..", "a/b", "/etc/passwd", "", ".hidden", "a\nb")) {
            LabException e = assertThrows(LabException.class, () -> LabState.load(dir, bad), bad);
            assertTrue(e.getMessage().startsWith("no lab is called that: the lab name"), e.getMessage());
            assertThrows(LabException.class, () -> LabState.beside(dir, bad, ".logs"), bad);
        }
        assertEquals(dir.resolve("ok-1.2.json"), LabState.path(dir, "ok-1.2"));
    }
}
