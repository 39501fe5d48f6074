package dev.nslab.cli;

import dev.nslab.net.Link;
import dev.nslab.net.LinkDetails;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * ip -d's part of a link: promiscuity, allmulti, MTU bounds, the kind (and a Linux bridge's, bridge port's, vxlan's,
 * macvlan's or tun/tap's settings, in ip's order and words), the IPv6 address generation mode (link show only), queues
 * and segmentation limits. One list of items feeds both the text and the JSON form, so their order is owned once.
 */
final class LinkDetailsFormat {
    /** Kinds whose settings ip prints and nslab does not yet (it refuses rather than print less than ip). */
    private static final Set<String> UNSUPPORTED = Set.of("amt", "bareudp", "bond", "bond_slave", "can", "dsa", "erspan", "geneve",
            "gre", "gretap", "gtp", "hsr", "ip6erspan", "ip6gre", "ip6gretap", "ip6tnl", "ipip", "ipoib", "ipvlan", "ipvtap",
            "rmnet", "sit", "vlan", "vrf", "vrf_slave", "vti", "vti6", "wwan", "xfrm");

    private static final String[] PORT_STATES = {"disabled", "listening", "learning", "forwarding", "blocking"};

    /** One printed item: its JSON key and value (null: text only), and its text. */
    private record Item(String key, Object json, String text) { }

    private LinkDetailsFormat() {}

    /** The kinds in {@code details} whose settings nslab cannot print yet, or null when it can print all. */
    static String unsupported(Iterable<LinkDetails> details) {
        for (LinkDetails d : details) {
            if (d.kind() != null && UNSUPPORTED.contains(d.kind()) && d.dataPresent()) return d.kind();
            if (d.slaveKind() != null && UNSUPPORTED.contains(d.slaveKind() + "_slave") && d.slaveDataPresent()) return d.slaveKind() + "_slave";
        }
        return null;
    }

    static void text(StringBuilder sb, LinkDetails d, boolean doLink, IntFunction<String> names) {
        for (Item i : items(d, doLink, names)) sb.append(i.text());
    }

