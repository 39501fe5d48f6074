package dev.nslab.cli;

import dev.nslab.net.BridgeXstats;
import dev.nslab.net.Link;
import dev.nslab.net.NetHandle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nslab link xstats type bridge|bridge_slave [igmp|mcast|stp] [dev DEV]}: a Linux bridge's or its ports'
 * extended counters, as ip 6.1 prints them (text and -j), with ip's errors for the other link types.
 */
final class LinkXstats {
    private LinkXstats() {}

    /** Every link type ip 6.1 knows (it refuses any other as "invalid type"). */
    private static final Set<String> KINDS = Set.of("amt", "bareudp", "batadv", "bond", "bond_slave", "bridge", "bridge_slave",
            "can", "dsa", "dummy", "erspan", "geneve", "gre", "gretap", "gtp", "hsr", "ifb", "ip6erspan", "ip6gre", "ip6gretap",
            "ip6tnl", "ipip", "ipoib", "ipvlan", "ipvtap", "macsec", "macvlan", "macvtap", "netdevsim", "nlmon", "rmnet", "sit",
            "team_slave", "tun", "vcan", "veth", "virt_wifi", "vlan", "vrf", "vrf_slave", "vti", "vti6", "vxcan", "vxlan", "wwan", "xfrm");

    private static final String PAD = " ".repeat(16);

    static int run(Cli cli, NetHandle h, Args a) {
        if (!a.more()) {
            cli.err.println("xstats: missing argument");
            return 1;
        }
        String w = a.next();
        if (Args.matches(w, "help")) {
            cli.out.println("Usage: ... xstats type TYPE [ ARGS ]");
            return 0;
        }
        if (!Args.matches(w, "type")) throw new UsageException("Error: argument \"" + w + "\" is wrong: unknown argument");
        String kind = a.value(null);
        if (!KINDS.contains(kind)) throw new UsageException("Error: argument \"" + kind + "\" is wrong: invalid type");
        if (kind.equals("bond") || kind.equals("bond_slave")) {
            throw new UsageException("nslab: link xstats type " + kind + " is not supported yet");
        }
        if (!kind.equals("bridge") && !kind.equals("bridge_slave")) {
            cli.err.println("xstats: link type " + kind + " doesn't support xstats");
            return 1;
        }
        String only = null;
        Integer index = null;
        List<Link> links = h.links();
        while (a.more()) {
            String arg = a.next();
            switch (arg) {
                case "igmp", "mcast" -> only = "mcast";
                case "stp" -> only = "stp";
                case "dev" -> {
                    String dev = a.value(null);
                    index = links.stream().filter(l -> l.name().equals(dev)).map(Link::index).findFirst().orElse(null);
                    if (index == null) {
                        cli.err.println("Cannot find device \"" + dev + "\"");
                        return 1;
                    }
                }
                case "help" -> {
                    cli.out.println("Usage: ... " + kind + " [ igmp ] [ dev DEVICE ]");
                    return 0;
                }
                default -> throw new UsageException("Error: argument \"" + arg + "\" is wrong: unknown attribute");
            }
        }
        Map<Integer, String> names = Link.namesByIndex(links);
        StringBuilder sb = new StringBuilder();
        List<Object> json = new ArrayList<>();
        for (BridgeXstats x : h.bridgeXstats(kind.equals("bridge_slave"))) {
            if (index != null && index != x.index()) continue;
            String name = names.getOrDefault(x.index(), "if" + x.index());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ifname", name);
            sb.append(String.format("%-16s\n", name));
            for (String part : x.parts()) {
                if (only != null && !only.equals(part)) continue;
                if (part.equals("mcast")) mcast(sb, m, x.mcast());
                else stp(sb, m, x.stp());
            }
            json.add(m);
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    /** struct br_mcast_stats: [0..13] IGMP v1/v2/v3 queries, leaves, v1/v2/v3 reports (RX, TX each), [14] IGMP parse errors, ... */
    private static void mcast(StringBuilder sb, Map<String, Object> m, long[] v) {
        Map<String, Object> mc = new LinkedHashMap<>();
        sb.append(PAD).append("    IGMP queries:\n");
        mc.put("igmp_queries", versions(sb, v, 0, 2, 4));
        sb.append(PAD).append("    IGMP reports:\n");
        mc.put("igmp_reports", versions(sb, v, 8, 10, 12));
        sb.append(PAD).append("    IGMP leaves: RX: ").append(v[6]).append(" TX: ").append(v[7]).append('\n');
        mc.put("igmp_leaves", rxTx(v[6], v[7]));
        sb.append(PAD).append("    IGMP parse errors: ").append(v[14]).append('\n');
        mc.put("igmp_parse_errors", v[14]);
        sb.append(PAD).append("    MLD queries:\n");
        mc.put("mld_queries", versions(sb, v, 15, 17));
        sb.append(PAD).append("    MLD reports:\n");
        mc.put("mld_reports", versions(sb, v, 22, 24));
        sb.append(PAD).append("    MLD leaves: RX: ").append(v[19]).append(" TX: ").append(v[20]).append('\n');
        mc.put("mld_leaves", rxTx(v[19], v[20]));
        sb.append(PAD).append("    MLD parse errors: ").append(v[21]).append('\n');
        mc.put("mld_parse_errors", v[21]);
        m.put("multicast", mc);
    }

    /** "RX: v1 A v2 B [v3 C]" then "TX: ...", from the RX/TX pairs starting at each offset. */
    private static Map<String, Object> versions(StringBuilder sb, long[] v, int... at) {
        Map<String, Object> j = new LinkedHashMap<>();
        for (int dir = 0; dir < 2; dir++) {
            String d = dir == 0 ? "rx" : "tx";
            sb.append(PAD).append("      ").append(dir == 0 ? "RX:" : "TX:");
            for (int k = 0; k < at.length; k++) {
                sb.append(" v").append(k + 1).append(' ').append(v[at[k] + dir]);
                j.put(d + "_v" + (k + 1), v[at[k] + dir]);
            }
            sb.append('\n');
        }
        // ip lists RX first then TX in JSON too
        return j;
    }

    private static Map<String, Object> rxTx(long rx, long tx) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("rx", rx);
        j.put("tx", tx);
        return j;
    }

    /** struct bridge_stp_xstats: transition_blk, transition_fwd, rx_bpdu, tx_bpdu, rx_tcn, tx_tcn. */
    private static void stp(StringBuilder sb, Map<String, Object> m, long[] v) {
        sb.append(PAD).append("    STP BPDU:  RX: ").append(v[2]).append(" TX: ").append(v[3]).append('\n');
        sb.append(PAD).append("    STP TCN:   RX: ").append(v[4]).append(" TX: ").append(v[5]).append('\n');
        sb.append(PAD).append("    STP Transitions: Blocked: ").append(v[0]).append(" Forwarding: ").append(v[1]).append('\n');
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("rx_bpdu", v[2]);
        j.put("tx_bpdu", v[3]);
        j.put("rx_tcn", v[4]);
        j.put("tx_tcn", v[5]);
        j.put("transition_blk", v[0]);
        j.put("transition_fwd", v[1]);
        m.put("stp", j);
    }
}
