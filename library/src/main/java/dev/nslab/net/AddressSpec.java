package dev.nslab.net;

import java.net.InetAddress;

/**
 * An address as {@code ip address add|replace|change} gives it: the prefix and, where not null or false, no duplicate
 * address detection (IPv6), a broadcast address and a label (IPv4), a scope, no prefix route, and lifetimes in seconds
 * (null: forever); a point-to-point peer, further flags (AddressMessages' OPTIMISTIC, HOME, MANAGE_TEMP_ADDR,
 * MC_AUTOJOIN), the metric of its prefix route and an anycast address (null: none).
 */
public record AddressSpec(Cidr cidr, boolean nodad, InetAddress broadcast, String label, Integer scope, boolean noPrefixRoute,
                          Long preferredLft, Long validLft, Cidr peer, int flags, Long metric, InetAddress anycast) {

    public AddressSpec(Cidr cidr, boolean nodad, InetAddress broadcast, String label, Integer scope, boolean noPrefixRoute, Long preferredLft,
                       Long validLft, Cidr peer) {
        this(cidr, nodad, broadcast, label, scope, noPrefixRoute, preferredLft, validLft, peer, 0, null, null);
    }

    public static AddressSpec of(Cidr cidr) { return new AddressSpec(cidr, false, null, null, null, false, null, null, null); }

    /** What the kernel is asked to do with it. */
    public enum Verb {
        /** a new address; one already there is an error */ ADD(0x400 | 0x200),
        /** an existing address changed; none there is an error */ CHANGE(0x100),
        /** in place of the one there, or a new one */ REPLACE(0x400 | 0x100);

        /** NLM_F_CREATE 0x400, NLM_F_EXCL 0x200, NLM_F_REPLACE 0x100. */
        public final int nlFlags;

        Verb(int nlFlags) { this.nlFlags = nlFlags; }
    }
}
