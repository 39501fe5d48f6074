package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Link;
import dev.nslab.net.Neighbour;
import dev.nslab.net.NeighbourMessages;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab neighbour add | del | change | replace | flush | show} (aliases {@code neigh}, {@code n}), as ip neigh. */
final class NeighCmd extends ObjectCmd {
    private static final int NUD_FAILED = Neighbour.NUD_FAILED, NUD_NOARP = Neighbour.NUD_NOARP, NUD_PERMANENT = Neighbour.NUD_PERMANENT;

    /** Protocol names, read once a command (rt_protos where a number is not iproute2's own). */
    private final RouteWords.Protocols protocols = new RouteWords.Protocols();

    NeighCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override String object() { return "neighbour"; }

    @Override void help(PrintStream out) { Help.neigh(out); }

    @Override
    Integer verb(String cmd, Args a) {
        if (Args.matches(cmd, "add")) return change(a, Neighbour.Verb.ADD, false);
        if (Args.matches(cmd, "change") || cmd.equals("chg")) return change(a, Neighbour.Verb.CHANGE, false);
        if (Args.matches(cmd, "replace")) return change(a, Neighbour.Verb.REPLACE, false);
        if (Args.matches(cmd, "delete")) return change(a, null, true);
        if (Args.matches(cmd, "get")) return get(a);
        if (Args.matches(cmd, "flush")) return flush(a);
        return null;
    }

