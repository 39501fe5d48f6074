package dev.nslab;

import java.time.Duration;

/**
 * The outcome of {@link Node#ping}: whether an echo reply came back, after how long, and otherwise what happened
 * instead (silence, an ICMP error from a router, or the kernel's refusal to send).
 *
 * @param address   the address pinged
 * @param reachable whether an echo reply came back
 * @param rtt       the round trip time of the reply, or null when there was none
 * @param detail    "reply in N us", or what happened instead
 */
public record PingResult(String address, boolean reachable, Duration rtt, String detail) {
}
