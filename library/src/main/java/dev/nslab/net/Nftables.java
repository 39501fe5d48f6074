package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.net.NftTable.Chain;
import dev.nslab.net.NftTable.DropAddress;
import dev.nslab.net.NftTable.RandomDrop;
import dev.nslab.net.NftTable.Rule;
import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.NlRequest;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static dev.nslab.netlink.NetlinkSocket.NLM_F_APPEND;
import static dev.nslab.netlink.NetlinkSocket.NLM_F_CREATE;
import static dev.nslab.netlink.Nfnl.*;

/**
 * nftables tables of one network namespace, through an nfnetlink socket opened inside it. A table is always
 * written whole in one transaction, so a reader never sees half of one.
 */
public final class Nftables implements AutoCloseable {
    private static final int NF_ACCEPT = 1;
    private static final int NFTA_BYTEORDER_SREG = 1, NFTA_BYTEORDER_DREG = 2, NFTA_BYTEORDER_OP = 3,
            NFTA_BYTEORDER_LEN = 4, NFTA_BYTEORDER_SIZE = 5, NFT_BYTEORDER_HTON = 1;

    private final NetlinkSocket nl;
    private final NsRef ns;

    private Nftables(NetlinkSocket nl, NsRef ns) {
        this.nl = nl;
        this.ns = ns;
    }

    public static Nftables open(Namespaces registry, NsRef ns) {
        return new Nftables(registry.call(ns, () -> NetlinkSocket.open(NetlinkSocket.NETLINK_NETFILTER)), ns);
    }

    @Override public void close() { nl.close(); }

    private static int family(NftTable.Kind k) { return k == NftTable.Kind.INET ? NFPROTO_INET : NFPROTO_NETDEV; }

    private static NlRequest msg(int type, int flags, int family) {
        return header(new NlRequest(nft(type), flags), family, 0);
    }

