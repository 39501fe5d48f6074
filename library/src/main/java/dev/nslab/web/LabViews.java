package dev.nslab.web;

import dev.nslab.error.NslabException;
import dev.nslab.lab.Labs;
import dev.nslab.lab.model.NodeInfo;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.FaultPlanner;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.LabState;
import dev.nslab.net.Link;
import dev.nslab.net.LinkStats;
import dev.nslab.net.NetHandle;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NsRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the page shows of the running labs, read again at every sample: the labs from their states, the links'
 * state and counters from the kernel (one link dump per namespace), health from {@link Labs#status} (slower: it is
 * refreshed apart, by {@link #refreshHealth}). A change made by any means shows at the next sample: the kernel and
 * the state files are the only sources.
 */
final class LabViews {
    record Snapshot(long time, List<LabView> labs) { }

    /**
     * @param pending objects still to be made (a lab coming up, or one that was interrupted)
     * @param problems what status found missing or wrong; empty while no health check has run yet
     */
    record LabView(String name, String file, int objects, int pending, Boolean healthy, List<String> problems,
                   List<NodeView> nodes, List<LinkView> links, FaultsView faults) { }

    record NodeView(String name, String kind, String group, String image, String namespace, boolean present,
                    String health, List<ServiceView> services) { }

    record ServiceView(String name, String state, int restarts) { }

    /**
     * @param id    "NODE:IF NODE:IF", the ends in the file's order
     * @param state up, down (an end is down, by any means), cut (by nslab), impaired
     */
    record LinkView(String id, EndView a, EndView b, String state, List<String> impairments) { }

    /** @param txBps bits per second sent by this end since the previous sample (null on the first) */
    record EndView(String end, String node, String iface, boolean up, long rxBytes, long txBytes, long rxPackets,
                   long txPackets, long rxDropped, long txDropped, Double txBps) { }

    record FaultsView(Map<String, String> impairments, List<String> cuts, List<List<String>> partition) { }

    /** Of a lab's status: its health and each node's, its services. */
    private record Health(boolean healthy, List<String> problems, Map<String, Boolean> present,
                          Map<String, String> containerHealth, Map<String, List<ServiceView>> services) { }

    /** The file's view of a lab, parsed again only when the lab is brought up again. */
    private record FileView(String key, Topology topology) { }

    private record Counter(long txBytes, long nanos) { }

    private final Labs labs;
    private final Namespaces registry;
    private final Set<String> only;
    private final Map<String, Health> health = new ConcurrentHashMap<>();
    private final Map<String, FileView> files = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new HashMap<>();

    /** @param only the labs to show; empty: every lab */
    LabViews(Labs labs, Namespaces registry, Set<String> only) {
        this.labs = labs;
        this.registry = registry;
        this.only = Set.copyOf(only);
    }

    Labs labs() { return labs; }

    boolean shows(String lab) { return only.isEmpty() || only.contains(lab); }

    List<String> names() { return labs.labs().stream().filter(this::shows).toList(); }

    /** Every shown lab as it is now. Called by one thread at a time (the sampler's). */
    synchronized Snapshot sample() {
        List<LabView> out = new ArrayList<>();
        Set<String> live = new java.util.HashSet<>();
        for (String lab : names()) {
            try {
                out.add(view(lab));
                live.add(lab);
            } catch (NslabException | java.io.UncheckedIOException e) {
                // going while it was read: absent from this sample
            }
        }
        counters.keySet().removeIf(k -> !live.contains(k.substring(0, k.indexOf('\n'))));
        health.keySet().retainAll(live);
        files.keySet().retainAll(live);
        return new Snapshot(System.currentTimeMillis(), out);
    }

    /** One lab as it is now, or a {@link NslabException} when there is no such lab. */
    synchronized LabView one(String lab) {
        if (!shows(lab)) throw new dev.nslab.error.LabException("lab " + lab + " is not shown by this page");
        return view(lab);
    }

    /** Asks {@link Labs#status} of a lab (slow: it looks at every object, and runs containers' health checks). */
    void refreshHealth(String lab) {
        Labs.Status s;
        try {
            s = labs.status(lab);
        } catch (NslabException e) {
            health.remove(lab);
            return;
        }
        Map<String, String> containers = new HashMap<>();
        s.hosts().forEach((node, h) -> {
            if (h.container() != null) containers.put(node, h.container().health() != null ? h.container().health() : h.container().state());
        });
        Map<String, List<ServiceView>> services = new HashMap<>();
        for (Labs.ServiceState sv : s.services()) {
            services.computeIfAbsent(sv.node(), k -> new ArrayList<>()).add(new ServiceView(sv.service(), sv.state(), sv.restarts()));
        }
        health.put(lab, new Health(s.healthy(), List.copyOf(s.missing()), Map.copyOf(s.nodesPresent()), containers, services));
    }

    private LabView view(String lab) {
        LabState st = labs.state(lab);
        Topology t = topology(lab, st);
        Health h = health.get(lab);
        FaultPlanner.Wiring w = labs.wiring(st);

        List<NodeView> nodes = new ArrayList<>();
        for (NodeInfo n : st.nodes()) {
            Topology.NodeDef def = t == null ? null : t.node(n.name()).orElse(null);
            boolean present = n.ns() != null ? registry.exists(n.ns()) : h == null || h.present().getOrDefault(n.name(), true);
            String group = def == null ? null : def.meta().group();
            String image = def == null || def.programs().image() == null ? null : def.programs().image().image();
            String nodeHealth = h == null ? null : h.containerHealth().get(n.name());
            nodes.add(new NodeView(n.name(), n.kind(), group, image, n.ns(), present, nodeHealth,
                    h == null ? List.of() : h.services().getOrDefault(n.name(), List.of())));
        }

        Map<String, Resource.Impair> impaired = Labs.impairments(st, w);
        List<Resource.Cut> cuts = st.done().stream().filter(r -> r instanceof Resource.Cut).map(r -> (Resource.Cut) r).toList();
        Map<String, Map<String, NetHandle.LinkSample>> kernel = sampleKernel(w.cables());
        long now = System.nanoTime();
        List<LinkView> links = new ArrayList<>();
        for (Resource.Veth v : w.cables()) {
            String ea = w.endpoint(v.a()), eb = w.endpoint(v.b());
            if (!isNodeEnd(ea, w) || !isNodeEnd(eb, w)) continue; // the management network's ports: not the lab's drawing
            Resource.End first = v.a(), second = v.b();
            if (t != null && fileOrderReversed(t, ea, eb)) {
                first = v.b();
                second = v.a();
                String x = ea;
                ea = eb;
                eb = x;
            }
            EndView a = end(lab, ea, first, kernel, now), b = end(lab, eb, second, kernel, now);
            List<String> imp = new ArrayList<>();
            for (String e : List.of(ea, eb)) if (impaired.containsKey(e)) imp.add(e + ": " + impaired.get(e).impairment().words());
            boolean cut = cuts.stream().anyMatch(c -> sameCable(c, v));
            String state = cut ? "cut" : !a.up() || !b.up() ? "down" : !imp.isEmpty() ? "impaired" : "up";
            links.add(new LinkView(ea + " " + eb, a, b, state, imp));
        }

        Map<String, String> impairmentWords = new LinkedHashMap<>();
        impaired.forEach((e, i) -> impairmentWords.put(e, i.impairment().words()));
        List<List<String>> partition = FaultPlanner.groups(lab, w, st.faults().partition()).stream().map(List::copyOf).toList();
        FaultsView faults = new FaultsView(impairmentWords, Labs.cuts(st, w), partition);
        return new LabView(lab, st.file(), st.done().size(), st.pending().size(), h == null ? null : h.healthy(),
                h == null ? List.of() : h.problems(), nodes, links, faults);
    }

    private static boolean isNodeEnd(String endpoint, FaultPlanner.Wiring w) {
        int colon = endpoint.indexOf(':');
        return colon > 0 && w.nodes().containsKey(endpoint.substring(0, colon));
    }

    /** Whether the file names this cable's ends the other way round. */
    private static boolean fileOrderReversed(Topology t, String ea, String eb) {
        for (Topology.LinkDef l : t.links()) {
            String fa = l.a().node() + ":" + l.a().iface(), fb = l.b().node() + ":" + l.b().iface();
            if (fa.equals(ea) && fb.equals(eb)) return false;
            if (fa.equals(eb) && fb.equals(ea)) return true;
        }
        return false;
    }

    private static boolean sameCable(Resource.Cut c, Resource.Veth v) {
        return same(c.a(), v.a()) && same(c.b(), v.b()) || same(c.a(), v.b()) && same(c.b(), v.a());
    }

    private static boolean same(Resource.End x, Resource.End y) {
        return Objects.equals(x.ns(), y.ns()) && x.iface().equals(y.iface());
    }

    private EndView end(String lab, String endpoint, Resource.End e, Map<String, Map<String, NetHandle.LinkSample>> kernel, long now) {
        int colon = endpoint.indexOf(':');
        NetHandle.LinkSample s = kernel.getOrDefault(nsKey(e.ns()), Map.of()).get(e.iface());
        Link l = s == null ? null : s.link();
        // up: set up, and the kernel says it can carry traffic (a veth whose peer is down is "lower layer down")
        boolean up = l != null && l.isUp() && (l.operState() == 6 || l.operState() == 0);
        LinkStats st = s == null ? null : s.stats();
        long tx = st == null ? 0 : st.txBytes();
        Double bps = null;
        Counter before = counters.put(lab + "\n" + endpoint, new Counter(tx, now));
        if (before != null && now > before.nanos() && tx >= before.txBytes()) {
            bps = (tx - before.txBytes()) * 8e9 / (now - before.nanos());
        }
        return new EndView(endpoint, endpoint.substring(0, colon), endpoint.substring(colon + 1), up,
                st == null ? 0 : st.rxBytes(), tx, st == null ? 0 : st.rxPackets(), st == null ? 0 : st.txPackets(),
                st == null ? 0 : st.rxDropped(), st == null ? 0 : st.txDropped(), bps);
    }

    private static String nsKey(String ns) { return ns == null ? "" : ns; }

    /** One dump of links with counters per namespace the cables end in; a namespace gone gives nothing. */
    private Map<String, Map<String, NetHandle.LinkSample>> sampleKernel(List<Resource.Veth> cables) {
        Set<String> namespaces = new java.util.LinkedHashSet<>();
        for (Resource.Veth v : cables) {
            namespaces.add(nsKey(v.a().ns()));
            namespaces.add(nsKey(v.b().ns()));
        }
        Map<String, Map<String, NetHandle.LinkSample>> out = new HashMap<>();
        for (String ns : namespaces) {
            Map<String, NetHandle.LinkSample> byName = new HashMap<>();
            // opened for this sample only: a socket kept in a lab's namespace would keep the namespace alive after down
            try (NetHandle h = NetHandle.open(registry, ns.isEmpty() ? NsRef.current() : NsRef.named(ns))) {
                for (NetHandle.LinkSample s : h.linkSamples()) byName.put(s.link().name(), s);
            } catch (NslabException e) {
                // gone meanwhile: its ends are down
            }
            out.put(ns, byName);
        }
        return out;
    }

    private Topology topology(String lab, LabState st) {
        String key = st.file() + "\n" + st.prefix() + "\n" + st.nodes();
        FileView f = files.get(lab);
        if (f != null && f.key().equals(key)) return f.topology();
        Topology t;
        try {
            t = labs.topology(lab);
        } catch (NslabException e) {
            t = null; // a Java program's lab has no file: drawn from its state alone
        }
        files.put(lab, new FileView(key, t));
        return t;
    }
}
