package dev.nslab.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * An entry of the neighbour (ARP / NDP) table of a namespace: an address on a link, its link-layer address, its
 * state ({@code NUD_*} bits) and flags ({@code NTF_*}).
 */
public record Neighbour(Family family, InetAddress dst, int index, byte[] lladdr, int state, int flags) {
    public static final int NUD_NOARP = 0x40, NUD_PERMANENT = 0x80;
    private static final int NTF_PROXY = 0x08, NTF_ROUTER = 0x80;

    public boolean router() { return (flags & NTF_ROUTER) != 0; }

    public boolean proxy() { return (flags & NTF_PROXY) != 0; }

    private static final String[] STATES = {"INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT"};

    /** The state as iproute2 words it ("REACHABLE", "PERMANENT"...; none for NUD_NONE). */
    public List<String> stateNames() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < STATES.length; i++) if ((state & (1 << i)) != 0) out.add(STATES[i]);
        return out;
    }

    /** The NUD bits of a state word ("permanent", "noarp", "reachable", "stale", "delay", "probe", "failed", "incomplete"), or -1. */
    public static int stateOf(String word) {
        for (int i = 0; i < STATES.length; i++) if (STATES[i].equalsIgnoreCase(word)) return 1 << i;
        return word.equalsIgnoreCase("none") ? 0 : -1;
    }
}
