package dev.nslab.lab.verify;

import dev.nslab.error.KernelException;
import dev.nslab.lab.model.NodeTables;
import dev.nslab.lab.model.NodeTables.TableRoute;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.IfAddress;
import dev.nslab.net.Link;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.Route;
import dev.nslab.net.Rule;
import dev.nslab.net.Sysctl;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A node's {@link NodeTables}, read from its kernel: rtnetlink for interfaces, addresses, routes and rules, /proc/sys for forwarding. */
public final class KernelTables {
    private KernelTables() {}

    private static final int LOCAL = 255, MAIN = 254, DEFAULT = 253;

    /** The tables of the namespace {@code ns}. */
    public static NodeTables read(Namespaces registry, String ns) { return readWithTargets(registry, ns).tables(); }

    /** A node's tables and the addresses a ping from elsewhere can aim at (global, not tentative), from one reading. */
    record Reading(NodeTables tables, List<InetAddress> targets) { }

    static Reading readWithTargets(Namespaces registry, String ns) {
        NsRef ref = NsRef.named(ns);
        try (NetHandle h = NetHandle.open(registry, ref)) {
            Map<Integer, String> names = new HashMap<>();
            Map<String, String> dead = new TreeMap<>();
            for (Link l : h.links()) {
                names.put(l.index(), l.name());
                if (l.type() == 772) continue; // loopback
                if (!l.isUp()) dead.put(l.name(), "down");
                else if (!l.hasCarrier()) dead.put(l.name(), "up but without carrier (its peer or every port is down)");
            }
            Map<String, List<Cidr>> addrs = new TreeMap<>();
            List<InetAddress> targets = new ArrayList<>();
            for (IfAddress a : h.addresses(null)) {
                if (a.isReachableFromElsewhere()) targets.add(a.local());
                if (a.local().isLoopbackAddress() || a.local().isLinkLocalAddress()) continue;
                String dev = names.get(a.index());
                if (dev != null) addrs.computeIfAbsent(dev, k -> new ArrayList<>()).add(a.cidr());
            }
            List<TableRoute> routes = new ArrayList<>();
            for (Family f : List.of(Family.INET, Family.INET6)) {
                for (Route r : h.routes(f)) {
                    String dev = r.oif() == 0 ? null : names.get(r.oif());
                    if ("lo".equals(dev) && r.type() == 1) continue;
                    Cidr dst = r.dst() != null ? r.dst() : new Cidr(Cidr.parseAddress(f == Family.INET ? "0.0.0.0" : "::"), 0);
                    if (dst.address().isLinkLocalAddress() || dst.address().isMulticastAddress()) continue;
                    routes.add(new TableRoute(dst, r.gateway(), dev, r.type(), Math.max(0, r.priority())));
                }
            }
            String unmodelled = null;
            for (Family f : List.of(Family.INET, Family.INET6)) {
                for (Rule r : h.rules(f)) {
                    boolean standard = r.from() == null && r.to() == null && r.iif() == null && r.oif() == null
                            && (r.table() == LOCAL || r.table() == MAIN || r.table() == DEFAULT);
                    if (!standard) unmodelled = "policy rules (ip rule) besides the standard three";
                }
            }
            Sysctl sysctl = new Sysctl(registry);
            return new Reading(new NodeTables(addrs, routes, on(sysctl, ref, "net.ipv4.conf.all.forwarding"),
                    on(sysctl, ref, "net.ipv6.conf.all.forwarding"), dead, unmodelled), targets);
        }
    }

    private static boolean on(Sysctl s, NsRef ns, String key) {
        try {
            return "1".equals(s.read(ns, key));
        } catch (KernelException e) {
            return false; // IPv6 turned off in the namespace: nothing forwards it
        }
    }
}
