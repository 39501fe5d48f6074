package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.PrivateOvsdb;
import dev.nslab.testkit.Sh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Forms scripts use, on databases of the test's own: column names as ovs-vsctl reads them ("VLAN_mode", "trunk",
 * "other-config"), its JSON table format and JSON cells, get --if-exists of a row that is not there, --oneline, comments,
 * timeouts in getopt's forms, a chain that reads the bridges an earlier command of it made. The same lines by
 * ovs-vsctl on one database and by nslab on the other: each line's output, refusal and status the same, then the rows
 * (each asked alone: two databases list their rows in the orders of their own UUIDs).
 */
@Needs(root = false, openVswitch = true)
class OvsVsctlFormsTest {
    @Test
    void caseDashesAndPrefixesAsOvsVsctl(@TempDir Path dir) throws Exception {
        try (PrivateOvsdb byOvs = new PrivateOvsdb(dir.resolve("a")); PrivateOvsdb byNslab = new PrivateOvsdb(dir.resolve("b"))) {
            for (PrivateOvsdb db : List.of(byOvs, byNslab)) {
                db.vsctl("init");
                db.vsctl("add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=netdev", "--", "add-port", "br0", "p1");
            }
            for (String line : List.of("set port p1 VLAN_mode=trunk", "set port p1 trunk=100,200", "get port p1 Trunks vlan-MODE",
                    "set bridge br0 other-config:stp-priority=100", "get bridge br0 Other_Config:stp-priority", "get port p1 t",
                    "get port p1 nosuch", "set port p1 Tag=5", "--columns=NAME,Tag list port p1", "remove port p1 trunk 100",
                    "clear port p1 Trunk", "find port Vlan_Mode=trunk", "--format=json list port p1", "-f json --columns=name,type find interface name=p1",
                    "--data=json --columns=name,external_ids,tag list port p1", "-d json -f csv --columns=name,other_config list bridge br0",
                    "--format=json get port p1 name", "--if-exists get interface nosuch ofport", "get interface nosuch ofport",
                    "--oneline add-br br9 -- list-br -- br-exists br9 -- set bridge br9 datapath_type=netdev -- --columns=name list port p1",
                    "comment a note for the log", "-t 5 br-exists br9", "-t5 list-ports br9", "--timeout 5 list-br", "-t list-br", "--timeout=-1 list-br")) {
                List<String> args = Sh.words(line);
                List<String> vsctl = new ArrayList<>(List.of("ovs-vsctl", "--no-wait", "--db=unix:" + byOvs.socket()));
                vsctl.addAll(args);
                Sh.Result want = Sh.run(vsctl, null);
                List<String> mine = new ArrayList<>(List.of("ovs", "--no-wait", "--db=unix:" + byNslab.socket()));
                mine.addAll(args);
                Nslab.Out got = Nslab.run(mine.toArray(String[]::new));
                String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
                assertEquals(want.out().replaceAll(uuid, "U"), got.out().replaceAll(uuid, "U"), line);
                assertEquals(want.err(), got.err(), line);
                assertEquals(want.code(), got.code(), line);
            }
            for (String w : List.of("tag,trunks,vlan_mode port name=p1", "other_config bridge name=br0")) {
                String[] f = w.split(" ");
                assertEquals(byOvs.vsctl("--columns=" + f[0], "find", f[1], f[2]), byNslab.vsctl("--columns=" + f[0], "find", f[1], f[2]), w);
            }
        }
    }
}
