package dev.nslab.net;

import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

import static dev.nslab.netlink.Rtnl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The messages nslab sends, byte for byte, against the requests iproute2 6.1 sends for the same words (read off
 * {@code strace -e trace=sendmsg -e write=all ip ...}: type, flags without REQUEST and ACK, which the socket adds,
 * and the body after the 16-byte header; interface va had index 3, br0 index 4). Pure: nothing is sent.
 */
@Tag("unit")
class MessagesTest {
    private static final int CREATE_EXCL = 0x600;

    private static void same(int type, int flags, String ipBody, NlRequest mine) {
        ByteBuffer b = mine.body();
        byte[] raw = new byte[b.remaining()];
        b.get(raw);
        assertEquals(type, mine.type(), "message type");
        assertEquals(flags, mine.flags(), "flags");
        assertEquals(ipBody, HexFormat.of().formatHex(raw));
    }

    @Test
    void linkAddVethIsIps() {
        // ip link add vc type veth peer name vd
        same(RTM_NEWLINK, CREATE_EXCL, "0000000000000000000000000000000007000300766300002c0012000800010076657468200002001c0001000000000000"
                + "00000000000000000000000700030076640000", LinkMessages.create("vc", "veth").peer("vd", 0, -1, -1).request());
    }

    @Test
    void nexthopsAreIps() throws Exception {
        // ip nexthop add id 5 group 1,3/4 (ip 6.1, strace -e sendmsg -xx)
        same(RTM_NEWNEXTHOP, CREATE_EXCL, "0000000000000000080001000500000014000200010000000200000004000000" + "00000000",
                NexthopMessages.add(new Nexthop(5, null, null, 0, false, false, 0, 0, 0,
                        List.of(new Nexthop.Member(1, 3), new Nexthop.Member(4, 1)), 0), false));
        // ip nexthop add id 6 via 10.9.0.3 dev v0 onlink proto static (v0 is index 3)
        same(RTM_NEWNEXTHOP, CREATE_EXCL, "020004000400000008000100060000000800060" + "00a0900030800050003000000",
                NexthopMessages.add(new Nexthop(6, Family.INET, java.net.InetAddress.getByName("10.9.0.3"), 3, false, false, 4, 4, 0,
                        List.of(), 0), false));
    }

    @Test
    void mptcpEndpointIsIps() throws Exception {
        // ip mptcp endpoint add 2001:db8::1 id 9 signal port 4000 dev va (va index 3; the family's id is the machine's)
        same(0x1c, 0, "010100004000018005000200090000000800060001000000080007000300000006000500a00f0000060001000a000000"
                        + "1400040020010db8000000000000000000000001",
                Mptcp.endpointRequest(0x1c, Mptcp.CMD_ADD_ADDR, 0, new Mptcp.Endpoint(9, java.net.InetAddress.getByName("2001:db8::1"), 4000,
                        Mptcp.FLAG_SIGNAL, 3)));
    }

    @Test
    void mplsRouteIsIps() throws Exception {
        // ip -f mpls route add 100 as 200 via inet 10.1.0.2 dev va (va index 3)
        same(RTM_NEWROUTE, CREATE_EXCL, "1c140000fe030001" + "00000000" + "0800010000064100" + "08001300000c8100" + "0a00120002000a0100020000"
                + "0800040003000000", new MplsRoute(100, List.of(200), java.net.InetAddress.getByName("10.1.0.2"), 3, null, null, null)
                .request(false, CREATE_EXCL));
    }

