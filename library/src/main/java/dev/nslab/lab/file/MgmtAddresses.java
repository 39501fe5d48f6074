package dev.nslab.lab.file;

import dev.nslab.lab.file.Yaml.Node;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Set;

/** The arithmetic of a management network: its subnet, gateway and range as the file gives them, and the next free address. */
final class MgmtAddresses {
    private MgmtAddresses() {}

    static Cidr subnet(Node n, String otherwise, Family family) {
        if (n == null || n.value() == null || n.text("subnet").equals("auto")) return Cidr.parse(otherwise);
        Cidr c = TopologyParser.cidr(n, true);
        if (c.family() != family) throw n.error("\"" + n.text("subnet") + "\" is not an " + (family == Family.INET ? "IPv4" : "IPv6") + " subnet");
        int widest = family == Family.INET ? 8 : 32;
        if (c.prefixLength() < widest) {
            // the subnet becomes a route of the machine's own: one wider than a /8 would take over much of its traffic
            throw n.error("management subnet " + c.network() + " is wider than a lab's may be (/" + widest + " or longer)");
        }
        return c.network();
    }

    static InetAddress gateway(Node n, Cidr subnet) {
        if (n == null || n.value() == null) return offset(subnet.network().address(), 1);
        InetAddress gw;
        try {
            gw = Cidr.parseAddress(n.text("gateway"));
        } catch (RuntimeException e) {
            throw n.error("\"" + n.text("gateway") + "\" is not an IP address");
        }
        if (!subnet.contains(gw)) throw n.error("gateway " + Cidr.format(gw) + " is outside the management subnet " + subnet);
        return gw;
    }

    static Cidr range(Node n, Cidr subnet) {
        if (n == null || n.value() == null) return subnet;
        Cidr r = TopologyParser.cidr(n, true).network();
        if (r.family() != subnet.family() || !subnet.contains(r.address()) || r.prefixLength() < subnet.prefixLength()) {
            throw n.error("range " + r + " is not inside the management subnet " + subnet);
        }
        return r;
    }

    /** The first address of {@code range} that is a host address of {@code subnet} and not taken. */
    static Cidr next(Cidr range, Cidr subnet, Set<InetAddress> taken, Node at) {
        BigInteger first = new BigInteger(1, range.network().address().getAddress());
        BigInteger size = BigInteger.ONE.shiftLeft(Cidr.maxPrefix(range.address()) - range.prefixLength());
        InetAddress net = subnet.network().address(), bcast = subnet.family() == Family.INET ? subnet.broadcast() : null;
        for (BigInteger i = BigInteger.ZERO; i.compareTo(size) < 0 && i.compareTo(BigInteger.valueOf(1 << 20)) < 0;
             i = i.add(BigInteger.ONE)) {
            InetAddress a = address(first.add(i), range.address().getAddress().length);
            if (a.equals(net) || a.equals(bcast) || !taken.add(a)) continue;
            return new Cidr(a, Cidr.maxPrefix(a));
        }
        throw at.error("the management range " + range + " has no free address left for this node");
    }

    private static InetAddress offset(InetAddress a, int by) {
        return address(new BigInteger(1, a.getAddress()).add(BigInteger.valueOf(by)), a.getAddress().length);
    }

    private static InetAddress address(BigInteger v, int bytes) {
        byte[] raw = v.toByteArray(), out = new byte[bytes];
        for (int i = 0; i < bytes && i < raw.length; i++) out[bytes - 1 - i] = raw[raw.length - 1 - i];
        try {
            return InetAddress.getByAddress(out);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

}
