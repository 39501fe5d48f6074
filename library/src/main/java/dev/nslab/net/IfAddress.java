package dev.nslab.net;

import java.net.InetAddress;

/**
 * An address on an interface (one RTM_NEWADDR message).
 *
 * @param validLifetime    seconds, or 0xFFFFFFFF ("forever")
 * @param preferredLifetime seconds, or 0xFFFFFFFF
 */
public record IfAddress(Family family, InetAddress local, int prefixLength, int scope, int flags, int index,
                        String label, InetAddress broadcast, InetAddress peer, long validLifetime, long preferredLifetime) {
    public static final long FOREVER = 0xFFFFFFFFL;

    public Cidr cidr() { return new Cidr(local, prefixLength); }

    public String familyName() { return family.word(); }
}
