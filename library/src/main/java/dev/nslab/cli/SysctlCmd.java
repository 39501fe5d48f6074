package dev.nslab.cli;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.net.NsRef;
import dev.nslab.net.Sysctl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab [-n NETNS] sysctl [-w] [-n] [-q] [-e] KEY[=VALUE]...}, with sysctl(8)'s output and refusals. */
final class SysctlCmd extends NsCmd {
    SysctlCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override
    int run(Args a) {
        boolean write = false, valueOnly = false, quiet = false, ignoreUnknown = false;
        List<String> items = new ArrayList<>();
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "--write" -> write = true;
                case "--values" -> valueOnly = true;
                case "--quiet" -> quiet = true;
                case "--ignore" -> ignoreUnknown = true;
                case "help", "--help" -> { Help.sysctl(cli.out); return 0; }
                default -> {
                    if (!w.startsWith("-") || w.length() < 2) {
                        items.add(w);
                        continue;
                    }
                    // short flags may be combined, as sysctl(8) takes them: -qw, -wq, -n
                    for (char f : w.substring(1).toCharArray()) {
                        switch (f) {
                            case 'w' -> write = true;
                            case 'n' -> valueOnly = true;
                            case 'q' -> quiet = true;
                            case 'e' -> ignoreUnknown = true;
                            case 'h' -> { Help.sysctl(cli.out); return 0; }
                            default -> throw new UsageException("sysctl: unknown option \"" + w + "\" (nslab supports -w, -n, -q, -e)");
                        }
                    }
                }
            }
        }
        if (items.isEmpty()) throw new UsageException("sysctl: no variables specified (e.g. nslab sysctl net.ipv4.ip_forward)");
        Sysctl s = new Sysctl(cli.registry);
        Map<String, Object> json = new LinkedHashMap<>();
        int status = 0;
        // as sysctl(8): each item on its own, a failed one said and skipped, the status 1 if any failed
        for (String item : items) {
            int eq = item.indexOf('=');
            if (write && eq < 0) {
                cli.out.flush();
                cli.err.println("sysctl: command line(0): invalid syntax, continuing...");
                status = 1;
                continue;
            }
            String key = eq < 0 ? item : item.substring(0, eq).strip();
            String value;
            try {
                if (eq >= 0) {
                    value = item.substring(eq + 1).strip();
                    s.write(ns, key, value);
                } else {
                    value = s.read(ns, key);
                }
            } catch (KernelException e) {
                if (e.errno() == Errno.ENOENT && ignoreUnknown) continue;
                cli.out.flush();
                cli.err.println(e.errno() == Errno.ENOENT ? "sysctl: cannot stat " + Sysctl.path(key) + ": No such file or directory" : e.getMessage());
                status = 1;
                continue;
            }
            String name = key.replace('/', '.'); // sysctl(8) names a key given as a path with dots
            if (cli.json) json.put(name, value);
            else if (!quiet || eq < 0) cli.out.println(valueOnly ? value : name + " = " + value);
        }
        if (cli.json) cli.printJson(json);
        return status;
    }
}
