package dev.nslab.net;

import java.net.InetAddress;

/**
 * What the kernel answers when asked which route a packet to an address would take ({@code ip route get}): the route
 * (for IPv4 a cached clone, {@code RTM_F_CLONED} in its flags, with the RTCF cache flags above bit 16), the source
 * address it was asked for ({@code from}, null when the answer names none), and the uid of the lookup.
 */
public record RouteLookup(Route route, InetAddress from, int fromLength, Integer uid) { }
