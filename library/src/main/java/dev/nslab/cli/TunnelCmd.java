package dev.nslab.cli;

import dev.nslab.net.Cidr;
import dev.nslab.net.IpTunnel;
import dev.nslab.net.Link;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.nslab.net.IpTunnel.*;

/**
 * {@code nslab tunnel add | change | del | show} (aliases {@code tunl}, {@code t}): IPv4 tunnels (gre, ipip, sit,
 * isatap, vti) made through the tunnel ioctls of their kind's base device, as ip tunnel makes them, with ip's words
 * for every refusal — where the kernel lacks a tunnel driver, that is ip's {@code add tunnel "gre0" failed: No such
 * device}. IPv6 tunnels (ip -6 tunnel, mode ip6ip6, ip6gre...) are {@link Tunnel6Cmd}'s.
 */
final class TunnelCmd extends NsCmd {
    TunnelCmd(Cli cli, NsRef ns) {
        super(cli, ns);
        tunnels = new Tunnels(cli);
    }

    private final Tunnels tunnels;

    private static final String USAGE = """
            Usage: ip tunnel { add | change | del | show | prl | 6rd } [ NAME ]
                    [ mode { gre | ipip | isatap | sit | vti } ]
                    [ remote ADDR ] [ local ADDR ]
                    [ [i|o]seq ] [ [i|o]key KEY ] [ [i|o]csum ]
                    [ prl-default ADDR ] [ prl-nodefault ADDR ] [ prl-delete ADDR ]
                    [ 6rd-prefix ADDR ] [ 6rd-relay_prefix ADDR ] [ 6rd-reset ]
                    [ ttl TTL ] [ tos TOS ] [ [no]pmtudisc ] [ dev PHYS_DEV ]

            Where: NAME := STRING
                   ADDR := { IP_ADDRESS | any }
                   TOS  := { STRING | 00..ff | inherit | inherit/STRING | inherit/00..ff }
                   TTL  := { 1..255 | inherit }
                   KEY  := { DOTTED_QUAD | NUMBER }""";

    private static final Set<String> IPV6_MODES = Set.of("ipv6/ipv6", "ip6ip6", "vti6", "ip/ipv6", "ipv4/ipv6", "ipip6", "ip4ip6",
            "ip6gre", "gre/ipv6", "any/ipv6", "any");
    private static final int ARPHRD_TUNNEL = 768, ARPHRD_SIT = 776, ARPHRD_IPGRE = 778;
    private static final long SIOCCHGTUNNEL = 0x89F3;

    /** What a command line asks for: the parameters, and the name of the device that leaves packets ({@code dev}). */
    private record Request(IpTunnel p, boolean isatap) { }

