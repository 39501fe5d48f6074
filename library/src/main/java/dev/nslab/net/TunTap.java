package dev.nslab.net;

import dev.nslab.error.KernelException;
import dev.nslab.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * tun and tap devices ({@code ip tuntap}): made and removed through /dev/net/tun's ioctls, which act in the network
 * namespace of the thread that opens the file ({@link NetHandle#tunTap} runs them inside the handle's namespace). A
 * device made persistent outlives the file; one made again without persistence goes when the file closes.
 */
public final class TunTap {
    private TunTap() {}

    /** The device's flags (if_tun.h): its mode, and how it frames packets. */
    public static final int TUN = 0x0001, TAP = 0x0002, MULTI_QUEUE = 0x0100, NO_PI = 0x1000, ONE_QUEUE = 0x2000, VNET_HDR = 0x4000,
            /** only a new device: one of that name is refused (ip tuntap add) */ TUN_EXCL = 0x8000;

    private static final long TUNSETIFF = 0x400454caL, TUNSETPERSIST = 0x400454cbL, TUNSETOWNER = 0x400454ccL, TUNSETGROUP = 0x400454ceL;

    /**
     * Attaches to (or makes) device {@code name} with {@code flags}, sets its owner and group (null: left), and makes it
     * persistent or not; a refusal is worded as ip words it: "ioctl(TUNSETIFF): Device or resource busy".
     */
    static void set(String name, int flags, boolean persist, Long owner, Long group) {
        int fd = Libc.open("/dev/net/tun", Libc.O_RDWR, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = a.allocate(40); // struct ifreq: the name, then ifr_flags
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(n, 0, ifr, ValueLayout.JAVA_BYTE, 0, Math.min(n.length, 15));
            ifr.set(ValueLayout.JAVA_SHORT, 16, (short) flags);
            call(() -> Libc.ioctl(fd, TUNSETIFF, ifr, name), "TUNSETIFF", name);
            if (owner != null) call(() -> Libc.ioctlArg(fd, TUNSETOWNER, owner, name), "TUNSETOWNER", name);
            if (group != null) call(() -> Libc.ioctlArg(fd, TUNSETGROUP, group, name), "TUNSETGROUP", name);
            call(() -> Libc.ioctlArg(fd, TUNSETPERSIST, persist ? 1 : 0, name), "TUNSETPERSIST", name);
        } finally {
            Libc.close(fd);
        }
    }

    private static void call(Runnable ioctl, String op, String name) {
        try {
            ioctl.run();
        } catch (KernelException e) {
            throw KernelException.of("ioctl(" + op + "): " + Libc.strerror(e.errno()), e.errno(), name);
        }
    }
}
