package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.Link;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.Route;
import dev.nslab.net.RouteLookup;
import dev.nslab.net.RouteSpec;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code nslab route add | del | show} (alias {@code r}). */
final class RouteCmd extends ObjectCmd {
    RouteCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override String object() { return "route"; }

    @Override void help(java.io.PrintStream out) { Help.route(out); }

    @Override
    Integer verb(String cmd, Args a) {
        if (Args.matches(cmd, "get")) return get(a);
        return addOrDelete(cmd, a, this::change);
    }

    /** Only the RTCF flags iproute2 names, in its order, above the 16 bits of RTM_F_* flags. */
    private static final int[] CACHE_FLAGS = {0x80000000, 0x40000000, 0x20000000, 0x10000000, 0x08000000, 0x00800000,
            0x00400000, 0x00020000, 0x04000000, 0x00040000, 0x01000000, 0x00200000, 0x00010000, 0x00080000};
    private static final String[] CACHE_NAMES = {"local", "reject", "mc", "brd", "dst-nat", "src-nat", "masq", "dst-direct",
            "src-direct", "redirected", "redirect", "fastroute", "notify", "proxy"};

    /** {@code route get ADDRESS}: the route the kernel would use, printed as ip prints it. */
    private int get(Args a) {
        String to = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("to")) to = a.value("to");
            else if (to == null && !w.startsWith("-") && !Set.of("from", "iif", "oif", "dev", "mark", "vrf", "fibmatch", "connected").contains(w)) to = w;
            else throw new UsageException("nslab route get: \"" + w + "\" is not supported yet (nslab asks for a destination only)");
        }
        if (to == null) throw new UsageException("need at least a destination address");
        InetAddress dst = address(to);
        if (cli.family != null && Cidr.family(dst) != cli.family) throw new UsageException("Error: inet prefix is expected rather than \"" + to + "\".");
        NetHandle h = cli.handle(ns);
        RouteLookup l = h.getRoute(dst);
        Route r = l.route();
        String dev = r.oif() == 0 ? null : h.findLink(r.oif()).map(Link::name).orElse("if" + r.oif());
        boolean cloned = (r.flags() & 0x200) != 0; // RTM_F_CLONED
        List<String> cache = new ArrayList<>();
        for (int i = 0; i < CACHE_FLAGS.length; i++) if ((r.flags() & CACHE_FLAGS[i]) != 0) cache.add(CACHE_NAMES[i]);
        boolean v4 = r.family() == Family.INET;
        // as ip: the source with its length unless it is a single address
        String from = l.from() == null ? null : l.fromLength() == (v4 ? 32 : 128) ? cli.hosts.of(l.from()) : Cidr.format(l.from()) + "/" + l.fromLength();
        if (cli.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (r.type() != 1 || cli.details) m.put("type", typeName(r.type()));
            m.put("dst", r.dst() == null ? "default" : cli.hosts.of(r.dst().address()));
            if (from != null) m.put("from", from);
            if (r.gateway() != null) m.put("gateway", cli.hosts.of(r.gateway()));
            if (dev != null) m.put("dev", dev);
            if (r.table() != 0 && (r.table() != RouteTables.MAIN || cli.details)) m.put("table", RouteTables.name(r.table()));
            if (!cloned && (r.protocol() != 3 || cli.details)) m.put("protocol", protoName(r.protocol()));
            if (!cloned && (r.scope() != 0 || cli.details)) m.put("scope", AddressCmd.scopeName(r.scope()));
            if (r.prefsrc() != null) m.put("prefsrc", Cidr.format(r.prefsrc()));
            if (r.priority() >= 0) m.put("metric", r.priority());
            m.put("flags", List.of());
            if (l.uid() != null) m.put("uid", l.uid());
            if (v4 && cloned) m.put("cache", cache);
            if (r.pref() >= 0) m.put("pref", prefName(r.pref()));
            cli.printJson(List.of(m));
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        if (r.type() != 1 || cli.details) sb.append(typeName(r.type())).append(' ');
        Colour.Attr fam = Colour.of(r.family());
        sb.append(Colour.wrap(cli.colour, r.dst() == null ? null : fam, (r.dst() == null ? "default" : cli.hosts.of(r.dst().address())) + " "));
        if (from != null) sb.append(Colour.wrap(cli.colour, fam, "from " + from + " "));
        if (r.gateway() != null) sb.append("via ").append(Colour.wrap(cli.colour, fam, cli.hosts.of(r.gateway()) + " "));
        if (dev != null) sb.append("dev ").append(Colour.wrap(cli.colour, Colour.Attr.IFNAME, dev + " "));
        if (r.table() != 0 && (r.table() != RouteTables.MAIN || cli.details)) sb.append("table ").append(RouteTables.name(r.table())).append(' ');
        if (!cloned && (r.protocol() != 3 || cli.details)) sb.append("proto ").append(protoName(r.protocol())).append(' ');
        if (!cloned && (r.scope() != 0 || cli.details)) sb.append("scope ").append(AddressCmd.scopeName(r.scope())).append(' ');
        if (r.prefsrc() != null) sb.append("src ").append(Colour.wrap(cli.colour, fam, Cidr.format(r.prefsrc()) + " "));
        if (r.priority() >= 0) sb.append("metric ").append(r.priority()).append(' ');
        if (l.uid() != null) sb.append("uid ").append(l.uid()).append(' ');
        if (v4 && cloned) {
            sb.append("\n    cache ");
            if (!cache.isEmpty()) sb.append('<').append(String.join(",", cache)).append("> ");
        }
        if (r.pref() >= 0) sb.append("pref ").append(prefName(r.pref()));
        cli.out.println(sb);
        return 0;
    }

    private int change(Args a, boolean add) {
        String dst = null, dev = null;
        InetAddress via = null;
        Integer metric = null;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "via" -> via = address(a.value("via"));
                case "dev", "oif" -> dev = a.value(w);
                case "metric", "priority", "preference" -> metric = a.intValue(w);
                case "to" -> dst = a.value("to");
                default -> {
                    if (dst == null) dst = w;
                    else throw new UsageException("Error: either \"to\" is duplicate, or \"" + w + "\" is a garbage.");
                }
            }
        }
        if (dst == null) throw new UsageException("Not enough information: a destination (PREFIX or default) is required.");
        Family fam = cli.family != null ? cli.family : via != null ? Cidr.family(via) : Family.INET;
        RouteSpec spec;
        if (dst.equals("default") || dst.equals("all") || dst.equals("any")) {
            spec = RouteSpec.defaultRoute(fam);
        } else {
            Cidr c;
            try {
                c = Cidr.parse(dst);
            } catch (KernelException e) {
                throw new UsageException("Error: " + e.getMessage() + ".");
            }
            spec = RouteSpec.to(c);
            fam = c.family();
        }
        if (via != null) {
            if (Cidr.family(via) != fam) throw new UsageException("Error: the gateway " + Cidr.format(via) + " is not of the same family as " + dst + ".");
            spec = spec.via(via);
        }
        if (dev != null) spec = spec.dev(dev);
        if (metric != null) spec = spec.metric(metric);
        if (add && via == null && dev == null) throw new UsageException("Not enough information: a route needs \"via GATEWAY\" or \"dev DEV\".");
        NetHandle h = cli.handle(ns);
        if (add) h.addRoute(spec);
        else h.deleteRoute(spec);
        return 0;
    }

    private static InetAddress address(String s) {
        try {
            return Cidr.parseAddress(s);
        } catch (KernelException e) {
            throw new UsageException("Error: " + e.getMessage() + ".");
        }
    }

    @Override
    int show(Args a) {
        String prefix = null, dev = null;
        Integer table = RouteTables.MAIN;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "dev" -> dev = a.value("dev");
                case "table" -> table = RouteTables.parse(a.value("table"), "table id value is invalid");
                default -> {
                    if (Args.matches(w, "help")) { Help.route(cli.out); return 0; }
                    prefix = w;
                }
            }
        }
        NetHandle h = cli.handle(ns);
        // ip shows IPv4 unless told otherwise, except for "table all", which shows both families
        Family fam = cli.family != null ? cli.family : table == null ? null : Family.INET;
        Cidr filter = null;
        if (prefix != null && !prefix.equals("default")) {
            try {
                filter = Cidr.parse(prefix);
            } catch (KernelException e) {
                throw new UsageException("Error: " + e.getMessage() + ".");
            }
            fam = filter.family();
        }
        Map<Integer, String> names = new HashMap<>();
        for (Link l : h.links()) names.put(l.index(), l.name());
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean showTable = table == null; // ip names the table of each route only when it shows them all
        for (Route r : h.routes(fam, table)) {
            if (prefix != null && prefix.equals("default") && !r.isDefault()) continue;
            if (filter != null && (r.isDefault() || !r.dst().network().equals(filter.network()))) continue;
            String devName = r.oif() == 0 ? null : names.getOrDefault(r.oif(), "if" + r.oif());
            if (dev != null && !dev.equals(devName)) continue;
            // the kernel's word (RTNH_F_LINKDOWN in the route's flags), not the device's state: local routes never have it
            boolean linkdown = (r.flags() & 0x10) != 0;
            if (cli.json) json.add(json(r, devName, linkdown, showTable, cli.details, cli.hosts));
            else text(sb, r, devName, linkdown, showTable, cli.details, cli.colour, cli.hosts);
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    static String typeName(int t) {
        return switch (t) {
            case 1 -> "unicast";
            case 2 -> "local";
            case 3 -> "broadcast";
            case 4 -> "anycast";
            case 5 -> "multicast";
            case 6 -> "blackhole";
            case 7 -> "unreachable";
            case 8 -> "prohibit";
            default -> String.valueOf(t);
        };
    }

    static String protoName(int p) {
        return switch (p) {
            case 0 -> "unspec";
            case 1 -> "redirect";
            case 2 -> "kernel";
            case 3 -> "boot";
            case 4 -> "static";
            case 9 -> "ra";
            case 16 -> "dhcp";
            default -> String.valueOf(p);
        };
    }

    private static String prefName(int p) {
        return switch (p) {
            case 0 -> "medium";
            case 1 -> "high";
            case 3 -> "low";
            default -> String.valueOf(p);
        };
    }

    /** A route's destination: a host route's address as -r names it, a prefix as it is (ip resolves hosts only). */
    private static String dst(Route r, HostNames hosts) {
        return r.dst() != null && r.dst().prefixLength() == Cidr.maxPrefix(r.dst().address()) ? hosts.of(r.dst().address()) : r.dstText();
    }

    /** One route as ip route show prints it; {@code details} (ip -d) prints type, table, protocol and scope always. */
    private static void text(StringBuilder sb, Route r, String dev, boolean linkdown, boolean showTable, boolean details,
                             Colour colour, HostNames hosts) {
        // each part ends with its space (inside the colour, as ip prints them); the line ends after the last one's
        Colour.Attr fam = Colour.of(r.family());
        if (r.type() != 1 || details) sb.append(typeName(r.type())).append(' ');
        sb.append(Colour.wrap(colour, r.dst() == null ? null : fam, dst(r, hosts) + " "));
        if (r.gateway() != null) sb.append("via ").append(Colour.wrap(colour, fam, hosts.of(r.gateway()) + " "));
        if (dev != null) sb.append("dev ").append(Colour.wrap(colour, Colour.Attr.IFNAME, dev + " "));
        if (showTable && (r.table() != RouteTables.MAIN || details)) sb.append("table ").append(RouteTables.name(r.table())).append(' ');
        if (r.protocol() != 3 || details) sb.append("proto ").append(protoName(r.protocol())).append(' ');
        if (r.scope() != 0 || details) sb.append("scope ").append(AddressCmd.scopeName(r.scope())).append(' ');
        if (r.prefsrc() != null) sb.append("src ").append(Colour.wrap(colour, fam, Cidr.format(r.prefsrc()) + " "));
        if (r.priority() >= 0) sb.append("metric ").append(r.priority()).append(' ');
        if (linkdown) sb.append("linkdown ");
        // "pref" is the one part without a space after it
        if (r.pref() >= 0) sb.append("pref ").append(prefName(r.pref()));
        sb.append('\n');
    }

    private static Map<String, Object> json(Route r, String dev, boolean linkdown, boolean showTable, boolean details, HostNames hosts) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r.type() != 1 || details) m.put("type", typeName(r.type()));
        m.put("dst", dst(r, hosts));
        if (r.gateway() != null) m.put("gateway", hosts.of(r.gateway()));
        if (dev != null) m.put("dev", dev);
        if (showTable && (r.table() != RouteTables.MAIN || details)) m.put("table", RouteTables.name(r.table()));
        if (r.protocol() != 3 || details) m.put("protocol", protoName(r.protocol()));
        if (r.scope() != 0 || details) m.put("scope", AddressCmd.scopeName(r.scope()));
        if (r.prefsrc() != null) m.put("prefsrc", Cidr.format(r.prefsrc()));
        if (r.priority() >= 0) m.put("metric", r.priority());
        m.put("flags", linkdown ? List.of("linkdown") : List.of());
        if (r.pref() >= 0) m.put("pref", prefName(r.pref()));
        return m;
    }
}
