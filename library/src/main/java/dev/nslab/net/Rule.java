package dev.nslab.net;

/**
 * A policy routing rule ({@code ip rule}) that looks a packet up in a table: from and to prefixes (null: all), the
 * input and output interfaces (null: any), the table, and the priority (null when adding: the kernel's choice).
 */
public record Rule(Family family, Cidr from, Cidr to, String iif, String oif, int table, Integer priority, Long fwmark, Long fwmask) {
    /** A rule without a firewall mark. */
    public Rule(Family family, Cidr from, Cidr to, String iif, String oif, int table, Integer priority) {
        this(family, from, to, iif, oif, table, priority, null, null);
    }
}