    private int change(Args a, Neighbour.Verb verb, boolean delete) {
        String dst = null, dev = null, lladdr = null;
        int state = NUD_PERMANENT, ntf = 0;
        Integer protocol = null;
        boolean proxy = false;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "dev" -> dev = a.value("dev");
                case "proxy" -> {
                    proxy = true;
                    dst = a.value("proxy");
                }
                case "lladdr" -> lladdr = a.value("lladdr");
                case "nud" -> state = nud(a.value("nud"));
                case "to" -> dst = a.value("to");
                case "router" -> ntf |= NeighbourMessages.NTF_ROUTER;
                case "use" -> ntf |= NeighbourMessages.NTF_USE;
                default -> {
                    if (Args.matches(w, "extern_learn")) {
                        ntf |= NeighbourMessages.NTF_EXT_LEARNED;
                        continue;
                    }
                    if (Args.matches(w, "protocol")) {
                        String v = a.value(null);
                        protocol = Args.known(protocols.parse(v), v, "\"protocol\" value is invalid");
                        continue;
                    }
                    if (dst != null) throw new UsageException("Error: either \"to\" is duplicate, or \"" + w + "\" is a garbage.");
                    dst = w;
                }
            }
        }
        if (dst == null || dev == null) throw new UsageException("Device and destination are required arguments.");
        InetAddress to;
        try {
            to = Cidr.parseAddress(dst);
        } catch (KernelException e) {
            throw new UsageException("Error: any valid address is expected rather than \"" + dst + "\".");
        }
        NetHandle h = cli.handle(ns);
        if (delete) {
            h.deleteNeighbour(dev, to, proxy);
            return 0;
        }
        if (proxy) {
            h.addProxyNeighbour(dev, to);
            return 0;
        }
        byte[] mac = null;
        if (lladdr != null) {
            mac = Link.parseMac(lladdr);
            if (mac == null) throw new UsageException("\"" + lladdr + "\" is invalid lladdr.", 1);
        }
        h.setNeighbour(dev, to, mac, state, verb, ntf, protocol);
        return 0;
    }

    /** {@code get ADDR dev DEV} (or {@code proxy ADDR dev DEV}): the one entry, as show prints it. */
    private int get(Args a) {
        String dst = null, dev = null;
        boolean proxy = false;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) dev = a.value("dev");
            else if (Args.matches(w, "proxy")) {
                String v = a.value(null);
                if (dst != null) throw new UsageException("Error: duplicate \"address\": \"" + v + "\" is the second value.");
                dst = v;
                proxy = true;
            } else {
                String v = w.equals("to") ? a.value(null) : w;
                if (dst != null) throw new UsageException("Error: either \"to\" is duplicate, or \"" + v + "\" is a garbage.");
                dst = v;
            }
        }
        InetAddress to;
        try {
            to = dst == null ? null : Cidr.parseAddress(dst);
        } catch (KernelException e) {
            throw new UsageException("Error: any valid address is expected rather than \"" + dst + "\".", 1);
        }
        if (to == null || dev == null && !proxy) {
            cli.err.println("Device and address are required arguments.");
            return 1;
        }
        NetHandle h = cli.handle(ns);
        if (dev != null && !h.hasLink(dev)) {
            cli.err.println("Cannot find device \"" + dev + "\"");
            return 1;
        }
        Neighbour n = h.neighbour(dev, to, proxy);
        // ip prints the entry in text, -j or not
        StringBuilder sb = new StringBuilder();
        line(sb, n, new Filter(null, 0xff | 0x100, null, true, proxy, false), h.linkNames());
        cli.out.print(sb);
        return 0;
    }

    private static int nud(String word) {
        int s = Neighbour.stateOf(word);
        if (s < 0) throw new UsageException("Error: argument \"" + word + "\" is wrong: nud state is bad");
        return s;
    }

    /** Which entries show and flush take: those of {@code dev} (if given) in one of the {@code states}. */
    private record Filter(String dev, int states, Cidr prefix, boolean anyArgument, boolean proxy, boolean unused) { }

    private Filter filter(Args a, int defaultStates) {
        String dev = null;
        int states = -1;
        Cidr prefix = null;
        boolean any = a.more(), proxy = false, unused = false;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "dev" -> dev = a.value("dev");
                case "proxy" -> proxy = true;
                case "unused" -> unused = true; // entries no one refers to
                case "vrf" -> {
                    String v = a.value(null);
                    if (cli.handle(ns).vrfTable(v) == 0) throw new UsageException("Error: argument \"" + v + "\" is wrong: Not a valid VRF name\n");
                    throw new UsageException("nslab: the neighbours of a VRF's ports (neighbour show vrf NAME) are not listed yet");
                }
                case "nud" -> {
                    String v = a.value("nud");
                    int s = v.equals("all") ? 0xff | 0x100 : nud(v);
                    states = (states < 0 ? 0 : states) | (s == 0 ? 0x100 : s);
                }
                default -> {
                    // as ip: any other word is the destination prefix ("to" optional); all, any and default take every one
                    String to = w.equals("to") ? a.value("to") : w;
                    if (Args.matches(to, "help")) {
                        help(cli.out);
                        return null;
                    }
                    if (to.equals("all") || to.equals("any") || to.equals("default")) continue;
                    try {
                        prefix = to.contains("/") ? Cidr.parse(to).network()
                                : new Cidr(Cidr.parseAddress(to), to.contains(":") ? 128 : 32);
                    } catch (RuntimeException e) {
                        throw cli.prefixExpected(to); // ip's get_prefix words it so, and exits 1
                    }
                }
            }
        }
        // proxy entries have no state: ip shows them all
        return new Filter(dev, proxy ? 0xff | 0x100 : states < 0 ? defaultStates : states, prefix, any, proxy, unused);
    }

    /** Entries matching the filter; state NONE (0) is the bit 0x100 of the filter. */
    private List<Neighbour> select(NetHandle h, Filter f) {
        Integer index = null;
        if (f.dev() != null) index = h.index(f.dev());
        List<Neighbour> out = new ArrayList<>();
        for (Neighbour n : h.neighbours(cli.family, f.proxy())) {
            if (index != null && n.index() != index) continue;
            int bit = n.state() == 0 ? 0x100 : n.state();
            if ((bit & f.states()) == 0) continue;
            if (f.prefix() != null && (n.dst() == null || !f.prefix().contains(n.dst()))) continue;
            if (f.unused() && n.cache() != null && n.cache().refcnt() != 0) continue;
            out.add(n);
        }
        return out;
    }

    @Override
    int show(Args a) {
        // ip shows everything but NOARP entries and entries in no state, unless "nud" says otherwise
        Filter f = filter(a, 0xff & ~NUD_NOARP);
        if (f == null) return 0;
        NetHandle h = cli.handle(ns);
        Map<Integer, String> names = h.linkNames();
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Neighbour n : select(h, f)) {
            if (cli.json) json.add(json(n, f, names));
            else line(sb, n, f, names);
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }


    /** One entry as ip's monitor prints it: with its device, unless {@code byDevice} (what it is filtered by). */
    void line(StringBuilder sb, Neighbour n, Map<Integer, String> names, String byDevice) {
        line(sb, n, new Filter(byDevice, -1, null, false, false, false), names);
    }

    /** One entry as ip prints it: with -s, the kernel's use of it in seconds (ip 6.1 words it "used U/C/Uprobes P"). */
    private void line(StringBuilder sb, Neighbour n, Filter f, Map<Integer, String> names) {
        sb.append(Colour.wrap(cli.colour, Colour.of(n.family()), cli.hosts.of(n.dst()) + " "));
        if (f.dev() == null) sb.append("dev ").append(Colour.wrap(cli.colour, Colour.Attr.IFNAME, names.getOrDefault(n.index(), "if" + n.index()) + " "));
        if (n.lladdr() != null) sb.append("lladdr ").append(Colour.wrap(cli.colour, Colour.Attr.MAC, Link.mac(n.lladdr()) + " "));
        if (n.router()) sb.append("router ");
        if (n.proxy()) sb.append("proxy ");
        if (n.externLearned()) sb.append("extern_learn ");
        if (cli.stats > 0) {
            Neighbour.Cache c = n.cache();
            if (c != null) {
                int hz = Neighbour.Cache.TICKS_PER_SECOND;
                if (c.refcnt() != 0) sb.append(" ref ").append(c.refcnt());
                sb.append(" used ").append(c.used() / hz).append('/').append(c.confirmed() / hz).append('/').append(c.updated() / hz);
            }
            if (n.probes() != null) sb.append("probes ").append(n.probes()).append(' ');
        }
        for (String s : n.stateNames()) sb.append(s).append(' ');
        if (n.protocol() != 0) sb.append("proto ").append(protocols.name(n.protocol())).append(' ');
        sb.append('\n');
    }

    private Map<String, Object> json(Neighbour n, Filter f, Map<Integer, String> names) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dst", cli.hosts.of(n.dst()));
        if (f.dev() == null) m.put("dev", names.getOrDefault(n.index(), "if" + n.index()));
        if (n.lladdr() != null) m.put("lladdr", Link.mac(n.lladdr()));
        if (n.router()) m.put("router", null);
        if (n.proxy()) m.put("proxy", null);
        if (n.externLearned()) m.put("extern_learn", null);
        if (cli.stats > 0) {
            Neighbour.Cache c = n.cache();
            if (c != null) {
                int hz = Neighbour.Cache.TICKS_PER_SECOND;
                if (c.refcnt() != 0) m.put("refcnt", c.refcnt());
                m.put("used", c.used() / hz);
                m.put("confirmed", c.confirmed() / hz);
                m.put("updated", c.updated() / hz);
            }
            if (n.probes() != null) m.put("probes", n.probes());
        }
        if (!n.proxy()) m.put("state", n.stateNames()); // a proxy entry has no state, and ip prints none
        if (n.protocol() != 0) m.put("protocol", protocols.name(n.protocol()));
        return m;
    }

    private int flush(Args a) {
        // ip flushes what the kernel learnt, not what was set by hand (PERMANENT) or needs no resolution (NOARP)
        Filter f = filter(a, 0xff & ~(NUD_NOARP | NUD_PERMANENT));
        if (f == null) return 0;
        if (!f.anyArgument() && !cli.all) {
            cli.err.println("Flush requires arguments."); // and exit 1, as ip
            return 1;
        }
        NetHandle h = cli.handle(ns);
        Map<Integer, String> names = h.linkNames();
        // as ip: rounds of list-and-delete until a list finds nothing (the kernel may learn entries meanwhile), said
        // with -s, each entry shown with -s -s; a FAILED entry is not taken again after the first round
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Neighbour> found = select(h, f);
            if (found.isEmpty()) {
                if (cli.stats > 0) {
                    cli.out.println(round == 0 ? "Nothing to flush." : "*** Flush is complete after " + round + " round" + (round > 1 ? "s" : "") + " ***");
                }
                return 0;
            }
            StringBuilder sb = new StringBuilder();
            for (Neighbour n : found) {
                if (cli.stats > 1) line(sb, n, f, names);
                try {
                    h.deleteNeighbour(names.get(n.index()), n.dst());
                } catch (KernelException e) {
                    // gone meanwhile: the goal is reached
                }
            }
            if (cli.stats > 0) sb.append("\n*** Round ").append(round + 1).append(", deleting ").append(found.size()).append(" entries ***\n");
            cli.out.print(sb);
            f = new Filter(f.dev(), f.states() & ~NUD_FAILED, f.prefix(), f.anyArgument(), f.proxy(), f.unused());
        }
        cli.out.println("*** Flush not complete bailing out after " + MAX_ROUNDS + " rounds");
        return 1;
    }

    /** ip's MAX_ROUNDS: a flush that finds entries this many times over gives up. */
    private static final int MAX_ROUNDS = 10;
}
