package dev.nslab.web;

import dev.nslab.lab.Labs;
import dev.nslab.lab.model.Progress;
import dev.nslab.net.Namespaces;
import dev.nslab.testkit.Iperf;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page in a real browser (Debian's headless Chromium through its chromedriver) over a real lab: every node
 * and link is drawn with its hooks; a cut from the command line shows on the page and a cut from the page cuts the
 * veth (ip(8) as the witness); counters move under iperf3 traffic; a terminal runs in the node (its own host name);
 * the API refuses requests without the token; a lab taken down leaves the page.
 */
@Needs(programs = {"ip", "tc", "ping", "iperf3", "chromium", "chromedriver"})
class UiPageTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;
    UiServer server;
    WebDriver browser;

    /** Five nodes in a chain (h1 - r1 - r2 - r3 - h2); h1 is a small host with a host name of its own. */
    private static final String LAB = """
            name: @ui
            topology:
              nodes:
                h1: {hostname: @h1host, interfaces: {eth0: {address: 10.231.1.2/24}}, routes: [{dst: default, via: 10.231.1.1}]}
                r1: {forwarding: true, interfaces: {eth0: {address: 10.231.1.1/24}, eth1: {address: 10.231.12.1/24}}, routes: [{dst: 10.231.0.0/16, via: 10.231.12.2}]}
                r2: {forwarding: true, interfaces: {eth0: {address: 10.231.12.2/24}, eth1: {address: 10.231.23.2/24}}, routes: [{dst: 10.231.1.0/24, via: 10.231.12.1}, {dst: 10.231.2.0/24, via: 10.231.23.3}]}
                r3: {forwarding: true, interfaces: {eth0: {address: 10.231.23.3/24}, eth1: {address: 10.231.2.1/24}}, routes: [{dst: 10.231.0.0/16, via: 10.231.23.2}]}
                h2: {interfaces: {eth0: {address: 10.231.2.2/24}}, routes: [{dst: default, via: 10.231.2.1}]}
              links:
                - endpoints: ["h1:eth0", "r1:eth0"]
                - endpoints: ["r1:eth1", "r2:eth0"]
                - endpoints: ["r2:eth1", "r3:eth0"]
                - endpoints: ["r3:eth1", "h2:eth0"]
            """;

    @AfterEach
    void cleanUp() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
        Nslab.inState(dir, "down", t.n("ui"));
        t.close();
    }

    private String lab() { return t.n("ui"); }

    private String ns(String node) { return lab() + "-" + node; }

    private WebDriver browser() throws Exception {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium());
        Path profile = Files.createDirectories(dir.resolve("chromium"));
        // --no-sandbox: Chromium's sandbox refuses to run as root, which the suite is
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,900",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(program("chromedriver"))).usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    private static String chromium() {
        // Debian's /usr/bin/chromium is a wrapper script; chromedriver needs the browser itself
        for (String p : List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium")) if (Files.isExecutable(Path.of(p))) return p;
        return program("chromium");
    }

    private static String program(String name) {
        for (String d : List.of("/usr/bin", "/usr/local/bin", "/bin")) if (Files.isExecutable(Path.of(d, name))) return d + "/" + name;
        return name;
    }

    private <T> T waitFor(String what, Duration d, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, d).withMessage(what).until(condition);
    }

    private WebElement link(String id) { return browser.findElement(By.cssSelector("section[data-lab='" + lab() + "'] tr[data-link='" + id + "']")); }

    private boolean kernelUp(String node, String dev) {
        JsonNode l = t.link(ns(node), dev);
        for (JsonNode f : l.path("flags")) if (f.asText().equals("UP")) return true;
        return false;
    }

    private boolean pings(String from, String to) {
        return dev.nslab.testkit.Sh.run("ip", "netns", "exec", ns(from), "ping", "-c", "1", "-W", "1", to).code() == 0;
    }

    /** The processes in a namespace, by ip(8). */
    private static Set<String> pids(String ns) {
        return Set.copyOf(dev.nslab.testkit.Sh.ok("ip", "netns", "pids", ns).lines().map(String::strip).filter(x -> !x.isEmpty()).toList());
    }

    @Test
    void thePageShowsTheLabLiveAndActsOnIt() throws Exception {
        Nslab.inState(dir, "up", t.writeNamed(dir, "lab.yml", LAB).toString()).ok();
        server = UiServer.start(new Labs(new Namespaces(), dir, Progress.SILENT), new Namespaces(),
                new UiServer.Options("127.0.0.1", 0, Set.of(lab()), 500, false));
        URI url = server.url();
        assertTrue(url.toString().startsWith("http://127.0.0.1:") && url.getQuery().startsWith("token="), url.toString());

        // the token guards the API and the live feed
        HttpClient http = HttpClient.newHttpClient();
        URI api = url.resolve("/api/labs");
        assertEquals(401, http.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(403, http.send(HttpRequest.newBuilder(URI.create(api + "?token=" + (server.token().charAt(0) == '0' ? '1' : '0') + server.token().substring(1))).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(api).header("Authorization", "token " + server.token()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertEquals(lab(), TestNet.json(ok.body()).path("labs").path(0).path("name").asText(), ok.body());
        assertEquals(403, http.send(HttpRequest.newBuilder(url.resolve("/api/labs/" + lab() + "/cut")).header("Authorization", "token nope")
                .POST(HttpRequest.BodyPublishers.ofString("{\"end\":\"h1:eth0\"}")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertTrue(kernelUp("h1", "eth0"), "a refused request changed nothing");
        CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, () ->
                http.newWebSocketBuilder().buildAsync(URI.create("ws://" + url.getAuthority() + "/api/live"), new WebSocket.Listener() { }).join());
        assertTrue(refused.getCause() instanceof java.net.http.WebSocketHandshakeException, refused.toString());
        assertEquals(401, ((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());

        browser = browser();
        browser.get(url.toString());
        String inLab = "section[data-lab='" + lab() + "'] ";
        waitFor("the page shows the lab's five nodes", Duration.ofSeconds(20), b -> b.findElements(By.cssSelector(inLab + "tr[data-node]")).size() == 5);
        assertEquals(List.of("h1", "r1", "r2", "r3", "h2"),
                browser.findElements(By.cssSelector(inLab + "tr[data-node]")).stream().map(e -> e.getDomAttribute("data-node")).toList());
        assertEquals(List.of("h1:eth0 r1:eth0", "r1:eth1 r2:eth0", "r2:eth1 r3:eth0", "r3:eth1 h2:eth0"),
                browser.findElements(By.cssSelector(inLab + "tr[data-link]")).stream().map(e -> e.getDomAttribute("data-link")).toList());
        for (WebElement e : browser.findElements(By.cssSelector(inLab + "tr[data-link]"))) assertEquals("up", e.getDomAttribute("data-state"));
        assertEquals("live", browser.findElement(By.id("feed")).getDomAttribute("data-state"));
        // the drawing: cytoscape's graph holds every node and link too
        Object drawn = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return [cy.nodes().length, cy.edges().length]");
        assertEquals(List.of(5L, 4L), drawn);

        // a cut from the command line shows on the page; a mend too
        Nslab.inState(dir, "cut", lab(), "r1:eth1").ok();
        waitFor("the cut made by the command line shows", Duration.ofSeconds(10), b -> "cut".equals(link("r1:eth1 r2:eth0").getDomAttribute("data-state")));
        Nslab.inState(dir, "mend", lab(), "r1:eth1").ok();
        waitFor("the mend shows", Duration.ofSeconds(10), b -> "up".equals(link("r1:eth1 r2:eth0").getDomAttribute("data-state")));

        // a link put down by hand (ip) shows as down
        t.link(ns("r3"), "eth1"); // it is there
        dev.nslab.testkit.Sh.ok("ip", "-n", ns("r3"), "link", "set", "eth1", "down");
        waitFor("a link set down by ip shows as down", Duration.ofSeconds(10), b -> "down".equals(link("r3:eth1 h2:eth0").getDomAttribute("data-state")));
        dev.nslab.testkit.Sh.ok("ip", "-n", ns("r3"), "link", "set", "eth1", "up");
        waitFor("and up again", Duration.ofSeconds(10), b -> "up".equals(link("r3:eth1 h2:eth0").getDomAttribute("data-state")));

        // the page's cut control cuts the veth in the kernel; its mend mends it
        link("r2:eth1 r3:eth0").click();
        browser.findElement(By.cssSelector("button[data-action='cut']")).click();
        waitFor("the page's cut reaches the kernel", Duration.ofSeconds(10), b -> !kernelUp("r2", "eth1") && !kernelUp("r3", "eth0"));
        waitFor("and shows", Duration.ofSeconds(10), b -> "cut".equals(link("r2:eth1 r3:eth0").getDomAttribute("data-state")));
        browser.findElement(By.cssSelector("button[data-action='mend']")).click();
        waitFor("the page's mend reaches the kernel", Duration.ofSeconds(10), b -> kernelUp("r2", "eth1") && kernelUp("r3", "eth0"));

        // impair an end from the page: tbf on that end in the kernel (tc as the witness), the link shows impaired; clear
        link("h1:eth0 r1:eth0").click();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.cssSelector("#impair-form select[name='end']"))).selectByValue("r1:eth0");
        browser.findElement(By.cssSelector("#impair-form input[name='rate']")).sendKeys("10mbit");
        browser.findElement(By.cssSelector("button[data-action='impair']")).click();
        waitFor("the page's impairment reaches the kernel", Duration.ofSeconds(10),
                b -> dev.nslab.testkit.Sh.ok("tc", "-n", ns("r1"), "qdisc", "show", "dev", "eth0").contains("tbf"));
        waitFor("and shows", Duration.ofSeconds(10), b -> "impaired".equals(link("h1:eth0 r1:eth0").getDomAttribute("data-state")));
        browser.findElement(By.cssSelector("button[data-action='unimpair']")).click();
        waitFor("clearing it from the page removes it", Duration.ofSeconds(10),
                b -> !dev.nslab.testkit.Sh.ok("tc", "-n", ns("r1"), "qdisc", "show", "dev", "eth0").contains("tbf")
                        && "up".equals(link("h1:eth0 r1:eth0").getDomAttribute("data-state")));

        // partition r2 from the rest from the page: h1 no longer reaches r2 (ping as the witness); heal
        browser.findElement(By.cssSelector(inLab + "tr[data-node='r2']")).click();
        browser.findElement(By.cssSelector("button[data-action='partition']")).click();
        waitFor("the partition shows", Duration.ofSeconds(10), b -> !b.findElements(By.cssSelector("[data-partition]")).isEmpty());
        assertFalse(pings("h1", "10.231.12.2"), "h1 reaches r2 across the partition");
        browser.findElement(By.cssSelector("button[data-action='heal']")).click();
        waitFor("healing from the page", Duration.ofSeconds(10), b -> b.findElements(By.cssSelector("[data-partition]")).isEmpty());
        assertTrue(pings("h1", "10.231.12.2"), "h1 reaches r2 again");

        // counters move under iperf3 traffic from h1 to h2
        long bytes = Long.parseLong(link("h1:eth0 r1:eth0").getDomAttribute("data-bytes"));
        double mbits = Iperf.mbits(Iperf.in(ns("h2")), ns("h2"), Iperf.in(ns("h1")), "10.231.2.2", 2);
        assertTrue(mbits > 1, "iperf3 measured " + mbits + " Mbit/s");
        waitFor("the page's counters count the traffic", Duration.ofSeconds(10),
                b -> Long.parseLong(link("h1:eth0 r1:eth0").getDomAttribute("data-bytes")) > bytes + 1_000_000);

        // verify from the page: its matrix and verdict
        browser.findElement(By.cssSelector("button[data-action='verify']")).click();
        WebElement verdict = waitFor("verify's verdict", Duration.ofSeconds(60), b -> b.findElements(By.cssSelector("[data-verdict]")).stream().findFirst().orElse(null));
        assertEquals("ok", verdict.getDomAttribute("data-verdict"), verdict.getText());
        assertFalse(browser.findElements(By.cssSelector(".matrix td[data-pair='h1 h2']")).isEmpty());

        // a terminal in h1: its own host name, its own addresses
        Set<String> before = pids(ns("h1"));
        browser.findElement(By.cssSelector(inLab + "tr[data-node='h1']")).click();
        browser.findElement(By.cssSelector("button[data-action='terminal']")).click();
        waitFor("the terminal opens", Duration.ofSeconds(20), b -> "open".equals(b.findElement(By.cssSelector("[data-terminal='h1']")).getDomAttribute("data-state")));
        WebElement keys = browser.findElement(By.cssSelector("[data-terminal='h1'] .xterm-helper-textarea"));
        keys.sendKeys("hostname; ip -br addr show eth0\n");
        String host = t.n("h1host");
        waitFor("the terminal shows h1's host name and address", Duration.ofSeconds(20), b -> {
            String text = b.findElement(By.cssSelector("[data-terminal='h1'] .xterm-rows")).getText();
            return text.contains(host) && text.contains("10.231.1.2/24");
        });
        Files.write(Path.of("library/target/ui-page.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.findElement(By.cssSelector("[data-terminal='h1'] .bar button")).click();
        waitFor("closing the terminal ends its shell", Duration.ofSeconds(10), b -> pids(ns("h1")).equals(before));

        // down: the lab leaves the page
        Nslab.inState(dir, "down", lab()).ok();
        waitFor("the lab leaves the page", Duration.ofSeconds(10), b -> b.findElements(By.cssSelector(inLab)).isEmpty());
    }
}
