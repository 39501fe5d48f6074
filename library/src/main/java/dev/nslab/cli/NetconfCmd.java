package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.NetHandle;
import dev.nslab.net.Netconf;
import dev.nslab.net.NsRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab netconf [show [dev DEV]]}: each interface's IP settings (forwarding, rp_filter...) as the kernel
 * reports them, printed as ip netconf prints them: every family's in one dump, or one interface's of one family
 * ({@code -4}/{@code -6} with {@code dev}) asked alone.
 */
final class NetconfCmd extends NsCmd {
    NetconfCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override
    int run(Args a) {
        if (!a.more()) return show(a);
        String verb = a.next();
        if (Args.matches(verb, "show") || Args.matches(verb, "lst") || Args.matches(verb, "list")) return show(a);
        if (Args.matches(verb, "help")) throw new UsageException("Usage: ip netconf show [ dev STRING ]");
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip netconf help\".");
    }

    private int show(Args a) {
        NetHandle h = cli.handle(ns);
        int ifindex = 0;
        while (a.more()) {
            // ip reads "dev NAME" and passes over any other word
            if (a.next().equals("dev")) {
                String d = a.value(null);
                try {
                    ifindex = h.index(d);
                } catch (KernelException e) {
                    cli.out.flush();
                    cli.err.println("Device \"" + d + "\" does not exist.");
                    return 1;
                }
            }
        }
        Map<Integer, String> names = h.linkNames();
        int family = cli.family == null ? 0 : cli.family.code();
        if (ifindex != 0 && family != 0) {
            // one answer, printed as text even with -j: ip prints it outside a JSON document
            cli.out.println(text(h.netconf(family, ifindex), names));
            return 0;
        }
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Netconf c : h.netconfs(family)) {
            if (ifindex != 0 && c.ifindex() != ifindex) continue;
            if (cli.json) json.add(json(c, names));
            else sb.append(text(c, names)).append('\n');
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    private static String family(int f) {
        return switch (f) {
            case 2 -> "inet";
            case 10 -> "inet6";
            case 28 -> "mpls";
            case 7 -> "bridge";
            case 17 -> "link";
            default -> "???";
        };
    }

    private static String device(int ifindex, Map<Integer, String> names) {
        return ifindex == Netconf.ALL ? "all" : ifindex == Netconf.DEFAULT ? "default" : names.getOrDefault(ifindex, "if" + ifindex);
    }

    private static final String[] RP_FILTER = {"off", "strict", "loose"};

    private static String rpFilter(int v) { return v >= 0 && v < RP_FILTER.length ? RP_FILTER[v] : Integer.toUnsignedString(v); }

    private static String onOff(int v) { return v != 0 ? "on" : "off"; }

    static String text(Netconf c, Map<Integer, String> names) {
        StringBuilder sb = new StringBuilder(family(c.family())).append(' ');
        if (c.ifindex() != 0) sb.append(device(c.ifindex(), names)).append(' ');
        if (c.forwarding() != null) sb.append("forwarding ").append(onOff(c.forwarding())).append(' ');
        if (c.rpFilter() != null) sb.append("rp_filter ").append(rpFilter(c.rpFilter())).append(' ');
        if (c.mcForwarding() != null) sb.append("mc_forwarding ").append(onOff(c.mcForwarding())).append(' ');
        if (c.proxyNeigh() != null) sb.append("proxy_neigh ").append(onOff(c.proxyNeigh())).append(' ');
        if (c.ignoreRoutesWithLinkdown() != null) sb.append("ignore_routes_with_linkdown ").append(onOff(c.ignoreRoutesWithLinkdown())).append(' ');
        if (c.input() != null) sb.append("input ").append(onOff(c.input())).append(' ');
        return sb.toString();
    }

    private static Map<String, Object> json(Netconf c, Map<Integer, String> names) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("family", family(c.family()));
        if (c.ifindex() != 0) m.put("interface", device(c.ifindex(), names));
        if (c.forwarding() != null) m.put("forwarding", c.forwarding() != 0);
        if (c.rpFilter() != null) m.put("rp_filter", c.rpFilter() >= 0 && c.rpFilter() < RP_FILTER.length ? rpFilter(c.rpFilter()) : (Object) c.rpFilter());
        if (c.mcForwarding() != null) m.put("mc_forwarding", c.mcForwarding() != 0);
        if (c.proxyNeigh() != null) m.put("proxy_neigh", c.proxyNeigh() != 0);
        if (c.ignoreRoutesWithLinkdown() != null) m.put("ignore_routes_with_linkdown", c.ignoreRoutesWithLinkdown() != 0);
        if (c.input() != null) m.put("input", c.input() != 0);
        return m;
    }
}
