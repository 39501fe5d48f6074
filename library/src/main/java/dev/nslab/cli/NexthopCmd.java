package dev.nslab.cli;

import dev.nslab.net.Family;
import dev.nslab.net.NetHandle;
import dev.nslab.net.Nexthop;
import dev.nslab.net.NsRef;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab nexthop add | replace | del | show | get | flush} (alias {@code nh}): nexthop objects, which routes
 * name with {@code nhid}, read and written as ip nexthop does, in its words. Not yet: resilient groups and their
 * buckets, encapsulation, hardware statistics, the master and vrf selectors.
 */
final class NexthopCmd extends NsCmd {
    NexthopCmd(Cli cli, NsRef ns) { super(cli, ns); }

    private final RouteWords.Protocols protocols = new RouteWords.Protocols();

    private static final String USAGE = """
            Usage: ip nexthop { list | flush } [ protocol ID ] SELECTOR
                   ip nexthop { add | replace } id ID NH [ protocol ID ]
                   ip nexthop { get | del } id ID
                   ip nexthop bucket list BUCKET_SELECTOR
                   ip nexthop bucket get id ID index INDEX
            SELECTOR := [ id ID ] [ dev DEV ] [ vrf NAME ] [ master DEV ]
                        [ groups ] [ fdb ]
            BUCKET_SELECTOR := SELECTOR | [ nhid ID ]
            NH := { blackhole | [ via ADDRESS ] [ dev DEV ] [ onlink ]
                    [ encap ENCAPTYPE ENCAPHDR ] |
                    group GROUP [ fdb ] [ type TYPE [ TYPE_ARGS ] ] }
            GROUP := [ <id[,weight]>/<id[,weight]>/... ]
            TYPE := { mpath | resilient }
            TYPE_ARGS := [ RESILIENT_ARGS ]
            RESILIENT_ARGS := [ buckets BUCKETS ] [ idle_timer IDLE ]
                              [ unbalanced_timer UNBALANCED ]
            ENCAPTYPE := [ mpls ]
            ENCAPHDR := [ MPLSLABEL ]""";


