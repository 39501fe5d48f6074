package dev.nslab.net;

import dev.nslab.error.KernelException;
import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.NlRequest;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Queueing disciplines and nftables tables made over netlink, judged by tc(8) and nft(8); netem requests, which this
 * kernel may not carry out, judged byte for byte against the request tc(8) sends for the same words (seen by strace).
 */
@Needs(programs = {"ip", "ping", "tc", "nft", "strace"})
class QdiscAndNftablesTest {
    final TestNet t = new TestNet();
    final Namespaces reg = new Namespaces();

    @AfterEach
    void cleanUp() { t.close(); }

    private String ns(String suffix) {
        String ns = t.n(suffix);
        reg.add(ns);
        Sh.ok("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    @Test
    void tokenBucketAsTcSeesIt() {
        String ns = ns("tb");
        try (NetHandle h = NetHandle.open(reg, NsRef.named(ns))) {
            h.replaceRootQdisc("lo", new Qdisc.Tbf(1_250_000, 12_500, 137_500));
            assertEquals("tbf", h.rootQdiscKind("lo").orElseThrow());
            JsonNode q = t.json(Sh.ok("ip", "netns", "exec", ns, "tc", "-j", "qdisc", "show", "dev", "lo")).get(0);
            assertEquals("tbf", q.path("kind").asText());
            assertEquals(1_250_000, q.path("options").path("rate").asLong(), "bytes per second");
            assertEquals(12_500, q.path("options").path("burst").asLong());
            assertTrue(h.deleteRootQdisc("lo"));
            assertFalse(h.deleteRootQdisc("lo"), "nothing of ours left to delete");
            assertEquals("noqueue", h.rootQdiscKind("lo").orElse("noqueue"));
        }
    }

    @Test
    void netemMissingIsNamed() {
        String ns = ns("nm");
        try (NetHandle h = NetHandle.open(reg, NsRef.named(ns))) {
            Qdisc.Netem n = new Qdisc.Netem(40_000_000L, null, null, null, null, null, 1000, Qdisc.Netem.Form.TICKS);
            if (Sh.run("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms").code() == 0) {
                h.deleteRootQdisc("lo");
                h.replaceRootQdisc("lo", n); // a kernel with netem takes it
                assertEquals("netem", h.rootQdiscKind("lo").orElseThrow());
            } else {
                KernelException e = assertThrows(KernelException.class, () -> h.replaceRootQdisc("lo", n));
                assertTrue(e.getMessage().contains("CONFIG_NET_SCH_NETEM"), e.getMessage());
            }
        }
    }

    /** The words given to tc after "netem", and the same parameters as nslab holds them. */
    record Case(String words, Long delayNs, Long jitterNs, Double loss, Double dup, Double corrupt, Long rateBytes) { }

    static final List<Case> CASES = List.of(
            new Case("delay 40ms", 40_000_000L, null, null, null, null, null),
            new Case("delay 40ms 5ms", 40_000_000L, 5_000_000L, null, null, null, null),
            new Case("delay 1.5ms 250us", 1_500_000L, 250_000L, null, null, null, null),
            new Case("loss 1%", null, null, 1.0, null, null, null),
            new Case("loss 20%", null, null, 20.0, null, null, null),
            new Case("duplicate 0.1%", null, null, null, 0.1, null, null),
            new Case("corrupt 0.1%", null, null, null, null, 0.1, null),
            new Case("rate 10mbit", null, null, null, null, null, 1_250_000L),
            new Case("rate 40gbit", null, null, null, null, null, 5_000_000_000L),
            new Case("delay 40ms 5ms loss 1% duplicate 0.5% corrupt 0.1% rate 10mbit", 40_000_000L, 5_000_000L, 1.0, 0.5, 0.1, 1_250_000L),
            new Case("delay 100ms loss 33.3% rate 1mbit", 100_000_000L, null, 33.3, null, null, 125_000L));

    @Test
    void netemRequestsAreTheBytesTcSends() {
        String ns = ns("st");
        int lo;
        try (NetHandle h = NetHandle.open(reg, NsRef.named(ns))) {
            lo = h.link("lo").index();
        }
        for (Case c : CASES) {
            byte[] tc = tcRequest(ns, c.words());
            boolean ns64 = hasAttribute(tc, 10); // TCA_NETEM_LATENCY64: iproute2 6.9 and later
            Qdisc.Netem n = new Qdisc.Netem(c.delayNs(), c.jitterNs(), c.loss() == null ? null : Qdisc.probability(c.loss()),
                    c.dup() == null ? null : Qdisc.probability(c.dup()), c.corrupt() == null ? null : Qdisc.probability(c.corrupt()),
                    c.rateBytes(), 1000, ns64 ? Qdisc.Netem.Form.NS64 : Qdisc.Netem.Form.TICKS);
            byte[] mine = wire(n.request(lo, NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL));
            // the sequence number (bytes 8-11) is tc's own choice; everything else must match
            for (int i = 8; i < 12; i++) mine[i] = tc[i];
            assertEquals(HexFormat.of().formatHex(tc), HexFormat.of().formatHex(mine), "netem " + c.words());
        }
    }

    /** The request as it goes on the wire: header with REQUEST and ACK, as the socket sends it. */
    private static byte[] wire(NlRequest r) {
        ByteBuffer body = r.body();
        ByteBuffer out = ByteBuffer.allocate(16 + body.remaining()).order(ByteOrder.nativeOrder());
        out.putInt(16 + body.remaining()).putShort((short) r.type()).putShort((short) (r.flags() | NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK))
                .putInt(0).putInt(0).put(body);
        return out.array();
    }

    private static final Pattern HEX_LINE = Pattern.compile("^ \\| [0-9a-f]{5}  ((?:[0-9a-f]{2} ?){1,8})(?: ((?:[0-9a-f]{2} ?){1,8}))?");

    /** The RTM_NEWQDISC tc sends for {@code words}, from strace's dump of what it wrote. */
    private static byte[] tcRequest(String ns, String words) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "strace", "-f", "-e", "trace=sendmsg", "-e", "write=all",
                "tc", "qdisc", "add", "dev", "lo", "root", "netem"));
        cmd.addAll(Sh.words(words));
        Sh.Result r = Sh.run(cmd, null);
        Sh.run("ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", "lo", "root"); // where the kernel had netem
        List<byte[]> messages = new ArrayList<>();
        ByteArrayOutputStream cur = null;
        for (String line : r.err().split("\n")) {
            if (line.startsWith(" * ")) {
                if (cur != null) messages.add(cur.toByteArray());
                cur = new ByteArrayOutputStream();
                continue;
            }
            Matcher m = HEX_LINE.matcher(line);
            if (m.find() && cur != null) {
                for (String b : (m.group(1) + " " + (m.group(2) == null ? "" : m.group(2))).trim().split("\\s+")) cur.write(Integer.parseInt(b, 16));
            }
        }
        if (cur != null) messages.add(cur.toByteArray());
        for (byte[] msg : messages) {
            if (msg.length >= 16 && (msg[4] & 0xff) == 36) return msg; // RTM_NEWQDISC
        }
        throw new AssertionError("no RTM_NEWQDISC in strace's output for netem " + words + ":\n" + r.err());
    }

    /** Whether TCA_OPTIONS of a qdisc request holds a nested attribute of {@code type} after netem's fixed options. */
    private static boolean hasAttribute(byte[] msg, int type) {
        ByteBuffer b = ByteBuffer.wrap(msg).order(ByteOrder.nativeOrder());
        int p = 16 + 20;
        while (p + 4 <= msg.length) {
            int len = Short.toUnsignedInt(b.getShort(p)), t = b.getShort(p + 2) & 0x3fff;
            if (t == 2) { // TCA_OPTIONS
                for (int q = p + 4 + 24; q + 4 <= p + len; q += (Short.toUnsignedInt(b.getShort(q)) + 3) & ~3) {
                    if ((b.getShort(q + 2) & 0x3fff) == type) return true;
                    if (b.getShort(q) < 4) break;
                }
                return false;
            }
            if (len < 4) break;
            p += (len + 3) & ~3;
        }
        return false;
    }

    @Test
    void tablesAsNftSeesThem() throws Exception {
        String ns = ns("nf");
        NftTable loss = new NftTable(NftTable.Kind.NETDEV, "nslab-x", List.of(
                new NftTable.Chain("lo", NftTable.Hook.EGRESS, 0, "lo", List.of(new NftTable.RandomDrop(1_000_000, 200_000)))));
        NftTable part = new NftTable(NftTable.Kind.INET, "nslab-x", List.of(
                new NftTable.Chain("input", NftTable.Hook.INPUT, 0, null, List.of(new NftTable.DropAddress(true, InetAddress.getByName("10.1.2.3")))),
                new NftTable.Chain("output", NftTable.Hook.OUTPUT, 0, null, List.of(
                        new NftTable.DropAddress(false, InetAddress.getByName("10.1.2.3")),
                        new NftTable.DropAddress(false, InetAddress.getByName("fd00::3"))))));
        try (Nftables nft = Nftables.open(reg, NsRef.named(ns))) {
            nft.replaceTable(loss);
            nft.replaceTable(part);
            nft.replaceTable(part); // a second time replaces, never doubles
            String listed = Sh.ok("ip", "netns", "exec", ns, "nft", "list", "ruleset");
            assertTrue(listed.contains("table netdev nslab-x"), listed);
            assertTrue(listed.contains("type filter hook egress device \"lo\" priority filter; policy accept;"), listed);
            assertTrue(listed.contains("numgen random mod 1000000 < 200000 drop"), listed);
            assertTrue(listed.contains("ip saddr 10.1.2.3 drop"), listed);
            assertTrue(listed.contains("ip daddr 10.1.2.3 drop"), listed);
            assertTrue(listed.contains("ip6 daddr fd00::3 drop"), listed);
            assertEquals(1, listed.split("ip daddr 10.1.2.3 drop", -1).length - 1, listed);
            assertTrue(nft.hasTable(NftTable.Kind.INET, "nslab-x"));
            assertTrue(nft.deleteTable(NftTable.Kind.NETDEV, "nslab-x"));
            // the rules act: ping to an address dropped on output fails, others pass
            Sh.ok("ip", "-n", ns, "addr", "add", "10.1.2.3/32", "dev", "lo");
            Sh.ok("ip", "-n", ns, "addr", "add", "10.1.2.4/32", "dev", "lo");
            assertEquals(0, Sh.run("ip", "netns", "exec", ns, "ping", "-c1", "-W1", "10.1.2.4").code());
            assertTrue(Sh.run("ip", "netns", "exec", ns, "ping", "-c1", "-W1", "10.1.2.3").code() != 0);
            assertTrue(nft.deleteTable(NftTable.Kind.INET, "nslab-x"));
            assertFalse(nft.deleteTable(NftTable.Kind.NETDEV, "nslab-x"));
            assertEquals("", Sh.ok("ip", "netns", "exec", ns, "nft", "list", "ruleset").strip());
        }
    }
}
