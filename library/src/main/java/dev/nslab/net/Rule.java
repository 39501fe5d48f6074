package dev.nslab.net;

/**
 * A policy routing rule ({@code ip rule}): what it matches — from and to prefixes (null: all), the input and output
 * interfaces (null: any), a firewall mark and mask, a TOS, an IP protocol and port ranges, a range of user ids, the
 * VRF device's table ({@code l3mdev}), all of it inverted ({@code not}) — and what it does: its action (look up
 * {@code table}, go to the rule of priority {@code gotoTarget}, nothing, or a blackhole, unreachable or prohibit verdict),
 * with the lookup's suppressors. {@code priority} null when adding: the kernel's choice. {@code flags} are the kernel's
 * (FIB_RULE_*: unresolved goto, detached interfaces), read back only.
 */
public record Rule(Family family, Cidr from, Cidr to, String iif, String oif, int table, Integer priority, Long fwmark, Long fwmask,
                   boolean not, int tos, int action, Integer gotoTarget, Integer realms, Integer protocol, Integer ipproto, Range sport,
                   Range dport, Range uids, Integer suppressPrefixlen, Integer suppressIfgroup, boolean l3mdev, int flags) {
    /** The rule's actions (FR_ACT_*): blackhole, unreachable and prohibit have the route types' numbers. */
    public static final int TO_TABLE = 1, GOTO = 2, NOP = 3, BLACKHOLE = 6, UNREACHABLE = 7, PROHIBIT = 8;
    /** fib_rule_hdr flags. */
    public static final int INVERT = 0x2, UNRESOLVED = 0x4, IIF_DETACHED = 0x8, OIF_DETACHED = 0x10;

    /** A range of ports or user ids, both ends included. */
    public record Range(long start, long end) { }

    /** A rule that looks packets up in {@code table}, with a firewall mark and mask (null: none). */
    public Rule(Family family, Cidr from, Cidr to, String iif, String oif, int table, Integer priority, Long fwmark, Long fwmask) {
        this(family, from, to, iif, oif, table, priority, fwmark, fwmask, false, 0, TO_TABLE, null, null, null, null, null, null, null, null,
                null, false, 0);
    }

    /** A rule without a firewall mark. */
    public Rule(Family family, Cidr from, Cidr to, String iif, String oif, int table, Integer priority) {
        this(family, from, to, iif, oif, table, priority, null, null);
    }
}
