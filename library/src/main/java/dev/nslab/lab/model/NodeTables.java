package dev.nslab.lab.model;

import dev.nslab.net.Cidr;
import dev.nslab.net.Family;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one node's kernel holds that decides where its packets go: addresses by interface, the main routing table,
 * forwarding per family, the interfaces that carry nothing (down, or no carrier) with why, and what the model does
 * not follow (policy rules), if anything. Read from the kernel by verification; kept from the time a lab came up so
 * that what changed since can be named.
 *
 * @param dead       interface name to why it carries nothing ("down", "no carrier")
 * @param unmodelled null, or why a walk through this node cannot be trusted (e.g. "policy rules (ip rule)")
 */
public record NodeTables(Map<String, List<Cidr>> addresses, List<TableRoute> routes, boolean forwards4, boolean forwards6,
                         Map<String, String> dead, String unmodelled) {

    /** A route of the main table; {@code type} is the kernel's RTN_* number (1 unicast, 6 blackhole, 7 unreachable, 8 prohibit). */
    public record TableRoute(Cidr dst, InetAddress via, String dev, int type, int metric) {
        public boolean unicast() { return type == 1; }

        public String text() {
            StringBuilder sb = new StringBuilder();
            if (!unicast()) sb.append(typeName()).append(' ');
            sb.append(dst.prefixLength() == 0 ? "default" : dst.toString());
            if (via != null) sb.append(" via ").append(Cidr.format(via));
            if (dev != null) sb.append(" dev ").append(dev);
            return sb.toString();
        }

        public String typeName() {
            return switch (type) {
                case 6 -> "blackhole";
                case 7 -> "unreachable";
                case 8 -> "prohibit";
                default -> "unicast";
            };
        }
    }

    public boolean forwards(Family f) { return f == Family.INET6 ? forwards6 : forwards4; }

    /**
     * What changed from {@code before} (the lab as it came up) to this, in words: "forwarding (IPv4) is off, was
     * on", "lost the route 10.0.2.0/24 via 10.0.1.1 dev eth0", "eth1 is down". Empty when nothing did.
     */
    public List<String> changesSince(NodeTables before) {
        List<String> out = new ArrayList<>();
        if (before.forwards4 != forwards4) out.add("forwarding (IPv4) is " + (forwards4 ? "on" : "off") + ", was " + (before.forwards4 ? "on" : "off"));
        if (before.forwards6 != forwards6) out.add("forwarding (IPv6) is " + (forwards6 ? "on" : "off") + ", was " + (before.forwards6 ? "on" : "off"));
        for (TableRoute r : before.routes) if (!routes.contains(r)) out.add("lost the route " + r.text());
        for (TableRoute r : routes) if (!before.routes.contains(r)) out.add("has a new route " + r.text());
        for (Map.Entry<String, List<Cidr>> e : new TreeMap<>(before.addresses).entrySet()) {
            for (Cidr c : e.getValue()) {
                if (!addresses.getOrDefault(e.getKey(), List.of()).contains(c)) out.add("lost the address " + c + " on " + e.getKey());
            }
        }
        for (Map.Entry<String, String> e : new TreeMap<>(dead).entrySet()) {
            if (!Objects.equals(before.dead.get(e.getKey()), e.getValue())) out.add(e.getKey() + " is " + e.getValue());
        }
        return out;
    }
}
