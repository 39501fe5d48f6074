package dev.nslab.ovs;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.PrivateOvsdb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OVSDB client alone, against a database of its own: an ovsdb-server on a socket in a temporary directory, with a
 * fresh database, and no ovs-vswitchd (so no kernel device is touched, and the machine's Open vSwitch is not either).
 * ovs-vsctl on the same socket is the witness.
 */
@Needs(root = false, openVswitch = true)
class OvsdbClientTest {
    @TempDir
    Path dir;
    PrivateOvsdb db;
    Path socket;

    @BeforeEach
    void startDatabase() throws Exception {
        db = new PrivateOvsdb(dir);
        socket = db.socket();
        try (Ovs ovs = Ovs.connect(socket)) {
            ovs.initialize("3.1.0", "8.3.0");
        }
    }

    @AfterEach
    void stopDatabase() throws Exception { db.close(); }

    private String vsctl(String... args) { return db.vsctl(args); }

    @Test
    void oneTransactionMakesBridgesAndTaggedPortsWithMarks() {
        try (Ovs ovs = Ovs.connect(socket)) {
            OvsTransaction txn = ovs.begin()
                    .addBridge("brA", "netdev", false, Map.of("nslab-lab", "t"))
                    .addPort("brA", "p1", PortConfig.tag(100), false, Map.of("nslab-lab", "t"))
                    .addPort("brA", "p2", PortConfig.NONE.withTrunks(List.of(10, 20)), false, Map.of());
            assertEquals(Set.of("p1", "p2"), txn.userspacePorts(), "ports on a netdev bridge are named for the caller to prepare");
            assertTrue(txn.commit(null).changed());
            OvsState st = ovs.state();
            assertEquals("brA", st.bridgeOfPort("p1").orElseThrow().name());
            assertEquals(100, st.bridge("brA").orElseThrow().port("p1").orElseThrow().tag());
        }
        assertEquals("brA\n", vsctl("list-br"));
        assertEquals("p1\np2\n", vsctl("list-ports", "brA"));
        assertEquals("100\n", vsctl("get", "port", "p1", "tag"));
        assertEquals("[10, 20]\n", vsctl("get", "port", "p2", "trunks"));
        assertEquals("{nslab-lab=t}\n", vsctl("get", "bridge", "brA", "external_ids"));
        assertEquals("netdev\n", vsctl("get", "bridge", "brA", "datapath_type"));
    }

    @Test
    void aRefusedCommandLeavesTheWholeTransactionUndone() {
        try (Ovs ovs = Ovs.connect(socket)) {
            ovs.begin().addBridge("brA", "", false, Map.of()).commit(null);
            OvsTransaction txn = ovs.begin().addBridge("brB", "", false, Map.of());
            OvsdbException e = assertThrows(OvsdbException.class, () -> txn.addPort("nosuch", "p9", PortConfig.NONE, false, Map.of()));
            assertTrue(e.getMessage().contains("no bridge named nosuch"), e.getMessage());
        }
        assertEquals("brA\n", vsctl("list-br"), "brB was never committed");
        try (Ovs ovs = Ovs.connect(socket)) {
            ovs.begin().delBridge("brA", false).commit(null);
            assertTrue(ovs.state().bridges().isEmpty());
        }
        assertEquals("", vsctl("list-br"));
    }
}
