package dev.nslab.cli;

import dev.nslab.net.NsRef;

/** A command that acts in one network namespace (the {@code -n NETNS} of its line, or the caller's). */
abstract class NsCmd {
    final Cli cli;
    final NsRef ns;

    NsCmd(Cli cli, NsRef ns) {
        this.cli = cli;
        this.ns = ns;
    }

    abstract int run(Args a);
}
