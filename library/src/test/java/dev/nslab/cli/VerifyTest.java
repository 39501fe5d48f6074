package dev.nslab.cli;

import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Nslab;
import dev.nslab.testkit.OpenVswitch;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nslab verify on real labs: the tutorial labs (with and without VLAN tags, before and after routes and
 * forwarding), a router chain with a missing route, asymmetric routing, a wrong expectation, and a network changed
 * behind the file's back. Prediction must agree with the real network wherever the network is what the file says.
 */
@ExtendWith(OpenVswitch.class)
@Needs(programs = {"ip"}, openVswitch = true)
class VerifyTest {
    final TestNet t = new TestNet();
    @TempDir
    Path dir;
    final List<String> labs = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (String lab : labs) Nslab.inState(dir, "down", lab);
        t.close();
    }

    private Nslab.Out nslab(String... args) { return Nslab.inState(dir, args); }

    /** An example file with this run's names (lab name, and root-namespace names listed as pairs). */
    private Path lab(String example, String name, String... rename) throws Exception {
        String text = Files.readString(Path.of("examples", example))
                .replaceFirst("(?m)^name: .*$", "name: " + t.n(name)).replaceFirst("(?m)^prefix: \"\"\\n", "");
        for (int i = 0; i < rename.length; i += 2) text = text.replace(rename[i], t.n(rename[i + 1]));
        return write(name, text);
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name + ".yml");
        Files.writeString(p, text);
        labs.add(t.n(name));
        return p;
    }

    private JsonNode verify(Path file, int expectedExit) {
        Nslab.Out up = nslab("up", file.toString()).ok();
        Nslab.Out v = nslab("-j", "verify", file.toString());
        assertEquals(expectedExit, v.code(), v.out() + v.err() + up.err());
        return TestNet.json(v.out());
    }

    private static JsonNode pair(JsonNode report, String from, String to) {
        for (JsonNode p : report.path("pairs")) if (p.path("from").asText().equals(from) && p.path("to").asText().equals(to)) return p;
        throw new AssertionError("no pair " + from + " -> " + to + " in " + report);
    }

    @Test
    void seed000WithAndWithoutVlanTags() throws Exception {
        String[] names = {"OVS-1", "O", "veth-ns1", "v1", "veth-ns2", "v2"};
        JsonNode tagged = verify(lab("vlan-demo.yml", "tag", names), 0);
        JsonNode p = pair(tagged, "ns1", "ns2");
        assertFalse(p.path("measured").asBoolean());
        assertTrue(p.path("reason").asText().contains("VLAN 100") && p.path("reason").asText().contains("VLAN 200"), p.toString());
        nslab("down", t.n("tag")).ok();

        String untagged = Files.readString(Path.of("examples/vlan-demo.yml")).replaceAll("(?m)^\\s+vlan: \\d+\\n", "")
                .replace("reach: false", "reach: true").replaceFirst("(?m)^name: .*$", "name: " + t.n("untag"))
                .replaceFirst("(?m)^prefix: \"\"\\n", "");
        for (int i = 0; i < names.length; i += 2) untagged = untagged.replace(names[i], t.n(names[i + 1]));
        JsonNode open = verify(write("untag", untagged), 0);
        assertTrue(pair(open, "ns1", "ns2").path("measured").asBoolean());
        assertTrue(open.path("ok").asBoolean());
    }

    @Test
    void seed003BeforeAndAfterRoutesAndForwarding() throws Exception {
        String full = Files.readString(Path.of("examples/seed003-routing-via-host.yml"));
        String before = full.replace("      forwarding: true\n", "").replaceAll("(?m)^\\s+routes: .*\\n", "")
                .replace("{from: ns0, to: ns1, reach: true}", "{from: ns0, to: ns1, reach: false}")
                .replace("{from: ns0, to: host, reach: true}", "{from: ns0, to: 10.1.10.1, reach: true}")
                .replaceFirst("(?m)^name: .*$", "name: " + t.n("before")).replaceFirst("(?m)^prefix: \"\"\\n", "");
        JsonNode r = verify(write("before", before), 0);
        JsonNode p = pair(r, "ns0", "ns1");
        assertFalse(p.path("measured").asBoolean());
        assertTrue(p.path("reason").asText().startsWith("no route from ns0"), p.toString());
        assertTrue(pair(r, "ns0", "host").path("measured").asBoolean(), "the host's own addresses answer without forwarding");

        JsonNode after = verify(lab("seed003-routing-via-host.yml", "after"), 0);
        assertTrue(pair(after, "ns0", "ns1").path("measured").asBoolean());
        assertTrue(after.path("ok").asBoolean());
    }

    @Test
    void seed001And002AgreeWithTheirFiles() throws Exception {
        assertTrue(verify(lab("seed001-two-namespaces.yml", "s1"), 0).path("ok").asBoolean());
        assertTrue(verify(lab("seed002-mario-luigi.yml", "s2", "my_switch", "ms", "mario-ovs", "mo", "luigi-ovs", "lo"), 0)
                .path("ok").asBoolean());
    }

    @Test
    void aRouterWithoutForwardingOrRouteAndAnAsymmetricPathAreExplained() throws Exception {
        String chain = Files.readString(Path.of("examples/routers3.yml"));
        // r2 forgets where 10.10.2.0/24 is: h1's requests die at r2
        String missing = chain.replace(", {dst: 10.10.2.0/24, via: 10.10.23.3}", "").replaceFirst("(?m)^name: .*$", "name: " + t.n("miss"));
        JsonNode r = verify(write("miss", missing), 1);
        JsonNode p = pair(r, "h1", "h2");
        assertEquals(false, p.path("measured").asBoolean());
        assertEquals("no route from r2 to 10.10.2.2", p.path("reason").asText());
        assertTrue(p.path("agrees").asBoolean());
        JsonNode exp = r.path("expectations").get(0);
        assertFalse(exp.path("holds").asBoolean());
        assertTrue(exp.path("why").asText().contains("no route from r2 to 10.10.2.2"), exp.toString());
        nslab("down", t.n("miss")).ok();

        // r3 has no way back to h1's network: the request arrives, the reply is lost
        String asym = chain.replace("      routes: [{dst: 10.10.0.0/16, via: 10.10.23.2}]\n", "").replaceFirst("(?m)^name: .*$", "name: " + t.n("asym"));
        r = verify(write("asym", asym), 1);
        p = pair(r, "h1", "h2");
        assertFalse(p.path("measured").asBoolean());
        assertEquals("the request arrives, but the reply does not: no route from r3 to 10.10.1.2", p.path("reason").asText());
        nslab("down", t.n("asym")).ok();

        // r2 does not forward
        String noFwd = chain.replaceFirst("(?s)(r2:\\n\\s+)forwarding: true\\n\\s+", "$1").replaceFirst("(?m)^name: .*$", "name: " + t.n("nofwd"));
        r = verify(write("nofwd", noFwd), 1);
        p = pair(r, "h1", "h2");
        assertFalse(p.path("measured").asBoolean());
        assertTrue(p.path("reason").asText().startsWith("r2 does not forward"), p.toString());
        assertTrue(p.path("agrees").asBoolean());
    }

    @Test
    void aWrongExpectationFailsAndSaysWhy() throws Exception {
        String text = Files.readString(Path.of("examples/seed001-two-namespaces.yml")).replace("reach: true", "reach: false")
                .replaceFirst("(?m)^name: .*$", "name: " + t.n("wrong")).replaceFirst("(?m)^prefix: \"\"\\n", "");
        Path f = write("wrong", text);
        nslab("up", f.toString()).ok();
        Nslab.Out v = nslab("verify", f.toString());
        assertEquals(1, v.code());
        assertTrue(v.out().contains("expect ns1 -> ns2 reach false: FAILS (10.0.1.2 answered"), v.out());
        assertTrue(v.out().contains("DISAGREEMENT"), v.out());
    }

    @Test
    void aNetworkChangedBehindTheFilesBackDisagreesWithThePrediction() throws Exception {
        Path f = lab("routers3.yml", "drift");
        nslab("up", f.toString()).ok();
        Sh.run("ip", "-n", t.n("drift") + "-r2", "route", "del", "10.10.2.0/24").ok();
        Nslab.Out v = nslab("verify", t.n("drift"));
        assertEquals(1, v.code());
        assertTrue(v.out().contains("h1 -> h2 (10.10.2.2): measured no reach"), v.out());
        assertTrue(v.out().contains("predicted reach"), v.out());
        // where the kernel's tables stop it, and what the node lacks of its file
        assertTrue(v.out().contains("in the kernel's tables it stops: no route from r2 to 10.10.2.2"), v.out());
        assertTrue(v.out().contains("r2: lacks the route 10.10.2.0/24 via "), v.out());
    }

    @Test
    void ipv6RoutesAndAMissingWayBack() throws Exception {
        Path f = write("six", """
                name: %s
                topology:
                  nodes:
                    a: {interfaces: {eth0: {address: ["10.77.0.1/24", "fd77::1/64"]}}, routes: [{dst: "fd78::/64", via: "fd77::2"}]}
                    r: {forwarding: true, interfaces: {eth0: {address: ["10.77.0.2/24", "fd77::2/64"]}, eth1: {address: "fd78::2/64"}}}
                    b: {interfaces: {eth0: {address: "fd78::1/64"}}}
                  links:
                    - endpoints: ["a:eth0", "r:eth0"]
                    - endpoints: ["r:eth1", "b:eth0"]
                expect:
                  - {from: a, to: "fd78::1", reach: false}
                  - {from: a, to: r, reach: true}
                """.formatted(t.n("six")));
        JsonNode r = verify(f, 0);
        assertTrue(r.path("ok").asBoolean());
        JsonNode ab = pair(r, "a", "b");
        assertEquals("fd78::1", ab.path("address").asText());
        assertFalse(ab.path("measured").asBoolean());
        assertEquals("the request arrives, but the reply does not: no route from b to fd77::1", ab.path("reason").asText());
        assertTrue(pair(r, "a", "r").path("measured").asBoolean());
    }

    @Test
    void aPathLongerThanTheTtlIsPredictedUnreachable() throws Exception {
        String chain = Sh.ok("bench/gen-chain", "66", t.n("ttl"));
        JsonNode r = verify(write("ttl", chain), 0);
        assertTrue(r.path("ok").asBoolean(), "prediction agrees everywhere, TTL included");
        JsonNode far = pair(r, "n1", "n66");
        assertFalse(far.path("measured").asBoolean());
        assertTrue(far.path("detail").asText().startsWith("Time to live exceeded"), far.toString());
        assertTrue(far.path("reason").asText().contains("crosses more than 63 routers"), far.toString());
        assertTrue(pair(r, "n1", "n65").path("measured").asBoolean(), "63 routers are still within the TTL");
    }
}
