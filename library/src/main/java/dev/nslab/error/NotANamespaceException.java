package dev.nslab.error;

/**
 * A namespace name whose registration file holds no namespace: left by a process killed between making the file and
 * mounting the namespace on it, or kept by a restart that did not clear /run. setns(2) answers EINVAL.
 */
public final class NotANamespaceException extends KernelException {
    /**
     * The refusal of a registration file that holds no namespace.
     *
     * @param message what was refused, worded for the user
     * @param name    the namespace name
     */
    public NotANamespaceException(String message, String name) {
        super(message, Errno.EINVAL, name, null, false);
    }
}
