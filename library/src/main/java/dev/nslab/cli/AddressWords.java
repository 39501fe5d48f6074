package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address word as iproute2's get_addr reads one, with its refusal. */
final class AddressWords {
    private AddressWords() {}

    /**
     * An address of {@code family} (null: either): an IPv6 or IPv4 literal, or one to four dotted IPv4 parts
     * (get_addr_ipv4's forms); anything else is ip's refusal, "Error: FAMILY address is expected rather than ...", exit 1.
     * ("any", "all" and "default" are each caller's, where ip gives them a meaning.)
     */
    static InetAddress getAddr(String v, Family family) {
        InetAddress a = null;
        try {
            a = Cidr.parseAddress(v);
        } catch (KernelException e) {
            byte[] b = v.indexOf(':') < 0 ? LinkLayer.ipv4(v) : null;
            if (b != null) {
                try {
                    a = InetAddress.getByAddress(b);
                } catch (UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        }
        if (a == null || (family != null && Family.of(a) != family)) {
            String which = family == null ? "any valid" : family == Family.INET ? "inet" : "inet6";
            throw new UsageException("Error: " + which + " address is expected rather than \"" + v + "\".", 1);
        }
        return a;
    }
}
