package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.NsRef;
import dev.nslab.net.Rule;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab rule add | del | show}: policy routing rules that look packets up in a table, as ip rule. */
final class RuleCmd extends ObjectCmd {
    RuleCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override String object() { return "rule"; }

    @Override void help(PrintStream out) { Help.rule(out); }

    @Override
    Integer verb(String cmd, Args a) {
        if (Args.matches(cmd, "flush")) return flush(a);
        return addOrDelete(cmd, a, this::change);
    }

    /** {@code rule flush}: every rule of the family but those of priority 0 (the local table's), as ip flushes them. */
    private int flush(Args a) {
        if (a.more()) throw new UsageException("nslab rule flush: \"" + a.next() + "\" is not supported yet (it flushes every rule but priority 0)");
        dev.nslab.net.NetHandle h = cli.handle(ns);
        for (Rule r : h.rules(family())) if (r.priority() != null && r.priority() != 0) h.deleteRule(r);
        return 0;
    }

    private Family family() { return cli.family == null ? Family.INET : cli.family; }

    private int change(Args a, boolean add) {
        Cidr from = null, to = null;
        String iif = null, oif = null;
        Integer table = null, priority = null;
        Long fwmark = null, fwmask = null;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "from" -> from = prefix(a.value("from"));
                case "to" -> to = prefix(a.value("to"));
                case "iif", "dev" -> iif = a.value(w);
                case "oif" -> oif = a.value(w);
                case "table", "lookup" -> {
                    String t = a.value(w);
                    table = RouteTables.parse(t, "invalid table ID");
                    if (table == null) throw new UsageException("Error: argument \"" + t + "\" is wrong: invalid table ID");
                }
                case "priority", "pref", "preference", "order" -> priority = a.intValue(w);
                case "fwmark" -> {
                    // MARK[/MASK], each a number in C's forms (0x7, 7), as ip reads them
                    String v = a.value("fwmark");
                    int slash = v.indexOf('/');
                    fwmark = number(slash < 0 ? v : v.substring(0, slash), "fwmark");
                    if (slash >= 0) fwmask = number(v.substring(slash + 1), "fwmask");
                }
                default -> throw new UsageException("nslab rule: \"" + w + "\" is not supported yet (from, to, iif, oif, fwmark, table, priority)");
            }
        }
        Family fam = from != null ? from.family() : to != null ? to.family() : family();
        if ((from != null && from.family() != fam) || (to != null && to.family() != fam)) {
            throw new UsageException("Error: from and to are of different families.");
        }
        Rule rule = new Rule(fam, from, to, iif, oif, table != null ? table : add ? RouteTables.MAIN : 0, priority, fwmark, fwmask);
        if (add) cli.handle(ns).addRule(rule);
        else cli.handle(ns).deleteRule(rule);
        return 0;
    }

    /** C's %#x: 0x and the digits, but 0 as "0". */
    private static String hex(long v) { return v == 0 ? "0" : "0x" + Long.toHexString(v); }

    private static long number(String v, String what) {
        Long n = Args.unsigned(v, 0xFFFFFFFFL);
        if (n == null) throw new UsageException("Error: argument \"" + v + "\" is wrong: " + what + " value is invalid\n");
        return n;
    }

    private static Cidr prefix(String text) {
        if (text.equals("all")) return null;
        try {
            return Cidr.parse(text);
        } catch (KernelException e) {
            throw new UsageException("Error: " + e.getMessage() + ".");
        }
    }

    @Override
    int show(Args a) {
        // ip -d rule also prints each rule's protocol, which nslab does not read yet
        if (cli.details) throw new UsageException("nslab: -details with rule show is not supported yet; run the command without -d");
        while (a.more()) {
            String w = a.next();
            if (Args.matches(w, "help")) {
                help(cli.out);
                return 0;
            }
            throw new UsageException("nslab rule show: \"" + w + "\" is not supported yet (it shows every rule)");
        }
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Rule r : cli.handle(ns).rules(family())) {
            int host = r.family() == Family.INET ? 32 : 128;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("priority", r.priority());
            sb.append(r.priority()).append(":\tfrom ");
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
            if (r.fwmark() != null || r.fwmask() != null) {
                long mark = r.fwmark() == null ? 0 : r.fwmark(), mask = r.fwmask() == null ? 0xFFFFFFFFL : r.fwmask();
                m.put("fwmark", hex(mark));
                sb.append(" fwmark ").append(hex(mark));
                if (mask != 0xFFFFFFFFL) {
                    m.put("fwmask", hex(mask));
                    sb.append('/').append(hex(mask));
                }
            }
            if (r.iif() != null) {
                m.put("iif", r.iif());
                sb.append(" iif ").append(r.iif());
            }
            if (r.oif() != null) {
                m.put("oif", r.oif());
                sb.append(" oif ").append(r.oif());
            }
            m.put("table", RouteTables.name(r.table()));
            sb.append(" lookup ").append(RouteTables.name(r.table())).append('\n');
            json.add(m);
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }
}
