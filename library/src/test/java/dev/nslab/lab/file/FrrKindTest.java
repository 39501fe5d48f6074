package dev.nslab.lab.file;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** containerlab's kind frr read from a file: an image node that forwards, its startup-config and daemons; mistakes located. */
@Tag("unit")
class FrrKindTest {
    @TempDir
    Path dir;

    private Topology parse(String text) throws Exception {
        Path f = dir.resolve("frr.clab.yml");
        Files.writeString(f, text);
        return TopologyParser.parseFile(f);
    }

    @Test
    void aRouterOfKindFrr() throws Exception {
        Files.writeString(dir.resolve("r1.conf"), "hostname r1\n");
        Topology t = parse("""
                name: f
                topology:
                  kinds:
                    frr: {image: localhost/nslab/frr:bookworm, extras: {frr: {daemons: [ospfd, zebra, bgpd]}}}
                  nodes:
                    r1: {kind: frr, startup-config: r1.conf}
                """);
        Topology.NodeDef r1 = t.node("r1").orElseThrow();
        assertEquals(Topology.Kind.LINUX, r1.kind());
        assertTrue(r1.forwarding(), "a router forwards");
        assertEquals(new Topology.FrrDef(dir.resolve("r1.conf").toString(), List.of("ospfd", "bgpd")), r1.programs().image().frr(), "zebra always runs");
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
    }

    @Test
    void mistakesAreLocated() throws Exception {
        String noImage = assertThrows(LabException.class, () -> parse("name: f\ntopology:\n  nodes:\n    r1: {kind: frr}\n")).getMessage();
        assertTrue(noImage.endsWith("frr.clab.yml:4:16: node r1 of kind frr needs an image: an FRR image (scripts/build-image frr builds one from "
                + "Debian's packages), e.g. image: localhost/nslab/frr:bookworm"), noImage);
        String daemon = assertThrows(LabException.class, () -> parse("name: f\ntopology:\n  nodes:\n    r1: {kind: frr, image: x, extras: {frr: {daemons: [ospf]}}}\n"))
                .getMessage();
        assertTrue(daemon.contains("frr.clab.yml:4:56: unknown FRR daemon \"ospf\" (known: bgpd, ospfd"), daemon);
        String config = assertThrows(LabException.class, () -> parse("name: f\ntopology:\n  nodes:\n    r1: {kind: frr, image: x, startup-config: nope.conf}\n"))
                .getMessage();
        assertTrue(config.contains("frr.clab.yml:4:47: startup-config " + dir.resolve("nope.conf") + " of node r1 is not a file"), config);
    }
}
