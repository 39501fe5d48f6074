package dev.nslab.net;

import dev.nslab.sys.Libc;

/** What this process may hold: a lab of thousands of namespaces holds a netlink socket for each while it is built. */
public final class ProcessLimits {
    private ProcessLimits() {}

    /** The soft limit of open descriptors (RLIMIT_NOFILE); the JVM raises it to the hard limit at start. */
    public static long openFiles() { return Libc.getrlimit(Libc.RLIMIT_NOFILE)[0]; }
}
