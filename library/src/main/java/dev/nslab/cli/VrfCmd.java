package dev.nslab.cli;

import dev.nslab.net.Link;
import dev.nslab.net.LinkDetails;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab vrf [show [NAME] | identify [PID] | pids NAME | exec NAME CMD...]}: the namespace's VRF devices and
 * their tables, in ip's words. Running a program bound to a VRF ({@code exec}) and listing a VRF's programs
 * ({@code pids}) need ip's cgroup and BPF machinery, not here yet; where no VRF exists (a kernel without the vrf
 * driver has none), both refuse as ip does.
 */
final class VrfCmd extends NsCmd {
    VrfCmd(Cli cli, NsRef ns) { super(cli, ns); }

    private static final String USAGE = """
            Usage:	ip vrf show [NAME] ...
            	ip vrf exec [NAME] cmd ...
            	ip vrf identify [PID]
            	ip vrf pids [NAME]""";

    @Override
    int run(Args a) {
        if (!a.more()) return show(a);
        String verb = a.next();
        if (Args.matches(verb, "identify")) return identify(a);
        if (Args.matches(verb, "pids")) return pids(a);
        if (Args.matches(verb, "exec")) return exec(a);
        if (Args.matches(verb, "show") || Args.matches(verb, "lst") || Args.matches(verb, "list")) return show(a);
        if (Args.matches(verb, "help")) throw new UsageException(USAGE);
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip vrf help\".");
    }

    private int show(Args a) {
        List<String> rest = a.rest();
        if (rest.size() > 1) throw new UsageException(USAGE);
        NetHandle h = cli.handle(ns);
        if (rest.size() == 1) {
            int table = h.vrfTable(rest.getFirst());
            if (table == 0) throw new UsageException("Invalid VRF");
            cli.out.println(rest.getFirst() + " " + Integer.toUnsignedLong(table));
            return 0;
        }
        Map<Integer, LinkDetails> details = null;
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder(String.format("%-16s  %5s%n", "Name", "Table")).append("-----------------------\n");
        int n = 0;
        for (Link l : h.links()) {
            if (!"vrf".equals(l.kind())) continue;
            if (details == null) details = h.linkDetails();
            LinkDetails d = details.get(l.index());
            if (d == null || !(d.data().get("TABLE") instanceof Long table) || table == 0) continue;
            n++;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("table", table);
            json.add(m);
            sb.append(String.format("%-16s %5d%n", l.name(), table));
        }
        if (n == 0) sb.append("No VRF has been configured\n");
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    /** The VRF a process was put in by ip vrf exec: the "vrf/NAME" part of its cgroup v2 path. */
    private int identify(Args a) {
        List<String> rest = a.rest();
        long pid = ProcessHandle.current().pid();
        if (rest.size() > 1) throw new UsageException("Error: argument \"" + rest.get(1) + "\" is wrong: Extra arguments specified\n");
        if (rest.size() == 1) {
            try {
                pid = Long.parseLong(rest.getFirst());
            } catch (NumberFormatException e) {
                throw new UsageException("Error: argument \"" + rest.getFirst() + "\" is wrong: Invalid pid\n");
            }
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                int at = line.indexOf("/vrf/");
                if (!line.contains("::/") || at < 0) continue;
                cli.out.println(line.substring(at + 5));
                break;
            }
        } catch (IOException e) {
            cli.err.println("Failed to lookup vrf association: " + NetHandle.strerror(dev.nslab.error.Errno.ENOENT));
            return 255;
        }
        return 0;
    }

    private int pids(Args a) {
        List<String> rest = a.rest();
        if (rest.size() != 1) return fail("Invalid arguments", 1);
        if (cli.handle(ns).vrfTable(rest.getFirst()) == 0) return fail("Invalid VRF name", 1);
        throw new UsageException("nslab: ip vrf pids (the programs ip vrf exec put in a VRF's cgroup) is not supported yet");
    }

    private int exec(Args a) {
        List<String> rest = a.rest();
        if (rest.isEmpty()) return fail("No VRF name specified", 1);
        if (rest.size() < 2) return fail("No command specified", 1);
        if (cli.handle(ns).vrfTable(rest.getFirst()) == 0) return fail("Invalid VRF name", 255);
        throw new UsageException("nslab: ip vrf exec (a program's sockets bound to a VRF through a cgroup's BPF program) is not supported yet");
    }

    private int fail(String words, int status) {
        cli.out.flush();
        cli.err.println(words);
        return status;
    }
}
