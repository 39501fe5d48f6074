package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.Mptcp;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab mptcp endpoint|limits ...}: the namespace's MPTCP path manager, as ip mptcp (iproute2 6.1) reads and
 * sets it, with its words, its checks in its order and its exit statuses ({@code monitor} is not here: it waits for
 * events).
 */
final class MptcpCmd extends NsCmd {
    MptcpCmd(Cli cli, NsRef ns) { super(cli, ns); }

    private static final String USAGE = """
            Usage:	ip mptcp endpoint add ADDRESS [ dev NAME ] [ id ID ]
            				      [ port NR ] [ FLAG-LIST ]
            	ip mptcp endpoint delete id ID [ ADDRESS ]
            	ip mptcp endpoint change [ id ID ] [ ADDRESS ] [ port NR ] CHANGE-OPT
            	ip mptcp endpoint show [ id ID ]
            	ip mptcp endpoint flush
            	ip mptcp limits set [ subflows NR ] [ add_addr_accepted NR ]
            	ip mptcp limits show
            	ip mptcp monitor
            FLAG-LIST := [ FLAG-LIST ] FLAG
            FLAG  := [ signal | subflow | backup | fullmesh ]
            CHANGE-OPT := [ backup | nobackup | fullmesh | nofullmesh ]""";

    /** ip's flag words, in its order (nobackup and nofullmesh set nothing: a change without them clears the flag). */
    private static final Map<String, Integer> FLAGS = flags();

