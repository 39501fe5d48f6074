package dev.nslab.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which command lines the resident helper may run for a user: plain reads typed in full, and OVS database commands. */
@Tag("unit")
class ResidentTest {
    @ParameterizedTest
    @ValueSource(strings = {"netns list", "netns", "link", "link show", "-j link show", "-j -p link show dev x",
            "-n red address show", "-netns red -4 route show", "route get 10.0.0.1", "-s -s link show", "-br a",
            "addr show up", "neigh show", "rule list", "maddr", "ovs show", "ovs-vsctl list-br", "ovs list-ports br0",
            "ovs add-port br0 p1 tag=3 -- add-port br0 p2", "ovs --may-exist add-br b", "status", "ls", "inspect", "status mylab -j", "inventory", "-j inventory", "help", "-V", "-family inet6 link", "-d link", "-c link", "-color=always addr", "link xstats type bridge"})
    void reads(String line) {
        assertTrue(Resident.mayServe(List.of(line.split(" "))), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"l s", "link set x up", "link add x type veth", "address add 10.0.0.1/24 dev x", "route flush all",
            "netns add x", "netns exec x ip a", "netns del x", "-b file", "-batch -", "up lab.yml", "down lab", "exec lab a ls",
            "ovs start", "ovs stop", "ovs status", "ovs help", "ovs --db=unix:x.sock show", "sysctl -w a=b", "ping 10.0.0.1", "unshare", "graph lab.yml",
            "impair lab a", "verify lab", "logs lab a", "status --state-dir /x", "link show help", "-r link", "-N link", "-c=auto link", "nosuch",
            "", "-x link", "neigh flush all", "-force -b f"})
    void anythingElse(String line) {
        assertFalse(Resident.mayServe(line.isEmpty() ? List.of() : List.of(line.split(" "))), line);
    }
}
