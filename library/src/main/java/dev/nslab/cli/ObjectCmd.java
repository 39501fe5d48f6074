package dev.nslab.cli;

import dev.nslab.net.NsRef;

import java.io.PrintStream;

/**
 * iproute2's object commands ({@code link}, {@code address}, {@code route}) share one grammar: no verb or
 * show/list/lst shows, {@code help} prints the object's usage, the object's own verbs (abbreviated as ip allows) do
 * the rest, and anything else is "Command ... is unknown".
 */
abstract class ObjectCmd extends NsCmd {
    ObjectCmd(Cli cli, NsRef ns) { super(cli, ns); }

    /** The object's name, as in {@code nslab OBJECT help}. */
    abstract String object();

    abstract void help(PrintStream out);

    abstract int show(Args a);

    /** Runs {@code verb} if it is one of this object's; returns null if it is not. */
    abstract Integer verb(String verb, Args a);

    @Override
    final int run(Args a) {
        if (!a.more()) return show(a);
        String cmd = a.next();
        if (Args.matches(cmd, "show") || Args.matches(cmd, "list") || Args.matches(cmd, "lst")) return show(a);
        Integer done = verb(cmd, a);
        if (done != null) return done;
        if (Args.matches(cmd, "help")) {
            help(cli.out);
            return 0;
        }
        throw new UsageException("Command \"" + cmd + "\" is unknown, try \"nslab " + object() + " help\".");
    }
}