    /** Creates {@code t}, or replaces a table of that name with it, in one transaction. */
    public void replaceTable(NftTable t) {
        int f = family(t.kind());
        List<NlRequest> batch = new ArrayList<>();
        batch.add(msg(NFT_MSG_NEWTABLE, NLM_F_CREATE, f).attrString(NFTA_TABLE_NAME, t.name()));
        batch.add(msg(NFT_MSG_DELTABLE, 0, f).attrString(NFTA_TABLE_NAME, t.name()));
        batch.add(msg(NFT_MSG_NEWTABLE, NLM_F_CREATE, f).attrString(NFTA_TABLE_NAME, t.name()));
        for (Chain c : t.chains()) {
            NlRequest r = msg(NFT_MSG_NEWCHAIN, NLM_F_CREATE, f).attrString(NFTA_CHAIN_TABLE, t.name()).attrString(NFTA_CHAIN_NAME, c.name());
            int hook = r.beginNested(NFTA_CHAIN_HOOK);
            r.attrU32Be(NFTA_HOOK_HOOKNUM, switch (c.hook()) {
                case INPUT -> NF_INET_LOCAL_IN;
                case OUTPUT -> NF_INET_LOCAL_OUT;
                case INGRESS -> NF_NETDEV_INGRESS;
                case EGRESS -> NF_NETDEV_EGRESS;
            });
            r.attrU32Be(NFTA_HOOK_PRIORITY, c.priority());
            if (c.device() != null) r.attrString(NFTA_HOOK_DEV, c.device());
            r.endNested(hook);
            r.attrU32Be(NFTA_CHAIN_POLICY, NF_ACCEPT).attrString(NFTA_CHAIN_TYPE, "filter");
            batch.add(r);
            for (Rule rule : c.rules()) batch.add(rule(t.name(), c.name(), f, rule));
        }
        List<KernelException> errors = nl.transaction(batchFrame(NFNL_MSG_BATCH_BEGIN), batch, batchFrame(NFNL_MSG_BATCH_END));
        for (int i = 0; i < errors.size(); i++) {
            KernelException e = errors.get(i);
            if (e == null || (i == 1 && e.errno() == Errno.ENOENT)) continue;
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.EOPNOTSUPP) {
                throw KernelException.of("Error: this kernel refused nftables table " + t.name() + " in " + ns + " (" + e.getMessage()
                        + "): it may lack nf_tables, the netdev hooks (CONFIG_NETFILTER_INGRESS, CONFIG_NETFILTER_EGRESS) or numgen (CONFIG_NFT_NUMGEN)",
                        e.errno(), t.name(), e.extAck(), false);
            }
            throw e;
        }
    }

    /** Removes a table; false when there was none of that name. */
    public boolean deleteTable(NftTable.Kind kind, String name) {
        List<KernelException> errors = nl.transaction(batchFrame(NFNL_MSG_BATCH_BEGIN),
                List.of(msg(NFT_MSG_DELTABLE, 0, family(kind)).attrString(NFTA_TABLE_NAME, name)), batchFrame(NFNL_MSG_BATCH_END));
        KernelException e = errors.getFirst();
        if (e == null) return true;
        if (e.errno() == Errno.ENOENT) return false;
        throw e;
    }

    public boolean hasTable(NftTable.Kind kind, String name) {
        try {
            nl.request(msg(NFT_MSG_GETTABLE, 0, family(kind)).attrString(NFTA_TABLE_NAME, name));
            return true;
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT) return false;
            throw e;
        }
    }

    private static NlRequest batchFrame(int type) {
        return header(new NlRequest(type, 0), 0, NFNL_SUBSYS_NFTABLES);
    }

    private static NlRequest rule(String table, String chain, int family, Rule rule) {
        NlRequest r = msg(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, family)
                .attrString(NFTA_RULE_TABLE, table).attrString(NFTA_RULE_CHAIN, chain);
        int list = r.beginNested(NFTA_RULE_EXPRESSIONS);
        switch (rule) {
            case RandomDrop d -> {
                Marks e = expr(r, "numgen");
                r.attrU32Be(NFTA_NG_DREG, NFT_REG_1).attrU32Be(NFTA_NG_MODULUS, d.modulus()).attrU32Be(NFTA_NG_TYPE, NFT_NG_RANDOM);
                end(r, e);
                // numgen writes in host order; "less than" compares bytes, so the number goes to network order first
                e = expr(r, "byteorder");
                r.attrU32Be(NFTA_BYTEORDER_SREG, NFT_REG_1).attrU32Be(NFTA_BYTEORDER_DREG, NFT_REG_1)
                        .attrU32Be(NFTA_BYTEORDER_OP, NFT_BYTEORDER_HTON).attrU32Be(NFTA_BYTEORDER_LEN, 4).attrU32Be(NFTA_BYTEORDER_SIZE, 4);
                end(r, e);
                cmp(r, NFT_CMP_LT, ByteBuffer.allocate(4).putInt(d.below()).array());
            }
            case DropAddress d -> {
                boolean v4 = d.address() instanceof Inet4Address;
                Marks e = expr(r, "meta");
                r.attrU32Be(NFTA_META_KEY, NFT_META_NFPROTO).attrU32Be(NFTA_META_DREG, NFT_REG_1);
                end(r, e);
                cmp(r, NFT_CMP_EQ, new byte[] {(byte) (v4 ? NFPROTO_IPV4 : NFPROTO_IPV6)});
                e = expr(r, "payload");
                int offset = v4 ? (d.source() ? 12 : 16) : (d.source() ? 8 : 24);
                r.attrU32Be(NFTA_PAYLOAD_DREG, NFT_REG_1).attrU32Be(NFTA_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER)
                        .attrU32Be(NFTA_PAYLOAD_OFFSET, offset).attrU32Be(NFTA_PAYLOAD_LEN, v4 ? 4 : 16);
                end(r, e);
                cmp(r, NFT_CMP_EQ, d.address().getAddress());
            }
        }
        Marks e = expr(r, "immediate");
        r.attrU32Be(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
        int data = r.beginNested(NFTA_IMMEDIATE_DATA);
        int verdict = r.beginNested(NFTA_DATA_VERDICT);
        r.attrU32Be(NFTA_VERDICT_CODE, NF_DROP);
        r.endNested(verdict);
        r.endNested(data);
        end(r, e);
        r.endNested(list);
        return r;
    }

    /** The two nested attributes an expression opens: its list element and its data. */
    private record Marks(int elem, int data) { }

    /** Opens a list element holding one expression; returns the marks {@link #end} closes. */
    private static Marks expr(NlRequest r, String name) {
        int elem = r.beginNested(NFTA_LIST_ELEM);
        r.attrString(NFTA_EXPR_NAME, name);
        return new Marks(elem, r.beginNested(NFTA_EXPR_DATA));
    }

    private static void end(NlRequest r, Marks m) {
        r.endNested(m.data());
        r.endNested(m.elem());
    }

    private static void cmp(NlRequest r, int op, byte[] value) {
        Marks e = expr(r, "cmp");
        r.attrU32Be(NFTA_CMP_SREG, NFT_REG_1).attrU32Be(NFTA_CMP_OP, op);
        int data = r.beginNested(NFTA_CMP_DATA);
        r.attr(NFTA_DATA_VALUE, value);
        r.endNested(data);
        end(r, e);
    }
}
