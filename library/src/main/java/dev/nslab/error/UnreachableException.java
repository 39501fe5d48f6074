package dev.nslab.error;

/** No route to the destination (ENETUNREACH, EHOSTUNREACH): the routing table's answer, not a failure to try. */
public final class UnreachableException extends KernelException {
    /**
     * Made by {@link KernelException#of}, which chooses the kind by errno.
     *
     * @param message   what was refused, worded for the user
     * @param errno     the kernel's errno
     * @param object    the namespace, interface, path or address it was about; may be null
     * @param extAck    the kernel's extended explanation; may be null
     * @param rtnetlink whether it came over rtnetlink
     */
    public UnreachableException(String message, int errno, String object, String extAck, boolean rtnetlink) {
        super(message, errno, object, extAck, rtnetlink);
    }
}
