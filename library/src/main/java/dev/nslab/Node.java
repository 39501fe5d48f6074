package dev.nslab;

import dev.nslab.error.LabException;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;

/**
 * A host of a {@link NetLab}: a network namespace of its own, with its interfaces, addresses and routes. Code runs
 * inside it through {@link #call} or {@link #executor()}: sockets opened there belong to the node's network, so a
 * server in one node and a client in another talk across the lab, in one JVM.
 */
public interface Node {
    /**
     * Returns the node's name in its lab.
     *
     * @return the node's name in its lab
     */
    String name();

    /**
     * Returns the name of its network namespace (as {@code ip netns list} shows it).
     *
     * @return the name of its network namespace (as {@code ip netns list} shows it)
     */
    String namespace();

    /**
     * Adds an address to an interface and brings the interface up.
     *
     * @param ifname the interface
     * @param cidr   the address with its prefix length: {@code "10.0.0.1/24"}, {@code "fd00::1/64"}
     */
    void address(String ifname, String cidr);

    /**
     * Adds a route through a gateway.
     *
     * @param dst a prefix ({@code "10.1.0.0/16"}) or {@code "default"}
     * @param via the gateway's address, on one of the node's subnets
     */
    void route(String dst, String via);

    /**
     * Turns IPv4 and IPv6 forwarding on or off: a node that forwards is a router.
     *
     * @param on whether the node forwards
     */
    void forwarding(boolean on);

    /**
     * Sends ICMP echo requests from inside the node (one, and one more after a second of silence).
     *
     * @param address an IPv4 or IPv6 address
     * @return whether a reply came, and what happened otherwise
     */
    PingResult ping(String address);

    /**
     * Runs {@code work} on a thread that lives in the node's namespace and returns its result; its exception is
     * rethrown (unchecked ones as they are, checked ones wrapped in {@link LabException}).
     *
     * @param work the code to run
     * @param <T>  its result's type
     * @return its result
     */
    <T> T call(Callable<T> work);

    /**
     * Starts a program inside the node, as {@code ip netns exec} would: the node's network, its own /sys (so
     * /sys/class/net lists the node's interfaces), and the files of /etc/netns/NAMESPACE over those of /etc. It
     * belongs to the lab and ends with it.
     *
     * @param command the program and its arguments
     * @return the running process
     */
    Process start(String... command);

    /**
     * Returns a pool whose threads all live in the node (a server's workers); shut down with the lab.
     *
     * @return a pool whose threads all live in the node (a server's workers); shut down with the lab
     */
    ExecutorService executor();
}
