package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the kernel says about a link beyond its name and state: promiscuity and allmulti counts, MTU bounds, queues,
 * segmentation limits, the IPv6 address generation mode, and the kind's own settings. A value the kernel did not send
 * is null. {@code data} and {@code slaveData} hold a Linux bridge's and a bridge port's settings by the kernel's
 * attribute names (IFLA_BR_* and IFLA_BRPORT_* without the prefix): a number, a byte array (MAC, bridge id), or for
 * MULTI_BOOLOPT {optval, optmask}; likewise a vxlan's (IFLA_VXLAN_*: addresses as byte arrays, PORT_RANGE {low, high},
 * flags as 1), a macvlan's (IFLA_MACVLAN_*, MACADDR_DATA a list of byte arrays) and a tun/tap's (IFLA_TUN_*); for other kinds
 * {@code dataPresent} says whether the kind sent settings at all.
 */
public record LinkDetails(Long promiscuity, Long allmulti, Long minMtu, Long maxMtu, String kind, boolean dataPresent,
                          Map<String, Object> data, String slaveKind, boolean slaveDataPresent, Map<String, Object> slaveData,
                          Integer addrGenMode, Long numTxQueues, Long numRxQueues, Long gsoMaxSize, Long gsoMaxSegs,
                          Long tsoMaxSize, Long tsoMaxSegs, Long groMaxSize, String physPortName, byte[] physPortId,
                          byte[] physSwitchId, String parentBus, String parentDev) {

    private static final int PROMISCUITY = 30, NUM_TX_QUEUES = 31, NUM_RX_QUEUES = 32, PHYS_PORT_ID = 34, PHYS_SWITCH_ID = 36,
            PHYS_PORT_NAME = 38, GSO_MAX_SEGS = 40, GSO_MAX_SIZE = 41, MIN_MTU = 50, MAX_MTU = 51, PARENT_DEV_NAME = 56,
            PARENT_DEV_BUS_NAME = 57, GRO_MAX_SIZE = 58, TSO_MAX_SIZE = 59, TSO_MAX_SEGS = 60, ALLMULTI = 61, AF_SPEC = 26,
            LINKINFO = 18, INFO_KIND = 1, INFO_DATA = 2, INFO_SLAVE_KIND = 4, INFO_SLAVE_DATA = 5, AF_INET6 = 10,
            INET6_ADDR_GEN_MODE = 8;

    /** How a bridge attribute is laid out: u8, u16, u32, u64, a bridge id, an address, two u32, big-endian u16. */
    private enum Shape { U8, U16, U32, U64, ID, MAC, BOOLOPT, BE16, BE32, RANGE, FLAG, ADDRS }

    private record Attr(String name, Shape shape) { }

    private static final Map<Integer, Attr> BRIDGE = table(new Object[][] {
            {1, "FORWARD_DELAY", Shape.U32}, {2, "HELLO_TIME", Shape.U32}, {3, "MAX_AGE", Shape.U32}, {4, "AGEING_TIME", Shape.U32},
            {5, "STP_STATE", Shape.U32}, {6, "PRIORITY", Shape.U16}, {7, "VLAN_FILTERING", Shape.U8}, {8, "VLAN_PROTOCOL", Shape.BE16},
            {9, "GROUP_FWD_MASK", Shape.U16}, {10, "ROOT_ID", Shape.ID}, {11, "BRIDGE_ID", Shape.ID}, {12, "ROOT_PORT", Shape.U16},
            {13, "ROOT_PATH_COST", Shape.U32}, {14, "TOPOLOGY_CHANGE", Shape.U8}, {15, "TOPOLOGY_CHANGE_DETECTED", Shape.U8},
            {16, "HELLO_TIMER", Shape.U64}, {17, "TCN_TIMER", Shape.U64}, {18, "TOPOLOGY_CHANGE_TIMER", Shape.U64},
            {19, "GC_TIMER", Shape.U64}, {20, "GROUP_ADDR", Shape.MAC}, {22, "MCAST_ROUTER", Shape.U8}, {23, "MCAST_SNOOPING", Shape.U8},
            {24, "MCAST_QUERY_USE_IFADDR", Shape.U8}, {25, "MCAST_QUERIER", Shape.U8}, {26, "MCAST_HASH_ELASTICITY", Shape.U32},
            {27, "MCAST_HASH_MAX", Shape.U32}, {28, "MCAST_LAST_MEMBER_CNT", Shape.U32}, {29, "MCAST_STARTUP_QUERY_CNT", Shape.U32},
            {30, "MCAST_LAST_MEMBER_INTVL", Shape.U64}, {31, "MCAST_MEMBERSHIP_INTVL", Shape.U64}, {32, "MCAST_QUERIER_INTVL", Shape.U64},
            {33, "MCAST_QUERY_INTVL", Shape.U64}, {34, "MCAST_QUERY_RESPONSE_INTVL", Shape.U64}, {35, "MCAST_STARTUP_QUERY_INTVL", Shape.U64},
            {36, "NF_CALL_IPTABLES", Shape.U8}, {37, "NF_CALL_IP6TABLES", Shape.U8}, {38, "NF_CALL_ARPTABLES", Shape.U8},
            {39, "VLAN_DEFAULT_PVID", Shape.U16}, {41, "VLAN_STATS_ENABLED", Shape.U8}, {42, "MCAST_STATS_ENABLED", Shape.U8},
            {43, "MCAST_IGMP_VERSION", Shape.U8}, {44, "MCAST_MLD_VERSION", Shape.U8}, {45, "VLAN_STATS_PER_PORT", Shape.U8},
            {46, "MULTI_BOOLOPT", Shape.BOOLOPT}});

    private static final Map<Integer, Attr> BRIDGE_PORT = table(new Object[][] {
            {1, "STATE", Shape.U8}, {2, "PRIORITY", Shape.U16}, {3, "COST", Shape.U32}, {4, "MODE", Shape.U8}, {5, "GUARD", Shape.U8},
            {6, "PROTECT", Shape.U8}, {7, "FAST_LEAVE", Shape.U8}, {8, "LEARNING", Shape.U8}, {9, "UNICAST_FLOOD", Shape.U8},
            {10, "PROXYARP", Shape.U8}, {12, "PROXYARP_WIFI", Shape.U8}, {13, "ROOT_ID", Shape.ID}, {14, "BRIDGE_ID", Shape.ID},
            {15, "DESIGNATED_PORT", Shape.U16}, {16, "DESIGNATED_COST", Shape.U16}, {17, "ID", Shape.U16}, {18, "NO", Shape.U16},
            {19, "TOPOLOGY_CHANGE_ACK", Shape.U8}, {20, "CONFIG_PENDING", Shape.U8}, {21, "MESSAGE_AGE_TIMER", Shape.U64},
            {22, "FORWARD_DELAY_TIMER", Shape.U64}, {23, "HOLD_TIMER", Shape.U64}, {25, "MULTICAST_ROUTER", Shape.U8},
            {27, "MCAST_FLOOD", Shape.U8}, {28, "MCAST_TO_UCAST", Shape.U8}, {29, "VLAN_TUNNEL", Shape.U8}, {30, "BCAST_FLOOD", Shape.U8},
            {31, "GROUP_FWD_MASK", Shape.U16}, {32, "NEIGH_SUPPRESS", Shape.U8}, {33, "ISOLATED", Shape.U8}, {34, "BACKUP_PORT", Shape.U32},
            {39, "LOCKED", Shape.U8}});

    private static final Map<Integer, Attr> VXLAN = table(new Object[][] {
            {1, "ID", Shape.U32}, {2, "GROUP", Shape.MAC}, {3, "LINK", Shape.U32}, {4, "LOCAL", Shape.MAC}, {5, "TTL", Shape.U8},
            {6, "TOS", Shape.U8}, {7, "LEARNING", Shape.U8}, {8, "AGEING", Shape.U32}, {9, "LIMIT", Shape.U32}, {10, "PORT_RANGE", Shape.RANGE},
            {11, "PROXY", Shape.U8}, {12, "RSC", Shape.U8}, {13, "L2MISS", Shape.U8}, {14, "L3MISS", Shape.U8}, {15, "PORT", Shape.BE16},
            {16, "GROUP6", Shape.MAC}, {17, "LOCAL6", Shape.MAC}, {18, "UDP_CSUM", Shape.U8}, {19, "UDP_ZERO_CSUM6_TX", Shape.U8},
            {20, "UDP_ZERO_CSUM6_RX", Shape.U8}, {21, "REMCSUM_TX", Shape.U8}, {22, "REMCSUM_RX", Shape.U8}, {23, "GBP", Shape.FLAG},
            {25, "COLLECT_METADATA", Shape.U8}, {26, "LABEL", Shape.BE32}, {27, "GPE", Shape.FLAG}, {28, "TTL_INHERIT", Shape.U8},
            {29, "DF", Shape.U8}, {30, "VNIFILTER", Shape.U8}});

    private static final Map<Integer, Attr> MACVLAN = table(new Object[][] {
            {1, "MODE", Shape.U32}, {2, "FLAGS", Shape.U16}, {5, "MACADDR_DATA", Shape.ADDRS}, {6, "MACADDR_COUNT", Shape.U32},
            {7, "BC_QUEUE_LEN", Shape.U32}, {8, "BC_QUEUE_LEN_USED", Shape.U32}});

    private static final Map<Integer, Attr> TUN = table(new Object[][] {
            {1, "OWNER", Shape.U32}, {2, "GROUP", Shape.U32}, {3, "TYPE", Shape.U8}, {4, "PI", Shape.U8}, {5, "VNET_HDR", Shape.U8},
            {6, "PERSIST", Shape.U8}, {7, "MULTI_QUEUE", Shape.U8}, {8, "NUM_QUEUES", Shape.U32}, {9, "NUM_DISABLED_QUEUES", Shape.U32}});

    /** A VRF's routing table (IFLA_VRF_TABLE). */
    private static final Map<Integer, Attr> VRF = table(new Object[][] {{1, "TABLE", Shape.U32}});

    private static final Map<String, Map<Integer, Attr>> KINDS = Map.of("bridge", BRIDGE, "vxlan", VXLAN, "macvlan", MACVLAN, "macvtap", MACVLAN, "tun", TUN, "vrf", VRF);

    private static Map<Integer, Attr> table(Object[][] rows) {
        Map<Integer, Attr> m = new LinkedHashMap<>();
        for (Object[] r : rows) m.put((Integer) r[0], new Attr((String) r[1], (Shape) r[2]));
        return Collections.unmodifiableMap(m);
    }

    static LinkDetails parse(NlAttrs a) {
        NlAttrs info = a.nested(LINKINFO);
        String kind = info == null ? null : info.string(INFO_KIND);
        String slaveKind = info == null ? null : info.string(INFO_SLAVE_KIND);
        NlAttrs data = info == null ? null : info.nested(INFO_DATA);
        NlAttrs slaveData = info == null ? null : info.nested(INFO_SLAVE_DATA);
        Integer genMode = null;
        NlAttrs af = a.nested(AF_SPEC);
        NlAttrs inet6 = af == null ? null : af.nested(AF_INET6);
        if (inet6 != null && inet6.has(INET6_ADDR_GEN_MODE)) genMode = inet6.u8(INET6_ADDR_GEN_MODE, 0);
        return new LinkDetails(u32(a, PROMISCUITY), u32(a, ALLMULTI), u32(a, MIN_MTU), u32(a, MAX_MTU), kind, data != null,
                kind != null && KINDS.containsKey(kind) ? decode(data, KINDS.get(kind)) : Map.of(), slaveKind, slaveData != null,
                "bridge".equals(slaveKind) ? decode(slaveData, BRIDGE_PORT) : Map.of(), genMode, u32(a, NUM_TX_QUEUES),
                u32(a, NUM_RX_QUEUES), u32(a, GSO_MAX_SIZE), u32(a, GSO_MAX_SEGS), u32(a, TSO_MAX_SIZE), u32(a, TSO_MAX_SEGS),
                u32(a, GRO_MAX_SIZE), a.string(PHYS_PORT_NAME), a.bytes(PHYS_PORT_ID), a.bytes(PHYS_SWITCH_ID),
                a.string(PARENT_DEV_BUS_NAME), a.string(PARENT_DEV_NAME));
    }

    private static Long u32(NlAttrs a, int type) { return a.has(type) ? a.u32(type, 0) & 0xFFFFFFFFL : null; }

    private static Map<String, Object> decode(NlAttrs data, Map<Integer, Attr> known) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (data == null) return out;
        for (var e : known.entrySet()) {
            ByteBuffer v = data.value(e.getKey());
            if (v == null) continue;
            v.order(ByteOrder.nativeOrder());
            Object value = switch (e.getValue().shape()) {
                case U8 -> v.remaining() >= 1 ? (Object) (long) Byte.toUnsignedInt(v.get(0)) : null;
                case U16 -> v.remaining() >= 2 ? (Object) (long) Short.toUnsignedInt(v.getShort(0)) : null;
                case BE16 -> v.remaining() >= 2 ? (Object) (long) Short.toUnsignedInt(v.order(ByteOrder.BIG_ENDIAN).getShort(0)) : null;
                case BE32 -> v.remaining() >= 4 ? (Object) (v.order(ByteOrder.BIG_ENDIAN).getInt(0) & 0xFFFFFFFFL) : null;
                case RANGE -> v.remaining() >= 4 ? (Object) new long[] {Short.toUnsignedInt(v.order(ByteOrder.BIG_ENDIAN).getShort(0)),
                        Short.toUnsignedInt(v.order(ByteOrder.BIG_ENDIAN).getShort(2))} : null;
                case FLAG -> (Object) 1L;
                case ADDRS -> {
                    // nested IFLA_MACVLAN_MACADDR (4) attributes, each an address
                    java.util.List<byte[]> addrs = new java.util.ArrayList<>();
                    NlAttrs inner = NlAttrs.parse(v, 0, v.remaining());
                    for (ByteBuffer one : inner.all(4)) {
                        byte[] b = new byte[one.remaining()];
                        one.get(0, b);
                        addrs.add(b);
                    }
                    yield addrs;
                }
                case U32 -> v.remaining() >= 4 ? (Object) (v.getInt(0) & 0xFFFFFFFFL) : null;
                case U64 -> v.remaining() >= 8 ? (Object) v.getLong(0) : null;
                case ID, MAC -> {
                    byte[] b = new byte[v.remaining()];
                    v.get(0, b);
                    yield b;
                }
                case BOOLOPT -> v.remaining() >= 8 ? (Object) new long[] {v.getInt(0) & 0xFFFFFFFFL, v.getInt(4) & 0xFFFFFFFFL} : null;
            };
            if (value != null) out.put(e.getValue().name(), value);
        }
        return Collections.unmodifiableMap(out);
    }
}
