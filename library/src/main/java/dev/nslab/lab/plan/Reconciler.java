package dev.nslab.lab.plan;

import dev.nslab.lab.plan.Resource.End;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code up} must do, computed from three things only, without touching the machine: the objects the file asks
 * for, the objects the lab's state records as made, and what the kernel holds of them (the observation: namespaces and
 * Open vSwitch bridges that are gone, and every recorded object that does not hold as it was made). Objects are
 * compared by {@link Resource#key()}: a second run of the same file plans nothing when the kernel still holds the lab,
 * an edited file plans the difference, and whatever the kernel lost — a namespace deleted by hand, a route it dropped
 * with an address, an interface set down — is planned again with what went with it.
 */
public final class Reconciler {
    private Reconciler() {}

    /**
     * What was seen of a lab's recorded objects in the kernel.
     *
     * @param goneNamespaces namespaces that are no longer there
     * @param goneOvsBridges Open vSwitch bridges that are no longer there
     * @param drifted        recorded objects (by key) that do not hold, with why
     * @param down           recorded interfaces (by their object's key) that are there, the lab's, but down: set up again
     */
    public record Observation(Set<String> goneNamespaces, Set<String> goneOvsBridges, Map<String, String> drifted, Set<String> down) {
        public static final Observation NOTHING_GONE = new Observation(Set.of(), Set.of(), Map.of(), Set.of());

        public Observation(Set<String> goneNamespaces, Set<String> goneOvsBridges) { this(goneNamespaces, goneOvsBridges, Map.of(), Set.of()); }

        public boolean isEmpty() { return goneNamespaces.isEmpty() && goneOvsBridges.isEmpty() && drifted.isEmpty(); }
    }

    /**
     * What {@code up} does.
     *
     * @param add       objects to create, in creation order (also what the kernel lost of the recorded ones)
     * @param remove    recorded objects the file no longer asks for
     * @param kept      recorded objects that stay (still there and still asked for... or about to be removed)
     * @param staleEnds surviving ends of veth pairs whose other end went with a deleted namespace, or of a cable that
     *                  is made again: the kernel removes the former asynchronously, so they may still hold their names
     * @param rerunExec surviving namespaces that lost an interface: their exec lines run again, as on a fresh up
     * @param upAgain   interfaces of the lab that were set down behind its back (not cut): set up again
     */
    public record Plan(String lab, List<Resource> add, List<Resource> remove, List<Resource> kept, List<End> staleEnds,
                       Set<String> rerunExec, Observation observation, List<End> upAgain) {
        public boolean isEmpty() { return add.isEmpty() && remove.isEmpty() && upAgain.isEmpty(); }
    }

    public static Plan plan(String lab, List<Resource> desired, List<Resource> recorded, Observation seen) {
        Set<String> goneNs = seen.goneNamespaces(), goneOvs = seen.goneOvsBridges();
        Set<String> goneRootEnds = new HashSet<>();
        Set<String> goneEnds = new HashSet<>();
        List<End> stale = new ArrayList<>();
        List<End> upAgain = new ArrayList<>();
        Set<String> refresh = new HashSet<>(); // namespaces whose routes the kernel may have dropped: routes again
        List<Resource> there = new ArrayList<>();
        for (Resource r : recorded) {
            boolean down = seen.down().contains(r.key());
            boolean gone = switch (r) {
                case Resource.Veth v -> (v.a().ns() != null && goneNs.contains(v.a().ns())) || (v.b().ns() != null && goneNs.contains(v.b().ns()))
                        || (!down && seen.drifted().containsKey(r.key()));
                case Resource.OvsBridge b -> goneOvs.contains(b.name());
                case Resource.OvsPort p -> goneOvs.contains(p.bridge()) || seen.drifted().containsKey(r.key());
                default -> (r.namespace() != null && goneNs.contains(r.namespace())) || (!down && seen.drifted().containsKey(r.key()));
            };
            if (gone && r instanceof Resource.Veth v) {
                // a cable made again: its ends that survive are removed first, and what went with them comes back
                for (End e : List.of(v.a(), v.b())) {
                    if (e.ns() == null) goneRootEnds.add(e.iface());
                    else if (!goneNs.contains(e.ns())) goneEnds.add(e.ns() + "/" + e.iface());
                    if (e.ns() == null || !goneNs.contains(e.ns())) stale.add(e);
                }
            }
            if (down && !gone) {
                switch (r) {
                    case Resource.Veth v -> upAgain.addAll(List.of(v.a(), v.b()));
                    case Resource.LinuxBridge b -> upAgain.add(new End(b.ns(), b.name(), null));
                    case Resource.Device d -> upAgain.add(new End(d.ns(), d.iface(), null));
                    default -> { }
                }
            }
            if (!gone) there.add(r);
        }
        // an Open vSwitch port whose veth went is made again with it; so are the addresses of a surviving end's
        // interface and the routes of its namespace (the kernel dropped those that used the interface)
        Set<String> touched = new HashSet<>();
        goneEnds.forEach(e -> touched.add(e.substring(0, e.indexOf('/'))));
        refresh.addAll(touched);
        for (End e : upAgain) if (e.ns() != null) refresh.add(e.ns());
        Set<String> wanted = keys(desired);
        List<Resource> remove = there.stream().filter(r -> !wanted.contains(r.key())).toList();
        // an address that goes (an edit) or comes back takes the kernel's routes through it along: its routes come back
        for (Resource r : remove) if (r instanceof Resource.Address a && a.ns() != null) refresh.add(a.ns());
        for (Resource r : recorded) {
            if (r instanceof Resource.Address a && a.ns() != null && seen.drifted().containsKey(r.key())) refresh.add(a.ns());
        }
        there.removeIf(r -> (r instanceof Resource.OvsPort p && goneRootEnds.contains(p.port()))
                || (r instanceof Resource.Address a && goneEnds.contains(a.ns() + "/" + a.dev()))
                || (r instanceof Resource.Route rt && refresh.contains(rt.ns())));
        Set<String> have = keys(there);
        List<Resource> add = desired.stream().filter(r -> !have.contains(r.key())).toList();
        return new Plan(lab, add, remove, there, stale, touched, seen, upAgain);
    }

    public static Set<String> keys(List<Resource> rs) {
        Set<String> out = new HashSet<>();
        rs.forEach(r -> out.add(r.key()));
        return out;
    }
}
