package dev.nslab.cli;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.net.BridgePortSetting;
import dev.nslab.net.BridgeSetting;
import dev.nslab.net.Link;
import dev.nslab.net.LinkChange;
import dev.nslab.net.LinkSetting;
import dev.nslab.net.LinkSpec;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.VxlanSetting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab link add | set | delete | show | xstats}. */
final class LinkCmd extends ObjectCmd {
    LinkCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override String object() { return "link"; }

    @Override void help(java.io.PrintStream out) { Help.link(out); }

    @Override
    Integer verb(String cmd, Args a) {
        if (Args.matches(cmd, "add")) return add(a);
        if (Args.matches(cmd, "set") || Args.matches(cmd, "change")) return set(a);
        if (Args.matches(cmd, "delete") || cmd.equals("del")) return delete(a);
        if (Args.matches(cmd, "xstats")) return LinkXstats.run(cli, cli.handle(ns), a);
        if (Args.matches(cmd, "property")) return property(a);
        return null;
    }

    /** {@code link property { add | del } [dev] DEV [altname NAME]...}: a link's alternative names. */
    private int property(Args a) {
        String verb = a.value(null);
        boolean add = Args.matches(verb, "add");
        if (!add && !Args.matches(verb, "delete") && !verb.equals("del")) {
            throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip link help\".");
        }
        String dev = null;
        List<String> names = new ArrayList<>();
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) dev = a.value("dev");
            else if (w.equals("altname")) names.add(a.value("altname"));
            else if (dev == null) dev = w;
            else throw new UsageException("Error: either \"dev\" is duplicate, or \"" + w + "\" is a garbage.");
        }
        if (dev == null) throw new UsageException("Not enough information: \"dev\" argument is required.");
        NetHandle h = cli.handle(ns);
        for (String n : names) {
            if (add) h.addAltName(dev, n);
            else h.deleteAltName(dev, n);
        }
        return 0;
    }

    @Override
    int show(Args a) {
        ShowFilter filter = showFilter(a);
        if (filter.help()) return 0;
        NetHandle h = cli.handle(ns);
        List<Link> links = h.links();
        
        List<Link> shown = shown(filter, links);
        if (shown == null) return 1;
        LinkFormat f = new LinkFormat(links, cli.nsidNames(h, shown), details(cli, h, shown), cli.colour, cli.groups);
        Map<Integer, dev.nslab.net.LinkStats> stats = cli.stats > 0 && !cli.brief ? h.linkStats() : null;
        StatsFormat statsFormat = new StatsFormat(cli.stats, cli.human, cli.iec);
        if (cli.json) {
            List<Object> out = new ArrayList<>();
            for (Link l : shown) {
                if (!cli.brief) {
                    Map<String, Object> m = f.json(l, true);
                    if (stats != null && stats.containsKey(l.index())) m.put("stats64", statsFormat.json(stats.get(l.index())));
                    out.add(m);
                    continue;
                }
                Map<String, Object> m = f.briefJson(l);
                if (l.address() != null) m.put("address", Link.mac(l.address()));
                m.put("flags", f.flags(l));
                out.add(m);
            }
            cli.printJson(out);
        } else {
            StringBuilder sb = new StringBuilder();
            for (Link l : shown) {
                if (cli.brief) {
                    f.brief(sb, l);
                    continue;
                }
                StringBuilder one = new StringBuilder();
                f.text(one, l, true);
                if (stats != null && stats.containsKey(l.index())) one.append(statsFormat.text(stats.get(l.index()), "\n")).append('\n');
                f.altNames(one, l);
                sb.append(cli.oneline ? LinkFormat.oneLine(one.toString()) : one);
            }
            cli.out.print(sb);
        }
        return 0;
    }

    /** ip -d's details of the links shown, or null without -d; kinds nslab cannot detail yet are refused by name. */
    static Map<Integer, dev.nslab.net.LinkDetails> details(Cli cli, NetHandle h, List<Link> shown) {
        if (!cli.details || cli.brief) return null;
        Map<Integer, dev.nslab.net.LinkDetails> all = h.linkDetails();
        List<dev.nslab.net.LinkDetails> mine = new ArrayList<>();
        for (Link l : shown) if (all.containsKey(l.index())) mine.add(all.get(l.index()));
        String kind = LinkDetailsFormat.unsupported(mine);
        if (kind != null) throw new UsageException("nslab: -details of " + kind + " interfaces is not supported yet; run the command without -d");
        return all;
    }

    private int add(Args a) {
        String name = null, type = null, peer = null, alias = null, parent = null;
        LinkSpec.Data data = null;
        Boolean vlanFiltering = null;
        NsRef netns = null, peerNs = null;
        Integer mtu = null;
        byte[] mac = null;
        Map<LinkSetting, Long> settings = new LinkedHashMap<>();
        while (a.more()) {
            String w = a.next();
            String setting = settingWord(w);
            if (setting != null && !w.equals("type")) {
                readSetting(setting, a, settings);
                continue;
            }
            switch (w) {
                case "name", "dev" -> name = a.value(w);
                case "type" -> {
                    type = a.value("type");
                    if (!a.more()) break;
                    if (type.equals("veth")) {
                        String p = a.next();
                        if (!p.equals("peer")) throw new UsageException("Error: argument \"" + p + "\" is wrong: expected \"peer name PEER\" after \"type veth\"");
                        while (a.more()) {
                            String pw = a.next();
                            switch (pw) {
                                case "name" -> peer = a.value("name");
                                case "netns" -> peerNs = netnsArg(a.value("netns"));
                                default -> {
                                    if (peer == null) peer = pw;
                                    else throw new UsageException("Error: argument \"" + pw + "\" is wrong: unknown veth peer option (use \"peer name PEER [netns NS]\")");
                                }
                            }
                        }
                    } else if (type.equals("macvlan") || type.equals("macvtap")) {
                        data = macvlan(a, type);
                    } else if (type.equals("vxlan")) {
                        data = vxlan(a, false, cli.handle(ns)::hasLink);
                    } else if (type.equals("vlan")) {
                        data = vlan(a);
                    } else if (type.equals("bridge")) {
                        Map<BridgeSetting, Long> br = new LinkedHashMap<>(bridgeSettings(a));
                        Long filtering = br.remove(BridgeSetting.VLAN_FILTERING); // its own field: a kernel without it is named
                        if (filtering != null) vlanFiltering = filtering != 0;
                        if (!br.isEmpty()) data = new LinkSpec.Bridge(br);
                    } else {
                        // a kind ip has no options for: ip ignores what follows, and so does nslab
                        while (a.more()) a.next();
                    }
                }
                case "mtu" -> mtu = a.intValue("mtu");
                case "link" -> parent = a.value("link");
                case "address" -> mac = mac(a.value("address"));
                case "netns" -> netns = netnsArg(a.value("netns"));
                case "alias" -> alias = a.value("alias");
                case "help" -> { Help.link(cli.out); return 0; }
                default -> {
                    if (name == null) name = w;
                    else throw new UsageException("Error: either \"dev\" is duplicate, or \"" + w + "\" is a garbage.");
                }
            }
        }
        if (name == null) throw new UsageException("Not enough information: \"dev\" argument is required.");
        if (type == null) throw new UsageException("Not enough information: \"type\" argument is required (veth or bridge).");
        if (type.equals("veth") && peer == null) throw new UsageException("Not enough information: a veth needs \"peer name PEER\".");
        if (type.equals("vxlan") && data == null) throw new UsageException("vxlan: missing virtual network identifier", 1);
        if (data instanceof LinkSpec.Vxlan v && v.port() == null) {
            // ip's warning, word for word: the kernel's default port is not the IANA one
            cli.err.println("vxlan: destination port not specified\nWill use Linux kernel default (non-standard value)\n"
                    + "Use 'dstport 4789' to get the IANA assigned value\nUse 'dstport 0' to get default and quiet this message");
        }
        try {
            cli.handle(ns).addLink(new LinkSpec(name, type, peer, peerNs, netns, mtu, mac, alias, vlanFiltering, parent, data).settings(settings));
        } catch (KernelException e) {
            // where the kernel cannot filter VLANs on a Linux bridge, Open vSwitch can: ip's words, then, for a person at
            // a terminal, how (a script reads ip's words alone, as from ip)
            if (!Boolean.TRUE.equals(vlanFiltering) || e.errno() != Errno.EOPNOTSUPP || !cli.terminal()) throw e;
            throw new UsageException(KernelWords.asIp(e) + "\nnslab: " + e.getMessage() + ": nslab ovs add-br BR; nslab ovs add-port BR PORT tag=N",
                    KernelWords.status(e));
        }
        return 0;
    }

    /** A namespace by name, or a process's by PID; ip's refusal of a word that is neither. */
    private NsRef netnsArg(String v) {
        NsRef r = NsRef.parse(v, cli.registry);
        if (r instanceof NsRef.Named && !cli.registry.exists(v)) throw new UsageException("Error: argument \"" + v + "\" is wrong: Invalid \"netns\" value\n");
        return r;
    }

    /** {@code type vlan id ID [protocol 802.1Q|802.1ad]} (the id is checked by the kernel, as with ip). */
    private static LinkSpec.Data vlan(Args a) {
        Integer id = null;
        int protocol = 0x8100;
        while (a.more()) {
            String w = a.next();
            if (Args.matches(w, "id")) {
                String v = a.value("id");
                try {
                    id = Integer.parseInt(v);
                    if (id < 0 || id > 0xffff) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    throw new UsageException("Error: argument \"" + v + "\" is wrong: id is invalid");
                }
            } else if (Args.matches(w, "protocol")) {
                String v = a.value("protocol");
                Integer p = ethertype(v);
                if (p == null) throw new UsageException("Error: argument \"" + v + "\" is wrong: protocol is invalid");
                protocol = p;
            } else {
                throw new UsageException("vlan: unknown command \"" + w + "\"?\nUsage: ... vlan id VLANID [ protocol VLANPROTO ]", 1);
            }
        }
        return id == null ? null : new LinkSpec.Vlan(id, protocol);
    }

    /**
     * {@code type macvlan|macvtap [mode MODE] [flag nopromisc|nodst|null] [nopromisc] [nodst] [bcqueuelen N]} (no mode:
     * the kernel's, vepa), read and refused as ip reads them; null where nothing is given.
     */
    private static LinkSpec.Data macvlan(Args a, String kind) {
        String m = null;
        Integer flags = null;
        Long bcQueueLen = null;
        while (a.more()) {
            String w = a.next();
            if (Args.matches(w, "mode")) {
                m = a.value(null);
                if (!List.of("private", "vepa", "bridge", "passthru", "source").contains(m)) {
                    throw new UsageException("Error: argument of \"mode\" must be \"private\", \"vepa\", \"bridge\", \"passthru\" or \"source\", not \"" + m + "\"", 1);
                }
            } else if (Args.matches(w, "flag")) {
                String v = a.value(null);
                int f = switch (v) {
                    case "nopromisc" -> 1;
                    case "nodst" -> 2;
                    case "null" -> 0;
                    default -> throw new UsageException("Error: argument of \"flag\" must be \"nopromisc\", \"nodst\" or \"null\", not \"" + v + "\"", 1);
                };
                flags = (flags == null ? 0 : flags) | f;
            } else if (Args.matches(w, "nopromisc")) {
                flags = (flags == null ? 0 : flags) | 1;
            } else if (Args.matches(w, "nodst")) {
                flags = (flags == null ? 0 : flags) | 2;
            } else if (Args.matches(w, "bcqueuelen")) {
                String v = a.value(null);
                bcQueueLen = Args.unsigned(v, 0xffff_ffffL);
                if (bcQueueLen == null) {
                    throw new UsageException("Error: argument of \"bcqueuelen\" must be a positive integer [0-4294967295], not \"" + v + "\"", 1);
                }
            } else {
                // pfx_err's prefix: the kind, a colon
                throw new UsageException(kind + ": unknown option \"" + w + "\"?", 1);
            }
        }
        if (flags != null && (flags & 1) != 0 && !"passthru".equals(m)) {
            throw new UsageException(kind + ": nopromisc flag only valid in passthru mode", 1);
        }
        return m == null && flags == null && bcQueueLen == null ? null : new LinkSpec.Macvlan(m, flags, bcQueueLen);
    }

    /** ip's vxlan keywords, in the order its parser tries them (a word is the first one it is a prefix of). */
    private static final List<String> VXLAN_WORDS = List.of("id", "vni", "group", "remote", "local", "dev", "ttl", "hoplimit", "tos", "dsfield",
            "df", "label", "flowlabel", "ageing", "maxaddress", "port", "srcport", "dstport", "nolearning", "learning", "noproxy", "proxy",
            "norsc", "rsc", "nol2miss", "l2miss", "nol3miss", "l3miss", "udpcsum", "noudpcsum", "udp6zerocsumtx", "noudp6zerocsumtx",
            "udp6zerocsumrx", "noudp6zerocsumrx", "remcsumtx", "noremcsumtx", "remcsumrx", "noremcsumrx", "external", "noexternal", "gbp",
            "gpe", "help");
    /** The on/off words and the setting each sets to 1 (their "no" forms to 0). */
    private static final Map<String, VxlanSetting> VXLAN_SWITCHES = Map.ofEntries(Map.entry("proxy", VxlanSetting.PROXY),
            Map.entry("rsc", VxlanSetting.RSC), Map.entry("l2miss", VxlanSetting.L2MISS), Map.entry("l3miss", VxlanSetting.L3MISS),
            Map.entry("udpcsum", VxlanSetting.UDP_CSUM), Map.entry("udp6zerocsumtx", VxlanSetting.UDP_ZERO_CSUM6_TX),
            Map.entry("udp6zerocsumrx", VxlanSetting.UDP_ZERO_CSUM6_RX), Map.entry("remcsumtx", VxlanSetting.REMCSUM_TX),
            Map.entry("remcsumrx", VxlanSetting.REMCSUM_RX));

    /**
     * {@code type vxlan ...} with ip's options, checks and words ({@code set}: a change of a vxlan that is there, which
     * needs no id). Null without any word (ip: "missing virtual network identifier").
     */
    private static LinkSpec.Vxlan vxlan(Args a, boolean set, java.util.function.Predicate<String> exists) {
        Long vni = null;
        Integer port = null, ttl = null;
        java.net.InetAddress remote = null, local = null;
        String dev = null;
        boolean learning = true, metadata = false, vnifilter = false, gpe = false;
        java.util.Set<String> given = new java.util.HashSet<>();
        Map<VxlanSetting, Long> settings = new LinkedHashMap<>();
        while (a.more()) {
            String typed = a.next();
            String w = VXLAN_WORDS.stream().filter(k -> Args.matches(typed, k) || typed.isEmpty()).findFirst()
                    .orElse(typed.equals("vnifilter") || typed.equals("novnifilter") ? typed : null);
            if (w == null) throw new UsageException("vxlan: unknown command \"" + typed + "\"?", 1);
            // ip refuses a second word for the same attribute: "Error: either "KEY" is duplicate, or "ARG" is a garbage."
            String attr = switch (w) {
                case "vni" -> "id";
                case "remote" -> "group";
                case "hoplimit" -> "ttl";
                case "dsfield" -> "tos";
                case "flowlabel" -> "label";
                case "port" -> "srcport";
                case "learning" -> "nolearning";
                case "external" -> "noexternal";
                case "vnifilter" -> "novnifilter";
                default -> w.startsWith("no") && VXLAN_SWITCHES.containsKey(w.substring(2)) ? w.substring(2) : w;
            };
            if (w.equals("group") && remote != null && !remote.isMulticastAddress() || w.equals("remote") && remote != null && remote.isMulticastAddress()) {
                throw new UsageException("vxlan: both group and remote cannot be specified", 1);
            }
            boolean valued = List.of("id", "group", "local", "dev", "ttl", "tos", "df", "label", "ageing", "maxaddress", "srcport", "dstport").contains(attr);
            String v = valued ? a.value(null) : typed;
            if (!given.add(attr)) {
                String key = switch (attr) {
                    case "group" -> w.equals("remote") ? "remote" : "group";
                    case "label" -> "flowlabel";
                    default -> valued ? attr : typed;
                };
                throw new UsageException("Error: either \"" + key + "\" is duplicate, or \"" + v + "\" is a garbage.");
            }
            switch (w) {
                case "id", "vni" -> {
                    vni = Args.unsigned(v, 0xffff_ffffL);
                    if (vni == null || vni >= 1 << 24) invarg(null, v, "invalid id");
                }
                case "group", "remote" -> {
                    java.net.InetAddress addr = anyAddress(v);
                    if (addr.isMulticastAddress() != w.equals("group")) invarg(null, v, "invalid " + w + " address");
                    remote = addr;
                }
                case "local" -> {
                    local = anyAddress(v);
                    if (local.isMulticastAddress()) invarg(null, v, "invalid local address");
                }
                case "dev" -> {
                    if (!exists.test(v)) throw new UsageException("Cannot find device \"" + v + "\"");
                    dev = v;
                }
                case "ttl", "hoplimit" -> {
                    if (v.equals("inherit")) settings.put(VxlanSetting.TTL_INHERIT, 0L);
                    else if (v.equals("auto")) ttl = 0;
                    else {
                        Long n = invarg(Args.unsigned(v, 0xffff_ffffL), v, "invalid TTL");
                        ttl = invarg(n <= 255 ? n.intValue() : null, v, "TTL must be <= 255");
                    }
                }
                case "tos", "dsfield" -> settings.put(VxlanSetting.TOS, v.equals("inherit") ? 1L : invarg(Args.unsigned(v, 255), v, "bad TOS value"));
                case "df" -> settings.put(VxlanSetting.DF, switch (v) {
                    case "unset" -> 0L;
                    case "set" -> 1L;
                    case "inherit" -> 2L;
                    default -> invarg((Long) null, v, "DF must be 'unset', 'set' or 'inherit'");
                });
                case "label", "flowlabel" -> settings.put(VxlanSetting.LABEL, invarg(Args.unsigned(v, 0xfffff), v, "invalid flowlabel"));
                case "ageing" -> settings.put(VxlanSetting.AGEING, v.equals("none") ? 0L : invarg(Args.unsigned(v, 0xffff_ffffL), v, "ageing timer"));
                case "maxaddress" -> settings.put(VxlanSetting.LIMIT, v.equals("unlimited") ? 0L : invarg(Args.unsigned(v, 0xffff_ffffL), v, "max addresses"));
                case "port", "srcport" -> {
                    long low = invarg(Args.unsigned(v, 0xffff), v, "min port");
                    String h = a.value(null);
                    long high = invarg(Args.unsigned(h, 0xffff), h, "max port");
                    if (low != 0 || high != 0) settings.put(VxlanSetting.PORT_RANGE, low << 16 | high);
                }
                case "dstport" -> port = invarg(Args.unsigned(v, 0xffff), v, "dst port").intValue();
                case "nolearning" -> learning = false;
                case "learning" -> learning = true;
                case "external" -> {
                    metadata = true;
                    learning = false;
                    settings.put(VxlanSetting.COLLECT_METADATA, 1L);
                }
                case "noexternal" -> {
                    metadata = false;
                    settings.put(VxlanSetting.COLLECT_METADATA, 0L);
                }
                case "gbp" -> settings.put(VxlanSetting.GBP, 0L);
                case "gpe" -> {
                    gpe = true;
                    settings.put(VxlanSetting.GPE, 0L);
                }
                case "vnifilter", "novnifilter" -> {
                    vnifilter = w.equals("vnifilter");
                    settings.put(VxlanSetting.VNIFILTER, vnifilter ? 1L : 0L);
                }
                case "help" -> throw new UsageException("Usage: ... vxlan id VNI [ { group | remote } IP_ADDRESS ] [ local ADDR ] [ dev PHYS_DEV ] ...", 1);
                default -> {
                    VxlanSetting on = VXLAN_SWITCHES.get(w), off = w.startsWith("no") ? VXLAN_SWITCHES.get(w.substring(2)) : null;
                    if (on != null) settings.put(on, 1L);
                    else settings.put(off, 0L);
                }
            }
        }
        if (!metadata && vnifilter) throw new UsageException("vxlan: vnifilter is valid only when 'external' is set", 1);
        if (metadata && vni != null) throw new UsageException("vxlan: both 'external' and vni cannot be specified", 1);
        if (!metadata && !vnifilter && vni == null && !set) throw new UsageException("vxlan: missing virtual network identifier", 1);
        if (remote != null && remote.isMulticastAddress() && dev == null) throw new UsageException("vxlan: 'group' requires 'dev' to be specified", 1);
        if (port == null && gpe) port = 4790;
        Boolean learn = !set || given.contains("nolearning") ? learning : null;
        return new LinkSpec.Vxlan(vni == null ? null : vni.intValue(), remote, port, local, dev, ttl, learn, settings);
    }

    /** {@code value}, or ip's invarg() when it is null: "Error: argument "WORD" is wrong: WHY", status 255. */
    private static <T> T invarg(T value, String word, String why) {
        if (value == null) throw new UsageException("Error: argument \"" + word + "\" is wrong: " + why);
        return value;
    }

    /** An address of either family, as ip's get_addr reads one for a vxlan (its words, status 1, where it is none). */
    private static java.net.InetAddress anyAddress(String v) {
        try {
            return dev.nslab.net.Cidr.parseAddress(v);
        } catch (KernelException e) {
            throw new UsageException("Error: any valid address is expected rather than \"" + v + "\".", 1);
        }
    }

    private static java.net.InetAddress inet(String v, String what) {
        try {
            return dev.nslab.net.Cidr.parseAddress(v);
        } catch (KernelException e) {
            throw new UsageException("Error: an inet address is expected rather than \"" + v + "\".");
        }
    }

    private static byte[] mac(String s) {
        byte[] b = Link.parseMac(s);
        if (b == null) throw new UsageException("Error: argument \"" + s + "\" is wrong: \"address\" must be a MAC like 02:00:00:00:00:01");
        return b;
    }

    private int set(Args a) {
        String dev = null;
        LinkChange c = null;
        Map<BridgeSetting, Long> bridge = null;
        Map<LinkSetting, Long> settings = new LinkedHashMap<>();
        String kind = null; // a macvlan's or a vxlan's settings to change: its kind, and what they are
        LinkSpec.Data kindData = null;
        Map<BridgePortSetting, Long> port = null;
        List<String> pending = new ArrayList<>();
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) { dev = a.value("dev"); continue; }
            if (w.equals("type") && dev != null) {
                // as with ip, everything after "type KIND" is the kind's
                String type = a.value("type");
                switch (type) {
                    case "bridge" -> bridge = bridgeSettings(a);
                    case "macvlan", "macvtap" -> {
                        kind = type;
                        kindData = macvlan(a, type);
                    }
                    case "vxlan" -> {
                        kind = type;
                        kindData = vxlan(a, true, cli.handle(ns)::hasLink);
                    }
                    case "bridge_slave" -> {
                        kind = type;
                        port = bridgePortSettings(a, cli.handle(ns)::index);
                    }
                    default -> throw new UsageException("Error: nslab sets the settings of bridges, macvlans and vxlans only (\"type bridge ...\"), not of \""
                            + type + "\"");
                }
                break;
            }
            if (dev == null && !isSetKeyword(w) && settingWord(w) == null) { dev = w; continue; }
            String k = settingWord(w);
            if (k != null) {
                readSetting(k, a, settings);
                continue;
            }
            pending.add(w);
            if (w.equals("netns") || w.equals("master") || w.equals("name") || w.equals("mtu") || w.equals("address") || w.equals("alias")
                    || FLAGS.containsKey(w) || w.equals("txqueuelen") || w.equals("qlen") || w.equals("txqlen") || w.equals("group")) {
                pending.add(a.value(w));
            }
        }
        if (dev == null) throw new UsageException("Not enough information: \"dev\" argument is required.");
        if (kind != null) {
            if (port != null) cli.handle(ns).setBridgePort(dev, port);
            if (kindData instanceof LinkSpec.Macvlan m) cli.handle(ns).setMacvlanMode(dev, kind, m);
            else if (kindData instanceof LinkSpec.Vxlan v) cli.handle(ns).setVxlan(dev, v);
            if (!pending.isEmpty() || !settings.isEmpty()) set(dev, pending, settings);
            return 0;
        }
        if (bridge != null) {
            if (!pending.isEmpty() || !settings.isEmpty()) set(dev, pending, settings);
            if (!bridge.isEmpty()) cli.handle(ns).setBridge(dev, bridge);
            return 0;
        }
        if (pending.isEmpty() && settings.isEmpty()) {
            throw new UsageException("Not enough information: nothing to set on \"" + dev + "\" (try up, down, netns, master, nomaster, name, mtu, address).");
        }
        set(dev, pending, settings);
        return 0;
    }

    /** The words of "ip link set DEV ..." other than "type" and the settings read already: one request. */
    private void set(String dev, List<String> pending, Map<LinkSetting, Long> settings) {
        LinkChange c = LinkChange.of(dev);
        for (var e : settings.entrySet()) c = c.with(e.getKey(), e.getValue());
        for (int i = 0; i < pending.size(); i++) {
            String w = pending.get(i);
            switch (w) {
                case "up" -> c = c.up(true);
                case "down" -> c = c.up(false);
                case "nomaster" -> c = c.noMaster();
                case "master" -> {
                    String m = pending.get(++i);
                    // as ip, which looks the name up as it reads it
                    if (!cli.handle(ns).hasLink(m)) throw new UsageException("Error: argument \"" + m + "\" is wrong: Device does not exist\n");
                    c = c.master(m);
                }
                case "name" -> c = c.name(pending.get(++i));
                case "alias" -> c = c.alias(pending.get(++i));
                case "address" -> c = c.address(mac(pending.get(++i)));
                case "mtu" -> {
                    String v = pending.get(++i);
                    try {
                        c = c.mtu(Integer.parseInt(v));
                    } catch (NumberFormatException e) {
                        throw new UsageException("Error: argument \"" + v + "\" is wrong: Invalid \"mtu\" value");
                    }
                }
                case "netns" -> c = c.netns(netnsArg(pending.get(++i)));
                case "txqueuelen", "qlen", "txqlen" -> {
                    String v = pending.get(++i);
                    try {
                        c = c.txqlen(Integer.parseInt(v));
                    } catch (NumberFormatException e) {
                        throw new UsageException("Error: argument \"" + v + "\" is wrong: Invalid \"txqueuelen\" value\n");
                    }
                }
                case "group" -> c = c.group(cli.groups.id(pending.get(++i), "group"));
                case "promisc", "multicast", "allmulticast", "arp", "dynamic", "trailers" -> {
                    String v = pending.get(++i);
                    if (!v.equals("on") && !v.equals("off")) {
                        throw new UsageException("Error: argument of \"" + w + "\" must be \"on\" or \"off\", not \"" + v + "\"", 1);
                    }
                    // "arp on" clears NOARP, "trailers on" NOTRAILERS: the kernel's flags say what is off
                    boolean negated = w.equals("arp") || w.equals("trailers");
                    c = c.flag(FLAGS.get(w), v.equals("on") != negated);
                }
                default -> throw new UsageException("Error: either \"dev\" is duplicate, or \"" + w + "\" is a garbage.");
            }
        }
        cli.handle(ns).setLink(c);
    }

    /** ip's words for a bridge port's on/off settings, in the order it tries them among the others. */
    private static final List<Map.Entry<String, BridgePortSetting>> PORT_SWITCHES = List.of(Map.entry("hairpin", BridgePortSetting.MODE),
            Map.entry("guard", BridgePortSetting.GUARD), Map.entry("root_block", BridgePortSetting.PROTECT),
            Map.entry("fastleave", BridgePortSetting.FAST_LEAVE), Map.entry("learning", BridgePortSetting.LEARNING),
            Map.entry("flood", BridgePortSetting.UNICAST_FLOOD), Map.entry("mcast_flood", BridgePortSetting.MCAST_FLOOD),
            Map.entry("bcast_flood", BridgePortSetting.BCAST_FLOOD), Map.entry("mcast_to_unicast", BridgePortSetting.MCAST_TO_UCAST),
            Map.entry("proxy_arp", BridgePortSetting.PROXYARP), Map.entry("proxy_arp_wifi", BridgePortSetting.PROXYARP_WIFI));
    private static final List<Map.Entry<String, BridgePortSetting>> PORT_SWITCHES_LATER = List.of(
            Map.entry("mcast_fast_leave", BridgePortSetting.FAST_LEAVE), Map.entry("neigh_suppress", BridgePortSetting.NEIGH_SUPPRESS));
    private static final List<Map.Entry<String, BridgePortSetting>> PORT_SWITCHES_LAST = List.of(
            Map.entry("vlan_tunnel", BridgePortSetting.VLAN_TUNNEL), Map.entry("isolated", BridgePortSetting.ISOLATED),
            Map.entry("locked", BridgePortSetting.LOCKED));

    /** {@code type bridge_slave ...}: the rest of the line as ip reads it (its words cut short as it allows, in its order). */
    static Map<BridgePortSetting, Long> bridgePortSettings(Args a, java.util.function.ToIntFunction<String> index) {
        Map<BridgePortSetting, Long> out = new LinkedHashMap<>();
        while (a.more()) {
            String w = a.next();
            if (Args.matches(w, "fdb_flush")) {
                out.put(BridgePortSetting.FLUSH, 0L);
            } else if (Args.matches(w, "state")) {
                String v = a.value(null);
                out.put(BridgePortSetting.STATE, portValue(Args.unsigned(v, 255), v, "state is invalid"));
            } else if (Args.matches(w, "priority")) {
                String v = a.value(null);
                out.put(BridgePortSetting.PRIORITY, portValue(Args.unsigned(v, 0xffff), v, "priority is invalid"));
            } else if (Args.matches(w, "cost")) {
                String v = a.value(null);
                out.put(BridgePortSetting.COST, portValue(Args.unsigned(v, 0xffff_ffffL), v, "cost is invalid"));
            } else if (portSwitch(w, PORT_SWITCHES, a, out)) {
                continue;
            } else if (Args.matches(w, "mcast_router")) {
                String v = a.value(null);
                out.put(BridgePortSetting.MULTICAST_ROUTER, portValue(Args.unsigned(v, 255), v, "invalid mcast_router"));
            } else if (portSwitch(w, PORT_SWITCHES_LATER, a, out)) {
                continue;
            } else if (Args.matches(w, "group_fwd_mask")) {
                String v = a.value(null);
                out.put(BridgePortSetting.GROUP_FWD_MASK, portValue(Args.unsigned(v, 0xffff), v, "invalid group_fwd_mask"));
            } else if (portSwitch(w, PORT_SWITCHES_LAST, a, out)) {
                continue;
            } else if (Args.matches(w, "backup_port")) {
                String v = a.value(null);
                int i;
                try {
                    i = index.applyAsInt(v);
                } catch (KernelException e) {
                    throw new UsageException("Error: argument \"" + v + "\" is wrong: Device does not exist\n");
                }
                out.put(BridgePortSetting.BACKUP_PORT, (long) i);
            } else if (Args.matches(w, "nobackup_port")) {
                out.put(BridgePortSetting.BACKUP_PORT, 0L);
            } else {
                throw new UsageException("bridge_slave: unknown option \"" + w + "\"?", 1);
            }
        }
        return out;
    }

    private static long portValue(Long v, String word, String why) {
        if (v == null) throw new UsageException("Error: argument \"" + word + "\" is wrong: " + why);
        return v;
    }

    /** One of {@code words}' on/off settings, when {@code w} is one: its value read (ip's refusal and exit 1 for another word). */
    private static boolean portSwitch(String w, List<Map.Entry<String, BridgePortSetting>> words, Args a, Map<BridgePortSetting, Long> out) {
        for (Map.Entry<String, BridgePortSetting> e : words) {
            if (!Args.matches(w, e.getKey())) continue;
            String v = a.value(null);
            if (!v.equals("on") && !v.equals("off")) {
                throw new UsageException("Error: argument of \"" + e.getKey() + "\" must be one of \"off\", \"on\", not \"" + v + "\"", 1);
            }
            out.put(e.getValue(), v.equals("on") ? 1L : 0L);
            return true;
        }
        return false;
    }

    /** ip's words for a bridge's settings, in the order ip tries them (a word may be cut short, as with ip). */
    private static final List<Map.Entry<String, BridgeSetting>> BRIDGE_WORDS = List.of(
            Map.entry("forward_delay", BridgeSetting.FORWARD_DELAY), Map.entry("hello_time", BridgeSetting.HELLO_TIME),
            Map.entry("max_age", BridgeSetting.MAX_AGE), Map.entry("ageing_time", BridgeSetting.AGEING_TIME),
            Map.entry("stp_state", BridgeSetting.STP_STATE), Map.entry("priority", BridgeSetting.PRIORITY),
            Map.entry("vlan_filtering", BridgeSetting.VLAN_FILTERING), Map.entry("vlan_protocol", BridgeSetting.VLAN_PROTOCOL),
            Map.entry("group_fwd_mask", BridgeSetting.GROUP_FWD_MASK), Map.entry("vlan_default_pvid", BridgeSetting.VLAN_DEFAULT_PVID),
            Map.entry("vlan_stats_enabled", BridgeSetting.VLAN_STATS_ENABLED), Map.entry("mcast_router", BridgeSetting.MCAST_ROUTER),
            Map.entry("mcast_snooping", BridgeSetting.MCAST_SNOOPING), Map.entry("mcast_query_use_ifaddr", BridgeSetting.MCAST_QUERY_USE_IFADDR),
            Map.entry("mcast_querier", BridgeSetting.MCAST_QUERIER), Map.entry("mcast_stats_enabled", BridgeSetting.MCAST_STATS_ENABLED),
            Map.entry("mcast_igmp_version", BridgeSetting.MCAST_IGMP_VERSION), Map.entry("mcast_mld_version", BridgeSetting.MCAST_MLD_VERSION),
            Map.entry("nf_call_iptables", BridgeSetting.NF_CALL_IPTABLES), Map.entry("nf_call_ip6tables", BridgeSetting.NF_CALL_IP6TABLES),
            Map.entry("nf_call_arptables", BridgeSetting.NF_CALL_ARPTABLES));

    /** {@code type bridge [forward_delay N] [stp_state 0|1] ...}: the rest of the line, as ip reads it. */
    static Map<BridgeSetting, Long> bridgeSettings(Args a) {
        Map<BridgeSetting, Long> out = new LinkedHashMap<>();
        while (a.more()) {
            String w = a.next();
            Map.Entry<String, BridgeSetting> e = BRIDGE_WORDS.stream().filter(x -> x.getKey().startsWith(w)).findFirst()
                    .orElseThrow(() -> new UsageException("bridge: unknown command \"" + w + "\"?\nnslab sets: "
                            + String.join(" ", BRIDGE_WORDS.stream().map(Map.Entry::getKey).toList()), 1));
            String v = a.value(e.getKey());
            out.put(e.getValue(), e.getValue() == BridgeSetting.VLAN_PROTOCOL ? vlanProtocol(v) : unsigned(v, e.getValue().max(), e.getKey()));
        }
        return out;
    }

    private static long vlanProtocol(String v) {
        Integer p = ethertype(v);
        if (p == null) throw new UsageException("Error: argument \"" + v + "\" is wrong: invalid vlan_protocol");
        return p;
    }

    /** A VLAN protocol as ip names it (802.1Q, 802.1ad), as its ethertype; null for another word. */
    private static Integer ethertype(String v) {
        return v.equalsIgnoreCase("802.1Q") ? Integer.valueOf(0x8100) : v.equalsIgnoreCase("802.1ad") ? Integer.valueOf(0x88a8) : null;
    }

    private static long unsigned(String v, long max, String what) {
        Long n = Args.unsigned(v, max);
        if (n == null) throw new UsageException("Error: argument \"" + v + "\" is wrong: invalid " + what);
        return n;
    }

    /** The flags "ip link set DEV WORD on|off" changes. */
    private static final java.util.Map<String, Integer> FLAGS = java.util.Map.of("promisc", 0x100, "multicast", 0x1000,
            "allmulticast", 0x200, "arp", 0x80, "dynamic", 0x8000, "trailers", 0x20);

    /** ip's link words for {@link LinkSetting}s, in the order it tries them; the first three may be cut short. */
    private static final List<String> SETTING_WORDS = List.of("carrier", "mode", "state", "numtxqueues", "numrxqueues", "addrgenmode", "protodown",
            "gso_max_size", "gso_max_segs", "gro_max_size");
    private static final List<String> OPER_STATES = List.of("UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP");
    private static final List<String> ADDR_GEN_MODES = List.of("eui64", "none", "stable_secret", "random");

    /** The setting word {@code w} is (whole, or cut short where ip allows it), or null. */
    private static String settingWord(String w) {
        for (String k : SETTING_WORDS) {
            boolean prefix = k.equals("numtxqueues") || k.equals("numrxqueues") || k.equals("addrgenmode");
            if (prefix ? Args.matches(w, k) : w.equals(k)) return k;
        }
        return null;
    }

    /** The value of setting word {@code k} read as ip reads it (its refusals in its words), put in {@code into}. */
    private static void readSetting(String k, Args a, Map<LinkSetting, Long> into) {
        String v = a.value(null);
        switch (k) {
            case "carrier", "protodown" -> {
                if (!v.equals("on") && !v.equals("off")) {
                    throw new UsageException("Error: argument of \"" + k + "\" must be one of \"off\", \"on\", not \"" + v + "\"", 22);
                }
                into.put(k.equals("carrier") ? LinkSetting.CARRIER : LinkSetting.PROTO_DOWN, v.equals("on") ? 1L : 0L);
            }
            case "mode" -> into.put(LinkSetting.LINKMODE, (long) Args.known(v.equals("default") ? Integer.valueOf(0) : v.equals("dormant") ? Integer.valueOf(1) : null,
                    v, "Invalid link mode"));
            case "state" -> {
                int i = OPER_STATES.indexOf(v.toUpperCase(java.util.Locale.ROOT));
                into.put(LinkSetting.OPERSTATE, (long) Args.known(i < 0 ? null : i, v, "Invalid operstate"));
            }
            case "numtxqueues", "numrxqueues" -> {
                LinkSetting s = k.equals("numtxqueues") ? LinkSetting.NUM_TX_QUEUES : LinkSetting.NUM_RX_QUEUES;
                if (into.containsKey(s)) throw new UsageException("Error: duplicate \"" + k + "\": \"" + v + "\" is the second value.");
                into.put(s, Args.known(Args.unsigned(v, Integer.MAX_VALUE), v, "Invalid \"" + k + "\" value"));
            }
            case "addrgenmode" -> {
                int i = ADDR_GEN_MODES.indexOf(v);
                into.put(LinkSetting.ADDR_GEN_MODE, (long) Args.known(i < 0 ? null : i, v, "Invalid address generation mode"));
            }
            default -> { // gso_max_size, gso_max_segs, gro_max_size
                Long n = Args.unsigned(v, k.equals("gso_max_segs") ? 65535 : 0xffff_ffffL);
                into.put(k.equals("gso_max_size") ? LinkSetting.GSO_MAX_SIZE : k.equals("gso_max_segs") ? LinkSetting.GSO_MAX_SEGS : LinkSetting.GRO_MAX_SIZE,
                        Args.known(n, v, "Invalid \"" + k + "\" value"));
            }
        }
    }

    private static boolean isSetKeyword(String w) {
        return switch (w) {
            case "up", "down", "netns", "master", "nomaster", "name", "mtu", "address", "alias", "txqueuelen", "qlen", "txqlen", "group" -> true;
            default -> FLAGS.containsKey(w);
        };
    }

    private int delete(Args a) {
        String dev = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) dev = a.value("dev");
            else if (w.equals("type")) a.value("type");
            else if (dev == null) dev = w;
            else throw new UsageException("Error: either \"dev\" is duplicate, or \"" + w + "\" is a garbage.");
        }
        if (dev == null) throw new UsageException("Not enough information: \"dev\" argument is required.");
        cli.handle(ns).deleteLink(dev);
        return 0;
    }
}
