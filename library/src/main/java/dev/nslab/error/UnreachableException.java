package dev.nslab.error;

/** No route to the destination (ENETUNREACH, EHOSTUNREACH): the routing table's answer, not a failure to try. */
public final class UnreachableException extends KernelException {
    public static final int ENETUNREACH = 101, EHOSTUNREACH = 113;

    public UnreachableException(String message, int errno, String object, String extAck, boolean rtnetlink) {
        super(message, errno, object, extAck, rtnetlink);
    }
}