    private static Map<String, Integer> flags() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("signal", Mptcp.FLAG_SIGNAL);
        m.put("subflow", Mptcp.FLAG_SUBFLOW);
        m.put("backup", Mptcp.FLAG_BACKUP);
        m.put("fullmesh", Mptcp.FLAG_FULLMESH);
        m.put("nobackup", 0);
        m.put("nofullmesh", 0);
        return m;
    }

    private enum Verb { ADD, DELETE, CHANGE, SHOW }

    @Override
    int run(Args a) {
        if (!a.more() || Args.matches(a.peek(), "help")) throw new UsageException(USAGE);
        String object = a.next();
        try (Mptcp pm = KernelWords.genlFamily(cli, () -> Mptcp.open(cli.registry, ns))) {
            if (pm == null) return 1;
            if (Args.matches(object, "endpoint")) {
                if (!a.more()) return show(pm, a);
                String verb = a.next();
                if (Args.matches(verb, "add")) return modify(pm, a, Verb.ADD);
                if (Args.matches(verb, "change")) return modify(pm, a, Verb.CHANGE);
                if (Args.matches(verb, "delete")) return modify(pm, a, Verb.DELETE);
                if (Args.matches(verb, "show")) return show(pm, a);
                if (Args.matches(verb, "flush")) {
                    pm.flush();
                    return 0;
                }
                throw unknown(verb);
            }
            if (Args.matches(object, "limits")) {
                if (!a.more()) return limits(pm, a, false);
                String verb = a.next();
                if (Args.matches(verb, "set")) return limits(pm, a, true);
                if (Args.matches(verb, "show")) return limits(pm, a, false);
                object = verb; // ip goes on to look for "monitor" among the words after "limits"
            }
            if (Args.matches(object, "monitor") && !a.more()) {
                throw new UsageException("nslab: \"ip mptcp monitor\" is not supported: it waits for the kernel's events", 1);
            }
            throw unknown(object);
        }
    }

    private static UsageException unknown(String word) {
        return new UsageException("Command \"" + word + "\" is unknown, try \"ip mptcp help\".");
    }

    private Mptcp.Endpoint parse(Args a, Verb verb) {
        NetHandle h = cli.handle(ns);
        int flags = 0, id = 0, index = 0, port = 0;
        boolean idSet = false;
        InetAddress address = null;
        while (a.more()) {
            String w = a.next();
            Integer flag = FLAGS.get(w);
            if (flag != null) {
                flags |= flag;
                if (verb == Verb.ADD && (flags & Mptcp.FLAG_SIGNAL) != 0 && (flags & Mptcp.FLAG_FULLMESH) != 0) {
                    throw invarg("flags mustn't have both signal and fullmesh", w);
                }
                if (verb == Verb.CHANGE && (flags & ~(Mptcp.FLAG_BACKUP | Mptcp.FLAG_FULLMESH)) != 0) {
                    throw invarg("invalid flags, backup and fullmesh only", w);
                }
            } else if (Args.matches(w, "id")) {
                String v = a.value(null);
                Long n = Args.unsigned(v, 255);
                if (n == null) throw invarg("invalid ID\n", v);
                id = n.intValue();
                idSet = true;
            } else if (Args.matches(w, "dev")) {
                String name = a.value(null);
                if (name.isEmpty() || name.length() >= 16 || name.contains("/") || name.chars().anyMatch(Character::isWhitespace)) {
                    throw invarg("invalid interface name\n", name);
                }
                try {
                    index = h.index(name);
                } catch (KernelException e) {
                    throw invarg("device does not exist\n", name);
                }
            } else if (Args.matches(w, "port")) {
                String v = a.value(null);
                Long n = Args.unsigned(v, 65535);
                if (n == null) throw invarg("expected port", v);
                port = n.intValue();
            } else {
                address = AddressWords.getAddr(w, null); // ip's last resort: an address, else it stops there
            }
        }
        if (address == null && verb == Verb.ADD) throw new UsageException("Error: argument \"ADDRESS\" is required");
        if (!idSet && verb == Verb.DELETE) throw new UsageException("Error: argument \"ID\" is required");
        if (idSet && verb == Verb.DELETE) {
            if (id != 0 && address != null) throw invarg("invalid for non-zero id address\n", "ADDRESS");
            if (id == 0 && address == null) throw invarg("address is needed for deleting id 0 address\n", "ID");
        }
        if (verb == Verb.ADD && port != 0 && (flags & Mptcp.FLAG_SIGNAL) == 0) throw invarg("flags must have signal when using port", "port");
        if (verb == Verb.CHANGE && idSet && port != 0) throw invarg("port can't be used with id", "port");
        return new Mptcp.Endpoint(idSet ? id : -1, address, port, flags, index);
    }

    private static UsageException invarg(String why, String word) {
        return new UsageException("Error: argument \"" + word + "\" is wrong: " + why);
    }

    private int modify(Mptcp pm, Args a, Verb verb) {
        Mptcp.Endpoint e = parse(a, verb);
        switch (verb) {
            case ADD -> pm.add(e);
            case CHANGE -> pm.change(e);
            default -> pm.delete(e);
        }
        return 0;
    }

    private int show(Mptcp pm, Args a) {
        List<Mptcp.Endpoint> list = a.more() ? List.of(pm.endpoint(parse(a, Verb.SHOW))) : pm.endpoints();
        // the names of the endpoints' devices, from a link dump only where one names a device
        Map<Integer, String> names = list.stream().anyMatch(e -> e.ifindex() != 0) ? cli.handle(ns).linkNames() : Map.of();
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Mptcp.Endpoint e : list) {
            Map<String, Object> m = new LinkedHashMap<>();
            StringBuilder line = new StringBuilder();
            if (e.address() != null) {
                m.put("address", Cidr.format(e.address()));
                line.append(cli.hosts.of(e.address())).append(' ');
            }
            if (e.port() != 0) {
                m.put("port", e.port());
                line.append("port ").append(e.port()).append(' ');
            }
            m.put("id", e.id());
            line.append("id ").append(e.id()).append(' ');
            int rest = e.flags();
            for (Map.Entry<String, Integer> f : FLAGS.entrySet()) {
                if ((rest & f.getValue()) != 0) {
                    m.put(f.getKey(), true);
                    line.append(f.getKey()).append(' ');
                }
                rest &= ~f.getValue();
            }
            if (rest != 0) {
                m.put("rawflags", String.format("%02x", rest));
                line.append("rawflags ").append(String.format("%02x", rest)).append(' ');
            }
            String dev = e.ifindex() != 0 ? names.get(e.ifindex()) : null;
            if (dev != null) {
                m.put("dev", dev);
                line.append("dev ").append(dev).append(' ');
            }
            json.add(m);
            sb.append(line).append('\n');
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    private int limits(Mptcp pm, Args a, boolean set) {
        Integer accepted = null, subflows = null;
        while (a.more()) {
            String w = a.next();
            if (Args.matches(w, "subflows")) {
                String v = a.value(null);
                Long n = Args.unsigned(v, 0xffffffffL);
                if (n == null) throw invarg("invalid subflows\n", v);
                subflows = (int) (long) n;
            } else if (Args.matches(w, "add_addr_accepted")) {
                String v = a.value(null);
                Long n = Args.unsigned(v, 0xffffffffL);
                if (n == null) throw invarg("invalid add_addr_accepted\n", v);
                accepted = (int) (long) n;
            } else {
                throw invarg("unknown limit", w);
            }
        }
        if (set) {
            pm.setLimits(new Mptcp.Limits(accepted, subflows));
            return 0;
        }
        // ip sends what the words gave with a show too (the kernel answers with all of them), and prints text even
        // with -j: it never opens its JSON writer for the limits
        Mptcp.Limits l = pm.limits();
        StringBuilder sb = new StringBuilder();
        if (l.addAddrAccepted() != null) sb.append("add_addr_accepted ").append(l.addAddrAccepted()).append(' ');
        if (l.subflows() != null) sb.append("subflows ").append(l.subflows()).append(' ');
        cli.out.print(sb.append('\n'));
        return 0;
    }
}
