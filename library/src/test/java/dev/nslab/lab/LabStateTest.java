package dev.nslab.lab;

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
        String text = ReconcilerTest.ROUTERS.replace("h3: {interfaces: {eth0: 10.10.12.9/24}}",
                "h3: {interfaces: {eth0: [10.10.12.9/24, \"fd00::9/64\"]}, routes: [{dst: \"default\", via: \"fd00::1\"}, {dst: 10.9.0.0/16, dev: eth0}]}")
                + "      vlan: 7\n    - {endpoints: [\"sw:p4\", \"r2:eth9\"], trunks: [7, 8], mtu: 1400}\n";
        Topology t = TopologyParser.parse("r.yml", text);
        List<Resource> rs = Planner.resources(t);
        LabState st = new LabState("r", "/x/r.yml", "r-", List.of(new LabState.NodeInfo("h1", "linux", "r-h1"),
                new LabState.NodeInfo("sw", "ovs-bridge", null)), rs, rs.subList(0, 3), Map.of("r-h1", List.of("eth0 10.10.1.2/24")), "123:456");
        st.save(dir);
        LabState back = LabState.load(dir, "r");
        assertEquals(st, back);
        assertEquals(List.of("r"), LabState.labs(dir));
        LabState.remove(dir, "r");
        assertNull(LabState.load(dir, "r"));
    }

    @Test
    void anUnreadableStateFileIsReportedWithWhatToDo() throws Exception {
        Files.writeString(dir.resolve("r.json"), "{\"lab\": \"r\", \"done\": [{\"type\": \"teleporter\"}]}");
        LabException e = assertThrows(LabException.class, () -> LabState.load(dir, "r"));
        assertTrue(e.getMessage().contains("is unreadable") && e.getMessage().contains("remove the lab's objects by hand"), e.getMessage());
    }
}
