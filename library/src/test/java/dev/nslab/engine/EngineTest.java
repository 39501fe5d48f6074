package dev.nslab.engine;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each engine is told to run: the same node, in podman's words and in Docker's. */
@Tag("unit")
class EngineTest {
    private static final Engine.Spec SPEC = new Engine.Spec("nslab-x-web", "/run/netns/x-web", "web", "localhost/web:1",
            List.of("/bin/sh", "-c"), List.of("exec httpd -f"), null, Map.of("A", "b"), List.of(new Engine.Bind("/h", "/n", true)),
            Map.of(Engine.LAB_LABEL, "x"), new Engine.Health(List.of("CMD", "test", "-e", "/www/it's"), 1, 0, 3, 0));

    @Test
    void podmanJoinsTheNamespaceNslabMadeByItsPath() {
        List<String> a = new Podman(Path.of("/usr/bin/podman")).runArgs(SPEC);
        assertTrue(String.join(" ", a).contains("--network ns:/run/netns/x-web"), a.toString());
        // the exec form of the entrypoint and of the health check, as JSON
        assertEquals("[\"/bin/sh\",\"-c\"]", a.get(a.indexOf("--entrypoint") + 1));
        assertEquals("[\"test\",\"-e\",\"/www/it's\"]", a.get(a.indexOf("--health-cmd") + 1));
        assertEquals(List.of("localhost/web:1", "exec httpd -f"), a.subList(a.size() - 2, a.size()));
    }

    @Test
    void dockerMakesItsOwnNamespaceAndTakesOneProgramAsEntrypoint() {
        List<String> a = new Docker(Path.of("/usr/bin/docker")).runArgs(SPEC);
        assertTrue(String.join(" ", a).contains("--network none"), a.toString());
        assertFalse(a.contains("--runtime"), "docker's runtimes are its daemon's names, not paths");
        // one program as entrypoint; its further words come first among the arguments, before the cmd
        assertEquals("/bin/sh", a.get(a.indexOf("--entrypoint") + 1));
        assertEquals(List.of("localhost/web:1", "-c", "exec httpd -f"), a.subList(a.size() - 3, a.size()));
        // the health check's exec form as one shell line, each word quoted
        assertEquals("'test' '-e' '/www/it'\\''s'", a.get(a.indexOf("--health-cmd") + 1));
    }

    @Test
    void bothGiveTheNodeItsNameLabelsBindsAndTheCapabilitiesOfANetworkDevice() {
        for (Engine e : List.of(new Podman(Path.of("/usr/bin/podman")), new Docker(Path.of("/usr/bin/docker")))) {
            String a = String.join(" ", e.runArgs(SPEC));
            for (String w : List.of("--name nslab-x-web", "--hostname web", "--label nslab.lab=x", "--env A=b", "--volume /h:/n:ro",
                    "--cap-add NET_ADMIN", "--cap-add NET_RAW", "--cap-add SYS_ADMIN", "--health-interval 1s", "--health-retries 3")) {
                assertTrue(a.contains(w), e.name() + ": " + w + " in " + a);
            }
        }
    }
}
