package dev.nslab.cli;

import dev.nslab.net.Ip6Tunnel;
import dev.nslab.net.Cidr;
import dev.nslab.net.IpTunnel;
import dev.nslab.net.Link;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.net.Inet6Address;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.nslab.net.Ip6Tunnel.*;
import static dev.nslab.net.IpTunnel.GRE_CSUM;
import static dev.nslab.net.IpTunnel.GRE_KEY;
import static dev.nslab.net.IpTunnel.GRE_SEQ;
import static dev.nslab.net.IpTunnel.ISVTI;

/**
 * {@code nslab -6 tunnel ...} and {@code tunnel ... mode ip6ip6|ipip6|ip6gre|vti6|any}: IPv6 tunnels through the
 * tunnel ioctls of ip6tnl0, ip6gre0 or ip6_vti0, as ip's ip6tunnel makes them, in its words.
 */
final class Tunnel6Cmd extends NsCmd {
    Tunnel6Cmd(Cli cli, NsRef ns) {
        super(cli, ns);
        tunnels = new Tunnels(cli);
    }

    private final Tunnels tunnels;

    private static final String USAGE = """
            Usage: ip -f inet6 tunnel { add | change | del | show } [ NAME ]
                      [ mode { ip6ip6 | ipip6 | ip6gre | vti6 | any } ]
                      [ remote ADDR local ADDR ] [ dev PHYS_DEV ]
                      [ encaplimit ELIM ]
                      [ hoplimit TTL ] [ tclass TCLASS ] [ flowlabel FLOWLABEL ]
                      [ dscp inherit ]
                      [ [no]allow-localremote ]
                      [ [i|o]seq ] [ [i|o]key KEY ] [ [i|o]csum ]

            Where: NAME      := STRING
                   ADDR      := IPV6_ADDRESS
                   ELIM      := { none | 0..255 }(default=4)
                   TTL       := 0..255 (default=64)
                   TCLASS    := { 0x0..0xff | inherit }
                   FLOWLABEL := { 0x0..0xfffff | inherit }
                   KEY       := { DOTTED_QUAD | NUMBER }""";

    private static final int ARPHRD_TUNNEL6 = 769, ARPHRD_IP6GRE = 823;

