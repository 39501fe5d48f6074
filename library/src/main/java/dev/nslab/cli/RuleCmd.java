package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.Rule;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code nslab rule add | del | show | flush}: policy routing rules as ip rule has them — what they match (prefixes,
 * interfaces, marks, TOS, IP protocol and ports, user ids, inverted with {@code not}), what they do (a table, goto, nop,
 * blackhole, unreachable, prohibit), the lookup's suppressors, realms and protocol — and show's and flush's selectors.
 */
final class RuleCmd extends ObjectCmd {
    /** Protocol names, read once a command (rt_protos where a number is not iproute2's own). */
    private final RouteWords.Protocols protocols = new RouteWords.Protocols();

    RuleCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override String object() { return "rule"; }

    @Override void help(PrintStream out) { Help.rule(out); }

    @Override
    Integer verb(String cmd, Args a) {
        if (Args.matches(cmd, "flush")) return flush(a);
        return addOrDelete(cmd, a, this::change);
    }

    private Family family() { return cli.family == null ? Family.INET : cli.family; }

    private int change(Args a, boolean add) {
        if (!a.more()) {
            cli.err.println("\"ip rule " + (add ? "add" : "del") + "\" requires arguments.");
            return 1;
        }
        Cidr from = null, to = null;
        String iif = null, oif = null;
        Integer table = null, priority = null, gotoTarget = null, realms = null, protocol = null, ipproto = null, supPl = null, supGroup = null;
        Long fwmark = null, fwmask = null;
        Rule.Range sport = null, dport = null, uids = null;
        boolean not = false, l3mdev = false, tableOk = false;
        int tos = 0, action = 0;
        while (a.more()) {
            String w = a.next();
            if (w.equals("not")) not = true;
            else if (w.equals("from")) from = prefix(a.value(null));
            else if (w.equals("to")) to = prefix(a.value(null));
            else if (Args.matches(w, "preference") || Args.matches(w, "order") || Args.matches(w, "priority")) {
                priority = (int) number(a.value(null), "preference value is invalid");
            } else if (w.equals("tos") || Args.matches(w, "dsfield")) {
                tos = cli.dsfields.known(a.value(null), "TOS value is invalid\n");
            } else if (w.equals("fwmark")) {
                // MARK[/MASK], each a number in C's forms (0x7, 7), as ip reads them
                String v = a.value(null);
                int slash = v.indexOf('/');
                fwmark = number(slash < 0 ? v : v.substring(0, slash), "fwmark value is invalid");
                if (slash >= 0) fwmask = number(v.substring(slash + 1), "fwmask value is invalid");
            } else if (Args.matches(w, "realms")) {
                realms = RouteMetricWords.realms(a.value(null), cli.realms);
            } else if (Args.matches(w, "protocol")) {
                String v = a.value(null);
                protocol = Args.known(protocols.parse(v), v, "\"protocol\" value is invalid");
            } else if (Args.matches(w, "table") || w.equals("lookup")) {
                String t = a.value(null);
                table = cli.tables.known(t, "invalid table ID\n");
                tableOk = true;
            } else if (Args.matches(w, "suppress_prefixlength") || w.equals("sup_pl")) {
                String v = a.value(null);
                Long n = Args.unsigned(v, Integer.MAX_VALUE);
                supPl = Args.known(n == null ? null : n.intValue(), v, "suppress_prefixlength value is invalid");
            } else if (Args.matches(w, "suppress_ifgroup") || w.equals("sup_group")) {
                supGroup = cli.groups.id(a.value(null), "suppress_ifgroup");
            } else if (w.equals("dev") || w.equals("iif")) {
                iif = ifname(a.value(null), "\"iif\"/\"dev\" not a valid ifname");
            } else if (w.equals("oif")) {
                oif = ifname(a.value(null), "\"oif\" not a valid ifname");
            } else if (w.equals("l3mdev")) {
                l3mdev = true;
                tableOk = true;
            } else if (w.equals("uidrange")) {
                uids = range(a.value(null), 0xffff_ffffL, "invalid UID range", false);
            } else if (w.equals("ipproto")) {
                String v = a.value(null);
                int p = IpProtocols.parse(v);
                ipproto = Args.known(p < 0 ? null : p, v, "Invalid \"ipproto\" value");
            } else if (w.equals("sport")) {
                sport = range(a.value(null), 0xffff, "invalid port range", true);
            } else if (w.equals("dport")) {
                dport = range(a.value(null), 0xffff, "invalid dport range", true);
            } else {
                // a type (unicast, blackhole, unreachable, prohibit...), goto TARGET or nop, "type" before it optional
                String t = w.equals("type") ? a.value(null) : w;
                if (Args.matches(t, "help")) {
                    help(cli.out);
                    return 255;
                }
                if (Args.matches(t, "goto")) {
                    action = Rule.GOTO;
                    gotoTarget = (int) number(a.value(null), "invalid target");
                } else if (Args.matches(t, "nop")) {
                    action = Rule.NOP;
                } else {
                    Integer type = RouteWords.type(t);
                    if (type == null) throw new UsageException("Error: argument \"" + t + "\" is wrong: Failed to parse rule type");
                    action = type;
                }
                tableOk = true;
            }
        }
        if (l3mdev && table != null && table != 0) {
            cli.err.println("table can not be specified for l3mdev rules");
            return 22; // ip returns -EINVAL
        }
        Family fam = from != null ? from.family() : to != null ? to.family() : family();
        if ((from != null && from.family() != fam) || (to != null && to.family() != fam)) {
            throw new UsageException("Error: from and to are of different families.");
        }
        int t = table != null ? table : add && !tableOk ? RouteTables.MAIN : 0;
        if (add && action == 0) action = Rule.TO_TABLE;
        Rule rule = new Rule(fam, from, to, iif, oif, t, priority, fwmark, fwmask, not, tos, action, gotoTarget, realms, protocol, ipproto,
                sport, dport, uids, supPl, supGroup, l3mdev, 0);
        if (add) cli.handle(ns).addRule(rule);
        else cli.handle(ns).deleteRule(rule);
        return 0;
    }

