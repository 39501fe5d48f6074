package dev.nslab.web;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The page's live feed: a sampler thread reads the labs once a period (and at once after an action) and pushes the
 * whole picture to every open socket; a second thread refreshes health, which takes longer. Nothing is pushed to a
 * socket that is still sending the previous picture: a slow browser gets the newest one, never a backlog.
 */
final class Live implements AutoCloseable {
    private final LabViews views;
    private final long periodMillis;
    /** Every open socket, and whether a picture is being sent to it. */
    private final Map<Session, AtomicBoolean> busy = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition poked = lock.newCondition();
    private volatile boolean pokedFlag, closed;
    private volatile String latest;
    private volatile Map<String, Object> activity = Map.of();
    private final Thread sampler, healer;

    Live(LabViews views, long periodMillis) {
        this.views = views;
        this.periodMillis = periodMillis;
        this.sampler = Thread.ofPlatform().daemon().name("nslab-ui-sampler").unstarted(this::sampleLoop);
        this.healer = Thread.ofPlatform().daemon().name("nslab-ui-health").unstarted(this::healthLoop);
    }

    void start() {
        latest = Json.write(message(views.sample()));
        sampler.start();
        healer.start();
    }

    /** The newest picture, as pushed. */
    String latest() { return latest; }

    /** Samples again now (after an action, so that its effect shows at once). */
    void poke() {
        lock.lock();
        try {
            pokedFlag = true;
            poked.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** What long work is going on ("lab/verify" → "running"), pushed with every picture. */
    void activity(Map<String, Object> now) {
        activity = Map.copyOf(now);
        poke();
    }

    void subscribe(Session s) {
        busy.put(s, new AtomicBoolean());
        send(s, latest);
    }

    void unsubscribe(Session s) {
        busy.remove(s);
    }

    private Map<String, Object> message(LabViews.Snapshot s) {
        return Map.of("type", "labs", "time", s.time(), "labs", s.labs(), "activity", activity);
    }

    private void sampleLoop() {
        while (!closed) {
            try {
                latest = Json.write(message(views.sample()));
                for (Session s : busy.keySet()) send(s, latest);
            } catch (RuntimeException e) {
                // one bad sample (a lab going while read) must not end the feed
            }
            lock.lock();
            try {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(periodMillis);
                while (!pokedFlag && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    poked.awaitNanos(left);
                }
                pokedFlag = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private void healthLoop() {
        while (!closed) {
            for (String lab : views.names()) {
                if (closed) return;
                try {
                    views.refreshHealth(lab);
                } catch (RuntimeException e) {
                    // a lab going while checked
                }
            }
            try {
                Thread.sleep(Math.max(2000, periodMillis * 3)); // a period between checks, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void send(Session s, String text) {
        AtomicBoolean b = busy.get(s);
        if (b == null || !s.isOpen() || !b.compareAndSet(false, true)) return;
        s.sendText(text, Callback.from(() -> b.set(false), x -> b.set(false)));
    }

    @Override public void close() {
        closed = true;
        poke();
        sampler.interrupt();
        healer.interrupt();
    }
}
