package dev.nslab.net;

import dev.nslab.sys.Libc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private, anonymous network and mount namespace for the calling thread, with a scratch tmpfs: what happens there
 * (namespaces registered in the scratch directory, interfaces, mounts) touches nothing outside and vanishes with the
 * thread. Used to exercise write paths safely (the launcher's AOT training). Only for a thread that is thrown away
 * afterwards: the thread never returns to the host's namespaces.
 */
public final class Sandbox {
    private Sandbox() {}

    /** Moves the calling thread into fresh network and mount namespaces; returns the scratch directory. */
    public static Path enter(String name) throws IOException {
        Libc.unshare(Libc.CLONE_NEWNS | Libc.CLONE_NEWNET, name);
        Libc.mount("", "/", "none", Libc.MS_PRIVATE | Libc.MS_REC, null);
        Path dir = Files.createTempDirectory(name);
        Libc.mount("tmpfs", dir.toString(), "tmpfs", 0, null);
        return dir;
    }

    /** Unmounts and removes the scratch directory. */
    public static void leave(Path dir) throws IOException {
        Libc.umount2(dir.toString(), Libc.MNT_DETACH);
        Files.deleteIfExists(dir);
    }
}
