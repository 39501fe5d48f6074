package dev.nslab.cli;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.net.IfAddress;
import dev.nslab.net.Link;
import dev.nslab.net.Neighbour;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NetMonitor;
import dev.nslab.net.NetMonitor.Kind;
import dev.nslab.net.Netconf;
import dev.nslab.net.Nexthop;
import dev.nslab.net.NsRef;
import dev.nslab.net.Route;
import dev.nslab.net.Rule;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code nslab monitor [all | OBJECT...] [label] [all-nsid] [dev DEV]}: the kernel's announcements of changes in the
 * namespace, printed as ip 6.1 prints them (each in its show form, "Deleted " before a removal, "[LINK]" and the like
 * with {@code label} or {@code all}, the time with -t or -ts) until the command is ended.
 */
final class MonitorCmd extends NsCmd {
    /** The objects' own printers, made once (each reads the machine's name files when it first needs them). */
    private final RouteCmd routes;
    private final NeighCmd neighbours;
    private final RuleCmd rules;
    private final NexthopCmd nexthops;

    MonitorCmd(Cli cli, NsRef ns) {
        super(cli, ns);
        routes = new RouteCmd(cli, ns);
        neighbours = new NeighCmd(cli, ns);
        rules = new RuleCmd(cli, ns);
        nexthops = new NexthopCmd(cli, ns);
    }

    /** ip's words for the objects, in its order (each a prefix it takes), and the kinds they listen to. */
    private static final List<Map.Entry<String, Kind>> OBJECTS = List.of(Map.entry("link", Kind.LINK), Map.entry("address", Kind.ADDRESS),
            Map.entry("route", Kind.ROUTE), Map.entry("neigh", Kind.NEIGHBOUR), Map.entry("netconf", Kind.NETCONF),
            Map.entry("rule", Kind.RULE), Map.entry("nsid", Kind.NSID), Map.entry("nexthop", Kind.NEXTHOP));
    /** The banners of {@code label}, by kind. */
    private static final Map<Kind, String> BANNERS = Map.of(Kind.LINK, "[LINK]", Kind.ADDRESS, "[ADDR]", Kind.ROUTE, "[ROUTE]",
            Kind.NEIGHBOUR, "[NEIGH]", Kind.RULE, "[RULE]", Kind.NETCONF, "[NETCONF]", Kind.NSID, "[NSID]", Kind.NEXTHOP, "[NEXTHOP]");

    @Override
    int run(Args a) {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        boolean banner = false, allNsid = false, named = false;
        Integer only = null; // dev DEV: its index
        while (a.more()) {
            String w = a.next();
            Kind k = null;
            if (Args.matches(w, "file")) {
                a.value(w);
                throw new UsageException("nslab: monitor file (announcements saved by another program) is not supported yet; run it without", 1);
            } else if (Args.matches(w, "label")) {
                banner = true;
            } else if (w.equals("all")) {
                banner = true;
            } else if (Args.matches(w, "all-nsid")) {
                allNsid = true;
            } else if (Args.matches(w, "help")) {
                throw new UsageException(USAGE);
            } else if (w.equals("dev")) {
                String dev = a.value(w);
                only = cli.handle(ns).findLink(dev).map(Link::index)
                        .orElseThrow(() -> new UsageException("Error: argument \"" + dev + "\" is wrong: Device does not exist\n"));
            } else if (Args.matches(w, "maddress") || w.equals("acaddress") || Args.matches(w, "mroute") || Args.matches(w, "prefix")
                    || w.equals("stats")) {
                // announcements nslab does not print yet (multicast routes, IPv6 prefixes, counters): none heard
                named = true;
            } else {
                for (Map.Entry<String, Kind> o : OBJECTS) if (k == null && Args.matches(w, o.getKey())) k = o.getValue();
                if (k == null) throw new UsageException("Argument \"" + w + "\" is unknown, try \"ip monitor help\".");
                kinds.add(k);
                named = true;
            }
        }
        if (!named) kinds = EnumSet.allOf(Kind.class);
        NetHandle h = cli.handle(ns);
        Map<Integer, Link> links = new LinkedHashMap<>();
        try (NetMonitor m = NetMonitor.open(cli.registry, ns, kinds, cli.family, allNsid)) {
            // ip's maps of links and of namespace ids, filled once it listens and kept by what it hears
            for (Link l : h.links()) links.put(l.index(), l);
            nsidNames.putAll(h.nsidNames(cli::refused));
            while (true) {
                List<NetMonitor.Event> events;
                try {
                    events = m.next();
                } catch (KernelException e) {
                    if (e.errno() != Errno.ENOBUFS) throw e;
                    cli.err.println("netlink receive error No buffer space available (105)");
                    cli.err.flush();
                    continue;
                }
                StringBuilder sb = new StringBuilder();
                for (NetMonitor.Event e : events) print(sb, e, links, banner, allNsid, only);
                cli.out.print(sb);
                cli.out.flush();
                // the reader went away (monitor | head): ip ends by SIGPIPE, which the JVM ignores
                if (cli.out.checkError()) return 0;
            }
        }
    }