    @Override
    int run(Args a) {
        List<String> rest = a.ahead();
        for (int i = 0; i + 1 < rest.size(); i++) {
            if (rest.get(i).equals("mode")) {
                if (IPV6_MODES.contains(rest.get(i + 1))) return new Tunnel6Cmd(cli, ns).run(a);
                break;
            }
        }
        if (cli.family == dev.nslab.net.Family.INET6) return new Tunnel6Cmd(cli, ns).run(a);
        if (!a.more()) return show(a);
        String verb = a.next();
        if (Args.matches(verb, "add")) return add(a, false);
        if (Args.matches(verb, "change")) return add(a, true);
        if (Args.matches(verb, "delete")) return delete(a);
        if (Args.matches(verb, "show") || Args.matches(verb, "lst") || Args.matches(verb, "list")) return show(a);
        if (Args.matches(verb, "prl") || Args.matches(verb, "6rd")) {
            throw new UsageException("nslab: ip tunnel " + verb + " (the potential router list and 6rd of sit tunnels) is not supported yet");
        }
        if (Args.matches(verb, "help")) throw new UsageException(USAGE);
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip tunnel help\"");
    }

    private int add(Args a, boolean change) {
        Request r = parse(a, change);
        if (r == null) return 1;
        IpTunnel p = r.p();
        if (p.ttl() != 0 && !p.dontFragment()) return fail("ttl != 0 and nopmtudisc are incompatible");
        String base = p.baseDevice();
        if (base == null) return fail("cannot determine tunnel mode (ipip, gre, vti or sit)");
        String device = change && !p.name().isEmpty() ? p.name() : base;
        NetHandle h = cli.handle(ns);
        return tunnels.change("add", device, () -> {
            if (change) h.changeTunnel(device, p);
            else h.addTunnel(device, p);
        });
    }

    private int delete(Args a) {
        Request r = parse(a, false);
        if (r == null) return 1;
        IpTunnel p = r.p();
        String device = !p.name().isEmpty() || p.baseDevice() == null ? p.name() : p.baseDevice();
        return tunnels.change("delete", device, () -> cli.handle(ns).deleteTunnel(device, p));
    }

    private int show(Args a) {
        Request r = parse(a, false);
        if (r == null) return 1;
        IpTunnel filter = r.p();
        NetHandle h = cli.handle(ns);
        String base = filter.baseDevice();
        List<Link> links = h.links();
        Map<Integer, String> names = Link.namesByIndex(links);
        if (base != null) {
            // one tunnel, asked by name (or its kind's base device), as ip asks
            String device = filter.name().isEmpty() ? base : filter.name();
            IpTunnel t = get(h, device);
            if (t == null) return 1;
            if (cli.json) cli.printJson(json(t, names));
            else cli.out.println(text(t, names));
            return 0;
        }
        return tunnels.list(links, Set.of(ARPHRD_TUNNEL, ARPHRD_IPGRE, ARPHRD_SIT), filter.name(), d -> get(h, d),
                t -> matches(filter, t), t -> text(t, names), t -> json(t, names));
    }

    /** The tunnel's parameters, or null after ip's words for a refusal. */
    private IpTunnel get(NetHandle h, String device) { return tunnels.get(device, () -> h.tunnel(device)); }

    private static boolean matches(IpTunnel f, IpTunnel t) {
        return (f.link() == 0 || f.link() == t.link()) && (f.name().isEmpty() || f.name().equals(t.name()))
                && (isAny(f.remote()) || java.util.Arrays.equals(f.remote(), t.remote()))
                && (isAny(f.local()) || java.util.Arrays.equals(f.local(), t.local())) && (f.iKey() == 0 || f.iKey() == t.iKey());
    }

    private int fail(String words) { return tunnels.fail(words); }

    /** ip's parse_args, in its order: each refusal where ip meets it; null after one that ip reports and returns from. */
    private Request parse(Args a, boolean change) {
        String name = "";
        int link = 0, iFlags = 0, oFlags = 0, tos = 0, ttl = 0, protocol = 0;
        long iKey = 0, oKey = 0;
        boolean df = true, isatap = false;
        byte[] local = new byte[4], remote = new byte[4];
        String medium = null;
        int count = 0;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "mode" -> {
                    String m = a.value(null);
                    int proto;
                    switch (m) {
                        case "ipip", "ip/ip" -> proto = IPPROTO_IPIP;
                        case "gre", "gre/ip" -> proto = IPPROTO_GRE;
                        case "sit", "ipv6/ip" -> proto = IPPROTO_IPV6;
                        case "isatap" -> { proto = IPPROTO_IPV6; isatap = true; }
                        case "vti" -> { proto = IPPROTO_IPIP; iFlags |= ISVTI; }
                        default -> throw new UsageException("Unknown tunnel mode \"" + m + "\"");
                    }
                    if (protocol != 0 && protocol != proto) throw new UsageException("You managed to ask for more than one tunnel mode.");
                    protocol = proto;
                }
                case "key" -> { iFlags |= GRE_KEY; oFlags |= GRE_KEY; iKey = oKey = key("key", a.value(null)); }
                case "ikey" -> { iFlags |= GRE_KEY; iKey = key("ikey", a.value(null)); }
                case "okey" -> { oFlags |= GRE_KEY; oKey = key("okey", a.value(null)); }
                case "seq" -> { iFlags |= GRE_SEQ; oFlags |= GRE_SEQ; }
                case "iseq" -> iFlags |= GRE_SEQ;
                case "oseq" -> oFlags |= GRE_SEQ;
                case "csum" -> { iFlags |= GRE_CSUM; oFlags |= GRE_CSUM; }
                case "icsum" -> iFlags |= GRE_CSUM;
                case "ocsum" -> oFlags |= GRE_CSUM;
                case "nopmtudisc" -> df = false;
                case "pmtudisc" -> df = true;
                case "remote" -> remote = addr32(a.value(null));
                case "local" -> local = addr32(a.value(null));
                case "dev" -> medium = a.value(null);
                case "ttl", "hoplimit", "hlim" -> {
                    String v = a.value(null);
                    if (!v.equals("inherit")) {
                        Long n = Args.unsigned(v, 255);
                        if (n == null) throw new UsageException("Error: argument \"" + v + "\" is wrong: invalid TTL\n");
                        ttl = n.intValue();
                    }
                }
                case "tos", "tclass" -> tos = tos(a.value(null));
                default -> {
                    if (Args.matches(w, "dsfield")) {
                        tos = tos(a.value(null));
                        break;
                    }
                    String n = w;
                    if (w.equals("name")) n = a.value(null);
                    else if (Args.matches(w, "help")) throw new UsageException(USAGE);
                    if (!name.isEmpty()) throw new UsageException("Error: either \"name\" is duplicate, or \"" + n + "\" is a garbage.");
                    if (!Link.isValidName(n)) throw new UsageException("Error: argument \"" + n + "\" is wrong: \"name\" not a valid ifname");
                    name = n;
                    if (change && count == 0) {
                        // change starts from the tunnel as it is
                        IpTunnel old = get(cli.handle(ns), n);
                        if (old == null) return null;
                        name = old.name(); link = old.link(); iFlags = old.iFlags(); oFlags = old.oFlags(); iKey = old.iKey();
                        oKey = old.oKey(); tos = old.tos(); df = old.dontFragment(); ttl = old.ttl(); protocol = old.protocol();
                        local = old.local(); remote = old.remote();
                    }
                }
            }
            count++;
        }
        if (protocol == 0) {
            if (name.startsWith("gre")) protocol = IPPROTO_GRE;
            else if (name.startsWith("ipip")) protocol = IPPROTO_IPIP;
            else if (name.startsWith("sit")) protocol = IPPROTO_IPV6;
            else if (name.startsWith("isatap")) { protocol = IPPROTO_IPV6; isatap = true; }
            else if (name.startsWith("vti")) { protocol = IPPROTO_IPIP; iFlags |= ISVTI; }
        }
        if (((iFlags | oFlags) & GRE_KEY) != 0 && (iFlags & ISVTI) == 0 && protocol != IPPROTO_GRE) {
            fail("Keys are not allowed with ipip and sit tunnels");
            return null;
        }
        if (medium != null) {
            link = tunnels.index(ns, medium);
            if (link == 0) return null;
        }
        boolean multicast = (remote[0] & 0xf0) == 0xe0;
        if (iKey == 0 && multicast) { iKey = be(remote); iFlags |= GRE_KEY; }
        if (oKey == 0 && multicast) { oKey = be(remote); oFlags |= GRE_KEY; }
        if (multicast && isAny(local)) {
            fail("A broadcast tunnel requires a source address");
            return null;
        }
        if (isatap) iFlags |= ISATAP;
        return new Request(new IpTunnel(name, link, iFlags, oFlags, iKey, oKey, tos, df, ttl, protocol, local, remote), isatap);
    }

    private static boolean isAny(byte[] b) { return b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0; }

    private static long be(byte[] b) { return ((b[0] & 0xffL) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff); }

    /** iproute2's get_addr32: "any", "all" and "default" are 0.0.0.0; else one to four dotted parts. */
    private static byte[] addr32(String v) {
        if (v.equals("any") || v.equals("all") || v.equals("default")) return new byte[4];
        byte[] b = v.indexOf(':') >= 0 ? null : LinkLayer.ipv4(v);
        if (b == null) throw new UsageException("Error: an IP address is expected rather than \"" + v + "\"", 1);
        return b;
    }

    /** A GRE key: a dotted quad, or an unsigned number (tnl_parse_key). */
    static long key(String what, String v) {
        if (v.indexOf('.') >= 0) return be(addr32(v));
        Long n = Args.unsigned(v, 0xffffffffL);
        if (n == null) {
            throw new UsageException("invalid value for \"" + what + "\": \"" + v + "\"; it should be an unsigned integer");
        }
        return n;
    }

    /** TOS: "inherit", a hexadecimal value, or inherit/VALUE (rtnl_dsfield_a2n reads numbers in base 16). */
    private static int tos(String v) {
        String value = v;
        int tos = 0;
        if (v.startsWith("inherit")) {
            int slash = v.indexOf('/');
            if (v.equals("inherit")) return 1;
            if (slash != "inherit".length()) throw new UsageException("Error: argument \"" + v + "\" is wrong: bad TOS value");
            value = v.substring(slash + 1);
            tos = 1;
        }
        try {
            int n = Integer.parseInt(value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value, 16);
            if (n < 0 || n > 255) throw new NumberFormatException();
            return tos | n;
        } catch (NumberFormatException e) {
            throw new UsageException("Error: argument \"" + v + "\" is wrong: bad TOS value");
        }
    }

    private static String proto(int p) {
        return switch (p) {
            case IPPROTO_IPIP -> "ip";
            case IPPROTO_GRE -> "gre";
            case IPPROTO_IPV6 -> "ipv6";
            case 50 -> "esp";
            case 137 -> "mpls";
            case 0 -> "any";
            default -> "unknown";
        };
    }

    /** print_tunnel's line (without the PRL and 6rd parts of sit tunnels). */
    private String text(IpTunnel t, Map<Integer, String> names) {
        StringBuilder sb = new StringBuilder();
        sb.append(t.name()).append(": ").append(proto(t.protocol())).append("/ip ");
        sb.append("remote ").append(isAny(t.remote()) ? "any" : cli.hosts.of(Cidr.fromBytes(t.remote()))).append(' ');
        sb.append("local ").append(isAny(t.local()) ? "any" : Tunnels.text(t.local()));
        if (t.link() != 0 && names.containsKey(t.link())) sb.append(" dev ").append(names.get(t.link()));
        sb.append(t.ttl() != 0 ? " ttl " + t.ttl() : " ttl inherit");
        if (t.tos() != 0) {
            if (t.tos() == 1) sb.append(" tos inherit");
            else sb.append(" tos ").append((t.tos() & 1) != 0 ? "inherit/" : "").append(String.format("0x%x", t.tos() & ~1));
        }
        if (!t.dontFragment()) sb.append(" nopmtudisc");
        Tunnels.greFlags(sb, t.protocol(), t.iFlags(), t.oFlags(), t.iKey(), t.oKey());
        return sb.toString();
    }

    private static Map<String, Object> json(IpTunnel t, Map<Integer, String> names) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ifname", t.name());
        m.put("mode", proto(t.protocol()) + "/ip");
        m.put("remote", Tunnels.text(t.remote()));
        m.put("local", Tunnels.text(t.local()));
        if (t.link() != 0 && names.containsKey(t.link())) m.put("dev", names.get(t.link()));
        if (t.ttl() != 0) m.put("ttl", t.ttl());
        if (t.tos() > 1) m.put("tos", String.format("0x%x", t.tos()));
        if (!t.dontFragment()) m.put("nopmtudisc", null);
        Tunnels.greKeys(m, t.iFlags(), t.oFlags(), t.iKey(), t.oKey());
        if (t.protocol() == IPPROTO_GRE) {
            List<String> flags = new ArrayList<>();
            if ((t.iFlags() & GRE_SEQ) != 0) flags.add("rx_drop_ooseq");
            if ((t.iFlags() & GRE_CSUM) != 0) flags.add("rx_csum");
            if ((t.oFlags() & GRE_SEQ) != 0) flags.add("tx_seq");
            if ((t.oFlags() & GRE_CSUM) != 0) flags.add("tx_csum");
            m.put("flags", flags);
        }
        return m;
    }
}
