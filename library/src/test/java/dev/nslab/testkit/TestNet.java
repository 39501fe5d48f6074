package dev.nslab.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Names for one test that cannot clash with another run (a random prefix), clean-up of everything carrying that
 * prefix (and only that), and iproute2 as the witness. Interface names stay within 15 bytes: the prefix is 5.
 */
public final class TestNet implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

    public final String prefix;

    public TestNet() {
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder("z");
        for (int i = 0; i < 4; i++) sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        prefix = sb.toString();
    }

    /** A name for this run: prefix + suffix (keep suffix short for interfaces). */
    public String n(String suffix) { return prefix + suffix; }

    /** Writes {@code text} to {@code dir/name}, a word "@x" being this run's name for x ({@link #n}). */
    public Path writeNamed(Path dir, String name, String text) throws java.io.IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text.replaceAll("@([A-Za-z0-9_-]+)", prefix + "$1"));
        return p;
    }

    /** Runs "nslab LINE" in this JVM, a word "@x" being this run's name for x ({@link #n}). */
    public Nslab.Out nslab(String line) {
        List<String> words = new ArrayList<>();
        for (String w : Sh.words(line)) words.add(w.startsWith("@") ? n(w.substring(1)) : w);
        return Nslab.run(words.toArray(String[]::new));
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** {@code ip [-n ns] -j ARGS} parsed. */
    public JsonNode ipj(String ns, String args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        if (ns != null) cmd.addAll(List.of("-n", ns));
        cmd.add("-j");
        cmd.addAll(Sh.words(args));
        return json(Sh.run(cmd, null).ok().out());
    }

    public JsonNode link(String ns, String dev) {
        for (JsonNode l : ipj(ns, "link show")) if (l.path("ifname").asText().equals(dev)) return l;
        return null;
    }

    public List<String> linkNames(String ns) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : ipj(ns, "link show")) out.add(l.path("ifname").asText());
        return out;
    }

    public List<String> ipNetnsList() {
        List<String> out = new ArrayList<>();
        for (String line : Sh.ok("ip", "netns", "list").split("\n")) if (!line.isBlank()) out.add(line.split(" ")[0]);
        return out;
    }

    /** Open vSwitch bridges, as ovs-vsctl lists them (empty when Open vSwitch is not running). */
    public static List<String> ovsBridges() {
        if (!Files.exists(Path.of("/var/run/openvswitch/db.sock"))) return List.of();
        Sh.Result r = Sh.run(List.of("ovs-vsctl", "--timeout=5", "list-br"), null);
        return r.code() != 0 ? List.of() : r.out().lines().filter(l -> !l.isBlank()).toList();
    }

    /** Removes this run's OVS bridges, namespaces and root-namespace interfaces; never anything without the prefix. */
    @Override
    public void close() {
        for (String br : ovsBridges()) if (br.startsWith(prefix)) Sh.run("ovs-vsctl", "--timeout=10", "del-br", br);
        Path dir = Path.of("/run/netns");
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(prefix)) Sh.run("ip", "netns", "del", name);
                }
            } catch (Exception ignored) {
                // best effort: the leak check below reports what remains
            }
        }
        for (String dev : linkNames(null)) if (dev.startsWith(prefix)) Sh.run("ip", "link", "del", dev);
    }
}
