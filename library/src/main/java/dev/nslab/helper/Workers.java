package dev.nslab.helper;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * The threads requests run on, kept for the next request: starting a platform thread costs 0.5 to 1.5 ms on a small
 * VM, several times what a read verb's own work takes. A thread serves again only when it is where it began (its
 * namespaces as /proc/thread-self shows them): work that joined a namespace and did not come back ends its thread
 * instead of leaving the next request in the wrong place.
 */
final class Workers {
    private static final long KEEP_SECONDS = 60;
    private final SynchronousQueue<Runnable> handoff = new SynchronousQueue<>();
    private final String home = Identity.of("thread-self");

    /** Runs {@code task} on an idle thread, or on a new one when none waits. */
    void run(Runnable task) {
        if (handoff.offer(task)) return;
        Thread.ofPlatform().daemon().name("nslab-helper-request").start(() -> serve(task));
    }

    private void serve(Runnable first) {
        Runnable task = first;
        while (task != null) {
            task.run();
            if (!home.equals(Identity.of("thread-self"))) return;
            try {
                task = handoff.poll(KEEP_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
