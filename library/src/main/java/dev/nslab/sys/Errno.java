package dev.nslab.sys;

/** The errno values nslab reacts to by name. */
public final class Errno {
    private Errno() {}
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EBADF = 9, EAGAIN = 11, ENOMEM = 12,
            EACCES = 13, EBUSY = 16, EEXIST = 17, ENODEV = 19, EINVAL = 22, ENOSPC = 28, ERANGE = 34,
            EOPNOTSUPP = 95, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENOBUFS = 105, ENETUNREACH = 101, ETIMEDOUT = 110,
            ECONNREFUSED = 111, EHOSTUNREACH = 113;
}
