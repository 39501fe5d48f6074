package dev.nslab.net;

import dev.nslab.error.Errno;
import dev.nslab.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ICMP echo over a raw socket opened inside a namespace (IPv4 or IPv6, one family per pinger). Replies are told
 * apart from other traffic by the echo identifier, so several pingers can share a namespace. The caller drives
 * the timing: {@link #send} one request, {@link #receive} what comes back.
 */
public final class Pinger implements AutoCloseable {
    private static final int IPPROTO_ICMP = 1, IPPROTO_ICMPV6 = 58, IPPROTO_IPV6 = 41;
    private static final int IPV6_RECVHOPLIMIT = 51, IPV6_HOPLIMIT = 52;
    public static final int PAYLOAD = 56;

    /** What came back: an echo reply, or an ICMP error about one of our requests. */
    public record Reply(InetAddress from, int seq, int ttl, int bytes, long rttNanos, String error) {
        public boolean isEcho() { return error == null; }
    }

    private final int fd;
    private final boolean v6;
    private final int ident;
    // GC-managed: closing a shared arena costs a handshake with every thread, which adds up over hundreds of sockets
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment buf = arena.allocate(2048, 8);
    private final MemorySegment name = arena.allocate(128, 8);
    private final MemorySegment control = arena.allocate(256, 8);
    private final MemorySegment iov = arena.allocate(16, 8);
    private final MemorySegment msg = arena.allocate(56, 8);

    private Pinger(int fd, boolean v6) {
        this.fd = fd;
        this.v6 = v6;
        this.ident = ThreadLocalRandom.current().nextInt(1, 0xffff);
    }

    /** Opens a raw ICMP socket of {@code family} inside {@code ns}. Needs CAP_NET_RAW. */
    public static Pinger open(Namespaces registry, NsRef ns, Family family) {
        boolean v6 = family == Family.INET6;
        int fd = registry.call(ns, () -> Libc.socket(v6 ? Libc.AF_INET6 : Libc.AF_INET, Libc.SOCK_RAW, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP));
        if (v6) Libc.setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
        return new Pinger(fd, v6);
    }

    public int identifier() { return ident; }

    /**
     * Sends echo request {@code seq} to {@code dst}, stamping the send time into the payload.
     * Throws with ENETUNREACH ("Network is unreachable") when the namespace has no route.
     */
    public void send(InetAddress dst, int seq) {
        ByteBuffer p = ByteBuffer.allocate(8 + PAYLOAD).order(ByteOrder.BIG_ENDIAN);
        p.put((byte) (v6 ? 128 : 8)).put((byte) 0).putShort((short) 0).putShort((short) ident).putShort((short) seq);
        p.putLong(System.nanoTime());
        for (int i = 8; i < PAYLOAD; i++) p.put((byte) i);
        byte[] pkt = p.array();
        if (!v6) {
            int sum = checksum(pkt);
            pkt[2] = (byte) (sum >> 8);
            pkt[3] = (byte) sum;
        } // the kernel fills in the ICMPv6 checksum, which covers a pseudo-header we do not see
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocate(pkt.length);
            MemorySegment.copy(pkt, 0, data, ValueLayout.JAVA_BYTE, 0, pkt.length);
            Libc.sendto(fd, data, sockaddr(a, dst), Cidr.format(dst));
        }
    }

    private static MemorySegment sockaddr(Arena a, InetAddress dst) {
        byte[] raw = dst.getAddress();
        if (dst instanceof Inet4Address) {
            MemorySegment s = a.allocate(16);
            s.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
            MemorySegment.copy(raw, 0, s, ValueLayout.JAVA_BYTE, 4, 4);
            return s;
        }
        MemorySegment s = a.allocate(28);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET6);
        MemorySegment.copy(raw, 0, s, ValueLayout.JAVA_BYTE, 8, 16);
        if (dst instanceof java.net.Inet6Address i6 && i6.getScopeId() != 0) s.set(ValueLayout.JAVA_INT, 24, i6.getScopeId());
        return s;
    }

    /** Waits up to {@code timeoutMillis} until some of {@code pingers} have something to read; returns those. */
    public static List<Pinger> awaitAny(List<Pinger> pingers, int timeoutMillis) {
        int[] fds = new int[pingers.size()];
        for (int i = 0; i < fds.length; i++) fds[i] = pingers.get(i).fd;
        List<Pinger> out = new java.util.ArrayList<>();
        for (int i : Libc.pollInAny(fds, timeoutMillis)) out.add(pingers.get(i));
        return out;
    }

    /** Waits up to {@code timeoutMillis} for a reply to one of our requests; null on timeout. */
    public Reply receive(long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left < 0 || !Libc.pollIn(fd, (int) Math.max(0, left))) return null;
            long now = System.nanoTime();
            msg.fill((byte) 0);
            iov.set(ValueLayout.ADDRESS, 0, buf);
            iov.set(ValueLayout.JAVA_LONG, 8, buf.byteSize());
            msg.set(ValueLayout.ADDRESS, 0, name);
            msg.set(ValueLayout.JAVA_INT, 8, (int) name.byteSize());
            msg.set(ValueLayout.ADDRESS, 16, iov);
            msg.set(ValueLayout.JAVA_LONG, 24, 1L);
            msg.set(ValueLayout.ADDRESS, 32, control);
            msg.set(ValueLayout.JAVA_LONG, 40, control.byteSize());
            long n = Libc.recvmsg(fd, msg, Libc.MSG_DONTWAIT);
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) continue;
            if (n < 0) throw Libc.failure("recvmsg", null, (int) -n);
            byte[] data = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            Reply r = v6 ? parse6(data, now) : parse4(data, now);
            if (r != null) return r;
        }
    }

    private Reply parse4(byte[] d, long now) {
        if (d.length < 20) return null;
        int ihl = (d[0] & 0x0f) * 4, ttl = d[8] & 0xff;
        InetAddress from = Cidr.fromBytes(java.util.Arrays.copyOfRange(d, 12, 16));
        if (d.length < ihl + 8) return null;
        int type = d[ihl] & 0xff, code = d[ihl + 1] & 0xff;
        if (type == 0) {
            if (u16(d, ihl + 4) != ident) return null;
            return new Reply(from, u16(d, ihl + 6), ttl, d.length - ihl, now - stamp(d, ihl + 8), null);
        }
        if (type == 3 || type == 11) {
            int inner = ihl + 8, innerIhl = d.length > inner ? (d[inner] & 0x0f) * 4 : 0;
            int echo = inner + innerIhl;
            if (d.length < echo + 8 || (d[echo] & 0xff) != 8 || u16(d, echo + 4) != ident) return null;
            return new Reply(from, u16(d, echo + 6), ttl, d.length - ihl, 0, unreachable4(type, code));
        }
        return null;
    }

    private Reply parse6(byte[] d, long now) {
        if (d.length < 8) return null;
        byte[] src = new byte[16];
        MemorySegment.copy(name, ValueLayout.JAVA_BYTE, 8, src, 0, 16);
        InetAddress from = Cidr.fromBytes(src);
        int type = d[0] & 0xff;
        if (type == 129) {
            if (u16(d, 4) != ident) return null;
            return new Reply(from, u16(d, 6), hopLimit(), d.length, now - stamp(d, 8), null);
        }
        if (type == 1 || type == 3) {
            int echo = 8 + 40;
            if (d.length < echo + 8 || (d[echo] & 0xff) != 128 || u16(d, echo + 4) != ident) return null;
            return new Reply(from, u16(d, echo + 6), hopLimit(), d.length, 0,
                    type == 3 ? "Time exceeded: Hop limit" : "Destination unreachable: " + (d[1] == 0 ? "No route" : "Address unreachable"));
        }
        return null;
    }

    /** Walks the control messages for IPV6_HOPLIMIT. */
    private int hopLimit() {
        long len = msg.get(ValueLayout.JAVA_LONG, 40);
        long off = 0;
        while (off + 16 <= len) {
            long clen = control.get(ValueLayout.JAVA_LONG, off);
            int level = control.get(ValueLayout.JAVA_INT, off + 8), type = control.get(ValueLayout.JAVA_INT, off + 12);
            if (level == IPPROTO_IPV6 && type == IPV6_HOPLIMIT) return control.get(ValueLayout.JAVA_INT, off + 16);
            if (clen < 16) break;
            off += (clen + 7) & ~7;
        }
        return -1;
    }

    private static String unreachable4(int type, int code) {
        if (type == 11) return "Time to live exceeded";
        return switch (code) {
            case 0 -> "Destination Net Unreachable";
            case 1 -> "Destination Host Unreachable";
            case 2 -> "Destination Protocol Unreachable";
            case 3 -> "Destination Port Unreachable";
            case 13 -> "Packet filtered";
            default -> "Dest Unreachable, Bad Code: " + code;
        };
    }

    private static long stamp(byte[] d, int off) {
        if (d.length < off + 8) return System.nanoTime();
        return ByteBuffer.wrap(d, off, 8).order(ByteOrder.BIG_ENDIAN).getLong();
    }

    private static int u16(byte[] d, int off) { return ((d[off] & 0xff) << 8) | (d[off + 1] & 0xff); }

    /** The Internet checksum (RFC 1071). */
    static int checksum(byte[] b) {
        long sum = 0;
        for (int i = 0; i + 1 < b.length; i += 2) sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        if ((b.length & 1) != 0) sum += (b[b.length - 1] & 0xff) << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) (~sum & 0xffff);
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
