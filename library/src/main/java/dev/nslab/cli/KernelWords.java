package dev.nslab.cli;

import dev.nslab.error.AlreadyExistsException;
import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.error.NotPermittedException;
import dev.nslab.net.NetHandle;

/**
 * A kernel refusal in iproute2's words. The layers below word a refusal in the kernel's own terms (its errno text, its
 * extended ACK, what nslab knows of the object); how ip presents them is the command line's business. An iproute2
 * command prints exactly ip's line ({@link #asIp}); nslab's own verbs keep nslab's explanation in ip's forms ({@link #of}).
 */
final class KernelWords {
    private KernelWords() {}

    private static final int EMSGSIZE = 90;

    /**
     * A refusal of an iproute2 command (link, address, route, rule, neighbour, netns, tuntap, maddress) exactly as ip
     * prints it, so that a script's output is the same with either tool: the kernel's extended ACK as "Error: TEXT.",
     * else "RTNETLINK answers: " and the errno's text. nslab's longer explanation is for its own verbs ({@link #of}).
     */
    static String asIp(KernelException e) {
        if (!e.rtnetlink() && e.extAck() == null && "Dump terminated".equals(e.getMessage())) {
            // a dump the kernel ended with an error: iproute2's rtnl_dump_done says nothing more of ENOENT and
            // EOPNOTSUPP, and the errno's words of the others
            int errno = e.errno();
            if (errno == Errno.ENOENT || errno == Errno.EOPNOTSUPP) return e.getMessage();
            return (errno == EMSGSIZE ? "Error: Buffer too small for object." : "RTNETLINK answers: " + NetHandle.strerror(errno))
                    + "\n" + e.getMessage();
        }
        if (!e.rtnetlink() || e instanceof NotPermittedException) return e.getMessage();
        if (e.extAck() != null) return "Error: " + e.extAck() + (e.extAck().endsWith(".") ? "" : ".");
        return "RTNETLINK answers: " + NetHandle.strerror(e.errno());
    }

    /**
     * ip's words where the kernel lacks the generic netlink family a command needs (l2tp, fou, mptcp_pm, SEG6):
     * genl_init_handle's, after the kernel's answer to the family's lookup.
     */
    static String noGenlFamily(int errno) { return "RTNETLINK answers: " + NetHandle.strerror(errno) + "\nError talking to the kernel"; }

    /** The handle {@code open} makes of a generic netlink family, or null after ip's words where the kernel lacks it. */
    static <T> T genlFamily(Cli cli, java.util.function.Supplier<T> open) {
        try {
            return open.get();
        } catch (KernelException e) {
            cli.out.flush();
            cli.err.println(noGenlFamily(e.errno()));
            return null;
        }
    }

    /** ip's exit status for a refusal: 2 when the kernel refused a request or the object exists already, else 1. */
    static int status(KernelException e) { return e.rtnetlink() || e instanceof AlreadyExistsException ? 2 : 1; }

    static String of(KernelException e) {
        String m = e.getMessage();
        if (!e.rtnetlink() || e instanceof NotPermittedException) return m;
        if (e.extAck() != null && m.equals(e.extAck())) return "Error: " + m + ".";
        if (m.startsWith(NetHandle.strerror(e.errno()))) return "RTNETLINK answers: " + m;
        return "Error: " + m;
    }
}
