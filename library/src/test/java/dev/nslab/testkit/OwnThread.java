package dev.nslab.testkit;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Work that blocks (reading a program's output, waiting on a socket) started on a thread of its own. Not on the
 * common pool: it has one thread on a two-core machine, so a reader of a long program there holds up every other
 * test's readers queued behind it (seen as 50 s waits once some test classes ran side by side).
 */
public final class OwnThread {
    private OwnThread() {}

    public static <T> CompletableFuture<T> supply(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, r -> Thread.ofPlatform().daemon().name("test-own-thread").start(r));
    }
}
