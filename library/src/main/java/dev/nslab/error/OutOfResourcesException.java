package dev.nslab.error;

/** The kernel ran out of something: memory, descriptors, buffer space (ENOBUFS: a full neighbour table among others). */
public final class OutOfResourcesException extends KernelException {
    /** The errno of a send refused for want of buffer space, a full neighbour table among other causes. */
    public static final int ENOBUFS = 105;

    public OutOfResourcesException(String message, int errno, String object, String extAck, boolean rtnetlink) {
        super(message, errno, object, extAck, rtnetlink);
    }
}
