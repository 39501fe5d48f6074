package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.NetnsExec;

import java.util.ArrayList;
import java.util.List;

/** {@code nslab unshare [--net] [--] [CMD...]}: CMD (default: $SHELL) in a fresh, anonymous network namespace. */
final class UnshareCmd {
    private final Cli cli;

    UnshareCmd(Cli cli) { this.cli = cli; }

    int run(Args a) {
        List<String> cmd = new ArrayList<>();
        boolean options = true;
        while (a.more()) {
            String w = a.next();
            if (options && (w.equals("--net") || w.equals("-n") || w.equals("--network"))) continue;
            if (options && w.equals("--")) { options = false; continue; }
            if (options && (w.equals("--help") || w.equals("-h") || w.equals("help"))) { Help.unshare(cli.out); return 0; }
            if (options && w.startsWith("-")) throw new UsageException("unshare: unknown option \"" + w + "\" (nslab unshare makes a new network namespace only)");
            options = false;
            cmd.add(w);
            cmd.addAll(a.rest());
        }
        if (cmd.isEmpty()) cmd.add(System.getenv().getOrDefault("SHELL", "/bin/sh"));
        cli.out.flush();
        if (cli.batchMode) throw new UsageException("unshare cannot run inside -batch (it replaces the process)");
        cli.dropAllHandles();
        KernelException e = NetnsExec.execUnshared(cmd);
        throw KernelException.of("unshare: failed to execute " + cmd.getFirst() + ": " + e.getMessage().replaceFirst("^exec \"[^\"]*\": ", ""), e.errno(), cmd.getFirst());
    }
}
