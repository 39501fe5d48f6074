package dev.nslab.cli;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The workload recorded into the launcher's AOT cache at build time: read-only commands in the caller's
 * namespace that touch the common paths (FFM bindings, netlink dumps, text and JSON output). Changes nothing.
 */
final class Training {
    private Training() {}

    public static void main(String[] args) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        String[][] commands = {
                {"link", "show"}, {"-j", "link", "show"}, {"address", "show"}, {"-j", "-p", "address"},
                {"route", "show"}, {"-6", "route"}, {"netns", "list"}, {"-j", "netns", "list"},
                {"sysctl", "net.ipv4.ip_forward"}, {"link", "show", "dev", "lo"}, {"help"}, {"nosuchobject"},
        };
        for (int round = 0; round < 3; round++) {
            for (String[] c : commands) new Cli(sink, sink).run(c);
        }
    }
}
