package dev.nslab.netlink;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.sys.Libc;
import dev.nslab.sys.Privileges;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A netlink socket with the three exchanges rtnetlink needs: a request answered by an ACK, a request answered
 * by one message, and a dump answered by many. {@link #executeAll} pipelines many requests: they leave in a few
 * large sendmsg calls and their ACKs are matched by sequence number, which is what makes building hundreds of
 * objects cheap.
 *
 * <p>A netlink socket belongs to the network namespace of the thread that created it, for its whole life, so a
 * socket opened inside a namespace can then be used from any thread. Not thread-safe: one user at a time.
 */
public final class NetlinkSocket implements Netlink {
    public static final int NETLINK_ROUTE = 0, NETLINK_NETFILTER = 12, NETLINK_GENERIC = 16;
    public static final int NLM_F_REQUEST = 1, NLM_F_MULTI = 2, NLM_F_ACK = 4, NLM_F_ECHO = 8, NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200, NLM_F_DUMP = 0x300;
    public static final int NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;
    private static final int NLM_F_CAPPED = 0x100, NLM_F_ACK_TLVS = 0x200;
    private static final int SOL_NETLINK = 270, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11, NETLINK_GET_STRICT_CHK = 12;
    private static final int NLMSGERR_ATTR_MSG = 1;
    /**
     * The kernel sizes dump datagrams to the reader's buffer (up to 32 KiB), so a small buffer costs nothing in
     * round trips while hundreds of sockets stay cheap to open. A datagram that does not fit (one huge message)
     * grows the buffer and restarts the dump.
     */
    private static final int RECV_SIZE = 16 * 1024;
    /** Requests per sendmsg: bounded so that the ACKs they cause never overflow the receive queue. */
    private static final int PIPELINE_CHUNK = 256;
    private static final int SEND_BYTES = 48 * 1024;

    private final int fd;
    // GC-managed: closing a shared arena costs a handshake with every thread, which adds up over hundreds of sockets
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment callState = Libc.newCallState(arena);
    private MemorySegment recvBuf = arena.allocate(RECV_SIZE, 8);
    private MemorySegment sendBuf = arena.allocate(4096, 8);
    private int seq = 1;
    private boolean bigQueue;

    private NetlinkSocket(int fd) { this.fd = fd; }

    /** Opens a socket in the calling thread's network namespace. */
    public static NetlinkSocket open(int protocol) {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW, protocol);
        try {
            // No bind(2): the kernel binds a netlink socket on its first send.
            Libc.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
            Libc.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
            return new NetlinkSocket(fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /**
     * Whether the kernel knows a generic netlink family (for instance "ovs_datapath", present only with the
     * openvswitch module). Families are global, so any namespace answers the same.
     */
    public static boolean genlFamilyExists(String family) {
        try (NetlinkSocket s = open(NETLINK_GENERIC)) {
            s.genlFamilyId(family);
            return true;
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT) return false;
            throw e;
        }
    }

    /** The message type of generic netlink family {@code family}, asked on this (NETLINK_GENERIC) socket; ENOENT: none. */
    public int genlFamilyId(String family) {
        final int genlIdCtrl = 16, ctrlCmdGetFamily = 3, ctrlAttrFamilyId = 1, ctrlAttrFamilyName = 2, genlHeader = 4;
        NlMessage m = request(new NlRequest(genlIdCtrl, 0).u8(ctrlCmdGetFamily).u8(1).u16(0).attrString(ctrlAttrFamilyName, family));
        int id = m.attrs(genlHeader).u16(ctrlAttrFamilyId, -1);
        if (id < 0) throw KernelException.of("generic netlink family " + family + ": no id in the kernel's answer", Errno.ENOENT, family);
        return id;
    }

    /**
     * An ioctl on this socket: device ioctls (SIOCETHTOOL...) act on the namespace the socket lives in, so no
     * thread has to enter it.
     */
    @Override
    public void ioctl(long request, MemorySegment arg, String object) { Libc.ioctl(fd, request, arg, object); }

    /** The socket's descriptor, for ioctls that ask about the socket itself (SIOCGSKNS). */
    @Override
    public int fd() { return fd; }

    /** Sends one request and waits for its ACK; throws the kernel's error. */
    @Override
    public void execute(NlRequest request) {
        KernelException e = executeAll(List.of(request)).getFirst();
        if (e != null) throw e;
    }

    /**
     * Sends every request (pipelined, ACK requested on each) and returns one entry per request: null where it
     * succeeded, the kernel's error where it failed. All requests are sent even if an early one fails, exactly as
     * when they arrive one by one; callers that need all-or-nothing must order and undo themselves.
     */
    @Override
    public List<KernelException> executeAll(List<NlRequest> requests, BiConsumer<Integer, NlMessage> replies) {
        roomForAcks(requests.size());
        KernelException[] results = new KernelException[requests.size()];
        for (int from = 0; from < requests.size(); ) {
            int firstSeq = seq;
            int to = sendChunk(requests, from, NLM_F_ACK);
            int pending = to - from;
            while (pending > 0) {
                for (NlMessage m : receive()) {
                    int i = from + (m.seq() - firstSeq);
                    if (i < from || i >= to) continue;
                    if (m.type() != NlMessage.NLMSG_ERROR) {
                        replies.accept(i, m);
                        continue;
                    }
                    int err = m.i32(0);
                    results[i] = err == 0 ? null : error(m);
                    pending--;
                }
            }
            from = to;
        }
        return Arrays.asList(results);
    }

    private void roomForAcks(int requests) {
        if (requests > 16 && !bigQueue) {
            // Room for the ACKs of a whole pipelined chunk; most sockets never need it.
            try {
                Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, 4 << 20);
            } catch (KernelException e) {
                Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, 1 << 20);
            }
            bigQueue = true;
        }
    }

    /**
     * Sends {@code inner} between {@code begin} and {@code end} in one sendmsg, as nfnetlink wants a transaction
     * (all applied or none), and returns one entry per inner request: null where it passed, the kernel's error where
     * it failed (then nothing of the batch was applied).
     */
    public List<KernelException> transaction(NlRequest begin, List<NlRequest> inner, NlRequest end) {
        List<NlRequest> all = new ArrayList<>();
        all.add(begin);
        all.addAll(inner);
        all.add(end);
        roomForAcks(all.size());
        int firstSeq = seq;
        int sent = sendChunk(all, 0, 0, true);
        if (sent != all.size()) throw new IllegalArgumentException("a transaction of " + all.size() + " messages does not fit in one send");
        KernelException[] results = new KernelException[inner.size()];
        boolean[] answered = new boolean[inner.size()];
        int pending = inner.size();
        while (pending > 0) {
            for (NlMessage m : receive()) {
                int i = m.seq() - firstSeq - 1;
                if (m.type() != NlMessage.NLMSG_ERROR) continue;
                if (i < 0 || i >= inner.size()) {
                    if (m.i32(0) != 0) throw error(m); // the batch itself was refused
                    continue;
                }
                if (answered[i]) continue;
                answered[i] = true;
                results[i] = m.i32(0) == 0 ? null : error(m);
                pending--;
            }
        }
        return Arrays.asList(results);
    }

    /** Sends a request that the kernel answers with exactly one message (or an error). */
    @Override
    public NlMessage request(NlRequest request) {
        while (true) {
            try {
                return requestOnce(request);
            } catch (Truncated t) {
                drain();
            }
        }
    }

    private NlMessage requestOnce(NlRequest request) {
        int mySeq = seq;
        sendChunk(List.of(request), 0, 0);
        while (true) {
            for (NlMessage m : receive()) {
                if (m.seq() != mySeq) continue;
                if (m.type() == NlMessage.NLMSG_ERROR) {
                    if (m.i32(0) != 0) throw error(m);
                    continue;
                }
                return m;
            }
        }
    }

    /** Sends a dump request and returns every message of the answer, in order. */
    /**
     * A dump whose attributes filter it (the kernel reads them only with strict checking, which is turned on for
     * this request alone: other requests of this socket keep the kernel's lenient reading).
     */
    @Override
    public List<NlMessage> dumpFiltered(NlRequest request) { return strictly(() -> dump(request)); }

    @Override
    public NlMessage requestStrict(NlRequest request) { return strictly(() -> request(request)); }

    /** {@code work} with the kernel's strict checking on for this socket, off again after it (the socket's default). */
    private <T> T strictly(java.util.function.Supplier<T> work) {
        Libc.setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
        try {
            return work.get();
        } finally {
            Libc.setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 0);
        }
    }

    @Override
    public List<NlMessage> dump(NlRequest request) {
        while (true) {
            try {
                return dumpOnce(request);
            } catch (Truncated t) {
                drain();
            }
        }
    }

    /** A datagram was larger than the receive buffer; the buffer has grown and the exchange must be redone. */
    private static final class Truncated extends RuntimeException {
        Truncated() { super(null, null, false, false); }
    }

    /** Discards whatever is still queued (the rest of an abandoned dump). */
    private void drain() {
        while (Libc.pollIn(fd, 50)) Libc.recv(fd, recvBuf, Libc.MSG_DONTWAIT, callState);
    }

    private List<NlMessage> dumpOnce(NlRequest request) {
        int mySeq = seq;
        sendChunk(List.of(request), 0, 0);
        List<NlMessage> out = new ArrayList<>();
        while (true) {
            for (NlMessage m : receive()) {
                if (m.seq() != mySeq) continue;
                if (m.type() == NlMessage.NLMSG_DONE) {
                    // a dump the kernel refused part-way (a filter naming nothing): its errno, and its words after it
                    if (m.payload().limit() >= 4 && m.i32(0) < 0) throw doneError(m);
                    return out;
                }
                if (m.type() == NlMessage.NLMSG_ERROR) {
                    if (m.i32(0) != 0) throw error(m);
                    return out;
                }
                out.add(m);
            }
        }
    }

    /** Encodes requests[from..] into one buffer until a limit is reached, sends it; returns the end index. */
    private int sendChunk(List<NlRequest> requests, int from, int extraFlags) { return sendChunk(requests, from, extraFlags, false); }

    /** {@code batch}: the first and last requests frame a transaction and get no ACK flag. */
    private int sendChunk(List<NlRequest> requests, int from, int extraFlags, boolean batch) {
        int size = 0;
        for (int k = from; k < requests.size() && (batch || (k - from < PIPELINE_CHUNK && size < SEND_BYTES)); k++) size += 20 + requests.get(k).length();
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        int i = from;
        while (i < requests.size() && (batch || i - from < PIPELINE_CHUNK)) {
            NlRequest r = requests.get(i);
            int need = 16 + r.length() + 4;
            if (!batch && i > from && out.position() + need > SEND_BYTES) break;
            if (out.remaining() < need) {
                ByteBuffer bigger = ByteBuffer.allocate(out.position() + need).order(ByteOrder.nativeOrder());
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            int start = out.position();
            r.writeTo(out, seq++);
            boolean frame = batch && (i == 0 || i == requests.size() - 1);
            out.putShort(start + 6, (short) (r.flags() | NLM_F_REQUEST | (frame ? 0 : batch ? NLM_F_ACK : extraFlags)));
            i++;
        }
        int len = out.position();
        if (sendBuf.byteSize() < len) sendBuf = arena.allocate(len, 8);
        MemorySegment.copy(out.array(), 0, sendBuf, ValueLayout.JAVA_BYTE, 0, len);
        Libc.send(fd, sendBuf, len, 0, callState);
        return i;
    }

    private List<NlMessage> receive() {
        long n = Libc.recv(fd, recvBuf, Libc.MSG_TRUNC, callState);
        if (n > recvBuf.byteSize()) {
            recvBuf = arena.allocate(Math.min(n * 2, 1 << 24), 8);
            throw new Truncated();
        }
        return received(n);
    }

    /** The messages of the {@code n} bytes just received into the buffer, copied out of it. */
    private List<NlMessage> received(long n) {
        byte[] copy = recvBuf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        return NlMessage.parseAll(ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()));
    }

    private static final int NETLINK_ADD_MEMBERSHIP = 1;

    /**
     * Makes the socket hear multicast group {@code group} (an RTNLGRP_* number): the kernel's announcements of
     * changes, read with {@link #listen}. A group this kernel does not have is refused with EINVAL.
     */
    public void join(int group) {
        if (!bound) {
            // the kernel sends its announcements from port 0, and skips a listener whose port is the sender's: an
            // unbound socket (port 0 until its first send) would hear nothing. bind(2) with port 0 picks one.
            try (Arena a = Arena.ofConfined()) {
                MemorySegment addr = a.allocate(12, 4); // sockaddr_nl: family, pad, pid 0, groups 0
                addr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
                Libc.bind(fd, addr);
            }
            bound = true;
        }
        Libc.setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
    }

    private boolean bound;

    private static final int NETLINK_LISTEN_ALL_NSID = 8;

    /** Makes the socket hear, besides this namespace's, the announcements of every namespace that has an id here. */
    public void listenAllNsid() { Libc.setsockopt(fd, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1); }

    /** A datagram of announcements, and the id here of the namespace it is about (-1: this one, or one without an id). */
    public record Heard(int nsid, List<NlMessage> messages) { }

    private MemorySegment msghdr, iov, control;

    /**
     * The next datagram of announcements (blocks until one comes). ENOBUFS, when more came than the socket could queue
     * (or one larger than the buffer, now grown), is thrown: the listener says so and reads on.
     */
    public Heard listen() {
        if (msghdr == null) {
            msghdr = arena.allocate(56, 8);
            iov = arena.allocate(16, 8);
            control = arena.allocate(64, 8);
        }
        while (true) {
            msghdr.fill((byte) 0);
            iov.set(ValueLayout.ADDRESS, 0, recvBuf);
            iov.set(ValueLayout.JAVA_LONG, 8, recvBuf.byteSize());
            msghdr.set(ValueLayout.ADDRESS, 16, iov);
            msghdr.set(ValueLayout.JAVA_LONG, 24, 1L);
            msghdr.set(ValueLayout.ADDRESS, 32, control);
            msghdr.set(ValueLayout.JAVA_LONG, 40, control.byteSize());
            long n = Libc.recvmsg(fd, msghdr, 0);
            if (n == -Errno.EINTR) continue;
            if (n < 0) throw KernelException.of("netlink receive error", (int) -n, null);
            if ((msghdr.get(ValueLayout.JAVA_INT, 48) & Libc.MSG_TRUNC) != 0) {
                recvBuf = arena.allocate(recvBuf.byteSize() * 4, 8);
                throw KernelException.of("an announcement larger than the buffer was lost", Errno.ENOBUFS, null);
            }
            // struct cmsghdr: length (8 bytes), level, type, then the data; each aligned to 8
            int nsid = -1;
            long used = msghdr.get(ValueLayout.JAVA_LONG, 40);
            for (long at = 0; at + 16 <= used; ) {
                long len = control.get(ValueLayout.JAVA_LONG, at);
                if (len < 16) break;
                if (control.get(ValueLayout.JAVA_INT, at + 8) == SOL_NETLINK && control.get(ValueLayout.JAVA_INT, at + 12) == NETLINK_LISTEN_ALL_NSID) {
                    nsid = control.get(ValueLayout.JAVA_INT, at + 16);
                }
                at += (len + 7) & ~7;
            }
            return new Heard(nsid, received(n));
        }
    }

    /** Decodes an NLMSG_ERROR, including the kernel's extended ACK text when present. */
    private static KernelException doneError(NlMessage m) {
        int errno = -m.i32(0);
        String text = null;
        if ((m.flags() & NLM_F_ACK_TLVS) != 0 && m.payload().limit() > 4) text = NlAttrs.parse(m.payload(), 4, m.payload().limit()).string(NLMSGERR_ATTR_MSG);
        String message = (text != null ? "Error: " + text + ".\n" : "") + "Dump terminated";
        return KernelException.of(message, errno, null, text, false);
    }

    private static KernelException error(NlMessage m) {
        int errno = -m.i32(0);
        String text = null;
        if ((m.flags() & NLM_F_ACK_TLVS) != 0) {
            int echoed = (m.flags() & NLM_F_CAPPED) != 0 ? 16 : m.i32(4);
            int off = 4 + ((echoed + 3) & ~3);
            if (off < m.payload().limit()) text = NlAttrs.parse(m.payload(), off, m.payload().limit()).string(NLMSGERR_ATTR_MSG);
        }
        // in the kernel's terms: its explanation when it gave one, else its words for the errno (the command line
        // adds iproute2's framing)
        String message = errno == Errno.EPERM || errno == Errno.EACCES ? Privileges.explain() : text != null ? text : Libc.strerror(errno);
        return KernelException.of(message, errno, null, text, true);
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
