package dev.nslab.lab.state;

/**
 * How a lab marks what it owns, so that nothing is ever removed on the strength of its name alone: the alias
 * "nslab:LAB" on every interface it makes (a namespace's loopback marks the namespace), external_ids:nslab-lab=LAB on
 * Open vSwitch rows. The one place that knows the form.
 */
public final class Marks {
    private Marks() {}

    static final String PREFIX = "nslab:";
    /** The Open vSwitch external_ids key of a lab's rows. */
    public static final String OVS_KEY = "nslab-lab";

    /**
     * The device group of every interface a lab puts inside its own namespaces, so that teardown deletes them all
     * with one request per namespace. Never used in the root namespace, where the group is shared with others.
     */
    public static final int DEVICE_GROUP = 0x6e736c62;

    /** The mark of lab {@code lab}'s interfaces. */
    public static String of(String lab) { return PREFIX + lab; }

    /** The lab a mark names, or null when {@code alias} is no lab's mark. */
    public static String labOf(String alias) {
        return alias != null && alias.startsWith(PREFIX) && alias.length() > PREFIX.length() ? alias.substring(PREFIX.length()) : null;
    }
}
