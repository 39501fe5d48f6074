package dev.nslab.lab.apply;

import dev.nslab.lab.plan.Resource.End;
import dev.nslab.net.NetBatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waits until the links a run brought up carry traffic, so that a lab is usable the moment {@code up} returns. A veth
 * end that came up before its peer gets its queue, and a bridge port its forwarding state, only when the kernel's
 * link watch handles the carrier change, asynchronously; a packet leaving before is dropped (a ping right after
 * {@code up} lost its first ARP, and ARP asks again only a second later). Asking for one link makes a kernel of 6.7
 * or later finish that work at once; on an older one the answer shows it pending (carrier, but not yet up), and the
 * link is asked again until it is done.
 */
final class LinksComingUp {
    private static final long PATIENCE_NANOS = 3_000_000_000L;
    private final Applier run;

    LinksComingUp(Applier run) { this.run = run; }

    /** The ends, then the bridges they are ports of. */
    static List<End> withMasters(List<End> ends) {
        List<End> all = new ArrayList<>(ends);
        for (End e : ends) if (e.master() != null) all.add(new End(e.ns(), e.master(), null));
        return all;
    }

    /** {@code links}: ends (namespace, interface), each bridge after its ports (their change turns on its carrier). */
    void await(List<End> links) {
        long until = System.nanoTime() + PATIENCE_NANOS;
        List<End> todo = links;
        while (!todo.isEmpty()) {
            Map<String, NetBatch> batches = new LinkedHashMap<>();
            List<End> pending = new ArrayList<>();
            for (End e : todo) {
                NetBatch b = batches.computeIfAbsent(e.ns() == null ? "" : e.ns(), k -> run.handle(e.ns()).batch());
                b.ask(e.iface(), l -> {
                    if (l.hasCarrier() && !l.operStateName().equals("UP")) pending.add(e);
                });
            }
            batches.values().forEach(NetBatch::execute); // a link gone meanwhile (a refusal) is not waited for
            // past the patience the lab is still right, only slow to carry: up does not fail for the kernel's delay
            if (pending.isEmpty() || System.nanoTime() > until) return;
            try {
                Thread.sleep(5); // polling a condition the kernel sends no answer for
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            todo = pending;
        }
    }
}