    @Override
    int run(Args a) {
        if (!a.more()) return show(a);
        String verb = a.next();
        if (Args.matches(verb, "add")) return add(a, false);
        if (Args.matches(verb, "change")) return add(a, true);
        if (Args.matches(verb, "delete")) return delete(a);
        if (Args.matches(verb, "show") || Args.matches(verb, "lst") || Args.matches(verb, "list")) return show(a);
        if (Args.matches(verb, "help")) throw new UsageException(USAGE);
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip -f inet6 tunnel help\".");
    }

    private int add(Args a, boolean change) {
        Ip6Tunnel p = parse(a, change, Ip6Tunnel.of(true));
        if (p == null) return 1;
        if (p.name().isEmpty()) cli.err.println("Tunnel interface name not specified");
        String device = change && !p.name().isEmpty() ? p.name() : p.baseDevice();
        NetHandle h = cli.handle(ns);
        return tunnels.change("add", device, () -> {
            if (change) h.changeTunnel(device, p);
            else h.addTunnel(device, p);
        });
    }

    private int delete(Args a) {
        Ip6Tunnel p = parse(a, false, Ip6Tunnel.of(true));
        if (p == null) return 1;
        String device = p.name().isEmpty() ? p.baseDevice() : p.name();
        return tunnels.change("delete", device, () -> cli.handle(ns).deleteTunnel(device, p));
    }

    private int show(Args a) {
        Ip6Tunnel all = Ip6Tunnel.of(false);
        Ip6Tunnel filter = parse(a, false, new Ip6Tunnel("", 0, 0, 0, 0, 0, 0, all.local(), all.remote(), 0, 0, 0, 0));
        if (filter == null) return 1;
        NetHandle h = cli.handle(ns);
        List<Link> links = h.links();
        Map<Integer, String> names = Link.namesByIndex(links);
        if (!filter.name().isEmpty() && cli.stats == 0) {
            Ip6Tunnel t = get(h, filter.name());
            if (t == null) return 1;
            // ip prints this one without a newline of its own
            if (cli.json) cli.printJson(json(t, names));
            else cli.out.print(text(t, names));
            return 0;
        }
        return tunnels.list(links, Set.of(ARPHRD_TUNNEL6, ARPHRD_IP6GRE), filter.name(), d -> get(h, d), t -> matches(filter, t),
                t -> text(t, names), t -> json(t, names));
    }

    private Ip6Tunnel get(NetHandle h, String device) { return tunnels.get(device, () -> h.tunnel6(device)); }

    private static boolean matches(Ip6Tunnel f, Ip6Tunnel t) {
        return (f.link() == 0 || f.link() == t.link()) && (f.name().isEmpty() || f.name().equals(t.name()))
                && (zero(f.local()) || java.util.Arrays.equals(f.local(), t.local())) && (zero(f.remote()) || java.util.Arrays.equals(f.remote(), t.remote()))
                && (f.proto() == 0 || t.proto() == 0 || f.proto() == t.proto()) && (f.encapLimit() == 0 || f.encapLimit() == t.encapLimit())
                && (f.hopLimit() == 0 || f.hopLimit() == t.hopLimit())
                && ((f.flowinfo() & FLOWINFO_TCLASS) == 0 || ((f.flowinfo() ^ t.flowinfo()) & FLOWINFO_TCLASS) == 0)
                && ((f.flowinfo() & FLOWINFO_FLOWLABEL) == 0 || ((f.flowinfo() ^ t.flowinfo()) & FLOWINFO_FLOWLABEL) == 0)
                && (f.flags() == 0 || (f.flags() & t.flags()) != 0);
    }

    private static boolean zero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private int fail(String words) { return tunnels.fail(words); }

    /** ip6tunnel's parse_args, in its order, from {@code start}; null after a refusal ip reports and returns from. */
    private Ip6Tunnel parse(Args a, boolean change, Ip6Tunnel start) {
        String name = start.name();
        int link = start.link(), proto = start.proto(), encapLimit = start.encapLimit(), hopLimit = start.hopLimit(), flags = start.flags();
        int iFlags = start.iFlags(), oFlags = start.oFlags();
        long flowinfo = start.flowinfo(), iKey = start.iKey(), oKey = start.oKey();
        byte[] local = start.local(), remote = start.remote();
        String medium = null;
        int count = 0;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "mode" -> {
                    String m = a.value(null);
                    switch (m) {
                        case "ipv6/ipv6", "ip6ip6" -> proto = IpTunnel.IPPROTO_IPV6;
                        case "vti6" -> { proto = IpTunnel.IPPROTO_IPV6; iFlags |= ISVTI; }
                        case "ip/ipv6", "ipv4/ipv6", "ipip6", "ip4ip6" -> proto = IpTunnel.IPPROTO_IPIP;
                        case "ip6gre", "gre/ipv6" -> proto = IpTunnel.IPPROTO_GRE;
                        case "any/ipv6", "any" -> proto = 0;
                        default -> throw new UsageException("Unknown tunnel mode \"" + m + "\"");
                    }
                }
                case "remote" -> remote = inet6(a.value(null));
                case "local" -> local = inet6(a.value(null));
                case "dev" -> medium = a.value(null);
                case "encaplimit" -> {
                    String v = a.value(null);
                    if (v.equals("none")) flags |= IGN_ENCAP_LIMIT;
                    else {
                        Long n = Args.unsigned(v, 255);
                        encapLimit = n == null ? 0 : n.intValue(); // ip never refuses it
                        flags &= ~IGN_ENCAP_LIMIT;
                    }
                }
                case "hoplimit", "ttl", "hlim" -> {
                    String v = a.value(null);
                    Long n = Args.unsigned(v, 255);
                    if (n == null) throw invarg(v, "invalid TTL");
                    hopLimit = n.intValue();
                }
                case "tclass", "tc", "tos" -> {
                    long[] f = tclass(a.value(null), flowinfo, flags);
                    flowinfo = f[0];
                    flags = (int) f[1];
                }
                case "flowlabel", "fl" -> {
                    String v = a.value(null);
                    flowinfo &= ~FLOWINFO_FLOWLABEL;
                    if (v.equals("inherit")) flags |= USE_ORIG_FLOWLABEL;
                    else {
                        Long n = hex(v, 0xFFFFFFFFL);
                        if (n == null || n > 0xFFFFF) throw invarg(v, "invalid Flowlabel");
                        flowinfo |= n & FLOWINFO_FLOWLABEL;
                        flags &= ~USE_ORIG_FLOWLABEL;
                    }
                }
                case "dscp" -> {
                    String v = a.value(null);
                    if (!v.equals("inherit")) throw invarg(v, "not inherit");
                    flags |= RCV_DSCP_COPY;
                }
                case "allow-localremote" -> flags |= ALLOW_LOCAL_REMOTE;
                case "noallow-localremote" -> flags &= ~ALLOW_LOCAL_REMOTE;
                case "key" -> { iFlags |= GRE_KEY; oFlags |= GRE_KEY; iKey = oKey = TunnelCmd.key("key", a.value(null)); }
                case "ikey" -> { iFlags |= GRE_KEY; iKey = TunnelCmd.key("ikey", a.value(null)); }
                case "okey" -> { oFlags |= GRE_KEY; oKey = TunnelCmd.key("okey", a.value(null)); }
                case "seq" -> { iFlags |= GRE_SEQ; oFlags |= GRE_SEQ; }
                case "iseq" -> iFlags |= GRE_SEQ;
                case "oseq" -> oFlags |= GRE_SEQ;
                case "csum" -> { iFlags |= GRE_CSUM; oFlags |= GRE_CSUM; }
                case "icsum" -> iFlags |= GRE_CSUM;
                case "ocsum" -> oFlags |= GRE_CSUM;
                default -> {
                    if (Args.matches(w, "dsfield")) {
                        long[] f = tclass(a.value(null), flowinfo, flags);
                        flowinfo = f[0];
                        flags = (int) f[1];
                        break;
                    }
                    String n = w;
                    if (w.equals("name")) n = a.value(null);
                    else if (Args.matches(w, "help")) throw new UsageException(USAGE);
                    if (!name.isEmpty()) throw new UsageException("Error: either \"name\" is duplicate, or \"" + n + "\" is a garbage.");
                    if (!Link.isValidName(n)) throw invarg(n, "\"name\" not a valid ifname");
                    name = n;
                    if (change && count == 0) {
                        Ip6Tunnel old = get(cli.handle(ns), n);
                        if (old == null) return null;
                        name = old.name(); link = old.link(); proto = old.proto(); encapLimit = old.encapLimit(); hopLimit = old.hopLimit();
                        flowinfo = old.flowinfo(); flags = old.flags(); local = old.local(); remote = old.remote(); iFlags = old.iFlags();
                        oFlags = old.oFlags(); iKey = old.iKey(); oKey = old.oKey();
                    }
                }
            }
            count++;
        }
        if (medium != null) {
            link = tunnels.index(ns, medium);
            if (link == 0) return null;
        }
        return new Ip6Tunnel(name, link, proto, encapLimit, hopLimit, flowinfo, flags, local, remote, iFlags, oFlags, iKey, oKey);
    }

    /** tclass inherit, or a hexadecimal class: {flowinfo, flags} after it. */
    private static long[] tclass(String v, long flowinfo, int flags) {
        flowinfo &= ~FLOWINFO_TCLASS;
        if (v.equals("inherit")) return new long[] {flowinfo, flags | USE_ORIG_TCLASS};
        Long n = hex(v, 255);
        if (n == null) throw invarg(v, "invalid TClass");
        return new long[] {flowinfo | ((n << 20) & FLOWINFO_TCLASS), flags & ~USE_ORIG_TCLASS};
    }

    /** strtoul in base 16 (an optional 0x), at most {@code max}; null if not. */
    private static Long hex(String v, long max) {
        try {
            long n = Long.parseLong(v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v, 16);
            return n >= 0 && n <= max ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static UsageException invarg(String arg, String why) {
        return new UsageException("Error: argument \"" + arg + "\" is wrong: " + why);
    }

    private static byte[] inet6(String v) {
        try {
            if (v.indexOf(':') >= 0) return Inet6Address.ofLiteral(v).getAddress();
        } catch (IllegalArgumentException e) {
            // worded below
        }
        throw new UsageException("Error: inet6 address is expected rather than \"" + v + "\".", 1);
    }

    private static String proto(int p) {
        return switch (p) {
            case IpTunnel.IPPROTO_IPIP -> "ip";
            case IpTunnel.IPPROTO_GRE -> "gre";
            case IpTunnel.IPPROTO_IPV6 -> "ipv6";
            case 0 -> "any";
            default -> "unknown";
        };
    }

    /** ip6tunnel's print_tunnel. */
    private String text(Ip6Tunnel t, Map<Integer, String> names) {
        StringBuilder sb = new StringBuilder(t.name()).append(": ").append(proto(t.proto())).append("/ipv6 ");
        sb.append("remote ").append(cli.hosts.of(Cidr.fromBytes(t.remote()))).append(' ').append("local ").append(Tunnels.text(t.local()));
        if (t.link() != 0 && names.containsKey(t.link())) sb.append(" dev ").append(names.get(t.link()));
        sb.append((t.flags() & IGN_ENCAP_LIMIT) != 0 ? " encaplimit none" : " encaplimit " + t.encapLimit());
        sb.append(t.hopLimit() != 0 ? " hoplimit " + t.hopLimit() : " hoplimit inherit");
        sb.append((t.flags() & USE_ORIG_TCLASS) != 0 ? " tclass inherit" : String.format(" tclass 0x%02x", (t.flowinfo() & FLOWINFO_TCLASS) >> 20));
        sb.append((t.flags() & USE_ORIG_FLOWLABEL) != 0 ? " flowlabel inherit" : String.format(" flowlabel 0x%05x", t.flowinfo() & FLOWINFO_FLOWLABEL));
        sb.append(String.format(" (flowinfo 0x%08x)", t.flowinfo()));
        if ((t.flags() & RCV_DSCP_COPY) != 0) sb.append(" dscp inherit");
        if ((t.flags() & ALLOW_LOCAL_REMOTE) != 0) sb.append(" allow-localremote");
        Tunnels.greFlags(sb, t.proto(), t.iFlags(), t.oFlags(), t.iKey(), t.oKey());
        return sb.toString();
    }

    private static Map<String, Object> json(Ip6Tunnel t, Map<Integer, String> names) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ifname", t.name());
        m.put("mode", proto(t.proto()) + "/ipv6");
        m.put("remote", Tunnels.text(t.remote()));
        m.put("local", Tunnels.text(t.local()));
        if (t.link() != 0 && names.containsKey(t.link())) m.put("link", names.get(t.link()));
        if ((t.flags() & IGN_ENCAP_LIMIT) != 0) m.put("ip6_tnl_f_ign_encap_limit", null);
        else m.put("encap_limit", t.encapLimit());
        if (t.hopLimit() != 0) m.put("hoplimit", t.hopLimit());
        if ((t.flags() & USE_ORIG_TCLASS) != 0) m.put("ip6_tnl_f_use_orig_tclass", null);
        else m.put("tclass", String.format("0x%02x", (t.flowinfo() & FLOWINFO_TCLASS) >> 20));
        if ((t.flags() & USE_ORIG_FLOWLABEL) != 0) m.put("ip6_tnl_f_use_orig_flowlabel", null);
        else m.put("flowlabel", String.format("0x%05x", t.flowinfo() & FLOWINFO_FLOWLABEL));
        m.put("flowinfo", String.format("0x%08x", t.flowinfo()));
        if ((t.flags() & RCV_DSCP_COPY) != 0) m.put("ip6_tnl_f_rcv_dscp_copy", null);
        if ((t.flags() & ALLOW_LOCAL_REMOTE) != 0) m.put("ip6_tnl_f_allow_local_remote", null);
        Tunnels.greKeys(m, t.iFlags(), t.oFlags(), t.iKey(), t.oKey());
        return m;
    }
}
