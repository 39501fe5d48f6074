package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.Ipv6Token;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab token [list | set TOKEN dev DEV | del dev DEV | get dev DEV]}: IPv6 tokens, as ip token has them. */
final class TokenCmd extends NsCmd {
    TokenCmd(Cli cli, NsRef ns) { super(cli, ns); }

    private static final String USAGE = "Usage: ip token [ list | set | del | get ] [ TOKEN ] [ dev DEV ]";
    private static final int IFF_LOOPBACK = 0x8, IFF_NOARP = 0x80;

    @Override
    int run(Args a) {
        if (!a.more()) return list(a);
        String verb = a.next();
        if (Args.matches(verb, "list") || Args.matches(verb, "lst") || Args.matches(verb, "show")) return list(a);
        if (Args.matches(verb, "set") || Args.matches(verb, "add")) return set(a, false);
        if (Args.matches(verb, "delete")) return set(a, true);
        if (Args.matches(verb, "get")) return list(a);
        if (Args.matches(verb, "help")) throw new UsageException(USAGE);
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip token help\".");
    }

    private int list(Args a) {
        NetHandle h = cli.handle(ns);
        int index = 0;
        while (a.more()) {
            if (a.next().equals("dev")) {
                index = dev(h, a.value(null));
                break;
            }
        }
        Map<Integer, String> names = h.linkNames();
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Ipv6Token t : h.ipv6Tokens()) {
            if (index > 0 && t.index() != index) continue;
            if ((t.flags() & (IFF_LOOPBACK | IFF_NOARP)) != 0) continue;
            String name = names.getOrDefault(t.index(), "if" + t.index());
            if (cli.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("token", Cidr.format(t.token()));
                m.put("ifname", name);
                json.add(m);
            } else {
                sb.append("token ").append(cli.hosts.of(t.token())).append(" dev ").append(name).append('\n');
            }
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    private int set(Args a, boolean delete) {
        NetHandle h = cli.handle(ns);
        boolean haveToken = delete;
        InetAddress token = InetAddress.ofLiteral("::");
        int index = 0;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) {
                String d = a.value(null);
                if (index == 0) index = dev(h, d);
            } else {
                if (Args.matches(w, "help")) throw new UsageException(USAGE);
                if (!haveToken) {
                    Cidr c;
                    try {
                        c = Cidr.parse(w.indexOf('/') < 0 ? w + "/128" : w);
                    } catch (KernelException e) {
                        c = null;
                    }
                    if (c == null || Family.of(c.address()) != Family.INET6) {
                        throw new UsageException("Error: inet6 prefix is expected rather than \"" + w + "\".", 1);
                    }
                    token = c.address();
                    haveToken = true;
                }
            }
        }
        if (!haveToken) return fail("Not enough information: token is required.");
        if (index == 0) return fail("Not enough information: \"dev\" argument is required.");
        h.setIpv6Token(index, token);
        return 0;
    }

    private static int dev(NetHandle h, String name) {
        try {
            return h.index(name);
        } catch (KernelException e) {
            throw new UsageException("Error: argument \"" + name + "\" is wrong: dev is invalid\n");
        }
    }

    private int fail(String words) {
        cli.out.flush();
        cli.err.println(words);
        return 1;
    }
}
