package dev.nslab.error;

/** There is no such namespace, interface, process, file or address (ENOENT, ENODEV, ESRCH, ENXIO, EADDRNOTAVAIL). */
public final class NoSuchObjectException extends KernelException {
    public NoSuchObjectException(String message, int errno, String object, String extAck, boolean rtnetlink) {
        super(message, errno, object, extAck, rtnetlink);
    }
}
