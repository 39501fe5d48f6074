package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Link;
import dev.nslab.net.Neighbour;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab neighbour add | del | change | replace | flush | show} (aliases {@code neigh}, {@code n}), as ip neigh. */
final class NeighCmd extends ObjectCmd {
    private static final int NUD_NOARP = Neighbour.NUD_NOARP, NUD_PERMANENT = Neighbour.NUD_PERMANENT;

    NeighCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override String object() { return "neighbour"; }

    @Override void help(PrintStream out) { Help.neigh(out); }

    @Override
    Integer verb(String cmd, Args a) {
        if (Args.matches(cmd, "add")) return change(a, false, false);
        if (Args.matches(cmd, "change") || cmd.equals("chg")) return change(a, true, false);
        if (Args.matches(cmd, "replace")) return change(a, true, false);
        if (Args.matches(cmd, "delete")) return change(a, false, true);
        if (Args.matches(cmd, "flush")) return flush(a);
        return null;
    }

    private int change(Args a, boolean replace, boolean delete) {
        String dst = null, dev = null, lladdr = null;
        int state = NUD_PERMANENT;
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
                default -> {
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
        h.setNeighbour(dev, to, mac, state, replace);
        return 0;
    }

    private static int nud(String word) {
        int s = Neighbour.stateOf(word);
        if (s < 0) throw new UsageException("Error: argument \"" + word + "\" is wrong: nud state is bad");
        return s;
    }

    /** Which entries show and flush take: those of {@code dev} (if given) in one of the {@code states}. */
    /** A destination that is no prefix: ip says so and exits 1 (not 255: its get_prefix exits itself). */
    private static final class BadPrefix extends RuntimeException {
        BadPrefix(String message) { super(message, null, false, false); }
    }

    private record Filter(String dev, int states, Cidr prefix, boolean anyArgument, boolean proxy) { }

    private Filter filter(Args a, int defaultStates) {
        String dev = null;
        int states = -1;
        Cidr prefix = null;
        boolean any = a.more(), proxy = false;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "dev" -> dev = a.value("dev");
                case "proxy" -> proxy = true;
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
                        // ip's get_prefix words it so, and exits 1
                        String fam = cli.family == null ? "any valid" : cli.family.word();
                        throw new BadPrefix("Error: " + fam + " prefix is expected rather than \"" + to + "\".");
                    }
                }
            }
        }
        // proxy entries have no state: ip shows them all
        return new Filter(dev, proxy ? 0xff | 0x100 : states < 0 ? defaultStates : states, prefix, any, proxy);
    }

    /** Entries matching the filter; state NONE (0) is the bit 0x100 of the filter. */
    private List<Neighbour> select(NetHandle h, Filter f) {
        Integer index = null;
        if (f.dev() != null) index = h.link(f.dev()).index();
        List<Neighbour> out = new ArrayList<>();
        for (Neighbour n : h.neighbours(cli.family, f.proxy())) {
            if (index != null && n.index() != index) continue;
            int bit = n.state() == 0 ? 0x100 : n.state();
            if ((bit & f.states()) == 0) continue;
            if (f.prefix() != null && (n.dst() == null || !f.prefix().contains(n.dst()))) continue;
            out.add(n);
        }
        return out;
    }

    @Override
    int show(Args a) {
        // ip shows everything but NOARP entries and entries in no state, unless "nud" says otherwise
        Filter f;
        try {
            f = filter(a, 0xff & ~NUD_NOARP);
        } catch (BadPrefix e) {
            cli.err.println(e.getMessage());
            return 1;
        }
        if (f == null) return 0;
        NetHandle h = cli.handle(ns);
        Map<Integer, String> names = new HashMap<>();
        for (Link l : h.links()) names.put(l.index(), l.name());
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Neighbour n : select(h, f)) {
            if (cli.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("dst", cli.hosts.of(n.dst()));
                if (f.dev() == null) m.put("dev", names.getOrDefault(n.index(), "if" + n.index()));
                if (n.lladdr() != null) m.put("lladdr", Link.mac(n.lladdr()));
                if (n.router()) m.put("router", null);
                if (n.proxy()) m.put("proxy", null);
                if (!n.proxy()) m.put("state", n.stateNames()); // a proxy entry has no state, and ip prints none
                json.add(m);
                continue;
            }
            sb.append(Colour.wrap(cli.colour, Colour.of(n.family()), cli.hosts.of(n.dst()) + " "));
            if (f.dev() == null) sb.append("dev ").append(Colour.wrap(cli.colour, Colour.Attr.IFNAME, names.getOrDefault(n.index(), "if" + n.index()) + " "));
            if (n.lladdr() != null) sb.append("lladdr ").append(Colour.wrap(cli.colour, Colour.Attr.MAC, Link.mac(n.lladdr()) + " "));
            if (n.router()) sb.append("router ");
            if (n.proxy()) sb.append("proxy ");
            for (String s : n.stateNames()) sb.append(s).append(' ');
            sb.append('\n');
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    private int flush(Args a) {
        // ip flushes what the kernel learnt, not what was set by hand (PERMANENT) or needs no resolution (NOARP)
        Filter f;
        try {
            f = filter(a, 0xff & ~(NUD_NOARP | NUD_PERMANENT));
        } catch (BadPrefix e) {
            cli.err.println(e.getMessage());
            return 1;
        }
        if (f == null) return 0;
        if (!f.anyArgument() && !cli.all) {
            cli.err.println("Flush requires arguments."); // and exit 1, as ip
            return 1;
        }
        NetHandle h = cli.handle(ns);
        Map<Integer, String> names = new HashMap<>();
        for (Link l : h.links()) names.put(l.index(), l.name());
        for (Neighbour n : select(h, f)) {
            try {
                h.deleteNeighbour(names.get(n.index()), n.dst());
            } catch (KernelException e) {
                // gone meanwhile: the goal is reached
            }
        }
        return 0;
    }
}