    /** RTA_ENCAP's contents as ip 6.1 sends them (strace; ip leaves its padding unset, here zero). */
    @Test
    void routeEncapsulationsAreIps() throws Exception {
        java.util.function.Function<Encap, String> hex = e -> HexFormat.of().formatHex(e.attributes());
        // encap mpls 100/200 ttl 5
        assertEquals("0c00010000064000000c8100" + "0500020005000000", hex.apply(Encap.mpls(List.of(100, 200), 5)));
        // encap seg6 mode encap segs fc00::1,fc00::2 hmac 7
        assertEquals("58000100" + "01000000" + "0009040101080000" + "fc000000000000000000000000000002" + "fc000000000000000000000000000001"
                        + "0526000000000007" + "00".repeat(32),
                hex.apply(Encap.seg6(1, List.of(java.net.InetAddress.getByName("fc00::1"), java.net.InetAddress.getByName("fc00::2")), 7)));
        // encap seg6 mode inline segs fc00::1 (a place kept for the packet's own destination)
        assertEquals("30000100" + "00000000" + "0004040101000000" + "00".repeat(16) + "fc000000000000000000000000000001",
                hex.apply(Encap.seg6(0, List.of(java.net.InetAddress.getByName("fc00::1")), 0)));
        // encap ip id 0x10 dst 10.1.0.2 src 10.1.0.1 ttl 9 tos 1c key csum seq
        assertEquals("0c0001000000000000000010" + "080002000a010002" + "080003000a010001" + "0500040009000000" + "050005001c000000"
                + "06000600000d0000", hex.apply(Encap.ipTunnel(false, 0x10L, java.net.InetAddress.getByName("10.1.0.1"),
                java.net.InetAddress.getByName("10.1.0.2"), 9, 0x1c, Encap.TUNNEL_KEY | Encap.TUNNEL_CSUM | Encap.TUNNEL_SEQ)));
        // and read back as they were made
        assertEquals(new Encap.MplsInfo(List.of(100, 200), 5), Encap.mpls(List.of(100, 200), 5).decode());
        Encap.Seg6Info s = (Encap.Seg6Info) Encap.seg6(1, List.of(java.net.InetAddress.getByName("fc00::1"), java.net.InetAddress.getByName("fc00::2")), 7).decode();
        assertEquals(List.of(java.net.InetAddress.getByName("fc00::1"), java.net.InetAddress.getByName("fc00::2")), s.segments());
        assertEquals(7, s.hmac());
    }

    @Test
    void linkAddBridgeIsIps() {
        // ip link add br1 type bridge
        same(RTM_NEWLINK, CREATE_EXCL, "000000000000000000000000000000000800030062723100100012000a0001006272696467650000",
                LinkMessages.create("br1", "bridge").request());
    }

    @Test
    void linkSetIsIps() {
        // ip link set va down | alias hello | mtu 1400 | master br0
        same(RTM_NEWLINK, 0, "00000000030000000000000001000000", LinkMessages.change(3, "va", false, null, null, null, null, null, null));
        same(RTM_NEWLINK, 0, "000000000300000000000000000000000900140068656c6c6f000000",
                LinkMessages.change(3, "va", null, null, null, "hello", null, null, null));
        same(RTM_NEWLINK, 0, "000000000300000000000000000000000800040078050000", LinkMessages.change(3, "va", null, 1400, null, null, null, null, null));
        same(RTM_NEWLINK, 0, "0000000003000000000000000000000008000a0004000000", LinkMessages.change(3, "va", null, null, null, null, null, 4, null));
    }

    @Test
    void altNamesAreIps() {
        // ip link property add|del dev va altname some_long_alternative_name
        String body = "0000000003000000000000000000000024003480" + "1f003500" + HexFormat.of().formatHex("some_long_alternative_name".getBytes()) + "0000";
        same(RTM_NEWLINKPROP, 0xe00, body, LinkMessages.altName(true, 3, "some_long_alternative_name"));
        same(RTM_DELLINKPROP, 0, body, LinkMessages.altName(false, 3, "some_long_alternative_name"));
    }

    @Test
    void linkDelIsIps() {
        // ip link del vc (index 6)
        same(RTM_DELLINK, 0, "00000000060000000000000000000000", LinkMessages.delete(6, "vc"));
    }

