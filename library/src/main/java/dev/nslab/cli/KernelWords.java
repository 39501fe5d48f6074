package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.error.NotPermittedException;
import dev.nslab.net.NetHandle;

/**
 * A kernel refusal in iproute2's words. The layers below word a refusal in the kernel's own terms (its errno text, its
 * extended ACK, what nslab knows of the object); how ip presents them is the command line's business: "Error: TEXT."
 * for a refusal the kernel explained, "RTNETLINK answers: ..." for one it did not, and nslab's own explanation of a
 * refusal in ip's "Error:" form.
 */
final class KernelWords {
    private KernelWords() {}

    static String of(KernelException e) {
        String m = e.getMessage();
        if (!e.rtnetlink() || e instanceof NotPermittedException) return m;
        if (e.extAck() != null && m.equals(e.extAck())) return "Error: " + m + ".";
        if (m.startsWith(NetHandle.strerror(e.errno()))) return "RTNETLINK answers: " + m;
        return "Error: " + m;
    }
}
