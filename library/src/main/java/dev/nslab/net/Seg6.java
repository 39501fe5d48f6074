package dev.nslab.net;

import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.NlAttrs;
import dev.nslab.netlink.NlMessage;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A namespace's segment routing settings (the kernel's generic netlink family "SEG6"), as {@code ip sr} reads and sets
 * them: the source address of SRv6 encapsulation, and the HMAC keys. Each network namespace has its own.
 */
public final class Seg6 implements AutoCloseable {
    public static final String FAMILY = "SEG6";
    public static final int ALGO_SHA1 = 1, ALGO_SHA256 = 2;

    private static final int VERSION = 1, GENL_HEADER = 4;
    private static final int CMD_DUMPHMAC = 2, CMD_SET_TUNSRC = 3, CMD_GET_TUNSRC = 4;
    private static final int ATTR_DST = 1, ATTR_HMACKEYID = 3, ATTR_SECRET = 4, ATTR_SECRETLEN = 5, ATTR_ALGID = 6;

    /** An HMAC key: its id, algorithm (ALGO_*) and secret as the kernel keeps it. */
    public record HmacKey(long id, int algorithm, byte[] secret) { }

    private final GenlFamily genl;

    private Seg6(GenlFamily genl) { this.genl = genl; }

    /** The settings of {@code ns}; ENOENT's {@link dev.nslab.error.KernelException} where the kernel has no SRv6. */
    public static Seg6 open(Namespaces registry, NsRef ns) { return new Seg6(GenlFamily.open(registry, ns, FAMILY, VERSION)); }

    /** The source address SRv6 encapsulation uses (:: when none is set: the kernel then picks one per packet). */
    public InetAddress tunnelSource() {
        byte[] b = genl.nl.request(genl.request(CMD_GET_TUNSRC, 0)).attrs(GENL_HEADER).bytes(ATTR_DST);
        try {
            return InetAddress.getByAddress(b == null || b.length != 16 ? new byte[16] : b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }

    public void setTunnelSource(InetAddress a) { genl.nl.execute(genl.request(CMD_SET_TUNSRC, 0).attr(ATTR_DST, a.getAddress())); }

    public List<HmacKey> hmacKeys() {
        List<HmacKey> out = new ArrayList<>();
        for (NlMessage m : genl.nl.dump(genl.request(CMD_DUMPHMAC, NetlinkSocket.NLM_F_DUMP))) {
            if (m.type() != genl.id) continue;
            NlAttrs a = m.attrs(GENL_HEADER);
            byte[] secret = a.bytes(ATTR_SECRET);
            int len = Math.min(a.u8(ATTR_SECRETLEN, 0), secret == null ? 0 : secret.length);
            out.add(new HmacKey(Integer.toUnsignedLong(a.u32(ATTR_HMACKEYID, 0)), a.u8(ATTR_ALGID, 0),
                    secret == null ? new byte[0] : java.util.Arrays.copyOf(secret, len)));
        }
        return out;
    }

    @Override
    public void close() { genl.close(); }
}