    /** C's %#x: 0x and the digits, but 0 as "0". */
    private static String hex(long v) { return v == 0 ? "0" : "0x" + Long.toHexString(v); }

    private static long number(String v, String why) { return Args.known(Args.unsigned(v, 0xFFFFFFFFL), v, why); }

    /** An interface name as ip's check_ifname takes one (1 to 15 bytes, no slash or space). */
    private static String ifname(String v, String why) {
        if (v.isEmpty() || v.length() >= 16 || v.contains("/") || v.chars().anyMatch(Character::isWhitespace)) {
            throw new UsageException("Error: argument \"" + v + "\" is wrong: " + why);
        }
        return v;
    }

    /** {@code START-END} (or, {@code single}, a lone START for both), as ip's sscanf reads it. */
    private static Rule.Range range(String v, long max, String why, boolean single) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(?:-(\\d+))?.*").matcher(v);
        if (!m.matches() || m.group(2) == null && !single) Args.known(null, v, why);
        long start = Long.parseLong(m.group(1)) & max, end = m.group(2) == null ? start : Long.parseLong(m.group(2)) & max;
        return new Rule.Range(start, end);
    }

    private static Cidr prefix(String text) {
        if (text.equals("all")) return null;
        try {
            return Cidr.parse(text);
        } catch (KernelException e) {
            throw new UsageException("Error: " + e.getMessage() + ".");
        }
    }

    /** show's and flush's selectors, as ip's filter_nlmsg applies them. */
    private Predicate<Rule> selector(Args a) {
        List<Predicate<Rule>> tests = new ArrayList<>();
        while (a.more()) {
            String w = a.next();
            if (Args.matches(w, "preference") || Args.matches(w, "order") || Args.matches(w, "priority")) {
                long p = number(a.value(null), "preference value is invalid");
                tests.add(r -> (r.priority() == null ? 0 : r.priority()) == p);
            } else if (w.equals("not")) {
                tests.add(Rule::not);
            } else if (w.equals("tos") || w.equals("dsfield")) {
                int t = cli.dsfields.known(a.value(null), "TOS value is invalid\n");
                tests.add(r -> r.tos() == t);
            } else if (w.equals("fwmark")) {
                String v = a.value(null);
                int slash = v.indexOf('/');
                long mark = number(slash < 0 ? v : v.substring(0, slash), "fwmark value is invalid");
                Long mask = slash < 0 ? null : number(v.substring(slash + 1), "fwmask value is invalid");
                if (mark != 0) tests.add(r -> (r.fwmark() == null ? 0 : r.fwmark()) == mark);
                if (mask != null && mask != 0) tests.add(r -> (r.fwmask() == null ? 0 : r.fwmask()) == (long) mask);
            } else if (w.equals("dev") || w.equals("iif")) {
                String n = ifname(a.value(null), "\"iif\"/\"dev\" not a valid ifname");
                tests.add(r -> n.equals(r.iif()));
            } else if (w.equals("oif")) {
                String n = ifname(a.value(null), "\"oif\" not a valid ifname");
                tests.add(r -> n.equals(r.oif()));
            } else if (w.equals("l3mdev")) {
                tests.add(Rule::l3mdev);
            } else if (w.equals("uidrange")) {
                Rule.Range u = range(a.value(null), 0xffff_ffffL, "invalid UID range", false);
                tests.add(r -> u.equals(r.uids()));
            } else if (Args.matches(w, "lookup") || Args.matches(w, "table")) {
                String t = a.value(null);
                int id = cli.tables.known(t, "table id value is invalid\n");
                if (id > 0) tests.add(r -> r.table() == id);
            } else if (Args.matches(w, "from") || Args.matches(w, "src")) {
                Cidr c = selectorPrefix(a.value(null), "from value is invalid");
                if (c != null) tests.add(r -> within(c, r.from()));
            } else if (Args.matches(w, "protocol")) {
                String v = a.value(null);
                // read and checked as ip reads it, and (as ip 6.1's filter has it) no rule is left out by it
                if (protocols.parse(v) == null && !v.equals("all")) Args.known(null, v, "invalid \"protocol\"");
            } else if (w.equals("ipproto")) {
                String v = a.value(null);
                int p = IpProtocols.parse(v);
                Args.known(p < 0 ? null : p, v, "Invalid \"ipproto\" value");
                if (p != 0) tests.add(r -> (r.ipproto() == null ? 0 : r.ipproto()) == p);
            } else if (w.equals("sport") || w.equals("dport")) {
                boolean src = w.equals("sport");
                Rule.Range want = range(a.value(null), 0xffff, src ? "invalid port range" : "invalid dport range", true);
                if (want.start() != 0) tests.add(r -> want.equals(src ? r.sport() : r.dport()));
            } else {
                String v = Args.matches(w, "dst") || Args.matches(w, "to") ? a.value(null) : w;
                if (Args.matches(v, "help")) {
                    help(cli.out);
                    return null;
                }
                Cidr c = selectorPrefix(v, "to value is invalid");
                if (c != null) tests.add(r -> within(c, r.to()));
            }
        }
        return r -> tests.stream().allMatch(t -> t.test(r));
    }

    /** A selector's prefix: null for all (or default, or any); ip's refusal where it is none. */
    private Cidr selectorPrefix(String v, String why) {
        if (v.equals("all") || v.equals("default") || v.equals("any")) return null;
        try {
            return v.contains("/") ? Cidr.parse(v).network() : new Cidr(Cidr.parseAddress(v), v.contains(":") ? 128 : 32);
        } catch (RuntimeException e) {
            return Args.known(null, v, why);
        }
    }

    /** ip's prefix filter: the rule's prefix at least as long as the filter's, and inside it (a rule of "all" is outside any). */
    private static boolean within(Cidr filter, Cidr rule) {
        if (rule == null) return false;
        return rule.family() == filter.family() && rule.prefixLength() >= filter.prefixLength() && filter.contains(rule.address());
    }

    /** {@code rule flush [SELECTOR]}: every rule of the family the selectors take but that of priority 0, as ip flushes them. */
    private int flush(Args a) {
        Predicate<Rule> keep = selector(a);
        if (keep == null) return 0;
        NetHandle h = cli.handle(ns);
        for (Rule r : h.rules(family())) if (r.priority() != null && r.priority() != 0 && keep.test(r)) h.deleteRule(r);
        return 0;
    }

    @Override
    int show(Args a) {
        Predicate<Rule> keep = selector(a);
        if (keep == null) return 0;
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Rule r : cli.handle(ns).rules(family())) {
            if (!keep.test(r)) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            line(r, sb, m);
            json.add(m);
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    /** One rule as ip's print_rule prints it: the text to {@code sb}, the same as ip -j has it to {@code m}. */
    /** A rule's iif or oif ({@code word}), if it has one, and "[detached]" where that device is not there. */
    private static void device(String word, String name, boolean detached, StringBuilder sb, Map<String, Object> m) {
        if (name == null) return;
        m.put(word, name);
        sb.append(' ').append(word).append(' ').append(name);
        if (detached) {
            m.put(word + "_detached", null);
            sb.append(" [detached]");
        }
    }

    void line(Rule r, StringBuilder sb, Map<String, Object> m) {
        int host = r.family() == Family.INET ? 32 : 128;
        m.put("priority", r.priority() == null ? 0 : r.priority());
        sb.append(r.priority() == null ? 0 : r.priority()).append(":\t");
        if (r.not()) {
            m.put("not", null);
            sb.append("not ");
        }
        sb.append("from ");
        if (r.from() == null) {
            m.put("src", "all");
            sb.append("all");
        } else {
            m.put("src", Cidr.format(r.from().address()));
            if (r.from().prefixLength() != host) m.put("srclen", r.from().prefixLength());
            sb.append(r.from().prefixLength() == host ? Cidr.format(r.from().address()) : r.from().toString());
        }
        if (r.to() != null) {
            m.put("dst", Cidr.format(r.to().address()));
            if (r.to().prefixLength() != host) m.put("dstlen", r.to().prefixLength());
            sb.append(" to ").append(r.to().prefixLength() == host ? Cidr.format(r.to().address()) : r.to().toString());
        }
        if (r.tos() != 0) {
            m.put("tos", cli.dsfields.name(r.tos()));
            sb.append(" tos ").append(cli.dsfields.name(r.tos()));
        }
        if (r.fwmark() != null || r.fwmask() != null) {
            long mark = r.fwmark() == null ? 0 : r.fwmark(), mask = r.fwmask() == null ? 0xFFFFFFFFL : r.fwmask();
            m.put("fwmark", hex(mark));
            sb.append(" fwmark ").append(hex(mark));
            if (mask != 0xFFFFFFFFL) {
                m.put("fwmask", hex(mask));
                sb.append('/').append(hex(mask));
            }
        }
        device("iif", r.iif(), (r.flags() & Rule.IIF_DETACHED) != 0, sb, m);
        device("oif", r.oif(), (r.flags() & Rule.OIF_DETACHED) != 0, sb, m);
        if (r.l3mdev()) {
            m.put("l3mdev", null);
            sb.append(" lookup [l3mdev-table]");
        }
        if (r.uids() != null) {
            m.put("uid_start", r.uids().start());
            m.put("uid_end", r.uids().end());
            sb.append(" uidrange ").append(r.uids().start()).append('-').append(r.uids().end());
        }
        if (r.ipproto() != null) {
            m.put("ipproto", IpProtocols.word(r.ipproto()));
            sb.append(" ipproto ").append(IpProtocols.word(r.ipproto()));
        }
        ports("sport", r.sport(), sb, m);
        ports("dport", r.dport(), sb, m);
        if (r.table() != 0) {
            m.put("table", cli.tables.name(r.table()));
            sb.append(" lookup ").append(cli.tables.name(r.table()));
            if (r.suppressPrefixlen() != null && r.suppressPrefixlen() != -1) {
                m.put("suppress_prefixlen", r.suppressPrefixlen());
                sb.append(" suppress_prefixlength ").append(r.suppressPrefixlen());
            }
            if (r.suppressIfgroup() != null && r.suppressIfgroup() != -1) {
                String g = cli.groups.name(r.suppressIfgroup());
                m.put("suppress_ifgroup", g);
                sb.append(" suppress_ifgroup ").append(g);
            }
        }
        if (r.realms() != null) {
            long flow = Integer.toUnsignedLong(r.realms());
            Map<String, Object> realms = RouteMetricWords.realmsJson(flow, cli.realms);
            if (realms.containsKey("from")) m.put("flow_from", realms.get("from"));
            m.put("flow_to", realms.get("to"));
            sb.append(" realms ").append(realms.containsKey("from") ? realms.get("from") + "/" : "").append(realms.get("to"));
        }
        switch (r.action()) {
            case Rule.GOTO -> {
                if (r.gotoTarget() != null) m.put("goto", r.gotoTarget());
                else m.put("goto", "none");
                sb.append(" goto ").append(r.gotoTarget() == null ? "none" : Integer.toUnsignedString(r.gotoTarget()));
                if ((r.flags() & Rule.UNRESOLVED) != 0) {
                    m.put("unresolved", null);
                    sb.append(" [unresolved]");
                }
            }
            case Rule.NOP -> {
                m.put("nop", null);
                sb.append(" nop");
            }
            case Rule.TO_TABLE -> { }
            default -> {
                m.put("action", RouteWords.type(r.action()));
                sb.append(' ').append(RouteWords.type(r.action()));
            }
        }
        if (r.protocol() != null && (r.protocol() != 0 && r.protocol() != 2 || cli.details)) { // 2: kernel
            String p = protocols.name(r.protocol());
            m.put("protocol", p);
            sb.append(" proto ").append(p);
        }
        sb.append('\n');
    }

    /** " sport 80", or " sport 1000-2000" for a range. */
    private static void ports(String word, Rule.Range p, StringBuilder sb, Map<String, Object> m) {
        if (p == null) return;
        if (p.start() == p.end()) {
            m.put(word, p.start());
            sb.append(' ').append(word).append(' ').append(p.start());
        } else {
            m.put(word + "_start", p.start());
            m.put(word + "_end", p.end());
            sb.append(' ').append(word).append(' ').append(p.start()).append('-').append(p.end());
        }
    }
}
