package dev.nslab.lab.verify;

import dev.nslab.error.KernelException;
import dev.nslab.error.OutOfResourcesException;
import dev.nslab.error.UnreachableException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NeighbourStats;
import dev.nslab.net.NsRef;
import dev.nslab.net.Pinger;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measured reachability: ICMP echo from inside each source namespace to every target, all at once. Each source
 * gets one raw socket per address family; every request goes out, then one poll over all sockets collects the
 * replies, matched by echo identifier and sequence number. Whatever is still silent after the first wait is asked
 * again (one lost packet, or a first packet dropped while ARP resolved, is not a verdict).
 *
 * <p>Silence is a verdict only when the request really left: a send the kernel refused for want of resources
 * (ENOBUFS: the shared neighbour table is full), or silence while the neighbour table overflowed (its
 * {@code table_fulls} counter moved during the measurement: replies may have been dropped for want of an entry), is
 * {@link Outcome#UNMEASURED}, never "no reach". A send refused for want of a route is the routing table's answer.
 */
public final class Prober {
    /**
     * A reply; silence or an ICMP error; a send the kernel refused for want of a route; a send a packet filter of the
     * source dropped (nftables or iptables in its output path: EPERM to a process that has every capability); no
     * measurement at all.
     */
    public enum Outcome { REPLY, NO_REPLY, NO_ROUTE, FILTERED, UNMEASURED }

    /** The outcome for one (source, target): a reply, or what happened instead. */
    public record Result(Outcome outcome, String detail) {
        public boolean reach() { return outcome == Outcome.REPLY; }

        /** Nothing a second round could change. */
        boolean settled() { return outcome == Outcome.REPLY || outcome == Outcome.NO_ROUTE || outcome == Outcome.FILTERED; }
    }

    private record Probe(int source, InetAddress target) { }

    private final Namespaces registry;
    private final int firstWaitMillis;
    private final int retryWaitMillis;

    public Prober(Namespaces registry, int firstWaitMillis, int retryWaitMillis) {
        this.registry = registry;
        this.firstWaitMillis = firstWaitMillis;
        this.retryWaitMillis = retryWaitMillis;
    }

    /** {@code targets}: for each source namespace, the addresses to ping. Returns results in the same shape. */
    public Map<String, Map<InetAddress, Result>> measure(Map<String, List<InetAddress>> targets) {
        List<String> sources = new ArrayList<>(targets.keySet());
        List<Probe> probes = new ArrayList<>();
        for (int s = 0; s < sources.size(); s++) for (InetAddress a : targets.get(sources.get(s))) probes.add(new Probe(s, a));
        Result[] results = new Result[probes.size()];
        Map<String, Pinger> pingers = new HashMap<>();   // "source/family"
        // seq numbers are per pinger: probe index within its (source, family)
        Map<Pinger, List<Integer>> bySeq = new HashMap<>();
        int[] seqOf = new int[probes.size()];
        Pinger[] pingerOf = new Pinger[probes.size()];
        try {
            for (int i = 0; i < probes.size(); i++) {
                Probe p = probes.get(i);
                Family family = Cidr.family(p.target());
                String key = p.source() + "/" + family;
                Pinger pg = pingers.get(key);
                if (pg == null) {
                    pg = Pinger.open(registry, NsRef.named(sources.get(p.source())), family);
                    pingers.put(key, pg);
                    bySeq.put(pg, new ArrayList<>());
                }
                pingerOf[i] = pg;
                seqOf[i] = bySeq.get(pg).size();
                bySeq.get(pg).add(i);
            }
            List<Pinger> all = new ArrayList<>(pingers.values());
            long fulls4 = NeighbourStats.tableFulls(Family.INET), fulls6 = NeighbourStats.tableFulls(Family.INET6);
            int open = round(probes, results, pingerOf, seqOf, bySeq, all, firstWaitMillis);
            if (open > 0) round(probes, results, pingerOf, seqOf, bySeq, all, retryWaitMillis);
            long overflow4 = NeighbourStats.tableFulls(Family.INET) - fulls4, overflow6 = NeighbourStats.tableFulls(Family.INET6) - fulls6;
            for (int i = 0; i < probes.size(); i++) {
                if (results[i] != null && results[i].outcome() != Outcome.NO_REPLY) continue;
                boolean v6 = Cidr.family(probes.get(i).target()) == Family.INET6;
                long overflow = v6 ? overflow6 : overflow4;
                if (overflow > 0) {
                    results[i] = new Result(Outcome.UNMEASURED, "no reply, but the kernel's neighbour table overflowed " + overflow
                            + " times meanwhile (" + (v6 ? "ndisc_cache" : "arp_cache") + " table_fulls), which drops packets: raise net.ipv"
                            + (v6 ? "6" : "4") + ".neigh.default.gc_thresh3");
                }
            }
        } finally {
            pingers.values().forEach(Pinger::close);
        }
        Map<String, Map<InetAddress, Result>> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < probes.size(); i++) {
            Probe p = probes.get(i);
            Result r = results[i] != null ? results[i] : new Result(Outcome.NO_REPLY, "no reply");
            out.computeIfAbsent(sources.get(p.source()), k -> new java.util.LinkedHashMap<>()).put(p.target(), r);
        }
        return out;
    }

    /** Sends to every probe without a reply yet, then collects replies for up to {@code waitMillis}; returns how many stay open. */
    private int round(List<Probe> probes, Result[] results, Pinger[] pingerOf, int[] seqOf, Map<Pinger, List<Integer>> bySeq,
                      List<Pinger> all, int waitMillis) {
        int open = 0;
        for (int i = 0; i < probes.size(); i++) {
            if (results[i] != null && results[i].settled()) continue;
            try {
                pingerOf[i].send(probes.get(i).target(), seqOf[i]);
                results[i] = null;
                open++;
            } catch (KernelException e) {
                results[i] = sendFailure(e);
            }
        }
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        while (open > 0) {
            int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
            if (left < 0) break;
            for (Pinger pg : Pinger.awaitAny(all, left)) {
                for (Pinger.Reply r; (r = pg.receive(0)) != null; ) {
                    List<Integer> ids = bySeq.get(pg);
                    if (r.seq() < 0 || r.seq() >= ids.size()) continue;
                    int i = ids.get(r.seq());
                    if (results[i] != null && results[i].reach()) continue;
                    if (r.isEcho()) {
                        if (!r.from().equals(probes.get(i).target())) continue;
                        results[i] = new Result(Outcome.REPLY, "reply in " + (r.rttNanos() / 1000) + " us");
                        open--;
                    } else if (results[i] == null) {
                        results[i] = new Result(Outcome.NO_REPLY, r.error() + " (from " + Cidr.format(r.from()) + ")");
                    }
                }
            }
        }
        return open;
    }

    /** A send the kernel refused at once: for want of a route (a verdict), or of anything else (no measurement). */
    private static Result sendFailure(KernelException e) {
        if (e instanceof UnreachableException) {
            return new Result(Outcome.NO_ROUTE, "no route: the kernel refused to send (" + e.getMessage() + ")");
        }
        if (e instanceof dev.nslab.error.NotPermittedException) {
            return new Result(Outcome.FILTERED, "dropped at the source: a packet filter in its output path refused the send (Operation not permitted)");
        }
        if (e instanceof OutOfResourcesException && e.errno() == dev.nslab.error.Errno.ENOBUFS) {
            return new Result(Outcome.UNMEASURED, "not sent: the kernel refused the request locally (No buffer space available: "
                    + "the neighbour table is full; raise net.ipv4.neigh.default.gc_thresh3 (bringing up a lab that needs more raises it))");
        }
        return new Result(Outcome.UNMEASURED, "not sent: the kernel refused the request locally (" + e.getMessage() + ")");
    }
}
