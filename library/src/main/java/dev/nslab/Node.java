package dev.nslab;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;

/**
 * A host of a {@link NetLab}: a network namespace of its own, with its interfaces, addresses and routes. Code runs
 * inside it through {@link #call} or {@link #executor()}: sockets opened there belong to the node's network, so a
 * server in one node and a client in another talk across the lab, in one JVM.
 */
public interface Node {
    /** The node's name in its lab. */
    String name();

    /** The name of its network namespace (as {@code ip netns list} shows it). */
    String namespace();

    /** Adds an address ({@code "10.0.0.1/24"}, {@code "fd00::1/64"}) to interface {@code ifname} and brings it up. */
    void address(String ifname, String cidr);

    /** Adds a route: {@code dst} a prefix or "default", through gateway {@code via}. */
    void route(String dst, String via);

    /** Turns IPv4 and IPv6 forwarding on or off: a node that forwards is a router. */
    void forwarding(boolean on);

    /** Sends ICMP echo requests from inside the node (one, and one more after a second of silence). */
    PingResult ping(String address);

    /**
     * Runs {@code work} on a thread that lives in the node's namespace and returns its result; its exception is
     * rethrown (unchecked ones as they are, checked ones wrapped in {@link NetLabException}).
     */
    <T> T call(Callable<T> work);

    /** Starts a program inside the node (its network only); it belongs to the lab and ends with it. */
    Process start(String... command);

    /** A pool whose threads all live in the node (a server's workers); shut down with the lab. */
    ExecutorService executor();
}
