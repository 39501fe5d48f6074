package dev.nslab.error;

/** The kernel ran out of something: memory, descriptors, buffer space (ENOBUFS: a full neighbour table among others). */
public final class OutOfResourcesException extends KernelException {

    /**
     * Made by {@link KernelException#of}, which chooses the kind by errno.
     *
     * @param message   what was refused, worded for the user
     * @param errno     the kernel's errno
     * @param object    the namespace, interface, path or address it was about; may be null
     * @param extAck    the kernel's extended explanation; may be null
     * @param rtnetlink whether it came over rtnetlink
     */
    public OutOfResourcesException(String message, int errno, String object, String extAck, boolean rtnetlink) {
        super(message, errno, object, extAck, rtnetlink);
    }
}
