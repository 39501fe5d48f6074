package dev.nslab.ovs;

import dev.nslab.error.NslabException;

/**
 * A refusal from the Open vSwitch database or from nslab's checks before a transaction: {@code error} is the
 * OVSDB error word ("constraint violation", "not found"...) or nslab's own ("refused", "timeout", {@link #ATTACHED_ELSEWHERE}),
 * {@code object} the bridge, port or socket it is about, {@code other} the other object involved (the bridge a port is
 * really on), or null.
 */
public final class OvsdbException extends NslabException {
    /** A port (or bond) that may exist, but exists on another bridge: {@link #other()} names it. */
    public static final String ATTACHED_ELSEWHERE = "attached elsewhere";
    /** A bond that may exist, but with other interfaces: {@link #other()} lists them. */
    public static final String OTHER_INTERFACES = "other interfaces";
    /** A bridge that may exist, but is another kind of bridge (fake or real, parent, VLAN): {@link #other()} says how. */
    public static final String EXISTS_OTHERWISE = "exists otherwise";

    private final String error;
    private final String object;
    private final String other;

    public OvsdbException(String message, String error, String object) { this(message, error, object, (String) null); }

    public OvsdbException(String message, String error, String object, String other) {
        super(message);
        this.error = error;
        this.object = object;
        this.other = other;
    }

    public OvsdbException(String message, String error, String object, Throwable cause) {
        super(message, cause);
        this.error = error;
        this.object = object;
        this.other = null;
    }

    public String error() { return error; }

    public String object() { return object; }

    public String other() { return other; }
}
