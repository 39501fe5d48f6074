package dev.nslab;

import dev.nslab.error.NslabException;

/** A failure of the library's own: work run inside a node failed, or a lab could not be made or used. */
public final class NetLabException extends NslabException {
    public NetLabException(String message) { super(message); }

    public NetLabException(String message, Throwable cause) { super(message, cause); }
}