    @Override
    int run(Args a) {
        if (!a.more()) return list(a, false);
        String verb = a.next();
        // ip's order of tests: "l" is list, "d" delete, "g" get, "f" flush
        if (Args.matches(verb, "add")) return modify(a, Verb.ADD);
        if (Args.matches(verb, "replace")) return modify(a, Verb.REPLACE);
        if (Args.matches(verb, "delete")) return modify(a, Verb.DELETE);
        if (Args.matches(verb, "list") || Args.matches(verb, "show") || Args.matches(verb, "lst")) return list(a, false);
        if (Args.matches(verb, "get")) return get(a);
        if (Args.matches(verb, "flush")) return list(a, true);
        if (Args.matches(verb, "bucket")) throw new UsageException("nslab: ip nexthop bucket (the buckets of resilient groups) is not supported yet");
        if (Args.matches(verb, "help")) throw new UsageException(USAGE);
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip nexthop help\".");
    }

    private enum Verb { ADD, REPLACE, DELETE }

    /** ip's ipnh_modify: add and replace send what the words say; delete sends the same words' id. */
    private int modify(Args a, Verb verb) {
        int id = 0, oif = 0, flags = 0, protocol = 0, groupType = 0;
        Family family = cli.family;
        InetAddress gateway = null;
        boolean blackhole = false, fdb = false;
        List<Nexthop.Member> group = List.of();
        NetHandle h = cli.handle(ns);
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "id" -> id = id(a.value(null));
                case "dev" -> {
                    oif = device(h, a.value(null));
                    if (family == null) family = Family.INET;
                }
                case "via" -> {
                    String v = a.value(null);
                    Family f = v.equals("inet") ? Family.INET : v.equals("inet6") ? Family.INET6 : null;
                    if (f != null) v = a.value(null);
                    else f = family;
                    InetAddress addr = AddressWords.getAddr(v, f);
                    if (family == null) family = Family.of(addr);
                    else if (family != Family.of(addr)) throw invarg(v, "address family mismatch\n");
                    gateway = addr;
                }
                case "blackhole" -> {
                    blackhole = true;
                    if (family == null) family = Family.INET;
                }
                case "fdb" -> fdb = true;
                case "onlink" -> flags |= 4; // RTNH_F_ONLINK
                case "group" -> group = group(a.value(null));
                case "type" -> {
                    String t = a.value(null);
                    if (t.equals("resilient")) throw new UsageException("nslab: resilient nexthop groups are not supported yet (type mpath is)");
                    if (!t.equals("mpath")) throw invarg(t, "\"type\" value is invalid\n");
                    groupType = 0;
                }
                case "encap", "hw_stats" -> throw new UsageException("nslab: \"" + w + "\" of a nexthop is not supported yet");
                case "help" -> throw new UsageException(USAGE);
                default -> {
                    if (!Args.matches(w, "protocol")) throw invarg(w, "");
                    String v = a.value(null);
                    Integer p = protocols.parse(v);
                    if (p == null) throw invarg(v, "\"protocol\" value is invalid\n");
                    protocol = p;
                }
            }
        }
        if (verb == Verb.DELETE) h.deleteNexthop(id);
        else h.addNexthop(new Nexthop(id, family, gateway, oif, blackhole, fdb, flags, protocol, 0, group, groupType), verb == Verb.REPLACE);
        return 0;
    }

    /** get id ID: one nexthop; anything else, or no id, is ip's usage. */
    private int get(Args a) {
        int id = 0;
        while (a.more()) {
            if (!a.next().equals("id")) throw new UsageException(USAGE);
            id = id(a.value(null));
        }
        if (id == 0) throw new UsageException(USAGE);
        print(List.of(cli.handle(ns).nexthop(id)));
        return 0;
    }

    /** list (or flush) with ip's selectors; "id ID" answers at once, as ip does, whatever follows. */
    private int list(Args a, boolean flush) {
        NetHandle h = cli.handle(ns);
        boolean all = !a.more(), groups = false, fdb = false;
        int oif = 0;
        Integer protocol = null;
        while (a.more()) {
            String w = a.next();
            if (Args.matches(w, "dev")) {
                oif = device(h, a.value(null));
            } else if (Args.matches(w, "groups")) {
                groups = true;
            } else if (Args.matches(w, "master") || Args.matches(w, "vrf")) {
                throw new UsageException("nslab: the \"" + w + "\" selector of ip nexthop is not supported yet");
            } else if (w.equals("id")) {
                int id = id(a.value(null));
                if (flush) h.deleteNexthop(id);
                else print(List.of(h.nexthop(id)));
                return 0;
            } else if (Args.matches(w, "protocol")) {
                String v = a.value(null);
                Long p = Args.unsigned(v, 0xffffffffL);
                if (p == null) throw invarg(v, "invalid protocol value");
                protocol = (int) (long) p;
            } else if (Args.matches(w, "fdb")) {
                fdb = true;
            } else if (Args.matches(w, "help")) {
                throw new UsageException(USAGE);
            } else {
                throw invarg(w, "");
            }
        }
        Family family = cli.family;
        if (!flush) {
            List<Nexthop> shown = new ArrayList<>();
            for (Nexthop n : h.nexthops(family, oif, groups, fdb)) if (protocol == null || n.protocol() == protocol) shown.add(n);
            print(shown);
            return 0;
        }
        // flushing everything takes the groups first: a nexthop in a group cannot go before the group
        int flushed = 0;
        for (boolean groupsOnly : all ? new boolean[] {true, false} : new boolean[] {groups}) {
            for (Nexthop n : h.nexthops(family, all ? 0 : oif, groupsOnly, fdb)) {
                if (protocol != null && n.protocol() != protocol) continue;
                try {
                    h.deleteNexthop(n.id());
                    flushed++;
                } catch (dev.nslab.error.KernelException e) {
                    cli.refused(e);
                }
            }
        }
        cli.out.println(flushed == 0 ? "Nothing to flush" : "Flushed " + flushed + " nexthops");
        return 0;
    }

    private void print(List<Nexthop> nexthops) {
        Map<Integer, String> names = nexthops.stream().anyMatch(n -> n.oif() != 0) ? cli.handle(ns).linkNames() : Map.of();
        if (cli.json) {
            List<Object> out = new ArrayList<>();
            for (Nexthop n : nexthops) out.add(json(n, names));
            cli.printJson(out);
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (Nexthop n : nexthops) sb.append(text(n, names)).append('\n');
        cli.out.print(sb);
    }

    /** ip's line: each part ends with its space, but "fdb", the last, has none. */
    String text(Nexthop n, Map<Integer, String> names) {
        StringBuilder sb = new StringBuilder("id ").append(Integer.toUnsignedLong(n.id())).append(' ');
        if (n.isGroup()) {
            sb.append("group ");
            for (int i = 0; i < n.group().size(); i++) {
                Nexthop.Member m = n.group().get(i);
                if (i > 0) sb.append('/');
                sb.append(Integer.toUnsignedLong(m.id()));
                if (m.weight() > 1) sb.append(',').append(m.weight());
            }
            sb.append(' ');
        }
        if (n.groupType() == 1) sb.append("type resilient ");
        if (n.gateway() != null) sb.append("via ").append(cli.hosts.of(n.gateway())).append(' ');
        if (n.oif() != 0) sb.append("dev ").append(names.getOrDefault(n.oif(), "if" + n.oif())).append(' ');
        if (n.scope() != 0 || cli.details) sb.append("scope ").append(AddressCmd.scopeName(n.scope())).append(' ');
        if (n.blackhole()) sb.append("blackhole ");
        if (n.protocol() != 0 || cli.details) sb.append("proto ").append(protocols.name(n.protocol())).append(' ');
        for (String f : RouteCmd.flagWords(n.flags())) sb.append(f).append(' ');
        if (n.fdb()) sb.append("fdb");
        return sb.toString();
    }

    private Map<String, Object> json(Nexthop n, Map<Integer, String> names) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Integer.toUnsignedLong(n.id()));
        if (n.isGroup()) {
            List<Object> g = new ArrayList<>();
            for (Nexthop.Member e : n.group()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("id", Integer.toUnsignedLong(e.id()));
                if (e.weight() > 1) one.put("weight", e.weight());
                g.add(one);
            }
            m.put("group", g);
        }
        if (n.groupType() == 1) m.put("type", "resilient");
        if (n.gateway() != null) m.put("gateway", cli.hosts.of(n.gateway()));
        if (n.oif() != 0) m.put("dev", names.getOrDefault(n.oif(), "if" + n.oif()));
        if (n.scope() != 0 || cli.details) m.put("scope", AddressCmd.scopeName(n.scope()));
        if (n.blackhole()) m.put("blackhole", null);
        if (n.protocol() != 0 || cli.details) m.put("protocol", protocols.name(n.protocol()));
        m.put("flags", RouteCmd.flagWords(n.flags()));
        if (n.fdb()) m.put("fdb", null);
        return m;
    }



    /** The index of device {@code d}, or ip's refusal of the word: one question to the kernel. */
    private static int device(NetHandle h, String d) {
        try {
            return h.index(d);
        } catch (dev.nslab.error.KernelException e) {
            if (e.errno() != dev.nslab.error.Errno.ENODEV) throw e;
            throw invarg(d, "Device does not exist\n");
        }
    }

    private static UsageException invarg(String arg, String why) {
        return new UsageException("Error: argument \"" + arg + "\" is wrong: " + why);
    }

    private static int id(String v) {
        Long n = Args.unsigned(v, 0xffffffffL);
        if (n == null) throw invarg(v, "invalid id value");
        return (int) (long) n;
    }

    /** GROUP: ID[,WEIGHT]/ID[,WEIGHT]/..., as add_nh_group_attr reads it. */
    private static List<Nexthop.Member> group(String v) {
        List<Nexthop.Member> out = new ArrayList<>();
        // ip cuts the word at its first "/" and "," as it reads it, and names what is left when it refuses it
        String first = v.split("/", -1)[0];
        String shown = first.indexOf(',') < 0 ? first : first.substring(0, first.indexOf(','));
        if (v.isEmpty()) throw invarg(v, "\"group\" value is invalid\n");
        for (String part : v.split("/", -1)) {
            int comma = part.indexOf(',');
            Long id = Args.unsigned(comma < 0 ? part : part.substring(0, comma), 0xffffffffL);
            if (id == null) throw invarg(shown, "\"group\" value is invalid\n");
            int weight = 1;
            if (comma >= 0) {
                String ws = part.substring(comma + 1);
                Long wv = Args.unsigned(ws, 65536);
                if (wv == null || wv == 0) throw invarg(ws, "\"weight\" is invalid\n");
                weight = (int) (long) wv;
            }
            out.add(new Nexthop.Member((int) (long) id, weight));
        }
        return out;
    }
}
