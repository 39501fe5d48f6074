package dev.nslab.lab.apply;

import dev.nslab.error.AlreadyExistsException;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.model.NodeTables;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.plan.Resource.End;
import dev.nslab.net.Cidr;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NftTable;
import dev.nslab.net.Nftables;
import dev.nslab.net.NsRef;
import dev.nslab.net.Qdisc;
import dev.nslab.net.RouteSpec;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes and undoes a lab's faults in the kernel: impairments as a root queueing discipline and an nftables loss
 * table at the device's egress, partitions as an nftables table inside each node, cut cables as both ends down.
 * Every table is named after the lab ({@link #table}), so nothing else's is touched.
 */
final class FaultApplier implements AutoCloseable {
    private final Applier run;
    private final Map<String, Nftables> tables = new HashMap<>();

    FaultApplier(Applier run) { this.run = run; }

    /** The name of the lab's nftables table ({@code nslab-LAB}; for an end's loss, {@code nslab-LAB-DEV}). */
    static String table(String lab, String dev) { return "nslab-" + lab + (dev == null ? "" : "-" + dev); }

    private Nftables nft(String ns) {
        return tables.computeIfAbsent(ns == null ? "" : ns, k -> Nftables.open(run.registry(), ns == null ? NsRef.current() : NsRef.named(ns)));
    }

    /** A token bucket for {@code bits} per second: bursts of 10 ms (at least two full frames), 100 ms of queue. */
    static Qdisc.Tbf tbf(long bits) {
        long bytes = bits / 8;
        int burst = (int) Math.min(Integer.MAX_VALUE, Math.max(bytes / 100, 3028));
        int limit = (int) Math.min(Integer.MAX_VALUE, (long) burst + bytes / 10);
        return new Qdisc.Tbf(bytes, burst, limit);
    }

    static Qdisc.Netem netem(Impairment i) {
        Qdisc.Netem n = new Qdisc.Netem(i.delay(), i.jitter(), pct(i.loss()), pct(i.duplicate()), pct(i.corrupt()),
                i.rate() == null ? null : i.rate() / 8, 1000, Qdisc.Netem.Form.TICKS);
        return n.fitsTicks() ? n : new Qdisc.Netem(n.latency(), n.jitter(), n.loss(), n.duplicate(), n.corrupt(), n.rate(), n.limit(), Qdisc.Netem.Form.NS64);
    }

    private static Integer pct(Double p) { return p == null ? null : Qdisc.probability(p); }

    /**
     * Loss by nftables, at the ingress of the cable's other end {@code peerDev}: a random number below a million,
     * below the loss in millionths.
     */
    static NftTable lossTable(String lab, String peerDev, double percent) {
        int below = (int) Math.round(percent * 10_000);
        return new NftTable(NftTable.Kind.NETDEV, table(lab, peerDev), List.of(new NftTable.Chain("ingress", NftTable.Hook.INGRESS, 0, peerDev,
                List.of(new NftTable.RandomDrop(1_000_000, below)))));
    }

    static NftTable partitionTable(String lab, List<String> blocked) {
        List<NftTable.Rule> in = new ArrayList<>(), out = new ArrayList<>();
        for (String b : blocked) {
            InetAddress a = Cidr.parseAddress(b);
            in.add(new NftTable.DropAddress(true, a));
            out.add(new NftTable.DropAddress(false, a));
        }
        return new NftTable(NftTable.Kind.INET, table(lab, null), List.of(new NftTable.Chain("input", NftTable.Hook.INPUT, 0, null, in),
                new NftTable.Chain("output", NftTable.Hook.OUTPUT, 0, null, out)));
    }

    void create(Resource r) {
        switch (r) {
            case Resource.Impair i -> {
                Impairment imp = i.impairment();
                NetHandle h = run.handle(i.ns());
                if (i.mechanism() == Resource.Mechanism.NETEM) {
                    h.replaceRootQdisc(i.dev(), netem(imp));
                } else {
                    if (imp.rate() != null) h.replaceRootQdisc(i.dev(), tbf(imp.rate()));
                    if (imp.loss() != null) nft(i.peer().ns()).replaceTable(lossTable(run.lab, i.peer().iface(), imp.loss()));
                }
            }
            case Resource.Partition p -> nft(p.ns()).replaceTable(partitionTable(run.lab, p.blocked()));
            case Resource.Cut c -> {
                for (End e : List.of(c.a(), c.b())) run.handle(e.ns()).setUp(e.iface(), false);
            }
            default -> throw new IllegalArgumentException(r.key());
        }
    }

    /**
     * Undoes {@code r}. Mending a cable brings both ends up and gives back what the kernel took when they went down
     * (routes through them, IPv6 addresses): the lab's own among {@code lab}.
     */
    void remove(Resource r, List<Resource> labObjects) {
        switch (r) {
            case Resource.Impair i -> {
                NetHandle h = run.handle(i.ns());
                if (i.mechanism() == Resource.Mechanism.NETEM || i.impairment().rate() != null) h.deleteRootQdisc(i.dev());
                if (i.mechanism() == Resource.Mechanism.TBF_NFTABLES && i.impairment().loss() != null) {
                    nft(i.peer().ns()).deleteTable(NftTable.Kind.NETDEV, table(run.lab, i.peer().iface()));
                }
            }
            case Resource.Partition p -> nft(p.ns()).deleteTable(NftTable.Kind.INET, table(run.lab, null));
            case Resource.Cut c -> mend(c, labObjects);
            default -> throw new IllegalArgumentException(r.key());
        }
    }

    private void mend(Resource.Cut c, List<Resource> labObjects) {
        for (End e : List.of(c.a(), c.b())) run.handle(e.ns()).setUp(e.iface(), true);
        new LinksComingUp(run).await(LinksComingUp.withMasters(List.of(c.a(), c.b())));
        for (Resource r : labObjects) {
            try {
                if (r instanceof Resource.Address a && ends(c, a.ns(), a.dev())) {
                    run.handle(a.ns()).addAddress(a.dev(), a.cidr());
                } else if (r instanceof Resource.Route rt && (rt.ns().equals(c.a().ns()) || rt.ns().equals(c.b().ns()))) {
                    run.handle(rt.ns()).addRoute(RouteApplier.spec(rt.route()));
                }
            } catch (AlreadyExistsException e) {
                // still there: the kernel kept it
            }
        }
        for (End e : List.of(c.a(), c.b())) {
            NodeTables kept = run.keptTables.get(e.ns());
            if (kept == null) continue;
            NetHandle h = run.handle(e.ns());
            for (Cidr a : kept.addresses().getOrDefault(e.iface(), List.of())) {
                try {
                    h.addAddress(e.iface(), a);
                } catch (AlreadyExistsException x) {
                    // still there: the kernel kept it (IPv4 addresses outlive a link down)
                }
            }
            for (NodeTables.TableRoute r : kept.routes()) {
                if (!e.iface().equals(r.dev()) || !r.unicast() || r.via() == null) continue; // connected routes come back by themselves
                RouteSpec s = (r.dst().prefixLength() == 0 ? RouteSpec.defaultRoute(r.dst().family()) : RouteSpec.to(r.dst())).via(r.via()).dev(r.dev());
                try {
                    h.addRoute(s);
                } catch (AlreadyExistsException x) {
                    // still there
                }
            }
        }
    }

    private static boolean ends(Resource.Cut c, String ns, String dev) {
        return (ns.equals(c.a().ns()) && dev.equals(c.a().iface())) || (ns.equals(c.b().ns()) && dev.equals(c.b().iface()));
    }

    @Override
    public void close() {
        tables.values().forEach(Nftables::close);
        tables.clear();
    }
}
