package dev.nslab.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which command lines the resident helper may run for a user: plain reads typed in full, and OVS database commands;
 * and which changes it may begin (a lab's up and down, a batch file of kernel requests), checked again once read.
 */
@Tag("unit")
class ResidentTest {
    @ParameterizedTest
    @ValueSource(strings = {"netns list", "netns", "link", "link show", "-j link show", "-j -p link show dev x",
            "-n red address show", "-netns red -4 route show", "route get 10.0.0.1", "-s -s link show", "-br a",
            "addr show up", "neigh show", "rule list", "maddr", "ovs show", "ovs-vsctl list-br", "ovs list-ports br0",
            "ovs add-port br0 p1 tag=3 -- add-port br0 p2", "ovs --may-exist add-br b", "status", "ls", "inspect", "status mylab -j", "inventory", "-j inventory", "help", "-V", "-family inet6 link", "-d link", "-c link", "-color=always addr", "link xstats type bridge", "sysctl net.ipv4.ip_forward", "-n red sysctl -n net.ipv4.ip_forward", "sysctl -a -r ^net",
            "sysctl --val net.ipv4.ip_forward", "sysctl -aN"})
    void reads(String line) {
        assertTrue(Resident.mayServe(List.of(line.split(" "))), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"l s", "link set x up", "link add x type veth", "address add 10.0.0.1/24 dev x", "route flush all",
            "netns add x", "netns exec x ip a", "netns del x", "-b file", "-batch -", "up lab.yml", "down lab", "exec lab a ls",
            "ovs start", "ovs stop", "ovs status", "ovs help", "ovs --version", "ovs --db=unix:x.sock show", "sysctl -w a=b", "ping 10.0.0.1", "unshare", "graph lab.yml",
            "impair lab a", "verify lab", "logs lab a", "status --state-dir /x", "link show help", "-r link", "-N link", "-c=auto link", "nosuch",
            "", "-x link", "neigh flush all", "-force -b f", "sysctl", "sysctl net.ipv4.ip_forward=1", "sysctl -p", "sysctl -qp f",
            "sysctl --system", "ovs wait-until bridge b", "sysctl --load=f", "sysctl --dry-run a.b", "sysctl -f f", "sysctl --w a", "sysctl --d a", "sysctl -h"})
    void anythingElse(String line) {
        assertFalse(Resident.mayServe(line.isEmpty() ? List.of() : List.of(line.split(" "))), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"up lab.yml", "up", "deploy -t lab.yml", "up lab.yml -j", "up lab.yml --dry-run", "up lab.yml --name other",
            "up lab.yml --allow-host", "-j up lab.yml", "down lab", "down lab.yml --strict", "destroy -t lab.yml --cleanup",
            "down lab --state-dir /tmp/s", "down lab --state-dir=s", "-batch f.txt", "-force -batch f.txt", "-b f", "-n red -batch f"})
    void changesItMayBegin(String line) {
        assertTrue(Resident.mayChange(List.of(line.split(" "))), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-batch -", "-batch", "-batch f link show", "up lab.yml --verify", "up lab.yml --junit r.xml",
            "up lab.yml --node-filter a", "down --all", "down --stale", "exec lab a ls", "verify lab", "impair lab a", "link add x type veth",
            "netns add x", "-c=auto up lab.yml", "-x up lab.yml", "ovs add-br b", "ui lab", "", "up lab.yml --unknown"})
    void changesItLeavesToAProcessOfTheirOwn(String line) {
        assertFalse(Resident.mayChange(line.isEmpty() ? List.of() : List.of(line.split(" "))), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"link add x type veth peer name y", "-n red link set x up", "-n red address add 10.0.0.1/24 dev x",
            "netns add red", "netns del red", "route add 10.0.0.0/8 via 10.0.0.1", "rule add fwmark 1 table 10", "neigh flush all",
            "tuntap add dev t0 mode tap", "netns identify 1", "-netns red link"})
    void batchLinesItRuns(String line) {
        assertTrue(Resident.mayRunInBatch(List.of(line.split(" "))), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"netns exec red ip a", "netns e red ls", "-n red netns exec x sh", "netns monitor", "up lab.yml", "sysctl -w a=b",
            "ping 10.0.0.1", "ovs add-br b", "unshare", "exec lab a ls", "-x link"})
    void batchLinesLeftToAProcessOfItsOwn(String line) {
        assertFalse(Resident.mayRunInBatch(List.of(line.split(" "))), line);
    }

    /**
     * A lab that would start programs (here an exec line), or whose file reads a variable the client did not send, is
     * declined once read, from the client's directory, before anything is printed or made.
     */
    @Test
    void labsThatStartProgramsOrReadTheClientsVariablesAreDeclinedBeforeAnything(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("exec.yml"), "name: resident-exec\ntopology:\n  nodes:\n    a: {exec: [\"ip link\"]}\n");
        Files.writeString(dir.resolve("var.yml"), "name: ${RESIDENT_TEST_NAME:=resident-var}\ntopology:\n  nodes:\n    a: {}\n");
        Files.writeString(dir.resolve("batch.txt"), "netns add resident-b\nnetns exec resident-b true\n");
        for (List<String> argv : List.of(List.of("up", "exec.yml"), List.of("down", "exec.yml"), List.of("up", "var.yml"),
                List.of("-batch", "batch.txt"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            Cli cli = new Cli(new PrintStream(out, true), new PrintStream(err, true))
                    .servingFor(new Resident.Client(dir, Map.of("NSLAB_STATE_DIR", dir.resolve("state").toString())));
            assertThrows(Resident.Declined.class, () -> cli.run(argv.toArray(String[]::new)), argv.toString());
            assertEquals("", out.toString() + err.toString(), argv.toString());
        }
    }
}
