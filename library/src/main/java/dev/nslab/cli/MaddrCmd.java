package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Family;
import dev.nslab.net.Link;
import dev.nslab.net.MulticastAddresses;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab maddress show [dev DEV] | add|delete LLADDR dev DEV} (alias {@code maddr}, {@code m}): the multicast
 * addresses, as ip maddr prints and changes them.
 */
final class MaddrCmd extends NsCmd {
    MaddrCmd(Cli cli, NsRef ns) { super(cli, ns); }

    private static final String USAGE = "Usage: ip maddr [ add | del ] MULTIADDR dev STRING\n       ip maddr show [ dev STRING ]";

    @Override
    int run(Args a) {
        if (a.more()) {
            // ip's order: add, delete, then list/show/lst, help
            String verb = a.next();
            if (Args.matches(verb, "add")) return modify(a, true);
            if (Args.matches(verb, "delete")) return modify(a, false);
            if (Args.matches(verb, "help")) throw new UsageException(USAGE);
            if (!Args.matches(verb, "list") && !Args.matches(verb, "show") && !Args.matches(verb, "lst")) {
                throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip maddr help\".");
            }
        }
        return show(a);
    }

    /** {@code add|delete [address] LLADDR dev DEV}, worded as ip maddr words it. */
    private int modify(Args a, boolean join) {
        String dev = null;
        byte[] lladdr = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) {
                String d = a.value(null);
                if (dev != null) throw new UsageException("Error: duplicate \"dev\": \"" + d + "\" is the second value.");
                if (!Link.isValidName(d)) throw new UsageException("Error: argument \"" + d + "\" is wrong: \"dev\" not a valid ifname");
                dev = d;
                continue;
            }
            if (Args.matches(w, "address")) w = a.value(null);
            if (Args.matches(w, "help")) throw new UsageException(USAGE);
            // ip tells a second address by the first one's first byte: one starting with 00 may be given again
            if (lladdr != null && lladdr[0] != 0) throw new UsageException("Error: duplicate \"address\": \"" + w + "\" is the second value.");
            lladdr = LinkLayer.parse(w, cli.err);
            if (lladdr == null) return 1;
            if (lladdr.length != 6) {
                cli.err.println("Error: Invalid address length " + lladdr.length + " - must be 6 bytes");
                return 1;
            }
        }
        if (dev == null) throw new UsageException("Not enough information: \"dev\" is required.");
        try {
            cli.handle(ns).setMulticast(dev, lladdr == null ? new byte[0] : lladdr, join);
        } catch (KernelException e) {
            cli.err.println("ioctl: " + NetHandle.strerror(e.errno()));
            return 1;
        }
        return 0;
    }

    private int show(Args a) {
        String dev = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) w = a.value("dev");
            else if (Args.matches(w, "help")) throw new UsageException(USAGE);
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
