package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.PrivateOvsdb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The switch-wide commands, run on databases of the test's own (emer-reset on the machine's would take away other
 * people's controllers and managers; SSL is the whole switch's): {@code emer-reset}, which takes away a switch's
 * configuration but its bridges, ports and interfaces, and {@code set-ssl}, {@code get-ssl}, {@code del-ssl}. The same
 * configuration made in two databases, then changed by ovs-vsctl in one and by nslab in the other: the same rows and
 * columns are left, as ovs-vsctl lists them, and nslab prints what ovs-vsctl prints.
 */
@Needs(root = false, openVswitch = true)
class OvsSwitchSettingsTest {
    /** A configuration with something of everything emer-reset takes away, and some of what it keeps. */
    private static final List<List<String>> SETUP = List.of(
            List.of("add-br", "br0", "--", "set", "bridge", "br0", "other_config:hwaddr=02:00:00:00:00:01", "other_config:stp-priority=100",
                    "fail_mode=secure", "flood_vlans=10,20", "external_ids:owner=test"),
            List.of("add-br", "br1", "--", "set", "bridge", "br1", "other_config:forward-bpdu=true"),
            List.of("add-port", "br0", "p1", "tag=5", "--", "set", "port", "p1", "other_config:priority-tags=true", "--", "set", "interface", "p1",
                    "ingress_policing_rate=1000", "ingress_policing_burst=100"),
            List.of("set-controller", "br0", "tcp:127.0.0.1:6653"),
            List.of("set-manager", "ptcp:6640"),
            List.of("set-ssl", "/k.pem", "/c.pem", "/ca.pem"),
            List.of("--", "--id=@m", "create", "mirror", "name=m1", "select-all=true", "--", "add", "bridge", "br0", "mirrors", "@m"),
            List.of("--", "--id=@n", "create", "netflow", "targets=\"127.0.0.1:5566\"", "--", "set", "bridge", "br0", "netflow=@n"),
            List.of("--", "--id=@s", "create", "sflow", "targets=\"127.0.0.1:6343\"", "--", "set", "bridge", "br1", "sflow=@s"),
            List.of("--", "--id=@i", "create", "ipfix", "targets=\"127.0.0.1:4739\"", "--", "set", "bridge", "br0", "ipfix=@i"),
            List.of("--", "--id=@b", "get", "bridge", "br1", "--", "create", "flow_sample_collector_set", "id=1", "bridge=@b"));

    /** What is compared: the columns emer-reset changes and those it keeps, rows in name order. */
    private static final List<List<String>> WITNESS = List.of(
            List.of("--columns=manager_options,ssl", "list", "open_vswitch"),
            List.of("--columns=name,other_config,controller,fail_mode,mirrors,netflow,sflow,ipfix,flood_vlans,external_ids", "find", "bridge", "name=br0"),
            List.of("--columns=name,other_config,controller,fail_mode,mirrors,netflow,sflow,ipfix,flood_vlans", "find", "bridge", "name=br1"),
            List.of("--columns=name,tag,other_config", "list", "port", "p1"),
            List.of("--columns=name,ingress_policing_rate,ingress_policing_burst", "list", "interface", "p1"),
            List.of("list", "mirror"), List.of("list", "controller"), List.of("list", "manager"), List.of("list", "netflow"),
            List.of("list", "ssl"), List.of("list", "sflow"), List.of("list", "ipfix"), List.of("--columns=id,external_ids,ipfix", "list", "flow_sample_collector_set"));

    @Test
    void leavesWhatOvsVsctlLeaves(@TempDir Path dir) throws Exception {
        try (PrivateOvsdb byOvs = new PrivateOvsdb(dir.resolve("a")); PrivateOvsdb byNslab = new PrivateOvsdb(dir.resolve("b"))) {
            byOvs.vsctl("init");
            byNslab.vsctl("init");
            for (List<String> line : SETUP) {
                byOvs.vsctl(line.toArray(String[]::new));
                byNslab.vsctl(line.toArray(String[]::new));
            }
            assertTrue(byNslab.vsctl("list", "controller").contains("tcp:127.0.0.1:6653"), "the configuration is there to reset");
            byOvs.vsctl("emer-reset");
            Nslab.Out out = Nslab.run("ovs", "--no-wait", "--db=unix:" + byNslab.socket(), "emer-reset").ok();
            assertEquals("", out.out() + out.err());
            for (List<String> w : WITNESS) {
                assertEquals(byOvs.vsctl(w.toArray(String[]::new)), byNslab.vsctl(w.toArray(String[]::new)), String.join(" ", w));
            }
            assertTrue(byNslab.vsctl("get", "bridge", "br0", "other_config").contains("hwaddr"), "the bridge keeps its hwaddr");
        }
    }

    @Test
    void sslAsOvsVsctlSetsShowsAndDeletesIt(@TempDir Path dir) throws Exception {
        try (PrivateOvsdb byOvs = new PrivateOvsdb(dir.resolve("a")); PrivateOvsdb byNslab = new PrivateOvsdb(dir.resolve("b"))) {
            byOvs.vsctl("init");
            byNslab.vsctl("init");
            String nslabDb = "--db=unix:" + byNslab.socket();
            List<String> witness = List.of("--columns=private_key,certificate,ca_cert,bootstrap_ca_cert", "list", "ssl");
            for (List<String> line : List.of(List.of("get-ssl"), List.of("set-ssl", "/k.pem", "/c.pem", "/ca.pem"), List.of("get-ssl"),
                    List.of("--bootstrap", "set-ssl", "/k2.pem", "/c2.pem", "/ca2.pem"), List.of("get-ssl"), List.of("del-ssl"), List.of("get-ssl"))) {
                String want = byOvs.vsctl(line.toArray(String[]::new));
                List<String> mine = new java.util.ArrayList<>(List.of("ovs", "--no-wait", nslabDb));
                mine.addAll(line);
                assertEquals(want, Nslab.run(mine.toArray(String[]::new)).ok().out(), String.join(" ", line));
                assertEquals(byOvs.vsctl(witness.toArray(String[]::new)), byNslab.vsctl(witness.toArray(String[]::new)), "after " + String.join(" ", line));
                assertEquals(byOvs.vsctl("get", "open_vswitch", ".", "ssl").equals("[]\n"), byNslab.vsctl("get", "open_vswitch", ".", "ssl").equals("[]\n"));
            }
        }
    }
}
