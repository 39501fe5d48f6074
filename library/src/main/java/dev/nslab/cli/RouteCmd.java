package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.Link;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.Route;
import dev.nslab.net.RouteLookup;
import dev.nslab.net.RouteQuery;
import dev.nslab.net.RouteMetrics;
import dev.nslab.net.RouteSpec;
import dev.nslab.net.SaveFile;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;



/** {@code nslab route add | del | show} (alias {@code r}). */
final class RouteCmd extends ObjectCmd {
    RouteCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override String object() { return "route"; }

    @Override void help(java.io.PrintStream out) { Help.route(out); }

    private final RouteWords.Protocols protocols = new RouteWords.Protocols();




    @Override
    Integer verb(String cmd, Args a) {
        // ip's order of prefixes: "a" is add, "c" change, "r" replace, "p" prepend, "d" delete, "g" get, "f" flush
        if (Args.matches(cmd, "add")) return change(a, RouteSpec.Verb.ADD);
        if (Args.matches(cmd, "change") || cmd.equals("chg")) return change(a, RouteSpec.Verb.CHANGE);
        if (Args.matches(cmd, "replace")) return change(a, RouteSpec.Verb.REPLACE);
        if (Args.matches(cmd, "prepend")) return change(a, RouteSpec.Verb.PREPEND);
        if (Args.matches(cmd, "append")) return change(a, RouteSpec.Verb.APPEND);
        if (Args.matches(cmd, "delete") || cmd.equals("del")) return change(a, null);
        if (Args.matches(cmd, "get")) return get(a);
        if (Args.matches(cmd, "flush")) return flush(a);
        // after show in ip's order: "s" and "sh" are show, "sa" save, "showd" showdump; "re" is replace, "res" restore
        if (cmd.length() > 1 && Args.matches(cmd, "save")) return save(a);
        if (cmd.length() > 2 && Args.matches(cmd, "restore")) return restore();
        if (cmd.length() > 4 && Args.matches(cmd, "showdump")) return showdump();
        return null;
    }

    /**
     * {@code route save SELECTORS}: the routes {@code show} would list, in ip's binary save format on standard output
     * ({@link SaveFile}), which refuses a terminal.
     */
    private int save(Args a) {
        Selection sel = select(new Args(a.rest()));
        if (refusesBinaryOut()) return 1;
        NetHandle h = cli.handle(ns);
        Map<Integer, String> names = h.linkNames();
        List<SaveFile.Entry<Route>> kept = sel.cloned() ? List.of() : h.savedRoutes(sel.family()).stream()
                .filter(e -> (sel.table() == null || e.object().table() == sel.table()) && sel.keeps(e.object(), names)).toList();
        SaveFile.write(cli.out, SaveFile.Kind.ROUTES, kept);
        return 0;
    }

    /** {@code route restore}: the routes of a saved file added back, in ip's three rounds; those there already pass. */
    private int restore() {
        SaveFile.Contents c = savedFile(SaveFile.Kind.ROUTES);
        if (c == null) return 1;
        try {
            cli.handle(ns).restoreRoutes(c, e -> cli.err.println(KernelWords.asIp(e)));
        } catch (SaveFile.BadFileException e) {
            cli.err.println(e.getMessage());
            return 2;
        }
        return 0;
    }

    /** No selector: every table's routes, each with its device and table. */
    private static final Selection ALL = new Selection(null, null, null, null, "exact", null, null, null, null, null, null, false);

    private static String dev(Route r, Map<Integer, String> names) { return r.oif() == 0 ? null : names.getOrDefault(r.oif(), "if" + r.oif()); }

    /** A route as a show of every table prints it (showdump, monitor); {@code withDevice} false: filtered by its device. */
    void line(StringBuilder sb, Route r, Map<Integer, String> names, boolean withDevice) {
        text(sb, r, withDevice ? dev(r, names) : null, ALL, true, names);
    }

