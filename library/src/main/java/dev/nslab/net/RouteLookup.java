package dev.nslab.net;

import java.net.InetAddress;

/**
 * What the kernel answers when asked which route a packet to an address would take ({@code ip route get}): the route
 * (for IPv4 a cached clone, {@code RTM_F_CLONED} in its flags, with the RTCF cache flags above bit 16), the source
 * address it was asked for ({@code from}, null when the answer names none), the uid of the lookup (none for a packet
 * coming in), the interface it came in through ({@code iif}, 0: none) and its mark (null: none).
 */
public record RouteLookup(Route route, InetAddress from, int fromLength, Integer uid, int iif, Integer mark) { }
