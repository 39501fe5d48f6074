package dev.nslab.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * An entry of the neighbour (ARP / NDP) table of a namespace: an address on a link, its link-layer address, its
 * state ({@code NUD_*} bits) and flags ({@code NTF_*}); what the kernel tells of its use ({@code cache}) and the
 * probes sent for it since it was last confirmed ({@code probes}), each null when the kernel did not say.
 */
public record Neighbour(Family family, InetAddress dst, int index, byte[] lladdr, int state, int flags, Cache cache, Integer probes, int protocol) {
    public static final int NUD_FAILED = 0x20, NUD_NOARP = 0x40, NUD_PERMANENT = 0x80;

    /** How an entry is put in place, as ip neigh's verbs say it: each its netlink flags. */
    public enum Verb {
        /** a new entry; one already there is an error */ ADD(0x400 | 0x200),
        /** an existing entry changed; none there is an error */ CHANGE(0x100),
        /** in place of the one there, or a new one */ REPLACE(0x400 | 0x100);

        public final int nlFlags;

        Verb(int nlFlags) { this.nlFlags = nlFlags; }
    }
    private static final int NTF_PROXY = 0x08, NTF_ROUTER = 0x80;

    public Neighbour(Family family, InetAddress dst, int index, byte[] lladdr, int state, int flags) {
        this(family, dst, index, lladdr, state, flags, null, null, 0);
    }

    /**
     * The kernel's struct nda_cacheinfo: how long ago the entry was confirmed, used and updated, in clock ticks
     * (USER_HZ), and how many hold a reference to it.
     */
    public record Cache(long confirmed, long used, long updated, long refcnt) {
        /** The length of a clock tick: USER_HZ, 100 on every architecture Linux runs nslab on (sysconf(_SC_CLK_TCK)). */
        public static final int TICKS_PER_SECOND = 100;
    }

    public boolean router() { return (flags & NTF_ROUTER) != 0; }

    public boolean proxy() { return (flags & NTF_PROXY) != 0; }

    /** Learnt by something outside the kernel (NTF_EXT_LEARNED: a switch driver, a routing daemon). */
    public boolean externLearned() { return (flags & 0x10) != 0; }

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
