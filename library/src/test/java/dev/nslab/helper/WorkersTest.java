package dev.nslab.helper;

import dev.nslab.sys.Libc;
import dev.nslab.testkit.Needs;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The helper's request threads: kept for the next request, unless a request left its thread in another namespace. */
@Needs
class WorkersTest {
    final Workers workers = new Workers();
    final BlockingQueue<Thread> ran = new LinkedBlockingQueue<>();

    Thread next() throws InterruptedException {
        Thread t = ran.poll(10, TimeUnit.SECONDS);
        if (t == null) throw new AssertionError("the task did not run within 10 s");
        return t;
    }

    /** Until the thread waits for work (a request handed over before that finds no one and starts a thread). */
    static void awaitIdle(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) throw new AssertionError(t + " did not wait for work: " + t.getState());
            Thread.onSpinWait();
        }
    }

    @Test
    void aThreadServesAgainOnlyFromWhereItBegan() throws Exception {
        workers.run(() -> ran.add(Thread.currentThread()));
        Thread first = next();
        awaitIdle(first);
        workers.run(() -> ran.add(Thread.currentThread()));
        assertSame(first, next(), "an idle thread takes the next request");

        awaitIdle(first);
        workers.run(() -> {
            Libc.unshare(Libc.CLONE_NEWNET, "a namespace of the thread's own"); // gone with the thread
            ran.add(Thread.currentThread());
        });
        assertSame(first, next());
        first.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(first.isAlive(), "a thread left in another namespace ends");
        workers.run(() -> ran.add(Thread.currentThread()));
        assertNotSame(first, next());
    }
}
