package dev.nslab;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/package's .deb and tarball, installed as a user would on a machine without a JDK: in a mount namespace of
 * the test's own, on overlays of /usr, /etc and /var (the machine's files and package database stay as they were),
 * /usr/lib/jvm empty and no java on PATH: dpkg -i, nslab -V, netns list, a lab from the installed examples with a
 * ping across it, the live page's API, down, completion of the machine's namespaces, the manual pages, dpkg -r leaving nothing.
 */
@Needs(programs = {"dpkg-deb", "dpkg", "unshare", "cc", "bash", "tar"})
// beside the other tests (in a mount namespace of its own, on overlays): it touches nothing they look at
@Execution(ExecutionMode.CONCURRENT)
class PackageTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() { t.close(); }

    @Test
    void theDebInstallsAndRunsWithoutAJdkAndGoesWithoutATrace() throws Exception {
        Path dist = Files.createDirectories(dir.resolve("dist")), upper = Files.createDirectories(dir.resolve("upper"));
        boolean installedBefore = Files.exists(Path.of("/usr/lib/nslab"));
        List<String> made = Sh.run(List.of("scripts/package", dist.toString()), null).ok().out().lines().toList();
        Path deb = Path.of(made.get(0)), tar = Path.of(made.get(1));
        assertTrue(deb.getFileName().toString().matches("nslab_[0-9.]+_amd64\\.deb"), made.toString());
        assertTrue(tar.getFileName().toString().matches("nslab-[0-9.]+-linux-x64\\.tar\\.gz"), made.toString());
        String contents = Sh.ok("dpkg-deb", "--contents", deb.toString());
        for (String p : List.of("./usr/bin/nslab -> ../lib/nslab/nslab", "./usr/lib/nslab/runtime/bin/java", "./usr/lib/nslab/nslab-host",
                "./usr/share/bash-completion/completions/nslab", "./usr/share/man/man8/nslab.8.gz", "./usr/share/man/man5/nslab-lab.5.gz",
                "./usr/share/doc/nslab/examples/routers3.yml")) {
            assertTrue(contents.contains(p), p + " in\n" + contents);
        }
        assertTrue(contents.lines().allMatch(l -> l.contains(" root/root ")), "every file is root's");
        String ns = t.n("pk");
        Sh.ok("ip", "netns", "add", ns);
        Path check = Path.of(getClass().getResource("/packaging/install-check.sh").toURI());
        Sh.Result r = Sh.run(List.of("unshare", "--mount", "--propagation", "private", "bash", check.toString(), deb.toString(), t.n("pl"),
                upper.toString()), null);
        assertEquals(0, r.code(), r.out() + r.err());
        String out = r.out();
        assertTrue(out.matches("(?s)nslab [0-9.]+ \\(commit [^)]+\\), Java 2[5-9] at /usr/lib/nslab/runtime\\n.*"), out);
        for (String line : List.of("netns list: ok", "lab " + t.n("pl") + " is up", "lab " + t.n("pl") + " is down", "aot: made at install", "ui: the API answers",
                "helper: started by itself, serves", "helper: stopped by itself when idle", "entry: the C client", "entry: served without the launcher",
                "complete -F _nslab nslab", "nslab.8", "nslab-lab.5", "removed: nothing left")) {
            assertTrue(out.contains(line), line + " in\n" + out);
        }
        assertTrue(out.lines().anyMatch(l -> l.startsWith("completes -n with: ") && List.of(l.substring(19).split(" ")).contains(ns)), out);
        assertEquals(installedBefore, Files.exists(Path.of("/usr/lib/nslab")), "the machine's own /usr is as it was");
    }
}
