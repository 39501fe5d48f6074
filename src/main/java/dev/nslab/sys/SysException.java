package dev.nslab.sys;

/**
 * A system call failed. Carries the errno and the name of the object the call was about, so that callers can
 * word a message the way iproute2 does ({@code Cannot find device "x"}) without parsing text.
 */
public class SysException extends RuntimeException {
    private final int errno;
    private final String object;

    public SysException(String operation, String object, int errno) {
        super(operation + (object == null || object.isEmpty() ? "" : " \"" + object + "\"") + ": " + Libc.strerror(errno));
        this.errno = errno;
        this.object = object;
    }

    public SysException(String message, int errno, String object) {
        super(message);
        this.errno = errno;
        this.object = object;
    }

    /** The errno value the kernel returned (e.g. {@link Errno#EEXIST}). */
    public int errno() { return errno; }

    /** The name of the namespace, interface, path or address the failing call was about; may be null. */
    public String object() { return object; }
}
