package dev.nslab.cli;

import dev.nslab.net.Cidr;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/**
 * ip -resolve: an address shown as the name the system's resolver gives it (the hosts file, then DNS, as configured),
 * else as the address; each address asked once per run, a miss remembered too, as ip does. Without -r, the address.
 */
final class HostNames {
    private final boolean resolve;
    private final Map<InetAddress, String> names = new HashMap<>();

    HostNames(boolean resolve) { this.resolve = resolve; }

    String of(InetAddress a) {
        if (!resolve) return Cidr.format(a);
        return names.computeIfAbsent(a, HostNames::lookup);
    }

    private static String lookup(InetAddress a) {
        try {
            // a fresh object without a name, so that getHostName asks the resolver; it answers the literal on a miss
            InetAddress bare = InetAddress.getByAddress(a.getAddress());
            String n = bare.getHostName();
            return n.equals(bare.getHostAddress()) ? Cidr.format(a) : n;
        } catch (UnknownHostException e) {
            return Cidr.format(a);
        }
    }
}