    /** {@code route showdump}: a saved file's routes, as show prints them with every table. */
    private int showdump() {
        SaveFile.Contents c = savedFile(SaveFile.Kind.ROUTES);
        if (c == null) return 1;
        Map<Integer, String> names = cli.handle(ns).linkNames();
        StringBuilder sb = new StringBuilder();
        List<Object> json = new ArrayList<>();
        for (SaveFile.Entry<Route> e : c.routes()) {
            if (cli.json) json.add(json(e.object(), dev(e.object(), names), ALL, true, names));
            else line(sb, e.object(), names, true);
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        if (c.fault() == null) return 0;
        cli.out.flush();
        cli.err.println(c.fault().getMessage());
        return 2;
    }

    /** Only the RTCF flags iproute2 names, in its order, above the 16 bits of RTM_F_* flags. */
    private static final int[] CACHE_FLAGS = {0x80000000, 0x40000000, 0x20000000, 0x10000000, 0x08000000, 0x00800000,
            0x00400000, 0x00020000, 0x04000000, 0x00040000, 0x01000000, 0x00200000, 0x00010000, 0x00080000};
    private static final String[] CACHE_NAMES = {"local", "reject", "mc", "brd", "dst-nat", "src-nat", "masq", "dst-direct",
            "src-direct", "redirected", "redirect", "fastroute", "notify", "proxy"};

    /** {@code route get ADDRESS}: the route the kernel would use, printed as ip prints it. */
    private int get(Args a) {
        String to = null, fromWord = null, iifName = null, oifName = null;
        Integer mark = null, uid = null, ipproto = null, sport = null, dport = null;
        InetAddress newDst = null;
        int tos = 0;
        boolean fibMatch = false, connected = false;
        while (a.more()) {
            String w = a.next();
            // ip's words in its order, most of them cut short as it allows
            if (w.equals("tos") || Args.matches(w, "dsfield")) {
                tos = cli.dsfields.known(a.value(null), "TOS value is invalid\n");
            } else if (Args.matches(w, "from")) {
                fromWord = a.value(null);
            } else if (Args.matches(w, "iif")) {
                iifName = a.value(null);
            } else if (Args.matches(w, "mark")) {
                String v = a.value(null);
                Long n = Args.unsigned(v, 0xFFFFFFFFL);
                if (n == null) throw new UsageException("Error: argument \"" + v + "\" is wrong: invalid mark value");
                if (n != 0) mark = n.intValue();
            } else if (Args.matches(w, "oif") || w.equals("dev")) {
                oifName = a.value(null);
            } else if (Args.matches(w, "notify")) {
                // asks the kernel to tell listeners too: nothing to print differently
            } else if (Args.matches(w, "connected")) {
                connected = true;
            } else if (Args.matches(w, "vrf")) {
                oifName = a.value(null);
                if (cli.handle(ns).vrfTable(oifName) == 0) throw new UsageException("Error: argument \"" + oifName + "\" is wrong: Invalid VRF\n");
            } else if (Args.matches(w, "uid")) {
                String v = a.value(null);
                uid = (int) (long) Args.known(Args.unsigned(v, 0xFFFFFFFFL), v, "invalid UID");
            } else if (Args.matches(w, "fibmatch")) {
                fibMatch = true;
            } else if (w.equals("as")) {
                String v = a.value(null);
                newDst = address(v.equals("to") ? a.value(null) : v);
            } else if (Args.matches(w, "sport") || Args.matches(w, "dport")) {
                boolean src = Args.matches(w, "sport");
                String v = a.value(null);
                int port = (int) (long) Args.known(Args.unsigned(v, 0xffff), v, src ? "invalid sport" : "invalid dport");
                if (src) sport = port;
                else dport = port;
            } else if (Args.matches(w, "ipproto")) {
                String v = a.value(null);
                int p = IpProtocols.parse(v);
                ipproto = Args.known(p < 0 ? null : p, v, "Invalid \"ipproto\" value");
            } else {
                to = w.equals("to") ? a.value(null) : w;
                if (Args.matches(to, "help")) {
                    help(cli.out);
                    return 255;
                }
                int slash = to.indexOf('/');
                if (slash >= 0) { // ip warns and asks for the address alone
                    int max = to.contains(":") ? 128 : 32;
                    if (!to.substring(slash + 1).equals(Integer.toString(max))) {
                        cli.err.println("Warning: /" + to.substring(slash + 1) + " as prefix is invalid, only /" + max + " (or none) is supported.");
                    }
                    to = to.substring(0, slash);
                }
            }
        }
        if (to == null) throw new UsageException("need at least a destination address");
        InetAddress dst = address(to);
        if (cli.family != null && Cidr.family(dst) != cli.family) throw new UsageException("Error: inet prefix is expected rather than \"" + to + "\".");
        InetAddress source = null;
        if (fromWord != null) {
            try {
                source = Cidr.parseAddress(fromWord);
            } catch (KernelException e) {
                throw new UsageException("Error: inet prefix is expected rather than \"" + fromWord + "\".", 1);
            }
        }
        NetHandle h = cli.handle(ns);
        RouteQuery q = new RouteQuery(dst, source, iifName == null ? 0 : h.index(iifName), oifName == null ? 0 : h.index(oifName), mark, tos, uid,
                ipproto, sport, dport, fibMatch, newDst);
        // "connected" without "from": ip asks twice (its second request is the first one again) and prints both answers
        if (connected && source == null) printLookup(h, h.getRoute(q));
        return printLookup(h, h.getRoute(q));
    }

    private int printLookup(NetHandle h, RouteLookup l) {
        String iif = l.iif() == 0 ? null : h.findLink(l.iif()).map(Link::name).orElse("if" + l.iif());
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
            m.put("dst", r.dst() == null ? "default" : dst(r, cli.hosts));
            if (from != null) m.put("from", from);
            if (r.nhid() != 0) m.put("nhid", Integer.toUnsignedLong(r.nhid()));
            if (r.tos() != 0) m.put("tos", cli.dsfields.name(r.tos()));
            if (r.gateway() != null) m.put("gateway", cli.hosts.of(r.gateway()));
            if (dev != null) m.put("dev", dev);
            if (r.table() != 0 && (r.table() != RouteTables.MAIN || cli.details)) m.put("table", cli.tables.name(r.table()));
            if (!cloned && (r.protocol() != 3 || cli.details)) m.put("protocol", protocols.name(r.protocol()));
            if (!cloned && (r.scope() != 0 || cli.details)) m.put("scope", AddressCmd.scopeName(r.scope()));
            if (r.prefsrc() != null) m.put("prefsrc", Cidr.format(r.prefsrc()));
            if (r.priority() >= 0) m.put("metric", r.priority());
            m.put("flags", List.of());
            if (l.mark() != null && l.mark() != 0) m.put("mark", Integer.toUnsignedLong(l.mark()));
            if (r.realms() >= 0) m.put("flow", RouteMetricWords.realmsJson(r.realms(), cli.realms));
            if (l.uid() != null) m.put("uid", l.uid());
            if (v4 && cloned) m.put("cache", cache);
            if (!r.metrics().isEmpty()) m.put("metrics", List.of(RouteMetricWords.json(r.metrics())));
            if (iif != null) m.put("iif", iif);
            if (r.pref() >= 0) m.put("pref", prefName(r.pref()));
            cli.printJson(List.of(m));
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        if (r.type() != 1 || cli.details) sb.append(typeName(r.type())).append(' ');
        Colour.Attr fam = Colour.of(r.family());
        sb.append(Colour.wrap(cli.colour, r.dst() == null ? null : fam, (r.dst() == null ? "default" : dst(r, cli.hosts)) + " "));
        if (from != null) sb.append(Colour.wrap(cli.colour, fam, "from " + from + " "));
        if (r.nhid() != 0) sb.append("nhid ").append(Integer.toUnsignedLong(r.nhid())).append(' ');
        if (r.tos() != 0) sb.append("tos ").append(cli.dsfields.name(r.tos())).append(' ');
        if (r.gateway() != null) sb.append("via ").append(Colour.wrap(cli.colour, fam, cli.hosts.of(r.gateway()) + " "));
        if (dev != null) sb.append("dev ").append(Colour.wrap(cli.colour, Colour.Attr.IFNAME, dev + " "));
        if (r.table() != 0 && (r.table() != RouteTables.MAIN || cli.details)) sb.append("table ").append(cli.tables.name(r.table())).append(' ');
        if (!cloned && (r.protocol() != 3 || cli.details)) sb.append("proto ").append(protocols.name(r.protocol())).append(' ');
        if (!cloned && (r.scope() != 0 || cli.details)) sb.append("scope ").append(AddressCmd.scopeName(r.scope())).append(' ');
        if (r.prefsrc() != null) sb.append("src ").append(Colour.wrap(cli.colour, fam, Cidr.format(r.prefsrc()) + " "));
        if (r.priority() >= 0) sb.append("metric ").append(r.priority()).append(' ');
        if (l.mark() != null && l.mark() != 0) { // as ip: below 16 in decimal, from 16 in hexadecimal
            sb.append("mark ").append(Integer.compareUnsigned(l.mark(), 16) < 0 ? String.valueOf(l.mark()) : "0x" + Integer.toHexString(l.mark())).append(' ');
        }
        if (r.realms() >= 0) sb.append(RouteMetricWords.realmsText(r.realms(), cli.realms));
        if (l.uid() != null) sb.append("uid ").append(l.uid()).append(' ');
        if (v4 && cloned) {
            sb.append(cli.oneline ? "\\    cache " : "\n    cache "); // ip -o writes its line break as a backslash
            if (!cache.isEmpty()) sb.append('<').append(String.join(",", cache)).append("> ");
        }
        sb.append(RouteMetricWords.text(r.metrics()));
        if (iif != null) sb.append("iif ").append(iif).append(' ');
        if (r.pref() >= 0) sb.append("pref ").append(prefName(r.pref()));
        cli.out.println(sb);
        return 0;
    }

    /** add, change, replace, prepend, append ({@code verb}) and delete ({@code verb} null). */
    private int change(Args a, RouteSpec.Verb verb) {
        boolean add = verb != null;
        String dst = null, dev = null;
        InetAddress via = null, src = null;
        Integer metric = null, table = null, protocol = null, scope = null, type = null, nhid = null, realms = null, tos = null;
        RouteMetrics metrics = RouteMetrics.NONE;
        boolean onlink = false;
        dev.nslab.net.Encap encap = null;
        List<RouteSpec.Hop> hops = new ArrayList<>();
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "nexthop" -> hops.add(hop(a));
                case "encap" -> encap = EncapWords.read(a);
                case "via" -> via = address(a.value("via"));
                case "dev", "oif" -> dev = a.value(w);
                case "metric", "priority", "preference" -> metric = a.intValue(w);
                case "src" -> src = address(a.value("src"));
                case "onlink" -> onlink = true;
                case "nhid" -> {
                    String v = a.value(null);
                    Long n = Args.unsigned(v, 0xffffffffL);
                    if (n == null) throw new UsageException("Error: argument \"" + v + "\" is wrong: \"id\" value is invalid\n");
                    nhid = (int) (long) n;
                }
                case "vrf" -> table = vrfTable(a.value(null));
                case "table" -> {
                    int id = cli.tables.known(a.value("table"), "\"table\" value is invalid\n");
                    table = id == 0 ? null : id; // the kernel puts a route of table 0 in main
                }
                case "protocol", "proto" -> {
                    String v = a.value(w);
                    protocol = Args.known(protocols.parse(v), v, "\"protocol\" value is invalid");
                }
                case "scope" -> {
                    String v = a.value("scope");
                    scope = Args.known(RouteWords.scope(v), v, "invalid \"scope\" value");
                }
                case "to" -> dst = a.value("to");
                case "tos", "dsfield" -> tos = cli.dsfields.known(a.value(null), "\"tos\" value is invalid\n");
                default -> {
                    String mw = RouteMetricWords.word(w);
                    if (mw != null && mw.equals("realms")) {
                        realms = RouteMetricWords.realms(a.value(null), cli.realms);
                        continue;
                    }
                    if (mw != null) {
                        metrics = RouteMetricWords.read(a, mw, metrics);
                        continue;
                    }
                    // a route type comes before the destination, as ip reads it
                    Integer t = dst == null && !w.isEmpty() && !Character.isDigit(w.charAt(0)) ? RouteWords.type(w) : null;
                    if (t != null && a.more()) type = t;
                    else if (dst == null) dst = w;
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
            Cidr c = cli.prefix(dst);
            spec = RouteSpec.to(c);
            fam = c.family();
        }
        if (via != null) {
            if (Cidr.family(via) != fam) throw new UsageException("Error: the gateway " + Cidr.format(via) + " is not of the same family as " + dst + ".");
            spec = spec.via(via);
        }
        if (dev != null) spec = spec.dev(dev);
        if (metric != null) spec = spec.metric(metric);
        if (table != null) spec = spec.table(table);
        if (protocol != null) spec = spec.protocol(protocol);
        if (scope != null) spec = spec.scope(scope);
        if (type != null) spec = spec.type(type);
        if (src != null) spec = spec.src(src);
        if (onlink) spec = spec.withOnlink();
        if (!metrics.isEmpty()) spec = spec.metrics(metrics);
        if (realms != null) spec = spec.realms(realms);
        if (!hops.isEmpty()) spec = spec.nexthops(hops);
        if (nhid != null) spec = spec.nhid(nhid);
        if (encap != null) spec = spec.encap(encap);
        if (tos != null) spec = spec.tos(tos);
        boolean unicast = type == null || type == 1;
        if (add && unicast && via == null && dev == null && hops.isEmpty() && nhid == null) throw new UsageException("Not enough information: a route needs \"via GATEWAY\" or \"dev DEV\".");
        NetHandle h = cli.handle(ns);
        if (add) h.changeRoute(spec, verb);
        else h.deleteRoute(spec);
        return 0;
    }

    /** One {@code nexthop via GW [dev DEV] [weight N]}: its words up to the next "nexthop" or the end. */
    private static RouteSpec.Hop hop(Args a) {
        InetAddress via = null;
        String dev = null;
        int weight = 1;
        while (a.more() && !a.peek().equals("nexthop")) {
            String w = a.next();
            switch (w) {
                case "via" -> via = address(a.value("via"));
                case "dev" -> dev = a.value("dev");
                case "weight" -> {
                    weight = a.intValue("weight");
                    if (weight < 1 || weight > 256) throw new UsageException("Error: argument \"" + weight + "\" is wrong: \"weight\" is invalid\n");
                }
                default -> throw new UsageException("nslab route: \"" + w + "\" in a nexthop is not supported yet (via, dev, weight)");
            }
        }
        return new RouteSpec.Hop(via, dev, weight);
    }

    /**
     * {@code route flush SELECTORS}: removes the routes {@code route show} with the same selectors would list (of the
     * main table and IPv4 unless told otherwise), as ip does; {@code flush cache} is accepted (the kernel keeps no
     * IPv4 route cache any more). -s says how many went, -s -s each one.
     */
    private int flush(Args a) {
        if (!a.more()) throw new UsageException("\"ip route flush\" requires arguments.", 1);
        List<String> words = new ArrayList<>();
        while (a.more()) words.add(a.next());
        if (words.equals(List.of("cache"))) return 0;
        Selection sel = select(new Args(words));
        NetHandle h = cli.handle(ns);
        List<Route> gone = new ArrayList<>();
        Map<Integer, String> names = h.linkNames();
        for (Route r : sel.cloned() ? h.clonedRoutes(sel.family()) : h.routes(sel.family(), sel.table())) {
            if (!sel.keeps(r, names)) continue;
            h.deleteExistingRoute(r);
            gone.add(r);
        }
        if (cli.stats > 1) {
            StringBuilder sb = new StringBuilder();
            for (Route r : gone) text(sb, r, sel.dev() == null ? names.get(r.oif()) : null, sel, sel.table() == null, names);
            cli.out.print(sb);
        }
        if (cli.stats > 0) {
            if (gone.isEmpty()) cli.out.println("Nothing to flush.");
            else cli.out.printf("%n*** Round 1, deleting %d entries ***%n*** Flush is complete after 1 round ***%n", gone.size());
        }
        return 0;
    }

    /**
     * What {@code show} and {@code flush} keep: ip's selectors. {@code filter} is the destination prefix and {@code how}
     * what it asks of a route's: "exact" (the same prefix; a bare prefix), "root" (inside it), "match" (containing it).
     */
    private record Selection(Family family, Integer table, String prefix, Cidr filter, String how, InetAddress via, String dev,
                             Integer protocol, Integer scope, Integer type, Integer tos, boolean cloned) {
        boolean keeps(Route r, Map<Integer, String> names) {
            if (prefix != null && prefix.equals("default") && how.equals("exact") && !r.isDefault()) return false;
            if (filter != null) {
                int len = r.isDefault() ? 0 : r.dst().prefixLength();
                Cidr dst = r.isDefault() ? new Cidr(filter.network().address(), 0) : r.dst();
                boolean keep = switch (how) {
                    case "root" -> len >= filter.prefixLength() && filter.contains(dst.address());
                    case "match" -> len <= filter.prefixLength() && (len == 0 || dst.contains(filter.address()));
                    default -> !r.isDefault() && r.dst().network().equals(filter.network());
                };
                if (!keep) return false;
            }
            if (via != null && !via.equals(r.gateway())) return false;
            if (dev != null && !dev.equals(r.oif() == 0 ? null : names.get(r.oif()))) return false;
            if (protocol != null && r.protocol() != protocol) return false;
            if (scope != null && r.scope() != scope) return false;
            if (tos != null && r.tos() != tos) return false;
            return type == null || r.type() == type;
        }
    }

    /** The table of VRF {@code name} ({@code vrf NAME}), or ip's refusal where it is none. */
    private int vrfTable(String name) {
        int t = cli.handle(ns).vrfTable(name);
        if (t == 0) throw new UsageException("Error: argument \"" + name + "\" is wrong: Invalid VRF\n");
        return t;
    }

    private Selection select(Args a) {
        String prefix = null, dev = null, how = "exact";
        InetAddress via = null;
        Integer table = RouteTables.MAIN, protocol = null, scope = null, type = null, tos = null;
        boolean cloned = false;
        while (a.more()) {
            String w = a.next();
            if (Args.matches(w, "cached") || Args.matches(w, "cloned")) { // "cache" too, as ip takes it
                cloned = true;
                continue;
            }
            switch (w) {
                case "dev", "oif" -> dev = a.value(w);
                case "via" -> via = address(a.value("via"));
                case "table" -> {
                    String t = a.value("table");
                    Integer id = cli.tables.id(t);
                    if (id == null && !t.equals("all")) throw new UsageException("Error: argument \"" + t + "\" is wrong: table id value is invalid\n");
                    table = id == null || id == 0 ? null : id; // all of them
                }
                case "vrf" -> table = vrfTable(a.value(null));
                case "protocol", "proto" -> {
                    String v = a.value(w);
                    protocol = Args.known(protocols.parse(v), v, "invalid \"protocol\"");
                }
                case "scope" -> {
                    String v = a.value("scope");
                    scope = Args.known(RouteWords.scope(v), v, "invalid \"scope\" value");
                }
                case "type" -> {
                    String v = a.value("type");
                    type = Args.known(RouteWords.type(v), v, "node type value is invalid");
                }
                case "tos", "dsfield" -> tos = cli.dsfields.known(a.value(null), "TOS value is invalid\n");
                default -> {
                    // [to] [root|match|exact] PREFIX, as ip reads it
                    String p = w.equals("to") ? a.value("to") : w;
                    if (p.equals("root") || p.equals("match") || p.equals("exact")) {
                        how = p;
                        p = a.value(p);
                    }
                    prefix = p;
                }
            }
        }
        // ip shows IPv4 unless told otherwise, except for "table all", which shows both families
        Family fam = cli.family != null ? cli.family : table == null ? null : Family.INET;
        Cidr filter = null;
        if (prefix != null && !prefix.equals("default")) {
            filter = cli.prefix(prefix);
            fam = filter.family();
        } else if (prefix != null && !how.equals("exact")) {
            filter = new Cidr(fam == Family.INET6 ? Cidr.parseAddress("::") : Cidr.parseAddress("0.0.0.0"), 0); // root/match default: 0/0
        }
        return new Selection(fam, table, prefix, filter, how, via, dev, protocol, scope, type, tos, cloned);
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
        List<String> words = a.rest();
        for (String w : words) {
            if (Args.matches(w, "help")) { Help.route(cli.out); return 0; }
        }
        Selection sel = select(new Args(words));
        NetHandle h = cli.handle(ns);
        Map<Integer, String> names = h.linkNames();
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean showTable = sel.table() == null; // ip names the table of each route only when it shows them all
        for (Route r : sel.cloned() ? h.clonedRoutes(sel.family()) : h.routes(sel.family(), sel.table())) {
            if (!sel.keeps(r, names)) continue;
            // ip leaves out the device it was asked to filter by
            String devName = sel.dev() != null || r.oif() == 0 ? null : names.getOrDefault(r.oif(), "if" + r.oif());
            if (cli.json) json.add(json(r, devName, sel, showTable, names));
            else text(sb, r, devName, sel, showTable, names);
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    static String typeName(int t) { return RouteWords.type(t); }

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

    /** The route's nexthop flags (rtm_flags) as ip names them, in its order: dead, onlink, pervasive, offload, trap, linkdown, unresolved. */
    static List<String> flagWords(int flags) {
        List<String> w = new ArrayList<>();
        int[] bits = {1, 4, 2, 8, 64, 16, 32};
        String[] names = {"dead", "onlink", "pervasive", "offload", "trap", "linkdown", "unresolved"};
        for (int i = 0; i < bits.length; i++) if ((flags & bits[i]) != 0) w.add(names[i]);
        return w;
    }

    /** One route as ip route show prints it; {@code details} (ip -d) prints type, table, protocol and scope always. */
    private void text(StringBuilder sb, Route r, String dev, Selection sel, boolean showTable, Map<Integer, String> names) {
        // each part ends with its space (inside the colour, as ip prints them); the line ends after the last one's
        Colour.Attr fam = Colour.of(r.family());
        // what the selection fixed (a protocol, a scope) is left out, as ip leaves it out (not a type)
        if (r.type() != 1 || cli.details) sb.append(typeName(r.type())).append(' ');
        sb.append(Colour.wrap(cli.colour, r.dst() == null ? null : fam, dst(r, cli.hosts) + " "));
        if (r.encap() != null) sb.append(EncapWords.show(r.encap()));
        if (r.nhid() != 0) sb.append("nhid ").append(Integer.toUnsignedLong(r.nhid())).append(' ');
        if (r.tos() != 0 && sel.tos() == null) sb.append("tos ").append(cli.dsfields.name(r.tos())).append(' ');
        if (r.gateway() != null && sel.via() == null) sb.append("via ").append(Colour.wrap(cli.colour, fam, cli.hosts.of(r.gateway()) + " "));
        if (dev != null) sb.append("dev ").append(Colour.wrap(cli.colour, Colour.Attr.IFNAME, dev + " "));
        if (showTable && (r.table() != RouteTables.MAIN || cli.details)) sb.append("table ").append(cli.tables.name(r.table())).append(' ');
        if ((r.protocol() != 3 || cli.details) && sel.protocol() == null) sb.append("proto ").append(protocols.name(r.protocol())).append(' ');
        if ((r.scope() != 0 || cli.details) && sel.scope() == null) sb.append("scope ").append(AddressCmd.scopeName(r.scope())).append(' ');
        if (r.prefsrc() != null) sb.append("src ").append(Colour.wrap(cli.colour, fam, Cidr.format(r.prefsrc()) + " "));
        if (r.priority() >= 0) sb.append("metric ").append(r.priority()).append(' ');
        for (String f : flagWords(r.flags())) sb.append(f).append(' ');
        if (r.realms() >= 0) sb.append(RouteMetricWords.realmsText(r.realms(), cli.realms));
        sb.append(RouteMetricWords.text(r.metrics()));
        // "pref" is the one part without a space after it
        if (r.pref() >= 0) sb.append("pref ").append(prefName(r.pref()));
        for (Route.Hop h : r.nexthops()) {
            sb.append("\n\tnexthop ");
            if (h.gateway() != null) sb.append("via ").append(Colour.wrap(cli.colour, fam, cli.hosts.of(h.gateway()) + " "));
            if (h.oif() != 0) sb.append("dev ").append(Colour.wrap(cli.colour, Colour.Attr.IFNAME, names.getOrDefault(h.oif(), "if" + h.oif()) + " "));
            sb.append("weight ").append(h.weight()).append(' ');
            for (String f : flagWords(h.flags())) sb.append(f).append(' ');
        }
        sb.append('\n');
    }

    private Map<String, Object> json(Route r, String dev, Selection sel, boolean showTable, Map<Integer, String> names) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r.type() != 1 || cli.details) m.put("type", typeName(r.type()));
        m.put("dst", dst(r, cli.hosts));
        if (r.encap() != null) m.put("encap", EncapWords.json(r.encap()));
        if (r.nhid() != 0) m.put("nhid", Integer.toUnsignedLong(r.nhid()));
        if (r.tos() != 0 && sel.tos() == null) m.put("tos", cli.dsfields.name(r.tos()));
        if (r.gateway() != null && sel.via() == null) m.put("gateway", cli.hosts.of(r.gateway()));
        if (dev != null) m.put("dev", dev);
        if (showTable && (r.table() != RouteTables.MAIN || cli.details)) m.put("table", cli.tables.name(r.table()));
        if ((r.protocol() != 3 || cli.details) && sel.protocol() == null) m.put("protocol", protocols.name(r.protocol()));
        if ((r.scope() != 0 || cli.details) && sel.scope() == null) m.put("scope", AddressCmd.scopeName(r.scope()));
        if (r.prefsrc() != null) m.put("prefsrc", Cidr.format(r.prefsrc()));
        if (r.priority() >= 0) m.put("metric", r.priority());
        m.put("flags", flagWords(r.flags()));
        if (r.realms() >= 0) m.put("flow", RouteMetricWords.realmsJson(r.realms(), cli.realms));
        if (!r.metrics().isEmpty()) m.put("metrics", List.of(RouteMetricWords.json(r.metrics())));
        if (r.pref() >= 0) m.put("pref", prefName(r.pref()));
        if (!r.nexthops().isEmpty()) {
            List<Object> hs = new ArrayList<>();
            for (Route.Hop h : r.nexthops()) {
                Map<String, Object> one = new LinkedHashMap<>();
                if (h.gateway() != null) one.put("gateway", cli.hosts.of(h.gateway()));
                if (h.oif() != 0) one.put("dev", names.getOrDefault(h.oif(), "if" + h.oif()));
                one.put("weight", h.weight());
                one.put("flags", flagWords(h.flags()));
                hs.add(one);
            }
            m.put("nexthops", hs);
        }
        return m;
    }
}
