package dev.nslab.lab.verify;

import dev.nslab.lab.model.NodeCheck;
import dev.nslab.lab.model.NodeTables;
import dev.nslab.lab.model.NodeTables.TableRoute;
import dev.nslab.lab.model.Topology.ExpectDef;
import dev.nslab.lab.verify.Verifier.Expectation;
import dev.nslab.net.Cidr;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetnsExec;
import dev.nslab.net.NsRef;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The checks of one node in a lab's {@code expect:} list, each judged where the node's programs would look: routes
 * and addresses in its kernel's tables, sockets in its namespace's /proc/net, names and commands run inside it.
 * A check with {@code wait:} is tried again until it holds or the time is up (routing daemons converge).
 */
public final class NodeChecks {
    private NodeChecks() {}

    /** Runs a command inside a node as its programs run (its host, its environment): output and exit status. */
    public interface Shell {
        NetnsExec.Output run(String node, List<String> command);
    }

    private record Once(boolean holds, String why) { }

    /** The check {@code e} of the node living in namespace {@code ns}. */
    static Expectation judge(ExpectDef e, String ns, Namespaces registry, Shell shell) {
        Waited<Once> w = retry(e.waitMillis(), () -> once(e, ns, registry, shell), Once::holds);
        Once o = w.last();
        return new Expectation(e, o.holds(), o.why() + (e.waitMillis() == 0 ? "" : "; " + w.after())); // no wait: no sleep to interrupt
    }

    /** What {@link #retry} ended with: the last outcome, and how the waiting ended in the report's words. */
    record Waited<T>(T last, String after) { }

    /**
     * Asks {@code once} again every half second until {@code holds} says it holds or {@code waitMillis} is up (once
     * at least): an expectation with {@code wait:} (a routing daemon converging). The report says "held after 2.5 s,
     * 6 tries" or "still not after ...".
     */
    static <T> Waited<T> retry(long waitMillis, java.util.function.Supplier<T> once, java.util.function.Predicate<T> holds) {
        long start = System.nanoTime(), deadline = start + waitMillis * 1_000_000L;
        int tries = 0;
        while (true) {
            tries++;
            T o = once.get();
            boolean held = holds.test(o);
            long now = System.nanoTime();
            if (held || now >= deadline) {
                return new Waited<>(o, String.format(Locale.ROOT, "%s after %.1f s, %d tr%s", held ? "held" : "still not", (now - start) / 1e9,
                        tries, tries == 1 ? "y" : "ies"));
            }
            try {
                Thread.sleep(Math.min(500, Math.max(1, (deadline - now) / 1_000_000L))); // polling the lab's state: nothing wakes us
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                return new Waited<>(o, "interrupted while waiting");
            }
        }
    }

    private static Once once(ExpectDef e, String ns, Namespaces registry, Shell shell) {
        return switch (e.check()) {
            case NodeCheck.HasRoute r -> route(r, KernelTables.read(registry, ns));
            case NodeCheck.HasAddress a -> address(a, KernelTables.read(registry, ns));
            case NodeCheck.Listening l -> listening(l, ns, registry);
            case NodeCheck.Resolves r -> {
                if (shell == null) yield new Once(false, "cannot run programs in " + e.from() + " to resolve " + r.name());
                NetnsExec.Output out = shell.run(e.from(), List.of("getent", "hosts", r.name()));
                yield out.status() == 0
                        ? new Once(true, r.name() + " is " + String.join(", ", out.text().lines().map(l -> l.split("\\s+")[0]).toList()) + " in " + e.from())
                        : new Once(false, r.name() + " does not resolve in " + e.from() + " (getent hosts " + r.name() + ": exit " + out.status() + ")");
            }
            case NodeCheck.CommandOutput c -> {
                if (shell == null) yield new Once(false, "cannot run programs in " + e.from());
                NetnsExec.Output out = shell.run(e.from(), List.of("sh", "-c", c.command()));
                boolean match = Pattern.compile(c.output()).matcher(out.text()).find();
                yield new Once(match, (match ? "its output matches /" : "its output (exit " + out.status() + ") does not match /") + c.output() + "/"
                        + (match ? "" : ": " + excerpt(out.text())));
            }
        };
    }

    private static Once route(NodeCheck.HasRoute want, NodeTables t) {
        List<String> same = new ArrayList<>();
        for (TableRoute r : t.routes()) {
            if (!r.dst().equals(want.dst())) continue;
            same.add(r.text());
            if ((want.via() == null || want.via().equals(r.via())) && (want.dev() == null || want.dev().equals(r.dev())) && r.unicast()) {
                return new Once(true, r.text() + " is in the main table");
            }
        }
        if (!same.isEmpty()) return new Once(false, "the main table has " + String.join("; ", same) + ", not " + want.words().substring("route ".length()));
        List<String> all = t.routes().stream().filter(r -> r.dst().family() == want.dst().family()).map(TableRoute::text).toList();
        return new Once(false, "no route to " + want.dst() + " in the main table (" + (all.isEmpty() ? "it is empty" : String.join("; ", all.subList(0, Math.min(6, all.size())))
                + (all.size() > 6 ? "; ..." : "")) + ")");
    }

    private static Once address(NodeCheck.HasAddress want, NodeTables t) {
        List<Cidr> on = t.addresses().get(want.dev());
        if (on != null && on.contains(want.cidr())) return new Once(true, want.dev() + " has " + want.cidr());
        if (on != null) return new Once(false, want.dev() + " has " + (on.isEmpty() ? "no address" : String.join(", ", on.stream().map(Cidr::toString).toList())));
        boolean exists = t.dead().containsKey(want.dev());
        return new Once(false, exists ? want.dev() + " has no address" : "there is no interface " + want.dev() + " with an address");
    }

    private static Once listening(NodeCheck.Listening want, String ns, Namespaces registry) {
        TreeSet<Integer> ports = registry.call(NsRef.named(ns), () -> {
            TreeSet<Integer> out = new TreeSet<>();
            for (String f : List.of(want.protocol(), want.protocol() + "6")) {
                // /proc/thread-self/net: the namespace of this thread, which the work runs on inside the node's
                for (String line : procLines(Path.of("/proc/thread-self/net", f))) {
                    String[] x = line.trim().split("\\s+");
                    if (x.length < 4 || !x[1].contains(":")) continue;
                    boolean bound = want.protocol().equals("tcp") ? x[3].equals("0A") : true; // LISTEN; any bound UDP socket
                    if (bound) out.add(Integer.parseInt(x[1].substring(x[1].indexOf(':') + 1), 16));
                }
            }
            return out;
        });
        if (ports.contains(want.port())) return new Once(true, "a socket listens on " + want.protocol() + " port " + want.port());
        return new Once(false, "nothing listens on " + want.protocol() + " port " + want.port() + " ("
                + (ports.isEmpty() ? "no " + want.protocol() + " port is open" : "open: " + String.join(", ", ports.stream().limit(12).map(String::valueOf).toList())) + ")");
    }

    private static List<String> procLines(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).toList();
        } catch (IOException e) {
            return List.of(); // IPv6 off in the namespace: no such file
        }
    }

    private static String excerpt(String text) {
        String t = text.strip().replace('\n', ' ');
        if (t.isEmpty()) return "it printed nothing";
        return "\"" + (t.length() > 160 ? t.substring(0, 160) + "..." : t) + "\"";
    }
}
