package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.AddrLabel;
import dev.nslab.net.Cidr;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab addrlabel [list | add | del | flush]}: IPv6 address labels, as ip addrlabel reads and prints them. */
final class AddrlabelCmd extends NsCmd {
    AddrlabelCmd(Cli cli, NsRef ns) { super(cli, ns); }

    private static final String USAGE = """
            Usage: ip addrlabel { add | del } prefix PREFIX [ dev DEV ] [ label LABEL ]
                   ip addrlabel [ list | flush | help ]""";

    @Override
    int run(Args a) {
        if (!a.more()) return list(a);
        String verb = a.next();
        if (Args.matches(verb, "list") || Args.matches(verb, "lst") || Args.matches(verb, "show")) return list(a);
        if (Args.matches(verb, "add")) return modify(a, false);
        if (Args.matches(verb, "delete")) return modify(a, true);
        if (Args.matches(verb, "flush")) return flush(a);
        if (Args.matches(verb, "help")) throw new UsageException(USAGE);
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip addrlabel help\".");
    }

    private int family() { return cli.family == null ? 10 : cli.family.code(); }

    private int list(Args a) {
        if (a.more()) return fail("\"ip addrlabel show\" does not take any arguments.");
        NetHandle h = cli.handle(ns);
        List<AddrLabel> labels = h.addrLabels(family());
        Map<Integer, String> names = labels.stream().anyMatch(l -> l.index() != 0) ? h.linkNames() : Map.of();
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (AddrLabel l : labels) {
            String dev = l.index() == 0 ? null : names.getOrDefault(l.index(), "if" + l.index());
            if (cli.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("address", Cidr.format(l.prefix().address()));
                m.put("prefixlen", l.prefix().prefixLength());
                if (dev != null) m.put("ifname", dev);
                m.put("label", l.label());
                json.add(m);
                continue;
            }
            sb.append("prefix ").append(cli.hosts.of(l.prefix().address())).append('/').append(l.prefix().prefixLength()).append(' ');
            if (dev != null) sb.append("dev ").append(dev).append(' ');
            sb.append("label ").append(l.label()).append(" \n");
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    /** ip's ipaddrlabel_modify: prefix and label are required; other words are passed over. */
    private int modify(Args a, boolean delete) {
        Cidr prefix = null;
        int index = 0;
        Long label = null;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "prefix" -> prefix = cli.prefix(a.value(null));
                case "dev" -> {
                    String d = a.value(null);
                    try {
                        index = cli.handle(ns).index(d);
                    } catch (KernelException e) {
                        throw new UsageException("Error: argument \"" + d + "\" is wrong: dev is invalid\n");
                    }
                }
                case "label" -> {
                    String v = a.value(null);
                    label = Args.unsigned(v, 0xFFFFFFFEL);
                    if (label == null) throw new UsageException("Error: argument \"" + v + "\" is wrong: label is invalid\n");
                }
                default -> { }
            }
        }
        if (prefix == null) return fail("Not enough information: \"prefix\" argument is required.");
        if (label == null) return fail("Not enough information: \"label\" argument is required.");
        AddrLabel l = new AddrLabel(prefix, index, label);
        if (delete) cli.handle(ns).deleteAddrLabel(l, family());
        else cli.handle(ns).addAddrLabel(l, family());
        return 0;
    }

    private int flush(Args a) {
        if (a.more()) return fail("\"ip addrlabel flush\" does not allow extra arguments");
        NetHandle h = cli.handle(ns);
        for (AddrLabel l : h.addrLabels(family())) h.deleteAddrLabel(l, family());
        return 0;
    }

    private int fail(String words) {
        cli.out.flush();
        cli.err.println(words);
        return 1;
    }
}