    static void json(Map<String, Object> m, LinkDetails d, boolean doLink, IntFunction<String> names) {
        for (Item i : items(d, doLink, names)) {
            if (i.key() == null) continue;
            // linkinfo and its info_data / info_slave_data objects: keys with a path, objects made on first use
            String[] path = i.key().split("/");
            Map<String, Object> at = m;
            for (int k = 0; k < path.length - 1; k++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) at.computeIfAbsent(path[k], x -> new LinkedHashMap<String, Object>());
                at = next;
            }
            at.put(path[path.length - 1], i.json());
        }
    }

    private static List<Item> items(LinkDetails d, boolean doLink, IntFunction<String> names) {
        List<Item> out = new ArrayList<>();
        if (d.promiscuity() != null) out.add(new Item("promiscuity", d.promiscuity(), " promiscuity " + d.promiscuity() + " "));
        if (d.allmulti() != null) out.add(new Item("allmulti", d.allmulti(), " allmulti " + d.allmulti() + " "));
        if (d.minMtu() != null) out.add(new Item("min_mtu", d.minMtu(), "minmtu " + d.minMtu() + " "));
        if (d.maxMtu() != null) out.add(new Item("max_mtu", d.maxMtu(), "maxmtu " + d.maxMtu() + " "));
        if (d.kind() != null) {
            out.add(new Item("linkinfo/info_kind", d.kind(), "\n    " + d.kind() + " "));
            switch (d.kind()) {
                case "bridge" -> bridge(out, d.data(), "linkinfo/info_data/");
                case "vxlan" -> vxlan(out, d.data(), "linkinfo/info_data/", names);
                case "macvlan", "macvtap" -> macvlan(out, d.data(), "linkinfo/info_data/"); // ip prints a macvtap as a macvlan
                case "tun" -> tun(out, d.data(), "linkinfo/info_data/");
                default -> { }
            }
        }
        if (d.slaveKind() != null) {
            out.add(new Item("linkinfo/info_slave_kind", d.slaveKind(), "\n    " + d.slaveKind() + "_slave "));
            if (d.slaveKind().equals("bridge")) bridgePort(out, d.slaveData(), "linkinfo/info_slave_data/", names);
        }
        if (doLink && d.addrGenMode() != null) {
            String mode = switch (d.addrGenMode()) {
                case 0 -> "eui64";
                case 1 -> "none";
                case 2 -> "stable_secret";
                case 3 -> "random";
                default -> String.format("0x%02x", d.addrGenMode());
            };
            out.add(new Item("inet6_addr_gen_mode", mode, "addrgenmode " + mode + " "));
        }
        number(out, "num_tx_queues", "numtxqueues", d.numTxQueues());
        number(out, "num_rx_queues", "numrxqueues", d.numRxQueues());
        number(out, "gso_max_size", "gso_max_size", d.gsoMaxSize());
        number(out, "gso_max_segs", "gso_max_segs", d.gsoMaxSegs());
        number(out, "tso_max_size", "tso_max_size", d.tsoMaxSize());
        number(out, "tso_max_segs", "tso_max_segs", d.tsoMaxSegs());
        number(out, "gro_max_size", "gro_max_size", d.groMaxSize());
        if (d.physPortName() != null) out.add(new Item("phys_port_name", d.physPortName(), "portname " + d.physPortName() + " "));
        if (d.physPortId() != null) out.add(new Item("phys_port_id", hex(d.physPortId()), "portid " + hex(d.physPortId()) + " "));
        if (d.physSwitchId() != null) out.add(new Item("phys_switch_id", hex(d.physSwitchId()), "switchid " + hex(d.physSwitchId()) + " "));
        if (d.parentBus() != null) out.add(new Item("parentbus", d.parentBus(), "parentbus " + d.parentBus() + " "));
        if (d.parentDev() != null) out.add(new Item("parentdev", d.parentDev(), "parentdev " + d.parentDev() + " "));
        return out;
    }

    private static void number(List<Item> out, String key, String word, Long v) {
        if (v != null) out.add(new Item(key, v, word + " " + v + " "));
    }

    /** iproute2's bridge_print_opt, attribute by attribute. */
    private static void bridge(List<Item> out, Map<String, Object> a, String p) {
        uint(out, a, "FORWARD_DELAY", p + "forward_delay", "forward_delay");
        uint(out, a, "HELLO_TIME", p + "hello_time", "hello_time");
        uint(out, a, "MAX_AGE", p + "max_age", "max_age");
        uint(out, a, "AGEING_TIME", p + "ageing_time", "ageing_time");
        uint(out, a, "STP_STATE", p + "stp_state", "stp_state");
        uint(out, a, "PRIORITY", p + "priority", "priority");
        uint(out, a, "VLAN_FILTERING", p + "vlan_filtering", "vlan_filtering");
        if (a.get("VLAN_PROTOCOL") instanceof Long proto) {
            String name = proto == 0x8100 ? "802.1Q" : proto == 0x88a8 ? "802.1ad" : String.format("0x%04x", proto);
            out.add(new Item(p + "vlan_protocol", name, "vlan_protocol " + name + " "));
        }
        if (a.get("BRIDGE_ID") instanceof byte[] id) out.add(new Item(p + "bridge_id", bridgeId(id), "bridge_id " + bridgeId(id) + " "));
        // ip 6.1 prints the bridge's own id as designated_root (it reads BRIDGE_ID where it means ROOT_ID)
        if (a.containsKey("ROOT_ID") && a.get("BRIDGE_ID") instanceof byte[] id) {
            out.add(new Item(p + "root_id", bridgeId(id), "designated_root " + bridgeId(id) + " "));
        }
        uint(out, a, "ROOT_PORT", p + "root_port", "root_port");
        uint(out, a, "ROOT_PATH_COST", p + "root_path_cost", "root_path_cost");
        uint(out, a, "TOPOLOGY_CHANGE", p + "topology_change", "topology_change");
        uint(out, a, "TOPOLOGY_CHANGE_DETECTED", p + "topology_change_detected", "topology_change_detected");
        timer(out, a, "HELLO_TIMER", p, "hello_timer");
        timer(out, a, "TCN_TIMER", p, "tcn_timer");
        timer(out, a, "TOPOLOGY_CHANGE_TIMER", p, "topology_change_timer");
        timer(out, a, "GC_TIMER", p, "gc_timer");
        uint(out, a, "VLAN_DEFAULT_PVID", p + "vlan_default_pvid", "vlan_default_pvid");
        uint(out, a, "VLAN_STATS_ENABLED", p + "vlan_stats_enabled", "vlan_stats_enabled");
        uint(out, a, "VLAN_STATS_PER_PORT", p + "vlan_stats_per_port", "vlan_stats_per_port");
        hexItem(out, a, "GROUP_FWD_MASK", p + "group_fwd_mask", "group_fwd_mask");
        if (a.get("GROUP_ADDR") instanceof byte[] mac) out.add(new Item(p + "group_addr", Link.mac(mac), "group_address " + Link.mac(mac) + " "));
        uint(out, a, "MCAST_SNOOPING", p + "mcast_snooping", "mcast_snooping");
        if (a.get("MULTI_BOOLOPT") instanceof long[] bm) {
            long noLlLearn = 1, vlanSnooping = 2;
            if ((bm[1] & noLlLearn) != 0) {
                long v = (bm[0] & noLlLearn) != 0 ? 1 : 0;
                out.add(new Item(p + "no_linklocal_learn", v, "no_linklocal_learn " + v + " "));
            }
            if ((bm[1] & vlanSnooping) != 0) {
                long v = (bm[0] & vlanSnooping) != 0 ? 1 : 0;
                out.add(new Item(p + "mcast_vlan_snooping", v, "mcast_vlan_snooping " + v + " "));
            }
        }
        uint(out, a, "MCAST_ROUTER", p + "mcast_router", "mcast_router");
        uint(out, a, "MCAST_QUERY_USE_IFADDR", p + "mcast_query_use_ifaddr", "mcast_query_use_ifaddr");
        uint(out, a, "MCAST_QUERIER", p + "mcast_querier", "mcast_querier");
        uint(out, a, "MCAST_HASH_ELASTICITY", p + "mcast_hash_elasticity", "mcast_hash_elasticity");
        uint(out, a, "MCAST_HASH_MAX", p + "mcast_hash_max", "mcast_hash_max");
        uint(out, a, "MCAST_LAST_MEMBER_CNT", p + "mcast_last_member_cnt", "mcast_last_member_count");
        uint(out, a, "MCAST_STARTUP_QUERY_CNT", p + "mcast_startup_query_cnt", "mcast_startup_query_count");
        uint(out, a, "MCAST_LAST_MEMBER_INTVL", p + "mcast_last_member_intvl", "mcast_last_member_interval");
        uint(out, a, "MCAST_MEMBERSHIP_INTVL", p + "mcast_membership_intvl", "mcast_membership_interval");
        uint(out, a, "MCAST_QUERIER_INTVL", p + "mcast_querier_intvl", "mcast_querier_interval");
        uint(out, a, "MCAST_QUERY_INTVL", p + "mcast_query_intvl", "mcast_query_interval");
        uint(out, a, "MCAST_QUERY_RESPONSE_INTVL", p + "mcast_query_response_intvl", "mcast_query_response_interval");
        uint(out, a, "MCAST_STARTUP_QUERY_INTVL", p + "mcast_startup_query_intvl", "mcast_startup_query_interval");
        uint(out, a, "MCAST_STATS_ENABLED", p + "mcast_stats_enabled", "mcast_stats_enabled");
        uint(out, a, "MCAST_IGMP_VERSION", p + "mcast_igmp_version", "mcast_igmp_version");
        uint(out, a, "MCAST_MLD_VERSION", p + "mcast_mld_version", "mcast_mld_version");
        uint(out, a, "NF_CALL_IPTABLES", p + "nf_call_iptables", "nf_call_iptables");
        uint(out, a, "NF_CALL_IP6TABLES", p + "nf_call_ip6tables", "nf_call_ip6tables");
        uint(out, a, "NF_CALL_ARPTABLES", p + "nf_call_arptables", "nf_call_arptables");
    }

    /** iproute2's vxlan_print_opt (addresses as numbers: ip would resolve them with -r). */
    private static void vxlan(List<Item> out, Map<String, Object> a, String p, IntFunction<String> names) {
        if (a.get("COLLECT_METADATA") instanceof Long v && v != 0) out.add(new Item(p + "external", true, "external "));
        if (a.get("VNIFILTER") instanceof Long v && v != 0) out.add(new Item(p + "vnifilter", true, "vnifilter"));
        uint(out, a, "ID", p + "id", "id");
        if (a.get("GROUP") instanceof byte[] g) {
            if (!isZero(g)) {
                boolean mc = (g[0] & 0xf0) == 0xe0;
                String s = address(g);
                out.add(new Item(p + (mc ? "group" : "remote"), s, (mc ? "group " : "remote ") + s + " "));
            }
        } else if (a.get("GROUP6") instanceof byte[] g && !isZero(g)) {
            boolean mc = (g[0] & 0xff) == 0xff;
            String s = address(g);
            out.add(new Item(p + (mc ? "group6" : "remote6"), s, (mc ? "group " : "remote ") + s + " "));
        }
        if (a.get("LOCAL") instanceof byte[] l) {
            if (!isZero(l)) out.add(new Item(p + "local", address(l), "local " + address(l) + " "));
        } else if (a.get("LOCAL6") instanceof byte[] l && !isZero(l)) {
            out.add(new Item(p + "local6", address(l), "local " + address(l) + " "));
        }
        if (a.get("LINK") instanceof Long link && link != 0) {
            String n = names.apply(link.intValue());
            out.add(new Item(p + "link", n, "dev " + n + " "));
        }
        if (a.get("PORT_RANGE") instanceof long[] r) {
            out.add(new Item(p + "port_range/low", r[0], ""));
            out.add(new Item(p + "port_range/high", r[1], "srcport " + r[0] + " " + r[1] + " "));
        }
        uint(out, a, "PORT", p + "port", "dstport");
        if (a.get("LEARNING") instanceof Long v) {
            out.add(new Item(p + "learning", v != 0, v != 0 ? "" : "nolearning "));
        }
        for (String[] f : new String[][] {{"PROXY", "proxy"}, {"RSC", "rsc"}, {"L2MISS", "l2miss"}, {"L3MISS", "l3miss"}}) {
            if (a.get(f[0]) instanceof Long v && v != 0) out.add(new Item(p + f[1], true, f[1] + " "));
        }
        if (a.get("TOS") instanceof Long tos && tos != 0) {
            out.add(new Item(p + "tos", "0x" + Long.toHexString(tos), tos == 1 ? "tos inherit " : "tos 0x" + Long.toHexString(tos) + " "));
        }
        if (a.get("TTL_INHERIT") instanceof Long v && v != 0) {
            out.add(new Item(null, null, "ttl inherit "));
        } else if (a.get("TTL") instanceof Long ttl) {
            out.add(new Item(p + "ttl", ttl, ttl != 0 ? "ttl " + ttl + " " : "ttl auto "));
        }
        if (a.get("DF") instanceof Long df) {
            String s = df == 0 ? "unset" : df == 1 ? "set" : df == 2 ? "inherit" : null;
            if (s != null) out.add(new Item(p + "df", s, df == 0 ? "" : "df " + s + " "));
        }
        if (a.get("LABEL") instanceof Long label && label != 0) {
            out.add(new Item(p + "label", "0x" + Long.toHexString(label), "flowlabel 0x" + Long.toHexString(label) + " "));
        }
        if (a.get("AGEING") instanceof Long age) out.add(new Item(p + "ageing", age, age == 0 ? "ageing none " : "ageing " + age + " "));
        if (a.get("LIMIT") instanceof Long max && max != 0) out.add(new Item(p + "limit", max, "maxaddr " + max + " "));
        for (String[] f : new String[][] {{"UDP_CSUM", "udp_csum", "udpcsum "}, {"UDP_ZERO_CSUM6_TX", "udp_zero_csum6_tx", "udp6zerocsumtx "},
                {"UDP_ZERO_CSUM6_RX", "udp_zero_csum6_rx", "udp6zerocsumrx "}}) {
            if (a.get(f[0]) instanceof Long v) out.add(new Item(p + f[1], v != 0, (v != 0 ? "" : "no") + f[2]));
        }
        if (a.get("REMCSUM_TX") instanceof Long v && v != 0) out.add(new Item(p + "remcsum_tx", true, "remcsumtx "));
        if (a.get("REMCSUM_RX") instanceof Long v && v != 0) out.add(new Item(p + "remcsum_rx", true, "remcsumrx "));
        if (a.containsKey("GBP")) out.add(new Item(p + "gbp", true, "gbp "));
        if (a.containsKey("GPE")) out.add(new Item(p + "gpe", true, "gpe "));
    }

    /** iproute2's macvlan_print_opt. */
    private static void macvlan(List<Item> out, Map<String, Object> a, String p) {
        if (!(a.get("MODE") instanceof Long mode)) return;
        String m = mode == 1 ? "private" : mode == 2 ? "vepa" : mode == 4 ? "bridge" : mode == 8 ? "passthru" : mode == 16 ? "source" : "unknown";
        out.add(new Item(p + "mode", m, "mode " + m + " "));
        long flags = a.get("FLAGS") instanceof Long f ? f : 0;
        if ((flags & 1) != 0) out.add(new Item(p + "nopromisc", true, "nopromisc "));
        if ((flags & 2) != 0) out.add(new Item(p + "nodst", true, "nodst "));
        uint(out, a, "BC_QUEUE_LEN", p + "bcqueuelen", "bcqueuelen");
        uint(out, a, "BC_QUEUE_LEN_USED", p + "usedbcqueuelen", "usedbcqueuelen");
        if (mode != 16 || !(a.get("MACADDR_COUNT") instanceof Long count)) return;
        out.add(new Item(p + "macaddr_count", count, "remotes (" + count + ") "));
        if (a.get("MACADDR_DATA") instanceof List<?> addrs) {
            List<String> macs = new ArrayList<>();
            StringBuilder t = new StringBuilder();
            for (Object o : addrs) {
                if (o instanceof byte[] b && b.length >= 6) {
                    String mac = Link.mac(java.util.Arrays.copyOf(b, 6));
                    macs.add(mac);
                    t.append(mac).append(' ');
                }
            }
            out.add(new Item(p + "macaddr_data", macs, t.toString()));
        }
    }

    /** iproute2's tun_print_opt: type, pi, vnet_hdr, multi-queue, persist, owner and group by name where known. */
    private static void tun(List<Item> out, Map<String, Object> a, String p) {
        if (a.get("TYPE") instanceof Long t) {
            String s = t == 1 ? "tun" : t == 2 ? "tap" : "UNKNOWN:" + t;
            out.add(new Item(p + "type", s, "type " + s + " "));
        }
        onOff(out, a, "PI", p + "pi", "pi");
        onOff(out, a, "VNET_HDR", p + "vnet_hdr", "vnet_hdr");
        if (a.get("MULTI_QUEUE") instanceof Long mq && mq != 0) {
            out.add(new Item(p + "multi_queue", true, "multi_queue "));
            uint(out, a, "NUM_QUEUES", p + "numqueues", "numqueues");
            uint(out, a, "NUM_DISABLED_QUEUES", p + "numdisabled", "numdisabled");
        } else {
            out.add(new Item(p + "multi_queue", false, ""));
        }
        onOff(out, a, "PERSIST", p + "persist", "persist");
        if (a.get("OWNER") instanceof Long uid) named(out, p + "user", "user", uid, "/etc/passwd");
        if (a.get("GROUP") instanceof Long gid) named(out, p + "group", "group", gid, "/etc/group");
    }

    /** A user or group by its name in the system's file (as getpwuid/getgrgid find it there), else its number. */
    private static void named(List<Item> out, String key, String word, long id, String file) {
        String name = null;
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(file))) {
                String[] f = line.split(":", -1);
                if (f.length > 2 && f[2].equals(Long.toString(id))) {
                    name = f[0];
                    break;
                }
            }
        } catch (java.io.IOException e) {
            // no such file: the number, as ip prints it for an unknown id
        }
        out.add(new Item(key, name != null ? name : (Object) id, word + " " + (name != null ? name : Long.toString(id)) + " "));
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static String address(byte[] b) {
        try {
            return dev.nslab.net.Cidr.format(java.net.InetAddress.getByAddress(b));
        } catch (java.net.UnknownHostException e) {
            return "";
        }
    }

    /** iproute2's bridge_slave_print_opt. */
    private static void bridgePort(List<Item> out, Map<String, Object> a, String p, IntFunction<String> names) {
        if (a.get("STATE") instanceof Long st) {
            if (st < PORT_STATES.length) out.add(new Item(p + "state", PORT_STATES[st.intValue()], "state " + PORT_STATES[st.intValue()] + " "));
            else out.add(new Item(p + "state_index", st, "state (" + st + ") "));
        }
        uint(out, a, "PRIORITY", p + "priority", "priority");
        uint(out, a, "COST", p + "cost", "cost");
        onOff(out, a, "MODE", p + "hairpin", "hairpin");
        onOff(out, a, "GUARD", p + "guard", "guard");
        onOff(out, a, "PROTECT", p + "root_block", "root_block");
        onOff(out, a, "FAST_LEAVE", p + "fastleave", "fastleave");
        onOff(out, a, "LEARNING", p + "learning", "learning");
        onOff(out, a, "UNICAST_FLOOD", p + "flood", "flood");
        hexItem(out, a, "ID", p + "id", "port_id");
        hexItem(out, a, "NO", p + "no", "port_no");
        uint(out, a, "DESIGNATED_PORT", p + "designated_port", "designated_port");
        uint(out, a, "DESIGNATED_COST", p + "designated_cost", "designated_cost");
        if (a.get("BRIDGE_ID") instanceof byte[] id) out.add(new Item(p + "bridge_id", bridgeId(id), "designated_bridge " + bridgeId(id) + " "));
        if (a.get("ROOT_ID") instanceof byte[] id) out.add(new Item(p + "root_id", bridgeId(id), "designated_root " + bridgeId(id) + " "));
        timer(out, a, "HOLD_TIMER", p, "hold_timer");
        timer(out, a, "MESSAGE_AGE_TIMER", p, "message_age_timer");
        timer(out, a, "FORWARD_DELAY_TIMER", p, "forward_delay_timer");
        uint(out, a, "TOPOLOGY_CHANGE_ACK", p + "topology_change_ack", "topology_change_ack");
        uint(out, a, "CONFIG_PENDING", p + "config_pending", "config_pending");
        onOff(out, a, "PROXYARP", p + "proxy_arp", "proxy_arp");
        onOff(out, a, "PROXYARP_WIFI", p + "proxy_arp_wifi", "proxy_arp_wifi");
        uint(out, a, "MULTICAST_ROUTER", p + "multicast_router", "mcast_router");
        if (a.get("FAST_LEAVE") instanceof Long v) out.add(new Item(null, null, "mcast_fast_leave " + (v != 0 ? "on" : "off") + " "));
        onOff(out, a, "MCAST_FLOOD", p + "mcast_flood", "mcast_flood");
        onOff(out, a, "BCAST_FLOOD", p + "bcast_flood", "bcast_flood");
        onOff(out, a, "MCAST_TO_UCAST", p + "mcast_to_unicast", "mcast_to_unicast");
        onOff(out, a, "NEIGH_SUPPRESS", p + "neigh_suppress", "neigh_suppress");
        if (a.get("GROUP_FWD_MASK") instanceof Long mask) {
            hexItem(out, a, "GROUP_FWD_MASK", p + "group_fwd_mask", "group_fwd_mask");
            String s = fwdMask(mask);
            out.add(new Item(p + "group_fwd_mask_str", s, "group_fwd_mask_str " + s + " "));
        }
        onOff(out, a, "VLAN_TUNNEL", p + "vlan_tunnel", "vlan_tunnel");
        onOff(out, a, "ISOLATED", p + "isolated", "isolated");
        onOff(out, a, "LOCKED", p + "locked", "locked");
        if (a.get("BACKUP_PORT") instanceof Long idx) {
            String name = names.apply(idx.intValue());
            out.add(new Item(p + "backup_port", name, "backup_port " + name + " "));
        }
    }

    private static void uint(List<Item> out, Map<String, Object> a, String attr, String key, String word) {
        if (a.get(attr) instanceof Long v) out.add(new Item(key, v, word + " " + Long.toUnsignedString(v) + " "));
    }

    private static void onOff(List<Item> out, Map<String, Object> a, String attr, String key, String word) {
        if (a.get(attr) instanceof Long v) out.add(new Item(key, v != 0, word + " " + (v != 0 ? "on" : "off") + " "));
    }

    /** C's "%#llx": 0 stays "0", anything else gets 0x; JSON carries the same text. */
    private static void hexItem(List<Item> out, Map<String, Object> a, String attr, String key, String word) {
        if (a.get(attr) instanceof Long v) {
            String s = v == 0 ? "0" : "0x" + Long.toHexString(v);
            out.add(new Item(key, s, word + " " + s + " "));
        }
    }

    /** Jiffies in USER_HZ (1/100 s): "%4i.%.2i" in text, a bare number in JSON. */
    private static void timer(List<Item> out, Map<String, Object> a, String attr, String p, String word) {
        if (a.get(attr) instanceof Long j) {
            long sec = j / 100, cs = j % 100;
            String v = sec + "." + (cs < 10 ? "0" : "") + cs;
            out.add(new Item(p + word, new BigDecimal(v), word + " " + String.format("%4d", sec) + "." + (cs < 10 ? "0" : "") + cs + " "));
        }
    }

    /** ether_ntoa's way: two priority bytes in hex, a dot, then the address without leading zeros. */
    private static String bridgeId(byte[] id) {
        if (id.length < 8) return "";
        StringBuilder b = new StringBuilder(String.format("%02x%02x.", id[0] & 0xff, id[1] & 0xff));
        for (int i = 2; i < 8; i++) b.append(i > 2 ? ":" : "").append(Integer.toHexString(id[i] & 0xff));
        return b.toString();
    }

    private static String fwdMask(long mask) {
        String[] names = new String[16];
        names[0] = "stp";
        names[2] = "lacp";
        names[14] = "lldp";
        List<String> parts = new ArrayList<>();
        for (int i = 0; mask != 0 && i < 16; i++, mask >>= 1) {
            if ((mask & 1) != 0) parts.add(names[i] != null ? names[i] : "0x" + Integer.toHexString(1 << i));
        }
        return parts.isEmpty() ? "0x0" : String.join(",", parts);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x", x & 0xff));
        return s.toString();
    }
}
