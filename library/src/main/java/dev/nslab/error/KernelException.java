package dev.nslab.error;

/**
 * The kernel refused a system call or a netlink request. Carries the errno, the name of the object the request was
 * about (a namespace, an interface, an address; may be null), the kernel's own explanation when it gave one (netlink's
 * extended ACK), and whether the refusal came over rtnetlink (iproute2's exit status 2) rather than from a plain
 * system call. {@link #of} picks the subclass that says what kind of refusal it is.
 */
public class KernelException extends NslabException {
    /** The kernel's errno. */
    private final int errno;
    /** What the request was about; may be null. */
    private final String object;
    /** The kernel's extended explanation; may be null. */
    private final String extAck;
    /** Whether the refusal came over rtnetlink. */
    private final boolean rtnetlink;

    /**
     * A refusal of no particular kind; {@link #of} chooses the kind.
     *
     * @param message   what was refused, worded for the user
     * @param errno     the kernel's errno
     * @param object    the namespace, interface, path or address it was about; may be null
     * @param extAck    the kernel's extended explanation; may be null
     * @param rtnetlink whether it came over rtnetlink
     */
    public KernelException(String message, int errno, String object, String extAck, boolean rtnetlink) {
        super(message);
        this.errno = errno;
        this.object = object;
        this.extAck = extAck;
        this.rtnetlink = rtnetlink;
    }

    /**
     * A refusal of a system call (or of a step nslab takes for one), typed by its errno.
     *
     * @param message what was refused, worded for the user
     * @param errno   the kernel's errno
     * @param object  the namespace, interface, path or address it was about; may be null
     * @return the exception of the kind the errno says
     */
    public static KernelException of(String message, int errno, String object) { return of(message, errno, object, null, false); }

    /**
     * A refusal, typed by its errno: no such object, already exists, not permitted, unreachable, out of resources.
     *
     * @param message   what was refused, worded for the user
     * @param errno     the kernel's errno
     * @param object    the namespace, interface, path or address it was about; may be null
     * @param extAck    the kernel's extended explanation; may be null
     * @param rtnetlink whether it came over rtnetlink
     * @return the exception of the kind the errno says
     */
    public static KernelException of(String message, int errno, String object, String extAck, boolean rtnetlink) {
        return switch (errno) {
            case Errno.ENOENT, Errno.ESRCH, Errno.ENXIO, Errno.ENODEV, Errno.EADDRNOTAVAIL -> new NoSuchObjectException(message, errno, object, extAck, rtnetlink);
            case Errno.EEXIST -> new AlreadyExistsException(message, errno, object, extAck, rtnetlink);
            case Errno.EPERM, Errno.EACCES -> new NotPermittedException(message, errno, object, extAck, rtnetlink);
            case Errno.ENETUNREACH, Errno.EHOSTUNREACH -> new UnreachableException(message, errno, object, extAck, rtnetlink);
            case Errno.ENOMEM, Errno.ENFILE, Errno.EMFILE, Errno.ENOSPC, Errno.ENOBUFS -> new OutOfResourcesException(message, errno, object, extAck, rtnetlink);
            default -> new KernelException(message, errno, object, extAck, rtnetlink);
        };
    }

    /**
     * Returns the errno value the kernel returned.
     *
     * @return the errno value the kernel returned
     */
    public int errno() { return errno; }

    /**
     * Returns the name of the namespace, interface, path or address the request was about; may be null.
     *
     * @return the name of the namespace, interface, path or address the request was about; may be null
     */
    public String object() { return object; }

    /**
     * Returns the kernel's extended explanation (netlink extended ACK), or null.
     *
     * @return the kernel's extended explanation (netlink extended ACK), or null
     */
    public String extAck() { return extAck; }

    /**
     * Returns whether the refusal came over rtnetlink.
     *
     * @return whether the refusal came over rtnetlink
     */
    public boolean rtnetlink() { return rtnetlink; }
}
