package dev.nslab.net;

import java.net.InetAddress;

/**
 * An address on an interface (one RTM_NEWADDR message).
 *
 * @param validLifetime    seconds, or 0xFFFFFFFF ("forever")
 * @param preferredLifetime seconds, or 0xFFFFFFFF
 */
public record IfAddress(Family family, InetAddress local, int prefixLength, int scope, int flags, int index,
                        String label, InetAddress broadcast, InetAddress peer, long validLifetime, long preferredLifetime, Long metric,
                        InetAddress anycast) {
    public static final long FOREVER = 0xFFFFFFFFL;

    public Cidr cidr() { return new Cidr(local, prefixLength); }

    private static final int IFA_F_DADFAILED = 0x08, IFA_F_TENTATIVE = 0x40;

    /** Of global scope (not host or link); what a lab's addresses are, and what the rest of the lab can reach. */
    public boolean isGlobal() { return scope == 0; }

    /** Global, usable (not tentative, not failed duplicate detection), and neither loopback nor link-local. */
    public boolean isReachableFromElsewhere() {
        return isGlobal() && (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) == 0 && !local.isLoopbackAddress() && !local.isLinkLocalAddress();
    }

    public String familyName() { return family.word(); }
}
