package dev.nslab.error;

/** The kernel refused for want of privileges (EPERM, EACCES); the message names the capabilities that are missing. */
public final class NotPermittedException extends KernelException {
    public NotPermittedException(String message, int errno, String object, String extAck, boolean rtnetlink) {
        super(message, errno, object, extAck, rtnetlink);
    }
}
