package dev.nslab.lab.apply;

import dev.nslab.error.LabException;
import dev.nslab.lab.plan.Resource;
import dev.nslab.net.NetHandle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Makes a run's new namespaces, in order, on a thread of its own, while the run's thread wires those made so far.
 * Making a namespace and making a veth pair are different work in the kernel and overlap well: on two cores a
 * 100-host star is built about a fifth faster than one namespace after the other and then the cables (measured against
 * the C floor's sequential build, which the kernel otherwise bounds). Only the kernel is touched on the side thread;
 * what the run records (handles, what it created, progress) is done by the run's thread as it takes each namespace.
 */
final class NamespaceMaker {
    /** A namespace made, or adopted ({@code handle} null: it was there already, the lab's). */
    record Made(Resource.Namespace ns, Resource.Forwarding forwarding, NetHandle handle) { }

    /** How one namespace is made ({@link NamespaceApplier#create}); returns its handle, or null when adopted. */
    interface Make {
        NetHandle make(Resource.Namespace ns, Resource.Forwarding forwarding);
    }

    private sealed interface Event permits Done, Failed { }

    private record Done(Made made) implements Event { }

    private record Failed(RuntimeException cause) implements Event { }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final int total;
    private final Thread thread;
    private volatile boolean stopping;
    private int taken;
    private boolean failed;

    /** Starts making {@code namespaces}, each with the forwarding set at birth that {@code forwarding} gives it. */
    NamespaceMaker(Make make, String lab, List<Resource.Namespace> namespaces, Map<String, Resource.Forwarding> forwarding) {
        this.total = namespaces.size();
        this.thread = total == 0 ? null : Thread.ofPlatform().name("nslab-namespaces-" + lab).start(() -> {
            for (Resource.Namespace n : namespaces) {
                if (stopping) return;
                Resource.Forwarding f = forwarding.get(n.name());
                try {
                    events.add(new Done(new Made(n, f, make.make(n, f))));
                } catch (RuntimeException e) {
                    events.add(new Failed(e));
                    return;
                }
            }
        });
    }

    /** The next namespace, waiting for it; null once all were taken. Throws what stopped the maker. */
    Made take() {
        if (taken == total || failed) return null;
        try {
            return accept(events.take());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while making namespaces", e);
        }
    }

    /** The next namespace if it is made already, else null. Throws what stopped the maker. */
    Made poll() {
        if (taken == total || failed) return null;
        Event e = events.poll();
        return e == null ? null : accept(e);
    }

    private Made accept(Event e) {
        return switch (e) {
            case Done d -> {
                taken++;
                yield d.made();
            }
            case Failed f -> {
                failed = true;
                throw f.cause();
            }
        };
    }

    /**
     * Stops after the namespace being made, waits for the thread, and returns what it made that was not taken
     * (so that a run that failed meanwhile removes it too).
     */
    List<Made> stop() {
        stopping = true;
        List<Made> left = new ArrayList<>();
        if (thread == null) return left;
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the thread ends by itself within one namespace; what it made must be known
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        for (Event e : events) if (e instanceof Done d) left.add(d.made());
        events.clear();
        return left;
    }
}
