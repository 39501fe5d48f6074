package dev.nslab.ovs;

import dev.nslab.error.NslabException;

/**
 * A refusal from the Open vSwitch database or from nslab's checks before a transaction: {@code error} is the
 * OVSDB error word ("constraint violation", "not found"...) or nslab's own ("no bridge", "timeout"), {@code object}
 * the bridge, port or socket it is about.
 */
public final class OvsdbException extends NslabException {
    private final String error;
    private final String object;

    public OvsdbException(String message, String error, String object) {
        super(message);
        this.error = error;
        this.object = object;
    }

    public OvsdbException(String message, String error, String object, Throwable cause) {
        super(message, cause);
        this.error = error;
        this.object = object;
    }

    public String error() { return error; }

    public String object() { return object; }
}
