package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.AddressMessages;
import dev.nslab.net.AddressSpec;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.IfAddress;
import dev.nslab.net.Link;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.SaveFile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab address add | del | show} (aliases {@code addr}, {@code a}). */
final class AddressCmd extends ObjectCmd {
    AddressCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override String object() { return "address"; }

    @Override void help(java.io.PrintStream out) { Help.address(out); }

    @Override
    Integer verb(String cmd, Args a) {
        if (Args.matches(cmd, "flush")) return flush(a);
        // after show in ip's order: "s" and "sh" are show, "sa" save, "showd" showdump; "re" is replace, "res" restore
        if (cmd.length() > 1 && Args.matches(cmd, "save")) return save(a);
        if (cmd.length() > 4 && Args.matches(cmd, "showdump")) return showdump();
        if (cmd.length() > 2 && Args.matches(cmd, "restore")) return restore();
        if (Args.matches(cmd, "replace")) return change(a, AddressSpec.Verb.REPLACE);
        if (Args.matches(cmd, "change")) return change(a, AddressSpec.Verb.CHANGE);
        return addOrDelete(cmd, a, (args, add) -> change(args, add ? AddressSpec.Verb.ADD : null));
    }

    /**
     * {@code address flush SELECTORS} (dev, scope, label, to PREFIX; the family of -4/-6, else both): deletes the
     * addresses {@code show} would list with them, as ip does; -s says how many went.
     */
    private int flush(Args a) {
        if (!a.more()) throw new UsageException("Flush requires arguments.", 1);
        String dev = null, label = null, to = null;
        Integer scope = null;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "dev" -> dev = a.value("dev");
                case "label" -> label = a.value("label");
                case "to" -> to = a.value("to");
                case "scope" -> {
                    String v = a.value("scope");
                    scope = Args.known(RouteWords.scope(v), v, "invalid \"scope\"");
                }
                default -> {
                    if (dev == null) dev = w;
                    else throw new UsageException("Error: either \"dev\" is duplicate, or \"" + w + "\" is a garbage.");
                }
            }
        }
        NetHandle h = cli.handle(ns);
        List<Link> links = h.links();
        Integer index = null;
        if (dev != null) {
            String d = dev;
            index = links.stream().filter(l -> l.name().equals(d)).map(Link::index).findFirst().orElse(null);
            if (index == null) {
                cli.err.println("Device \"" + dev + "\" does not exist.");
                return 1;
            }
        }
        Cidr within = null;
        if (to != null) {
            within = cli.prefix(to);
        }
        int gone = 0;
        for (IfAddress x : h.addresses(within != null ? within.family() : cli.family)) {
            if (index != null && x.index() != index) continue;
            if (scope != null && x.scope() != scope) continue;
            if (label != null && !label.equals(x.label())) continue;
            if (within != null && !within.contains(x.local())) continue;
            h.deleteExistingAddress(x);
            gone++;
        }
        if (cli.stats > 0) {
            if (gone == 0) cli.out.println("Nothing to flush.");
            else cli.out.printf("%n*** Round 1, deleting %d addresses ***%n*** Flush is complete after 1 round ***%n", gone);
        }
        return 0;
    }

    /**
     * {@code address save [dev DEV]}: the addresses (of -4/-6's family, else all), in ip's binary save format on
     * standard output ({@link SaveFile}), which refuses a terminal. ip reads show's selectors but saves by device alone.
     */
    private int save(Args a) {
        List<String> words = new ArrayList<>();
        while (a.more()) {
            String w = a.next();
            // show's selectors with a value, read and set aside as ip does
            if (w.equals("to") || w.equals("scope") || w.equals("label") || w.equals("group") || w.equals("master")
                    || w.equals("vrf") || w.equals("type") || w.equals("proto")) a.value(w);
            else if (!w.equals("up") && !w.equals("down") && !w.equals("permanent") && !w.equals("dynamic") && !w.equals("nomaster")
                    && !w.equals("novf")) words.add(w);
        }
        String dev = showDevice(new Args(words));
        if (dev == HELP) return 255;
        NetHandle h = cli.handle(ns);
        int index = 0;
        if (dev != null) {
            index = h.findLink(dev).map(Link::index).orElse(0);
            if (index == 0) {
                cli.err.println("Device \"" + dev + "\" does not exist.");
                return 1;
            }
        }
        if (refusesBinaryOut()) return 1;
        SaveFile.write(cli.out, SaveFile.Kind.ADDRESSES, h.savedAddresses(cli.family, index));
        return 0;
    }

    /** {@code address restore}: the addresses of a saved file added back in its order; those there already pass. */
    private int restore() {
        SaveFile.Contents c = savedFile(SaveFile.Kind.ADDRESSES);
        if (c == null) return 255;
        try {
            cli.handle(ns).restoreAddresses(c, e -> cli.err.println(KernelWords.asIp(e)));
        } catch (SaveFile.BadFileException e) {
            cli.err.println(e.getMessage());
            return 255;
        } catch (KernelException e) {
            // ip's restore exits with the failed request's -1
            cli.out.flush();
            cli.err.println(KernelWords.asIp(e));
            return 255;
        }
        return 0;
    }

    /** {@code address showdump}: a saved file's addresses, each under its interface's index, as show prints them. */
    private int showdump() {
        SaveFile.Contents c = savedFile(SaveFile.Kind.ADDRESSES);
        if (c == null) return 255;
        Map<Integer, String> names = cli.handle(ns).linkNames();
        StringBuilder sb = new StringBuilder();
        List<Object> json = new ArrayList<>();
        for (SaveFile.Entry<IfAddress> e : c.addresses()) {
            IfAddress x = e.object();
            if (cli.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", x.index());
                m.putAll(json(x, cli.hosts));
                json.add(m);
            } else {
                sb.append("if").append(x.index()).append(":\n");
                text(sb, x, names.getOrDefault(x.index(), "if" + x.index()), cli.colour, cli.hosts);
            }
        }
        if (cli.json) cli.printJson(List.of(Map.of("addr_info", json)));
        else cli.out.print(sb);
        if (c.fault() == null) return 0;
        cli.out.flush();
        cli.err.println(c.fault().getMessage());
        return 255;
    }

    /** {@code address add|change|replace|del}: {@code verb} null deletes. */
    private int change(Args a, AddressSpec.Verb verb) {
        String cidr = null, dev = null, brd = null, label = null, peer = null, anycast = null;
        boolean nodad = false, noPrefixRoute = false;
        int flags = 0;
        Long metric = null;
        Family fam = null; // as ip knows it while it reads: from the address, or -4/-6
        Integer scope = null;
        Long preferred = null, valid = null;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "dev" -> dev = a.value("dev");
                case "local" -> {
                    cidr = a.value("local");
                    fam = cidr.contains(":") ? Family.INET6 : Family.INET;
                }
                case "peer", "remote" -> {
                    String v = a.value(null);
                    if (peer != null) throw new UsageException("Error: duplicate \"peer\": \"" + v + "\" is the second value.");
                    peer = v;
                }
                case "anycast" -> {
                    String v = a.value(null);
                    if (anycast != null) throw new UsageException("Error: duplicate \"anycast\": \"" + v + "\" is the second value.");
                    anycast = v;
                }
                case "label" -> label = a.value("label");
                case "broadcast", "brd" -> brd = a.value(w);
                case "scope" -> {
                    String v = a.value("scope");
                    scope = Args.known(RouteWords.scope(v), v, "invalid scope value.");
                }
                case "valid_lft" -> valid = lifetime(a.value(w), "valid_lft");
                case "preferred_lft", "prefered_lft" -> preferred = lifetime(a.value(w), "preferred_lft");
                case "secondary", "temporary", "dadfailed", "deprecated", "tentative", "permanent", "stable-privacy" ->
                        cli.err.println("Warning: " + w + " option is not mutable from userspace");
                case "nodad", "optimistic", "home", "mngtmpaddr", "noprefixroute", "autojoin" -> {
                    // ip knows the family only once it has read the address (or from -4/-6)
                    Family known = fam != null ? fam : cli.family;
                    boolean v6only = !w.equals("noprefixroute") && !w.equals("autojoin");
                    if (v6only && known != Family.INET6) {
                        cli.err.println("Warning: " + w + " option can be set only for IPv6 addresses");
                        continue;
                    }
                    switch (w) {
                        case "nodad" -> nodad = true;
                        case "noprefixroute" -> noPrefixRoute = true;
                        case "optimistic" -> flags |= AddressMessages.OPTIMISTIC;
                        case "home" -> flags |= AddressMessages.HOME;
                        case "mngtmpaddr" -> flags |= AddressMessages.MANAGE_TEMP_ADDR;
                        default -> flags |= AddressMessages.MC_AUTOJOIN;
                    }
                }
                default -> {
                    if (Args.matches(w, "metric") || Args.matches(w, "priority") || Args.matches(w, "preference")) {
                        String v = a.value(null);
                        metric = Args.known(Args.unsigned(v, 0xFFFFFFFFL), v, "\"metric\" value is invalid");
                        continue;
                    }
                    if (cidr == null) {
                        cidr = w;
                        fam = w.contains(":") ? Family.INET6 : Family.INET;
                    } else {
                        throw new UsageException("Error: either \"local\" is duplicate, or \"" + w + "\" is a garbage.");
                    }
                }
            }
        }
        if (cidr == null) throw new UsageException("Not enough information: an address like 10.0.0.1/24 is required.");
        if (dev == null) throw new UsageException("Not enough information: \"dev\" argument is required.");
        Cidr c = cli.prefix(cidr), remote = peer == null ? null : cli.prefix(peer);
        java.net.InetAddress broadcast = null;
        if (brd != null) {
            if (c.family() != Family.INET) throw new UsageException("Error: broadcast can be set only for IPv4 addresses.");
            try {
                // "+": every host bit set; "-": none (ip's shorthands)
                Cidr of = remote != null ? remote : c; // a peer's prefix, where one is given, as ip takes it
                broadcast = brd.equals("+") ? of.broadcast() : brd.equals("-") ? of.network().address() : Cidr.parseAddress(brd);
            } catch (KernelException e) {
                throw new UsageException("Error: an inet address is expected rather than \"" + brd + "\".");
            }
        }
        if ((flags & AddressMessages.MC_AUTOJOIN) != 0 && !c.address().isMulticastAddress()) {
            cli.err.println("autojoin needs multicast address");
            return 1;
        }
        if (valid != null || preferred != null) {
            long v = valid == null ? AddressMessages.FOREVER : valid, p = preferred == null ? AddressMessages.FOREVER : preferred;
            if (v == 0) throw new UsageException("valid_lft is zero", 1);
            if (v < p) throw new UsageException("preferred_lft is greater than valid_lft", 1);
        }
        NetHandle h = cli.handle(ns);
        if (verb == null) h.deleteAddress(dev, c, remote);
        else {
            java.net.InetAddress any;
            try {
                any = anycast == null ? null : Cidr.parseAddress(anycast);
            } catch (KernelException e) {
                throw new UsageException("Error: " + (c.family() == Family.INET6 ? "inet6" : "inet") + " address is expected rather than \"" + anycast + "\".", 1);
            }
            h.changeAddress(dev, new AddressSpec(c, nodad, broadcast, label, scope, noPrefixRoute, preferred, valid, remote, flags, metric, any), verb);
        }
        return 0;
    }

    /** A lifetime in seconds, or "forever", as ip reads it. */
    private static long lifetime(String v, String what) {
        if (v.equals("forever")) return AddressMessages.FOREVER;
        try {
            long n = Long.parseLong(v);
            if (n >= 0 && n <= AddressMessages.FOREVER) return n;
        } catch (NumberFormatException ignored) {
            // refused below, in ip's words
        }
        throw new UsageException("Error: argument \"" + v + "\" is wrong: " + what + " value");
    }

    @Override
    int show(Args a) {
        // "label PATTERN" (a shell pattern, as ip matches it): only the addresses whose label it matches, without
        // their links' lines, as ip prints them
        List<String> words = new ArrayList<>();
        String label = null;
        Integer scope = null;
        Boolean permanent = null;
        Cidr within = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("label")) label = a.value("label");
            else if (w.equals("to")) within = cli.prefix(a.value("to"));
            else if (w.equals("scope")) {
                String v = a.value("scope");
                scope = Args.known(RouteWords.scope(v), v, "invalid \"scope\"");
            } else if (w.equals("permanent")) permanent = true;
            else if (w.equals("dynamic")) permanent = false;
            else words.add(w);
        }
        ShowFilter filter = showFilter(new Args(words));
        if (filter.help()) return 0;
        NetHandle h = cli.handle(ns);
        List<Link> links = h.links();
        // "to PREFIX" fixes the family, as -4/-6 would (ip then leaves out the link-layer lines too)
        Family family = cli.family != null ? cli.family : within != null ? within.family() : null;
        List<IfAddress> addrs = h.addresses(family);
        // by scope or by permanence: only the addresses that match; an interface whose addresses all fail goes too
        // (one without any address stays), as ip filters them
        java.util.Set<Integer> dropped = new java.util.HashSet<>();
        if (scope != null || permanent != null || within != null) {
            Integer sc = scope;
            Boolean pm = permanent;
            Cidr in = within;
            List<IfAddress> all = addrs;
            addrs = all.stream().filter(x -> (sc == null || x.scope() == sc) && (pm == null || ((x.flags() & 0x80) != 0) == pm)
                    && (in == null || (x.family() == in.family() && in.contains(x.local())))).toList();
            for (IfAddress x : all) dropped.add(x.index());
            for (IfAddress x : addrs) dropped.remove(x.index());
        }
        if (label != null) {
            java.nio.file.PathMatcher m = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + label);
            addrs = addrs.stream().filter(x -> x.label() != null && m.matches(java.nio.file.Path.of(x.label()))).toList();
            if (!cli.json && !cli.brief) {
                List<Link> shown = shown(filter, links);
                if (shown == null) return 1;
                StringBuilder sb = new StringBuilder();
                for (Link l : shown) {
                    for (IfAddress x : addrs) {
                        if (x.index() != l.index()) continue;
                        StringBuilder one = new StringBuilder();
                        text(one, x, l.name(), cli.colour, cli.hosts);
                        sb.append(cli.oneline ? l.index() + ": " + l.name() + LinkFormat.oneLine(one.toString()) : one);
                    }
                }
                cli.out.print(sb);
                return 0;
            }
        }
        List<Link> shown = shown(filter, links);
        if (shown == null) return 1;
        if (!dropped.isEmpty()) shown = shown.stream().filter(l -> !dropped.contains(l.index())).toList();
        LinkFormat f = new LinkFormat(links, cli.nsidNames(h, shown),
                cli.oneline ? null : LinkCmd.details(cli, h, shown), cli.colour, cli.groups);
        Map<Integer, dev.nslab.net.LinkStats> stats = cli.stats > 0 && !cli.brief ? h.linkStats() : null;
        StatsFormat statsFormat = new StatsFormat(cli.stats, cli.human, cli.iec);
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Link l : shown) {
            List<IfAddress> mine = addrs.stream().filter(x -> x.index() == l.index()).toList();
            if (family != null && mine.isEmpty()) continue;
            if (cli.brief) {
                // ip -br address: name, state, then every address with its prefix length
                if (cli.json) {
                    Map<String, Object> m = f.briefJson(l);
                    List<Object> info = new ArrayList<>();
                    for (IfAddress x : mine) {
                        Map<String, Object> one = new LinkedHashMap<>();
                        one.put("local", cli.hosts.of(x.local()));
                        if (x.peer() != null) one.put("address", cli.hosts.of(x.peer()));
                        one.put("prefixlen", x.prefixLength());
                        if (x.metric() != null) one.put("metric", x.metric());
                        info.add(one);
                    }
                    m.put("addr_info", info);
                    json.add(m);
                } else {
                    f.briefColumns(sb, l);
                    for (IfAddress x : mine) {
                        Colour.Attr c = Colour.of(x.family());
                        sb.append(Colour.wrap(cli.colour, c, cli.hosts.of(x.local())));
                        if (x.peer() != null) sb.append(" peer ").append(Colour.wrap(cli.colour, c, cli.hosts.of(x.peer())));
                        sb.append('/').append(x.prefixLength()).append(' ');
                        if (x.metric() != null) sb.append("metric ").append(x.metric()).append(' ');
                    }
                    sb.append('\n');
                }
            } else if (cli.json) {
                Map<String, Object> m = f.json(l, false, family == null || cli.details);
                List<Object> info = new ArrayList<>();
                for (IfAddress x : mine) info.add(json(x, cli.hosts));
                m.put("addr_info", info);
                if (stats != null && stats.containsKey(l.index())) m.put("stats64", statsFormat.json(stats.get(l.index())));
                json.add(m);
            } else if (cli.oneline) {
                // ip -o address: one line per address, led by the interface, its line breaks as backslashes
                for (IfAddress x : mine) {
                    StringBuilder one = new StringBuilder();
                    text(one, x, l.name(), cli.colour, cli.hosts);
                    sb.append(l.index()).append(": ").append(l.name()).append(LinkFormat.oneLine(one.toString()));
                }
            } else {
                f.text(sb, l, false, family == null || cli.details); // with -d, ip prints the link line for -4/-6 too
                if (family == null || cli.details) f.altNames(sb, l);
                for (IfAddress x : mine) text(sb, x, l.name(), cli.colour, cli.hosts);
                if (stats != null && stats.containsKey(l.index())) sb.append(statsFormat.text(stats.get(l.index()), "\n")).append('\n');
            }
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    static String scopeName(int scope) {
        return switch (scope) {
            case 0 -> "global";
            case 200 -> "site";
            case 253 -> "link";
            case 254 -> "host";
            case 255 -> "nowhere";
            default -> String.valueOf(scope);
        };
    }

    /** ip's address flags in its order (ifa_flag_data); "dynamic" where PERMANENT is not set; others as "flags NN". */
    private static final String[] FLAG_NAMES = {"secondary", "nodad", "optimistic", "dadfailed", "home", "deprecated", "tentative",
            "permanent", "mngtmpaddr", "noprefixroute", "autojoin", "stable-privacy"};
    private static final int[] FLAG_BITS = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800};

    private static List<String> flagWords(IfAddress x) {
        List<String> w = new ArrayList<>();
        int f = x.flags();
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if (FLAG_BITS[i] == 0x80) {
                if ((f & 0x80) == 0) w.add("dynamic");
            } else if ((f & FLAG_BITS[i]) != 0) {
                w.add(FLAG_BITS[i] == 0x01 && x.family() == Family.INET6 ? "temporary" : FLAG_NAMES[i]);
            }
            f &= ~FLAG_BITS[i];
        }
        return w;
    }

    /** The flags ip has no name for, as "%02x" (none: null). */
    private static String otherFlags(IfAddress x) {
        int f = x.flags();
        for (int b : FLAG_BITS) f &= ~b;
        return f == 0 ? null : String.format("%02x", f);
    }

    static void text(StringBuilder sb, IfAddress x, String ifname, Colour colour, HostNames hosts) {
        Colour.Attr c = Colour.of(x.family());
        sb.append("    ").append(x.familyName()).append(' ').append(Colour.wrap(colour, c, hosts.of(x.local())));
        if (x.peer() != null) sb.append(" peer ").append(Colour.wrap(colour, c, hosts.of(x.peer())));
        sb.append('/').append(x.prefixLength()).append(' ');
        if (x.metric() != null) sb.append("metric ").append(x.metric()).append(' ');
        // ip colours the broadcast address with the space after it
        if (x.broadcast() != null) sb.append("brd ").append(Colour.wrap(colour, c, hosts.of(x.broadcast()) + " "));
        if (x.anycast() != null) sb.append("any ").append(Colour.wrap(colour, c, hosts.of(x.anycast()) + " "));
        sb.append("scope ").append(scopeName(x.scope()));
        for (String w : flagWords(x)) sb.append(' ').append(w);
        if (otherFlags(x) != null) sb.append(" flags ").append(otherFlags(x));
        if (x.family() == Family.INET) sb.append(' ').append(x.label() != null ? x.label() : ifname);
        else sb.append(' '); // iproute2 ends inet6 lines with a space; kept so diffs against ip stay clean
        sb.append("\n       valid_lft ").append(lifetime(x.validLifetime()))
                .append(" preferred_lft ").append(lifetime(x.preferredLifetime())).append('\n');
    }

    private static String lifetime(long v) { return v == IfAddress.FOREVER ? "forever" : v + "sec"; }

    private static Map<String, Object> json(IfAddress x, HostNames hosts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("family", x.familyName());
        m.put("local", hosts.of(x.local()));
        if (x.peer() != null) m.put("address", hosts.of(x.peer()));
        m.put("prefixlen", x.prefixLength());
        if (x.metric() != null) m.put("metric", x.metric());
        if (x.broadcast() != null) m.put("broadcast", hosts.of(x.broadcast()));
        if (x.anycast() != null) m.put("anycast", hosts.of(x.anycast()));
        m.put("scope", scopeName(x.scope()));
        for (String w : flagWords(x)) m.put(w, true);
        if (otherFlags(x) != null) m.put("ifa_flags", otherFlags(x));
        if (x.label() != null) m.put("label", x.label());
        m.put("valid_life_time", x.validLifetime());
        m.put("preferred_life_time", x.preferredLifetime());
        return m;
    }
}
