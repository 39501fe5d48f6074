package dev.nslab.lab.plan;

import dev.nslab.lab.plan.Resource.End;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code up} must do, computed from three things only, without touching the machine: the objects the file asks
 * for, the objects the lab's state records as made, and what was observed of them (which namespaces and Open vSwitch
 * bridges are gone). Objects are compared by {@link Resource#key()}: a second run of the same file plans nothing, an
 * edited file plans the difference, and a namespace deleted by hand plans it again with everything that went with it.
 */
public final class Reconciler {
    private Reconciler() {}

    /** What was seen of a lab's recorded objects: the namespaces and Open vSwitch bridges that are no longer there. */
    public record Observation(Set<String> goneNamespaces, Set<String> goneOvsBridges) {
        public static final Observation NOTHING_GONE = new Observation(Set.of(), Set.of());
    }

    /**
     * What {@code up} does.
     *
     * @param add       objects to create, in creation order
     * @param remove    recorded objects the file no longer asks for
     * @param kept      recorded objects that stay (still there and still asked for... or about to be removed)
     * @param staleEnds surviving ends of veth pairs whose other end went with a deleted namespace: the kernel removes
     *                  them asynchronously, so they may still hold their names
     * @param rerunExec surviving namespaces that lost an interface: their exec lines run again, as on a fresh up
     */
    public record Plan(String lab, List<Resource> add, List<Resource> remove, List<Resource> kept, List<End> staleEnds,
                       Set<String> rerunExec, Observation observation) {
        public boolean isEmpty() { return add.isEmpty() && remove.isEmpty(); }
    }

    public static Plan plan(String lab, List<Resource> desired, List<Resource> recorded, Observation seen) {
        Set<String> goneNs = seen.goneNamespaces(), goneOvs = seen.goneOvsBridges();
        Set<String> goneRootEnds = new HashSet<>();
        Set<String> goneEnds = new HashSet<>();
        List<End> stale = new ArrayList<>();
        List<Resource> there = new ArrayList<>();
        for (Resource r : recorded) {
            boolean gone = switch (r) {
                case Resource.Veth v -> (v.a().ns() != null && goneNs.contains(v.a().ns())) || (v.b().ns() != null && goneNs.contains(v.b().ns()));
                case Resource.OvsBridge b -> goneOvs.contains(b.name());
                case Resource.OvsPort p -> goneOvs.contains(p.bridge());
                default -> r.namespace() != null && goneNs.contains(r.namespace());
            };
            if (gone && r instanceof Resource.Veth v) {
                for (End e : List.of(v.a(), v.b())) {
                    if (e.ns() == null) goneRootEnds.add(e.iface());
                    else if (!goneNs.contains(e.ns())) goneEnds.add(e.ns() + "/" + e.iface());
                    if (e.ns() == null || !goneNs.contains(e.ns())) stale.add(e);
                }
            }
            if (!gone) there.add(r);
        }
        // an Open vSwitch port whose veth went is made again with it; so are the addresses of a surviving end's
        // interface and the routes of its namespace (the kernel dropped those that used the interface)
        Set<String> touched = new HashSet<>();
        goneEnds.forEach(e -> touched.add(e.substring(0, e.indexOf('/'))));
        there.removeIf(r -> (r instanceof Resource.OvsPort p && goneRootEnds.contains(p.port()))
                || (r instanceof Resource.Address a && goneEnds.contains(a.ns() + "/" + a.dev()))
                || (r instanceof Resource.Route rt && touched.contains(rt.ns())));
        Set<String> wanted = keys(desired), have = keys(there);
        List<Resource> add = desired.stream().filter(r -> !have.contains(r.key())).toList();
        List<Resource> remove = there.stream().filter(r -> !wanted.contains(r.key())).toList();
        return new Plan(lab, add, remove, there, stale, touched, seen);
    }

    public static Set<String> keys(List<Resource> rs) {
        Set<String> out = new HashSet<>();
        rs.forEach(r -> out.add(r.key()));
        return out;
    }
}
