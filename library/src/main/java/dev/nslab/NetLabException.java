package dev.nslab;

import dev.nslab.error.NslabException;

/** A failure of the library's own: work run inside a node failed, or a lab could not be made or used. */
public final class NetLabException extends NslabException {
    /**
     * Makes the exception.
     *
     * @param message what failed, naming the node or lab
     */
    public NetLabException(String message) { super(message); }

    /**
     * Makes the exception.
     *
     * @param message what failed, naming the node or lab
     * @param cause   the failure underneath (the exception of work run inside a node)
     */
    public NetLabException(String message, Throwable cause) { super(message, cause); }
}
