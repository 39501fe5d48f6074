package dev.nslab.lab.model;

import dev.nslab.net.Cidr;

import java.net.InetAddress;

/**
 * A check of one node beyond reachability, from a lab file's {@code expect:} list: a route its kernel holds, an
 * address on an interface, a socket listening, a name that resolves inside it, a command whose output matches.
 */
public sealed interface NodeCheck {
    /** The check in the file's words, for reports. */
    String words();

    /** {@code {node: a, route: {dst: 10.45.0.0/24, via: 10.45.1.1, dev: eth0}}}; via and dev may be null. */
    record HasRoute(Cidr dst, InetAddress via, String dev) implements NodeCheck {
        public String words() {
            return "route " + (dst.prefixLength() == 0 ? "default" : dst.toString()) + (via == null ? "" : " via " + Cidr.format(via))
                    + (dev == null ? "" : " dev " + dev);
        }
    }

    /** {@code {node: b, address: {dev: eth0, cidr: 10.45.0.2/24}}}. */
    record HasAddress(String dev, Cidr cidr) implements NodeCheck {
        public String words() { return "address " + cidr + " on " + dev; }
    }

    /** {@code {node: b, listening: {tcp: 8045}}} (or udp). */
    record Listening(String protocol, int port) implements NodeCheck {
        public String words() { return "listening " + protocol + " " + port; }
    }

    /** {@code {node: a, resolves: b}}: the name resolves inside the node, as its programs resolve names. */
    record Resolves(String name) implements NodeCheck {
        public String words() { return "resolves " + name; }
    }

    /** {@code {node: r1, command: "...", output: "Full"}}: the command's output (and error) matches the regex. */
    record CommandOutput(String command, String output) implements NodeCheck {
        public String words() { return "command \"" + command + "\" output /" + output + "/"; }
    }
}
