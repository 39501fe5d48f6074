package dev.nslab.lab.state;

import dev.nslab.lab.model.NodeTables;
import dev.nslab.lab.model.NodeTables.TableRoute;
import dev.nslab.net.Cidr;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tables kept at up read back as they were, and go with the lab's state. */
@Tag("unit")
class TablesFileTest {
    @TempDir
    Path dir;

    @Test
    void keptTablesReadBackAndGoWithTheState() throws Exception {
        NodeTables t = new NodeTables(Map.of("eth1", List.of(Cidr.parse("10.0.1.10/24"), Cidr.parse("2001:db8::1/64"))),
                List.of(new TableRoute(Cidr.parse("10.0.2.0/24"), Cidr.parseAddress("10.0.1.1"), "eth1", 1, 0),
                        new TableRoute(Cidr.parse("0.0.0.0/0"), null, null, 6, 100)),
                true, false, Map.of("eth2", "down"), "policy rules (ip rule) besides the standard three");
        NodeTables plain = new NodeTables(Map.of(), List.of(), false, true, Map.of(), null);
        TablesFile.write(dir, "lab", Map.of("host1", t, "r", plain));
        assertEquals(Map.of("host1", t, "r", plain), TablesFile.read(dir, "lab"));
        assertEquals(Map.of(), TablesFile.read(dir, "other"), "none kept: empty");
        assertTrue(Files.exists(TablesFile.path(dir, "lab")));
        LabState.remove(dir, "lab");
        assertFalse(Files.exists(TablesFile.path(dir, "lab")));
    }
}
