package dev.nslab.netlink;

import dev.nslab.error.KernelException;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * What a handle asks of a netlink socket: requests answered by an ACK, by one message or by a dump. {@link
 * NetlinkSocket} is the kernel's; a test may put a scripted kernel in its place, to see what a command sends without
 * sending it.
 */
public interface Netlink extends AutoCloseable {
    /** Sends one request and waits for its ACK; throws the kernel's error. */
    void execute(NlRequest request);

    /** Sends every request and returns one outcome per request: null where it succeeded, the refusal where not. */
    default List<KernelException> executeAll(List<NlRequest> requests) { return executeAll(requests, (i, m) -> { }); }

    /** As {@link #executeAll(List)}, handing {@code replies} each answer other than an ACK, with its request's position. */
    List<KernelException> executeAll(List<NlRequest> requests, BiConsumer<Integer, NlMessage> replies);

    /** Sends a request that has one answer, and returns it. */
    NlMessage request(NlRequest request);

    /** Sends a dump request and returns every answer. */
    List<NlMessage> dump(NlRequest request);

    /** A dump that the kernel filters by the request's attributes (strict checking). */
    List<NlMessage> dumpFiltered(NlRequest request);

    /** A request with one answer that the kernel checks strictly, as iproute2's are (an attribute it does not take is refused). */
    NlMessage requestStrict(NlRequest request);

    /** A device ioctl on the socket (it acts in the socket's namespace). */
    void ioctl(long request, MemorySegment arg, String object);

    /** The socket's descriptor, for ioctls that ask about the socket itself. */
    int fd();

    @Override
    void close();
}
