package dev.nslab.lab.apply;

import dev.nslab.error.LabException;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.plan.Resource.End;
import dev.nslab.lab.state.Marks;
import dev.nslab.net.Link;
import dev.nslab.net.LinkChange;
import dev.nslab.net.LinkSpec;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cables: veth pairs. Between two lab namespaces, both ends are made in the links round (the peer placed directly
 * in its namespace, with indexes chosen by nslab) and brought up in the configuration round; an end in the root
 * namespace (an Open vSwitch port) is made one by one, before the rounds.
 */
public final class VethApplier {
    private final Applier run;

    VethApplier(Applier run) { this.run = run; }

    static boolean hasRootEnd(Resource.Veth v) { return v.a().ns() == null || v.b().ns() == null; }

    /**
     * One cable made on its own (between two nodes of a lab built from Java): a veth pair from {@code a} to
     * namespace {@code bNs} (whose handle is {@code b}), both ends marked and up.
     */
    public static void cableOne(NetHandle a, String ifA, String bNs, NetHandle b, String ifB, String mark) {
        a.addLink(LinkSpec.veth(ifA, ifB).peerIn(NsRef.named(bNs)));
        a.setLink(LinkChange.of(ifA).up(true).alias(mark));
        b.setLink(LinkChange.of(ifB).up(true).alias(mark));
        a.link(ifA); // asked for: the kernel finishes turning on its queue now (see LinksComingUp), so it carries at once
    }

    void checkOwned(Resource.Veth v) {
        for (End e : List.of(v.a(), v.b())) {
            if (e.ns() != null) continue; // inside a lab namespace, checked with it
            Optional<Link> l = run.handle(null).findLink(e.iface());
            if (l.isPresent() && !run.marked(l)) {
                throw new LabException("interface " + e.iface() + " already exists in the root namespace: "
                        + run.clash(l.get().alias(), "rename the interface in the lab file"));
            }
        }
    }

    /**
     * The end a veth pair is made from: the one joined to a bridge, if only one is, so that it joins at birth
     * (a port that joins later, after its peer came up, costs the bridge a recomputation over all its ports).
     */
    private static End maker(Resource.Veth v) { return v.a().master() == null && v.b().master() != null ? v.b() : v.a(); }

    private static End other(Resource.Veth v) { return maker(v) == v.a() ? v.b() : v.a(); }

    /**
     * The ends of {@code v} that carry only once the kernel's link watch has run (see {@link LinksComingUp}): the end
     * brought up before its peer (its queue waits for that; the peer's is on at once) and every end on a bridge (it
     * forwards only then). The other end's state reads UNKNOWN until then, and it carries.
     */
    static List<End> awaited(Resource.Veth v) {
        End first = !hasRootEnd(v) ? maker(v) : v.a().ns() == null && v.b().ns() != null ? v.b() : v.a();
        List<End> out = new ArrayList<>(List.of(first));
        for (End e : List.of(v.a(), v.b())) if (e != first && e.master() != null) out.add(e);
        return out;
    }

    /** The pair, from its maker's namespace, in the links round: that end up and marked at once. */
    void schedule(Resource.Veth v, Applier.Rounds links) {
        End a = maker(v), b = other(v);
        int master = a.master() == null ? 0 : run.view(a.ns()).index(a.master());
        int ia = run.view(a.ns()).claim(a.iface()), ib = run.view(b.ns()).claim(b.iface());
        int peerFd = a.ns().equals(b.ns()) ? -1 : run.handle(b.ns()).namespaceFd();
        links.add(a.ns(), v, nb -> nb.veth(a.iface(), ia, master, Marks.DEVICE_GROUP, v.mtu(), b.iface(), ib, peerFd, Marks.DEVICE_GROUP));
        links.add(a.ns(), v, nb -> nb.setLink(ia, a.iface(), run.mark, null, null, null));
    }

    /** The peer end up, marked and joined to its bridge, in the configuration round (the kernel made it down). */
    void schedulePeer(Resource.Veth v, Applier.Rounds config) {
        End b = other(v);
        int ib = run.view(b.ns()).index(b.iface());
        Integer master = b.master() == null ? null : run.view(b.ns()).index(b.master());
        config.add(b.ns(), v, nb -> nb.setLink(ib, b.iface(), run.mark, true, master, null));
    }

    /**
     * A pair with an end in the root namespace, both ends marked and up. That end is born inside the other end's lab
     * namespace, marked there, and only then moved out: the kernel ignores an alias given at creation, and an
     * unmarked root interface left by a crash would belong to nobody.
     */
    void createWithRootEnd(Resource.Veth v) {
        End a = v.a(), b = v.b();
        if (a.ns() == null && b.ns() != null) {
            NetHandle hb = run.handle(b.ns());
            String tmp = a.iface().equals(b.iface()) ? "nsl" + Integer.toHexString(a.iface().hashCode()) : a.iface();
            LinkSpec spec = LinkSpec.veth(tmp, b.iface()).alias(run.mark);
            hb.addLink(v.mtu() == null ? spec : spec.mtu(v.mtu()));
            LinkChange cb = LinkChange.of(b.iface()).alias(run.mark).up(true).group(Marks.DEVICE_GROUP);
            hb.setLink(b.master() == null ? cb : cb.master(b.master()));
            hb.setLink(LinkChange.of(tmp).netns(NsRef.current()));
            LinkChange ca = LinkChange.of(tmp).up(true);
            if (a.master() != null) ca = ca.master(a.master());
            run.handle(null).setLink(tmp.equals(a.iface()) ? ca : ca.name(a.iface()));
            altNames(v);
            return;
        }
        NetHandle ha = run.handle(a.ns());
        LinkSpec spec = LinkSpec.veth(a.iface(), b.iface());
        if (!java.util.Objects.equals(a.ns(), b.ns())) spec = spec.peerIn(b.ns() == null ? NsRef.current() : NsRef.named(b.ns()));
        if (v.mtu() != null) spec = spec.mtu(v.mtu());
        ha.addLink(spec);
        LinkChange ca = LinkChange.of(a.iface()).alias(run.mark).up(true);
        if (a.ns() != null) ca = ca.group(Marks.DEVICE_GROUP);
        ha.setLink(a.master() == null ? ca : ca.master(a.master()));
        LinkChange cb = LinkChange.of(b.iface()).alias(run.mark).up(true);
        if (b.ns() != null) cb = cb.group(Marks.DEVICE_GROUP);
        run.handle(b.ns()).setLink(b.master() == null ? cb : cb.master(b.master()));
        altNames(v);
    }

    /** The file's long names, as the ends' alternative names (the kernel's names being short ones made from them). */
    private void altNames(Resource.Veth v) {
        for (End e : List.of(v.a(), v.b())) if (e.alt() != null) run.handle(e.ns()).addAltName(e.iface(), e.alt());
    }

    /** Deletes the pair through whichever end is still there and marked. */
    boolean remove(Resource.Veth v) {
        for (End e : List.of(v.a(), v.b())) {
            if (e.ns() != null && !run.registry().exists(e.ns())) continue;
            if (run.removeMarkedLink(e.ns(), e.iface())) return true;
        }
        return false;
    }
}
