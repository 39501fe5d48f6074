package dev.nslab.netlink;

import dev.nslab.sys.Libc;
import dev.nslab.sys.SysException;

/**
 * The kernel refused a netlink request. {@link #extAck()} is the kernel's own explanation when it gave one
 * (extended ACK), which is usually more helpful than the errno alone.
 */
public final class NetlinkException extends SysException {
    private final String extAck;

    public NetlinkException(int errno, String extAck) {
        super(extAck != null ? extAck : Libc.strerror(errno), errno, null);
        this.extAck = extAck;
    }

    /** The kernel's extended error message, or null. */
    public String extAck() { return extAck; }
}