    @Test
    void addressesAreIps() {
        // ip address add 10.1.2.4/24 dev va; ip address add fd00::1/64 dev va nodad; ip address del 10.1.2.3/24 dev va
        same(RTM_NEWADDR, CREATE_EXCL, "0218000003000000080002000a010204080001000a010204", AddressMessages.add(3, Cidr.parse("10.1.2.4/24"), 0, null));
        same(RTM_NEWADDR, CREATE_EXCL, "0a4002000300000014000200fd00000000000000000000000000000114000100fd000000000000000000000000000001",
                AddressMessages.add(3, Cidr.parse("fd00::1/64"), AddressMessages.NODAD, null));
        same(RTM_DELADDR, 0, "0218000003000000080002000a010203080001000a010203", AddressMessages.delete(3, Cidr.parse("10.1.2.3/24")));
        // the same two through the message NetHandle.addAddress sends (address add|change|replace's)
        same(RTM_NEWADDR, CREATE_EXCL, "0218000003000000080002000a010204080001000a010204",
                AddressMessages.change(3, AddressSpec.of(Cidr.parse("10.1.2.4/24")), AddressSpec.Verb.ADD));
        same(RTM_NEWADDR, CREATE_EXCL, "0a4002000300000014000200fd00000000000000000000000000000114000100fd000000000000000000000000000001",
                AddressMessages.change(3, new AddressSpec(Cidr.parse("fd00::1/64"), true, null, null, null, false, null, null, null), AddressSpec.Verb.ADD));
    }

    @Test
    void routesAreIps() {
        // ip route add 10.9.0.0/16 via 10.1.2.1; ip route add 10.8.0.0/16 dev va; ip route del 10.8.0.0/16 dev va
        same(RTM_NEWROUTE, CREATE_EXCL, "02100000fe03000100000000080001000a090000080005000a010201",
                RouteMessages.add(RouteSpec.to(Cidr.parse("10.9.0.0/16")).via(Cidr.parseAddress("10.1.2.1")), 0));
        same(RTM_NEWROUTE, CREATE_EXCL, "02100000fe03fd0100000000080001000a0800000800040003000000",
                RouteMessages.add(RouteSpec.to(Cidr.parse("10.8.0.0/16")).dev("va"), 3));
        same(RTM_DELROUTE, 0, "02100000fe00ff0000000000080001000a0800000800040003000000",
                RouteMessages.delete(RouteSpec.to(Cidr.parse("10.8.0.0/16")).dev("va"), 3));
        // ip route add 10.10.0.0/16 via 10.5.0.2 dev va table 1000 proto static src 10.5.0.1 onlink mtu 1300: a table
        // above 255 in RTA_TABLE, the header's unspecified; onlink in the header's flags; the mtu in RTA_METRICS
        same(RTM_NEWROUTE, CREATE_EXCL, "021000000004000104000000" + "080001000a0a0000" + "080005000a050002" + "08000f00e8030000"
                        + "080007000a050001" + "0800040003000000" + "0c00080008000200140500" + "00",
                RouteMessages.add(RouteSpec.to(Cidr.parse("10.10.0.0/16")).via(Cidr.parseAddress("10.5.0.2")).dev("va").table(1000)
                        .protocol(4).src(Cidr.parseAddress("10.5.0.1")).withOnlink().mtu(1300), 3));
    }

    @Test
    void neighbourAndRuleAreIps() {
        // ip neigh add 10.1.2.9 lladdr 02:00:00:00:00:01 nud permanent dev va
        same(RTM_NEWNEIGH, CREATE_EXCL, "020000000300000080000000080001000a0102090a0002000200000000010000",
                NeighbourMessages.add(3, Cidr.parseAddress("10.1.2.9"), HexFormat.of().parseHex("020000000001"), 0x80, false));
        // ip rule add from 10.0.0.0/8 table 100 pref 100
        same(RTM_NEWRULE, CREATE_EXCL, "020008006400000100000000080002000a0000000800060064000000",
                RuleMessages.add(new Rule(Family.INET, Cidr.parse("10.0.0.0/8"), null, null, null, 100, 100)));
    }

