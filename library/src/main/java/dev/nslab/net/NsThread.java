package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.error.NotANamespaceException;
import dev.nslab.error.NotPermittedException;
import dev.nslab.sys.Libc;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs work inside a network namespace. The network namespace belongs to a thread, not to the process: the work
 * runs on the calling platform thread, which joins the target namespace with setns(2) and returns to its own
 * namespace afterwards, so no other thread ever notices. Switching the caller's thread costs two system calls;
 * a new thread per operation would cost far more (about 0.6 ms each on a small VM). A virtual thread may hop
 * between carrier threads, and so between namespaces: its work is handed to a fresh platform thread instead.
 *
 * <p>Sockets, files under /proc/sys/net and child processes created by the work keep living in that namespace.
 */
public final class NsThread {
    private NsThread() {}

    /** Runs {@code work} with the calling thread inside the namespace open at {@code nsFd}, then switches back. */
    public static <T> T call(int nsFd, String label, Callable<T> work) {
        if (Thread.currentThread().isVirtual()) return callOnFreshThread(label, () -> call(nsFd, label, work));
        int home = Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY, 0);
        try {
            join(nsFd, label);
        } catch (RuntimeException e) {
            // the thread did not move: no way back to try (which may be refused too, in a user namespace that does
            // not own the thread's namespace, and would hide why the join failed)
            Libc.close(home);
            throw e;
        }
        return runThenReturn(home, label, work);
    }

    /**
     * Moves the calling thread into the namespace open at {@code nsFd}, called {@code label}. A refusal is worded as
     * ip words it; a file that holds no namespace (EINVAL) is a {@link NotANamespaceException}.
     */
    static void join(int nsFd, String label) {
        try {
            Libc.setns(nsFd, Libc.CLONE_NEWNET, label);
        } catch (NotPermittedException e) {
            throw e; // already names the privilege that is missing
        } catch (KernelException e) {
            String m = "setting the network namespace \"" + label + "\" failed: " + Libc.strerror(e.errno());
            if (e.errno() == Errno.EINVAL) throw new NotANamespaceException(m, label);
            throw KernelException.of(m, e.errno(), label);
        }
    }

    /**
     * Runs {@code work}, which may move the calling thread to other network namespaces (unshare), and brings the
     * thread back to where it was afterwards.
     */
    public static <T> T callAndReturn(String label, Callable<T> work) {
        if (Thread.currentThread().isVirtual()) return callOnFreshThread(label, () -> callAndReturn(label, work));
        return runThenReturn(Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY, 0), label, work);
    }

    /** Runs {@code work}, then brings the thread back to the namespace open at {@code home} and closes it. */
    private static <T> T runThenReturn(int home, String label, Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw KernelException.of(e.toString(), 0, label);
        } finally {
            returnHome(home);
            Libc.close(home);
        }
    }

    private static void returnHome(int home) {
        try {
            Libc.setns(home, Libc.CLONE_NEWNET, "(home)");
        } catch (KernelException e) {
            // A thread stranded in a foreign namespace would silently do later work in the wrong place.
            throw new IllegalStateException("cannot return the thread to its network namespace", e);
        }
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
        if (f != null) throw KernelException.of(f.toString(), 0, label);
        return result.get();
    }
}
