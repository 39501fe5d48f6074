package dev.nslab.net;

import dev.nslab.error.KernelException;
import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;
import dev.nslab.netlink.NlRequest;
import dev.nslab.sys.Libc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A namespace's MPTCP path manager (the kernel's generic netlink family "mptcp_pm"): the endpoints (local addresses
 * MPTCP may announce or open subflows from) and the limits, as {@code ip mptcp} reads and sets them. Each network
 * namespace has its own; the socket is opened in {@code ns} and keeps speaking to it.
 */
public final class Mptcp implements AutoCloseable {
    /** What the kernel calls the family; absent where the kernel was built without MPTCP. */
    public static final String FAMILY = "mptcp_pm";

    public static final int FLAG_SIGNAL = 1, FLAG_SUBFLOW = 2, FLAG_BACKUP = 4, FLAG_FULLMESH = 8, FLAG_IMPLICIT = 16,
            FLAG_LAMINAR = 32;

    private static final int VERSION = 1;
    static final int CMD_ADD_ADDR = 1;
    private static final int CMD_DEL_ADDR = 2, CMD_GET_ADDR = 3, CMD_FLUSH_ADDRS = 4, CMD_SET_LIMITS = 5,
            CMD_GET_LIMITS = 6, CMD_SET_FLAGS = 7;
    private static final int ATTR_ADDR = 1, ATTR_RCV_ADD_ADDRS = 2, ATTR_SUBFLOWS = 3;
    private static final int ADDR_FAMILY = 1, ADDR_ID = 2, ADDR_ADDR4 = 3, ADDR_ADDR6 = 4, ADDR_PORT = 5, ADDR_FLAGS = 6,
            ADDR_IF_IDX = 7;
    private static final int GENL_HEADER = 4;

    /**
     * One endpoint. In a request, id -1 is not sent (the kernel chooses one, or the address names the endpoint), an
     * address null names it by its id alone, and port, flags and ifindex 0 are not sent; read from the kernel, all are
     * as it says.
     */
    public record Endpoint(int id, InetAddress address, int port, int flags, int ifindex) { }

    /** The limits; null where the kernel did not say (or, in a request, where nothing is to change). */
    public record Limits(Integer addAddrAccepted, Integer subflows) { }

    private final GenlFamily genl;

    private Mptcp(GenlFamily genl) { this.genl = genl; }

    /** The path manager of {@code ns}; throws ENOENT's {@link KernelException} where the kernel has no MPTCP. */
    public static Mptcp open(Namespaces registry, NsRef ns) { return new Mptcp(GenlFamily.open(registry, ns, FAMILY, VERSION)); }

    /** A request of command {@code cmd} about endpoint {@code e}, with only what {@code e} sets: the bytes ip sends. */
    static NlRequest endpointRequest(int family, int cmd, int flags, Endpoint e) {
        NlRequest r = GenlFamily.header(family, cmd, VERSION, flags);
        int mark = r.beginNested(ATTR_ADDR);
        if (e.id() >= 0) r.attrU8(ADDR_ID, e.id());
        if (e.flags() != 0) r.attrU32(ADDR_FLAGS, e.flags());
        if (e.ifindex() != 0) r.attrU32(ADDR_IF_IDX, e.ifindex());
        if (e.port() != 0) r.attrU16(ADDR_PORT, e.port());
        if (e.address() != null) {
            byte[] a = e.address().getAddress();
            r.attrU16(ADDR_FAMILY, a.length == 4 ? Libc.AF_INET : Libc.AF_INET6);
            r.attr(a.length == 4 ? ADDR_ADDR4 : ADDR_ADDR6, a);
        }
        return r.endNested(mark);
    }

    public void add(Endpoint e) { genl.nl.execute(endpointRequest(genl.id, CMD_ADD_ADDR, 0, e)); }

    /** Deletes the endpoint of {@code e}'s id (id 0 with the address: the implicit endpoint of that address). */
    public void delete(Endpoint e) { genl.nl.execute(endpointRequest(genl.id, CMD_DEL_ADDR, 0, e)); }

    /** Sets the backup and fullmesh flags of the endpoint {@code e} names (by id, or by address and port). */
    public void change(Endpoint e) { genl.nl.execute(endpointRequest(genl.id, CMD_SET_FLAGS, 0, e)); }

    public void flush() { genl.nl.execute(genl.request(CMD_FLUSH_ADDRS, 0)); }

    /** Every endpoint, in the kernel's order. */
    public List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (NlMessage m : genl.nl.dump(genl.request(CMD_GET_ADDR, NetlinkSocket.NLM_F_DUMP))) {
            Endpoint e = parse(m);
            if (e != null) out.add(e);
        }
        return out;
    }

    /** The endpoint {@code selector} names (by id); the kernel's refusal (with its message) where there is none. */
    public Endpoint endpoint(Endpoint selector) {
        return parse(genl.nl.request(endpointRequest(genl.id, CMD_GET_ADDR, 0, selector)));
    }

    public Limits limits() {
        NlAttrs a = genl.nl.request(genl.request(CMD_GET_LIMITS, 0)).attrs(GENL_HEADER);
        return new Limits(a.has(ATTR_RCV_ADD_ADDRS) ? a.u32(ATTR_RCV_ADD_ADDRS, 0) : null,
                a.has(ATTR_SUBFLOWS) ? a.u32(ATTR_SUBFLOWS, 0) : null);
    }

    /** Sets what {@code l} gives (a null is left as it is). */
    public void setLimits(Limits l) {
        NlRequest r = genl.request(CMD_SET_LIMITS, 0);
        if (l.addAddrAccepted() != null) r.attrU32(ATTR_RCV_ADD_ADDRS, l.addAddrAccepted());
        if (l.subflows() != null) r.attrU32(ATTR_SUBFLOWS, l.subflows());
        genl.nl.execute(r);
    }

    private Endpoint parse(NlMessage m) {
        if (m.type() != genl.id) return null;
        NlAttrs top = m.attrs(GENL_HEADER);
        if (!top.has(ATTR_ADDR)) return null;
        NlAttrs a = top.nested(ATTR_ADDR);
        int fam = a.u16(ADDR_FAMILY, 0);
        byte[] raw = a.bytes(fam == Libc.AF_INET6 ? ADDR_ADDR6 : ADDR_ADDR4);
        InetAddress address = null;
        try {
            if (raw != null) address = InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            address = null; // a length the kernel does not send
        }
        return new Endpoint(a.u8(ADDR_ID, 0), address, a.u16(ADDR_PORT, 0), a.u32(ADDR_FLAGS, 0), a.u32(ADDR_IF_IDX, 0));
    }

    @Override
    public void close() { genl.close(); }
}
