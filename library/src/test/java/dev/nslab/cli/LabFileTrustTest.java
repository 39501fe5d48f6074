package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lab file from elsewhere cannot reach what it did not make: a file that shares a lab's name does not change or
 * take apart the lab another file made. Witness: ip.
 */
@Needs(programs = "ip")
class LabFileTrustTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        Nslab.inState(dir, "down", t.n("tf"));
        t.close();
    }

    @Test
    void aFileThatSharesALabsNameDoesNotTouchTheLabAnotherFileMade() throws Exception {
        String lab = t.n("tf");
        Path mine = t.writeNamed(dir, "mine.yml", """
                name: @tf
                topology:
                  nodes:
                    a: {interfaces: {eth0: 10.52.0.1/24}}
                    b: {interfaces: {eth0: 10.52.0.2/24}}
                  links:
                    - endpoints: ["a:eth0", "b:eth0"]
                """);
        Files.createDirectories(dir.resolve("downloads"));
        Path other = t.writeNamed(dir.resolve("downloads"), "lab.yml", """
                name: @tf
                topology:
                  nodes:
                    x: {}
                """);
        Nslab.inState(dir, "up", mine.toString()).ok();
        Nslab.Out refused = Nslab.inState(dir, "up", other.toString());
        assertEquals(1, refused.code(), refused.err());
        assertTrue(refused.err().contains("lab " + lab + " is up from another file, " + mine + ": take that lab down first, or give " + other
                + " another name:"), refused.err());
        assertTrue(Sh.ok("ip", "netns", "list").contains(lab + "-a"), "the first file's lab is whole");
        assertTrue(Sh.ok("ip", "-n", lab + "-a", "-br", "addr").contains("10.52.0.1/24"));
        assertTrue(!Sh.ok("ip", "netns", "list").contains(lab + "-x"), "nothing of the second file was made");
        Nslab.inState(dir, "up", mine.toString()).ok(); // the file that made it still may
    }

    @Test
    void aFileSwappedAfterItWasReadIsNotAllowedByTheTrustOfTheNewText() throws Exception {
        // read as asking for two writable binds of the machine; by the time up hashes it, the file asks for one only and
        // was allowed before: what the first text asks must not pass under the second's trust
        Files.writeString(dir.resolve("data"), "x\n");
        Files.writeString(dir.resolve("keys"), "secret\n");
        Path f = t.writeNamed(dir, "swap.yml", """
                name: @tf
                topology:
                  nodes:
                    a: {binds: ["data:/srv/data", "keys:/srv/keys"]}
                """);
        var asRead = dev.nslab.lab.file.TopologyParser.parseFile(f);
        Files.writeString(f, Files.readString(f).replace(", \"keys:/srv/keys\"", ""));
        Nslab.inState(dir, "up", f.toString(), "--allow-host").ok(); // the smaller text, trusted
        Nslab.inState(dir, "down", t.n("tf")).ok();
        var labs = new dev.nslab.lab.Labs(new dev.nslab.net.Namespaces(), dir, dev.nslab.lab.model.Progress.SILENT);
        dev.nslab.error.LabException e = org.junit.jupiter.api.Assertions.assertThrows(dev.nslab.error.LabException.class,
                () -> labs.up(asRead, false, null, false));
        assertTrue(e.getMessage().contains("changed while nslab read it: nothing was made"), e.getMessage());
        assertTrue(!Sh.ok("ip", "netns", "list").contains(t.n("tf") + "-a"), "nothing was made");
    }

    @Test
    void whatAFileRunsCannotChangeTheMachinesFilesOrNetwork() throws Exception {
        String lab = t.n("tf"), mark = "/etc/" + lab + "-pwned", iface = t.n("pw");
        Path f = t.writeNamed(dir, "pw.yml", """
                name: @tf
                topology:
                  nodes:
                    a:
                      exec:
                        - sh -c 'echo pwned > MARK'
                        - sh -c 'nsenter -t 1 -n ip link add IFACE type veth peer name IFACEp || true'
                """.replace("MARK", mark).replace("IFACE", iface));
        try {
            Nslab.inState(dir, "up", f.toString()).ok();
            assertTrue(!Files.exists(Path.of(mark)), "the machine has no " + mark);
            assertTrue(Sh.run("ip", "link", "show", iface).code() != 0, "the machine has no interface " + iface);
            // the node's own view has both: the file in its writable layer, the interface in its own namespace
            assertEquals("pwned\n", Nslab.process(null, "exec", lab, "a", "--state-dir", dir.toString(), "--", "cat", mark).ok().out());
            assertTrue(Sh.ok("ip", "-n", lab + "-a", "link").contains(iface));
        } finally {
            Files.deleteIfExists(Path.of(mark)); // only if the test failed: never there otherwise
            if (Sh.run("ip", "link", "show", iface).code() == 0) Sh.run("ip", "link", "del", iface);
        }
    }

    @Test
    void aStateDirectoryOfAnotherUserOrALinkPlantedAtALockIsRefused() throws Exception {
        String lab = t.n("tf");
        Path f = t.writeNamed(dir, "s.yml", "name: @tf\ntopology:\n  nodes:\n    a: {}\n");
        Path others = Files.createDirectory(dir.resolve("others"));
        Sh.ok("chown", "65534", others.toString());
        Nslab.Out refused = Nslab.process(null, "up", f.toString(), "--state-dir", others.toString());
        assertEquals(1, refused.code(), refused.err());
        assertTrue(refused.err().contains(others + " belongs to user 65534, not to this user (0)"), refused.err());
        assertTrue(!Sh.ok("ip", "netns", "list").contains(lab + "-a"), "nothing made");

        Path mine = Files.createDirectory(dir.resolve("mine"));
        Path target = dir.resolve("planted-target");
        Files.createSymbolicLink(mine.resolve("." + lab + ".lock"), target);
        Nslab.Out linked = Nslab.process(null, "up", f.toString(), "--state-dir", mine.toString());
        assertEquals(1, linked.code(), linked.err());
        assertTrue(!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the link's target is not created");
        assertTrue(!Sh.ok("ip", "netns", "list").contains(lab + "-a"), "nothing made");
    }

    @Test
    void stateAndLogsAreReadableByThisUserOnly() throws Exception {
        String lab = t.n("tf");
        Path f = t.writeNamed(dir, "l.yml", "name: @tf\ntopology:\n  nodes:\n    a: {}\n");
        Nslab.inState(dir, "up", f.toString()).ok();
        Nslab.process(null, "exec", lab, "a", "-d", "--state-dir", dir.toString(), "--", "sh", "-c", "echo hello").ok();
        assertEquals("rw-------", perms(dir.resolve(lab + ".json")));
        assertEquals("rwx------", perms(dir.resolve(lab + ".logs")));
        assertEquals("rw-r--r--", perms(dir.resolve(lab + ".etc/hosts")), "every user of a node reads its hosts file");
    }

    private static String perms(Path p) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void execUsesTheFileAsItWasBroughtUpNotAsEditedSince() throws Exception {
        String lab = t.n("tf");
        Path f = t.writeNamed(dir, "e.yml", "name: @tf\ntopology:\n  nodes:\n    a: {env: {GREETING: hello}, exec: [\"true\"]}\n");
        Nslab.inState(dir, "up", f.toString()).ok();
        Files.writeString(f, Files.readString(f).replace("GREETING: hello", "GREETING: edited, LD_PRELOAD: /tmp/evil.so"));
        Nslab.Out out = Nslab.process(null, "exec", lab, "a", "--state-dir", dir.toString(), "--", "sh", "-c", "echo $GREETING ${LD_PRELOAD:-none}").ok();
        assertEquals("hello none\n", out.out());
        assertTrue(Files.exists(dir.resolve(lab + ".yml")), "the text is kept beside the state");
        Nslab.inState(dir, "down", lab).ok();
        assertTrue(!Files.exists(dir.resolve(lab + ".yml")), "and goes with the lab");
    }
}
