package dev.nslab.net;

import dev.nslab.sys.Libc;
import dev.nslab.sys.SysException;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs work inside a network namespace. The network namespace belongs to a thread, not to the process, so the
 * work runs on a fresh platform thread that joins the namespace with setns(2) and then dies, which leaves every
 * other thread (and the caller) where it was. Never a virtual thread: a virtual thread may hop between carrier
 * threads and so between namespaces.
 *
 * <p>Sockets, files under /proc/sys/net and child processes created by the work keep living in that namespace.
 */
public final class NsThread {
    private NsThread() {}

    /** Runs {@code work} on a platform thread that first joins the namespace open at {@code nsFd}. */
    public static <T> T call(int nsFd, String label, Callable<T> work) {
        return callOnFreshThread(label, () -> {
            Libc.setns(nsFd, Libc.CLONE_NEWNET, label);
            return work.call();
        });
    }

    /**
     * Runs {@code work} on a fresh platform thread (for work that itself changes the thread's namespaces, such as
     * unshare). Exceptions from the work reach the caller unchanged.
     */
    public static <T> T callOnFreshThread(String label, Callable<T> work) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("nslab-ns-" + label).unstarted(() -> {
            try {
                result.set(work.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while working in namespace " + label, e);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new SysException(f.toString(), 0, label);
        return result.get();
    }
}
