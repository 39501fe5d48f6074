package dev.nslab.error;

/** There is no such namespace, interface, process, file or address (ENOENT, ENODEV, ESRCH, ENXIO, EADDRNOTAVAIL). */
public final class NoSuchObjectException extends KernelException {
    /**
     * Made by {@link KernelException#of}, which chooses the kind by errno.
     *
     * @param message   what was refused, worded for the user
     * @param errno     the kernel's errno
     * @param object    the namespace, interface, path or address it was about; may be null
     * @param extAck    the kernel's extended explanation; may be null
     * @param rtnetlink whether it came over rtnetlink
     */
    public NoSuchObjectException(String message, int errno, String object, String extAck, boolean rtnetlink) {
        super(message, errno, object, extAck, rtnetlink);
    }
}
