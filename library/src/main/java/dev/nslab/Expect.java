package dev.nslab;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.NodeCheck;
import dev.nslab.net.Cidr;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * An expectation for {@link NetLab#verify(Expect...)}, as a lab file's {@code expect:} entries: one node reaching
 * another (or not), or a check of one node: a route its kernel holds, an address, a listening socket, a name that
 * resolves inside it, a command whose output matches; {@link #within} tries it again until it holds or the time is
 * up (routing daemons converge).
 *
 * <pre>{@code
 * Verification v = lab.verify(Expect.listening(b, "tcp", 8045), Expect.command(r1, "vtysh -c 'show ip ospf neighbor'", "Full")
 *         .within(Duration.ofSeconds(60)));
 * }</pre>
 */
public final class Expect {
    final String node;
    final NodeCheck check;      // null: a reach expectation, from node to {@link #to}
    final String to;
    final boolean reach;
    final long waitMillis;

    private Expect(String node, NodeCheck check, long waitMillis) { this(node, check, null, true, waitMillis); }

    private Expect(String node, NodeCheck check, String to, boolean reach, long waitMillis) {
        this.node = node;
        this.check = check;
        this.to = to;
        this.reach = reach;
        this.waitMillis = waitMillis;
    }

    /**
     * That every address {@code to} has answers {@code from}'s ping (a file's {@code {from: A, to: B, reach: true}});
     * with {@link #within}, pinged again until it does (routes a daemon learns).
     *
     * @param from the node that pings
     * @param to   the node pinged (every address it has)
     * @return the expectation
     */
    public static Expect reaches(Node from, Node to) { return new Expect(from.name(), null, to.name(), true, 0); }

    /**
     * That no address of {@code to} answers {@code from}'s ping (a file's {@code reach: false}).
     *
     * @param from the node that pings
     * @param to   the node pinged
     * @return the expectation
     */
    public static Expect reachesNot(Node from, Node to) { return new Expect(from.name(), null, to.name(), false, 0); }

    /**
     * A route to {@code dst} in the node's main table.
     *
     * @param node the node
     * @param dst  a prefix ({@code "10.45.0.0/24"}) or {@code "default"}
     * @return the check; {@link #via} and {@link #dev} narrow it
     */
    public static Expect route(Node node, String dst) {
        Cidr c = dst.equals("default") ? Cidr.parse("0.0.0.0/0") : Cidr.parse(dst).network();
        return new Expect(node.name(), new NodeCheck.HasRoute(c, null, null), 0);
    }

    /**
     * The route's gateway (a route check only).
     *
     * @param gateway the gateway's address
     * @return the narrowed check
     */
    public Expect via(String gateway) {
        if (!(check instanceof NodeCheck.HasRoute r)) throw new LabException("via belongs to a route check, not " + check.words());
        return new Expect(node, new NodeCheck.HasRoute(r.dst(), Cidr.parseAddress(gateway), r.dev()), waitMillis);
    }

    /**
     * The route's interface (a route check only).
     *
     * @param ifname the interface
     * @return the narrowed check
     */
    public Expect dev(String ifname) {
        if (!(check instanceof NodeCheck.HasRoute r)) throw new LabException("dev belongs to a route check, not " + check.words());
        return new Expect(node, new NodeCheck.HasRoute(r.dst(), r.via(), ifname), waitMillis);
    }

    /**
     * An address on an interface of the node.
     *
     * @param node   the node
     * @param ifname the interface
     * @param cidr   the address with its prefix length
     * @return the check
     */
    public static Expect address(Node node, String ifname, String cidr) {
        return new Expect(node.name(), new NodeCheck.HasAddress(ifname, Cidr.parse(cidr)), 0);
    }

    /**
     * A socket listening in the node's network.
     *
     * @param node     the node
     * @param protocol {@code "tcp"} or {@code "udp"}
     * @param port     1 to 65535
     * @return the check
     */
    public static Expect listening(Node node, String protocol, int port) {
        if (!protocol.equals("tcp") && !protocol.equals("udp")) throw new LabException("listening takes tcp or udp, not \"" + protocol + "\"");
        if (port < 1 || port > 65535) throw new LabException("port " + port + " is not from 1 to 65535");
        return new Expect(node.name(), new NodeCheck.Listening(protocol, port), 0);
    }

    /**
     * A name that resolves inside the node ({@code getent hosts NAME} run there).
     *
     * @param node the node
     * @param name the host name
     * @return the check
     */
    public static Expect resolves(Node node, String name) { return new Expect(node.name(), new NodeCheck.Resolves(name), 0); }

    /**
     * A shell command run inside the node whose output (and error) matches {@code regex} somewhere.
     *
     * @param node    the node
     * @param command run by {@code sh -c}
     * @param regex   a regular expression
     * @return the check
     */
    public static Expect command(Node node, String command, String regex) {
        Pattern.compile(regex); // refused now, not at verify
        return new Expect(node.name(), new NodeCheck.CommandOutput(command, regex), 0);
    }

    /**
     * Tries the check again until it holds or {@code wait} has passed.
     *
     * @param wait how long at most
     * @return the check with that wait
     */
    public Expect within(Duration wait) { return new Expect(node, check, to, reach, wait.toMillis()); }

    @Override
    public String toString() { return check == null ? node + " -> " + to + " reach " + reach : node + " " + check.words(); }
}