    /** ip's cache of namespace names by their ids here: read when monitor starts, kept as ip keeps it (see Nsid). */
    private final Map<Integer, String> nsidNames = new HashMap<>();

    private static final String USAGE = """
            Usage: ip monitor [ all | OBJECTS ] [ FILE ] [ label ] [ all-nsid ]
                              [ dev DEVICE ]
            OBJECTS :=  address | link | mroute | neigh | netconf |
                        nexthop | nsid | prefix | route | rule | stats
            FILE := file FILENAME""";

    private void print(StringBuilder sb, NetMonitor.Event e, Map<Integer, Link> links, boolean banner, boolean allNsid, Integer only) {
        Object o = e.object();
        if (o instanceof Link l) {
            // ip's map keeps the name it first learnt for an index (a renamed link, or another namespace's link of the
            // same index, keeps it), and takes the rest (its flags) from each announcement
            Link known = links.get(l.index());
            if (e.deleted()) links.remove(l.index());
            else links.put(l.index(), known == null ? l : l.withName(known.name()));
        }
        if (only != null && !about(o, only)) return;
        // ip's names: its map of links, and the kernel asked for one it lacks (a device announced before its link)
        NetHandle h = cli.handle(ns);
        for (int index : indexes(o)) {
            if (index > 0 && !links.containsKey(index)) h.findLink(index).ifPresent(found -> links.put(index, found));
        }
        Map<Integer, String> names = new HashMap<>();
        links.forEach((i, l) -> names.put(i, l.name()));
        // ip 6.1 prints the headers before it looks further at the announcement
        if (cli.timestamp > 0) sb.append(stamp(cli.timestamp == 2));
        if (allNsid) sb.append(e.nsid() < 0 ? "[nsid current]" : "[nsid " + e.nsid() + "]");
        if (banner) sb.append(BANNERS.get(e.kind()));
        if (e.deleted()) sb.append("Deleted ");
        if (e.miss()) sb.append("Miss ");
        switch (o) {
            case Link l -> {
                List<Link> all = new java.util.ArrayList<>(links.values());
                if (e.deleted()) all.add(l);
                new LinkFormat(all, nsidNames, null, cli.colour, cli.groups).withoutQueueLength().text(sb, l, false);
            }
            case IfAddress x -> {
                sb.append(x.index()).append(": ").append(names.getOrDefault(x.index(), "if" + x.index()));
                AddressCmd.text(sb, x, names.getOrDefault(x.index(), "if" + x.index()), cli.colour, cli.hosts);
            }
            // ip leaves out the device it filters by
            case Route r -> routes.line(sb, r, names, only == null);
            case Neighbour n -> neighbours.line(sb, n, names, only == null ? null : names.get(only));
            case Rule r -> rules.line(r, sb, new LinkedHashMap<>());
            case Netconf c -> sb.append(NetconfCmd.text(c, names)).append('\n');
            case Nexthop n -> sb.append(nexthops.text(n, names)).append('\n');
            case NetMonitor.Nsid n -> {
                sb.append(n.nsid() < 0 ? "nsid unassigned " : "nsid " + n.nsid() + " ");
                // ip's cache: a name it holds is printed and forgotten; one it lacks, of a new id, is looked up and kept
                String name = nsidNames.remove(n.nsid());
                if (name == null && !e.deleted()) {
                    name = h.nsidNames(cli::refused).get(n.nsid());
                    if (name != null) nsidNames.put(n.nsid(), name);
                }
                if (name != null) sb.append("(iproute2 netns name: ").append(name).append(')');
                sb.append('\n');
            }
            default -> { }
        }
    }

    /** The interfaces an announcement names. */
    private static int[] indexes(Object o) {
        return switch (o) {
            case IfAddress x -> new int[] {x.index()};
            case Route r -> new int[] {r.oif()};
            case Neighbour n -> new int[] {n.index()};
            case Netconf c -> new int[] {c.ifindex()};
            case Link l -> new int[] {l.linkIndex(), l.master()};
            case Nexthop n -> new int[] {n.oif()};
            default -> new int[0];
        };
    }

    /** Whether an announcement is about interface {@code index} (monitor dev DEV). */
    private static boolean about(Object o, int index) {
        return switch (o) {
            case Link l -> l.index() == index;
            case IfAddress x -> x.index() == index;
            case Route r -> r.oif() == index;
            case Neighbour n -> n.index() == index;
            case Netconf c -> c.ifindex() == index;
            default -> true;
        };
    }

    /** ip's print_timestamp: "Timestamp: Tue Dec  8 01:20:00 2026 123456 usec" and a line break, or -ts's "[2026-12-08T01:20:00.123456] ". */
    private static String stamp(boolean brief) {
        LocalDateTime now = LocalDateTime.now();
        int usec = now.getNano() / 1000;
        if (brief) return "[" + now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")) + String.format(".%06d] ", usec);
        return "Timestamp: " + now.format(DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)) + " " + usec + " usec\n";
    }
}
