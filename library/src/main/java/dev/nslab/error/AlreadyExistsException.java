package dev.nslab.error;

/** An object of that name or value is already there (EEXIST). */
public final class AlreadyExistsException extends KernelException {
    public AlreadyExistsException(String message, int errno, String object, String extAck, boolean rtnetlink) {
        super(message, errno, object, extAck, rtnetlink);
    }
}