    /** The batch's veth: ip's form plus what the batch adds, each where the kernel looks for it. */
    @Test
    void batchVethCarriesIndexesGroupsMasterAndThePeersNamespace() {
        NlRequest r = LinkMessages.create("e1", "veth").index(7).group(0x6e736c62).master(4).up(true).mtu(9000).peer("e2", 9, 0x6e736c62, 42).request();
        ByteBuffer b = r.body();
        assertEquals(7, b.getInt(4), "ifi_index");
        assertEquals(IFF_UP, b.getInt(8), "ifi_flags");
        assertEquals(IFF_UP, b.getInt(12), "ifi_change");
        NlAttrs a = NlAttrs.parse(b, 16, b.limit());
        assertEquals("e1", a.string(IFLA_IFNAME));
        assertEquals(0x6e736c62, a.u32(IFLA_GROUP, 0));
        assertEquals(4, a.u32(IFLA_MASTER, 0));
        assertEquals(9000, a.u32(IFLA_MTU, 0));
        NlAttrs info = a.nested(IFLA_LINKINFO);
        assertEquals("veth", info.string(IFLA_INFO_KIND));
        ByteBuffer peer = info.nested(IFLA_INFO_DATA).value(VETH_INFO_PEER);
        assertEquals(9, peer.getInt(peer.position() + 4), "the peer's index, in its own ifinfomsg");
        NlAttrs p = NlAttrs.parse(peer, peer.position() + 16, peer.limit());
        assertEquals("e2", p.string(IFLA_IFNAME));
        assertEquals(0x6e736c62, p.u32(IFLA_GROUP, 0));
        assertEquals(9000, p.u32(IFLA_MTU, 0));
        assertEquals(42, p.u32(IFLA_NET_NS_FD, -1));
    }

    /** A change by name (index 0) names the interface; a rename by index carries the new name. */
    @Test
    void changesNameTheirInterface() {
        NlAttrs byName = attrs(LinkMessages.change(0, "va", true, null, null, null, null, null, null));
        assertEquals("va", byName.string(IFLA_IFNAME));
        NlAttrs rename = attrs(LinkMessages.change(3, "va", null, null, null, null, null, null, "vz"));
        assertEquals("vz", rename.string(IFLA_IFNAME));
        assertEquals(12, attrs(LinkMessages.moveTo(LinkMessages.change(0, "va", null, null, null, null, null, null, null), 12, -1)).u32(IFLA_NET_NS_FD, -1));
    }

    private static NlAttrs attrs(NlRequest r) {
        ByteBuffer b = r.body();
        return NlAttrs.parse(b, 16, b.limit());
    }

    /** A neighbour's counters as the kernel sends them: struct nda_cacheinfo (clock ticks) and NDA_PROBES. */
    @Test
    void neighbourCountersAsTheKernelSendsThem() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + 8 + 20 + 8).order(java.nio.ByteOrder.nativeOrder());
        b.put((byte) 2).put(new byte[3]).putInt(3).putShort((short) 0x04).put((byte) 0).put((byte) 1); // AF_INET, ifindex 3, STALE
        b.putShort((short) 8).putShort((short) 1).put(new byte[] {10, 1, 2, 9});
        // confirmed 60 s ago, used 2.5 s ago, updated 1 s ago, one reference
        b.putShort((short) 20).putShort((short) 3).putInt(6000).putInt(250).putInt(100).putInt(1);
        b.putShort((short) 8).putShort((short) 4).putInt(2);
        Neighbour n = NeighbourMessages.parse(new dev.nslab.netlink.NlMessage(RTM_NEWNEIGH, 0, 0, 0, b.flip()));
        assertEquals(new Neighbour.Cache(6000, 250, 100, 1), n.cache());
        assertEquals(2, n.probes());
        assertEquals(List.of("STALE"), n.stateNames());
    }
}
