package dev.nslab.net;

import java.net.InetAddress;
import java.util.List;

/**
 * An nftables table as nslab builds it: a few base chains of drop rules. Only the rules nslab needs exist here
 * (random loss, dropping by address), each encoded by {@link Nftables}.
 */
public record NftTable(Kind kind, String name, List<Chain> chains) {
    /** The table's family: {@code inet} filters IPv4 and IPv6 at the IP hooks, {@code netdev} one device's frames. */
    public enum Kind { INET, NETDEV }

    /** Where a base chain sees packets. */
    public enum Hook { INPUT, OUTPUT, INGRESS, EGRESS }

    /** A base chain of type filter with policy accept; {@code device} only for the netdev family's hooks. */
    public record Chain(String name, Hook hook, int priority, String device, List<Rule> rules) { }

    public sealed interface Rule { }

    /** Drops a packet when a random number below {@code modulus} is below {@code below}: loss of below/modulus. */
    public record RandomDrop(int modulus, int below) implements Rule { }

    /** Drops IP packets from ({@code source}) or to {@code address}. */
    public record DropAddress(boolean source, InetAddress address) implements Rule { }
}
