package dev.nslab.web;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.TestNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nslab ui} as a user runs it: a separate JVM that prints the page's address first and serves until it is
 * ended; the page, its libraries and the API (with the printed token, and refused without it).
 */
@Needs
class UiCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsItsAddressFirstAndServesThePageAndTheApi() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.nslab.cli.Main", "ui", "--listen", "127.0.0.1:0", "--state-dir", dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(first != null && first.matches("http://127\\.0\\.0\\.1:[0-9]+/\\?token=[0-9a-f]{48}"), "first line: " + first);
            URI url = URI.create(first);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("cytoscape.min.js") && page.body().contains("data-action=\"cut\""), page.body());
            for (String lib : List.of("/webjars/cytoscape/3.33.1/dist/cytoscape.min.js", "/webjars/xterm/4.9.0/lib/xterm.js", "/app.js", "/app.css")) {
                assertEquals(200, http.send(HttpRequest.newBuilder(url.resolve(lib)).build(), HttpResponse.BodyHandlers.discarding()).statusCode(), lib);
            }
            assertEquals(401, http.send(HttpRequest.newBuilder(url.resolve("/api/labs")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            HttpResponse<String> labs = http.send(HttpRequest.newBuilder(URI.create(url.resolve("/api/labs") + "?" + url.getQuery())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, labs.statusCode());
            assertEquals(0, TestNet.json(labs.body()).path("labs").size(), labs.body());
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(url.resolve("/api/labs/nosuch") + "?" + url.getQuery())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, none.statusCode(), none.body());
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        }
    }

    @Test
    void refusesAnAddressThatIsNotLoopbackUnlessAskedFor() {
        Nslab.Out o = Nslab.run("ui", "--listen", "192.0.2.1:7979", "--state-dir", dir.toString()).fails();
        assertTrue(o.err().contains("192.0.2.1 is not a loopback address") && o.err().contains("--public"), o.err());
        o = Nslab.run("ui", "--listen", "7979").fails();
        assertTrue(o.err().contains("--listen takes ADDR:PORT"), o.err());
        o = Nslab.run("ui", "--listen", "127.0.0.1:http").fails();
        assertTrue(o.err().contains("port is a number"), o.err());
    }
}
