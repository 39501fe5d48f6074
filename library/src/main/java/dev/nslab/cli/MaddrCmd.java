package dev.nslab.cli;

import dev.nslab.net.Family;
import dev.nslab.net.MulticastAddresses;
import dev.nslab.net.NsRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab maddress show [dev DEV]} (alias {@code maddr}, {@code m}): the multicast addresses, as ip maddr prints them. */
final class MaddrCmd {
    private final Cli cli;
    private final NsRef ns;

    MaddrCmd(Cli cli, NsRef ns) {
        this.cli = cli;
        this.ns = ns;
    }

    int run(Args a) {
        if (a.more()) {
            String verb = a.peek();
            if (verb.equals("add") || verb.equals("delete") || verb.equals("del")) {
                throw new UsageException("nslab maddr " + verb + " is not supported yet (only show)");
            }
            if (Args.matches(verb, "show") || Args.matches(verb, "list") || Args.matches(verb, "lst")) a.next();
        }
        String dev = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) w = a.value("dev");
            else if (Args.matches(w, "help")) throw new UsageException("Usage: ip maddr [ add | del ] MULTIADDR dev STRING\n       ip maddr show [ dev STRING ]");
            if (dev != null) throw new UsageException("Error: either \"dev\" is duplicate, or \"" + w + "\" is a garbage.");
            dev = w;
        }
        List<MulticastAddresses.Entry> all = MulticastAddresses.read(cli.registry, ns, cli.family == null,
                cli.family == null || cli.family == Family.INET, cli.family == null || cli.family == Family.INET6);
        StringBuilder sb = new StringBuilder();
        List<Object> json = new ArrayList<>();
        List<Object> current = null;
        int index = 0;
        for (MulticastAddresses.Entry e : all) {
            if (dev != null && !dev.equals(e.device())) continue;
            if (e.index() != index || cli.oneline) {
                index = e.index();
                sb.append(index).append(":\t").append(e.device()).append(cli.oneline ? "\\" : "\n");
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ifindex", index);
                m.put("ifname", e.device());
                current = new ArrayList<>();
                m.put("maddr", current);
                json.add(m);
            }
            Map<String, Object> one = new LinkedHashMap<>();
            sb.append('\t');
            if (e.family() == null) {
                sb.append("link  ").append(e.text());
                one.put("link", e.text());
            } else {
                sb.append(String.format("%-5s ", e.family().word())).append(e.text());
                one.put("family", e.family().word());
                one.put("address", e.text());
            }
            if (e.users() != 1) {
                sb.append(" users ").append(e.users());
                one.put("users", e.users());
            }
            if (e.isStatic()) {
                sb.append(" static");
                one.put("features", "static");
            }
            sb.append('\n');
            current.add(one);
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }
}
