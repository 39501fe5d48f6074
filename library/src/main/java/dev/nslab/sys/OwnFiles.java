package dev.nslab.sys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Directories and files nslab keeps for itself (state, logs, notes, its helper programs), checked on every use: a
 * directory is this user's, a real directory (no symbolic link) and writable by nobody else, so nothing can be planted
 * in it; files are written whole (a temporary file made exclusively, then renamed) and readable by this user only. A
 * planted link makes nslab refuse, never follow it.
 */
public final class OwnFiles {
    private OwnFiles() {}

    /** This process's user id (effective). */
    public static long uid() {
        try {
            return Long.parseLong(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
        } catch (IOException e) {
            throw new IllegalStateException("/proc/self cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * {@code dir}, made with {@code mode} (e.g. "rwx------") when missing (its parents as the umask says), else
     * checked: a directory, not a link, this user's, not writable by group or others.
     *
     * @throws IOException naming what is wrong and with whom
     */
    public static Path directory(Path dir, String mode) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (dir.getParent() != null) Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode)); // not through the umask
                return dir;
            } catch (FileAlreadyExistsException e) {
                // made meanwhile by another process: checked below like any other
            }
        }
        if (Files.isSymbolicLink(dir)) throw new IOException(dir + " is a symbolic link, not a directory of nslab's: remove it or choose another");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw new IOException(dir + " is not a directory");
        long owner = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        int bits = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        long me = uid();
        if (owner != me) throw new IOException(dir + " belongs to user " + owner + ", not to this user (" + me + "): choose a directory of your own");
        if ((bits & 022) != 0) {
            throw new IOException(dir + " may be written by others (mode " + Integer.toOctalString(bits & 07777) + "): chmod go-w " + dir
                    + ", or choose another");
        }
        return dir;
    }

    /** Writes {@code text} to {@code file} whole, readable and writable by this user only, never through a link. */
    public static void write(Path file, String text) throws IOException { write(file, text.getBytes(StandardCharsets.UTF_8)); }

    /** Writes {@code bytes} to {@code file} whole, readable and writable by this user only, never through a link. */
    public static void write(Path file, byte[] bytes) throws IOException { write(file, bytes, "rw-------"); }

    /** Writes {@code bytes} to {@code file} whole with {@code mode} (e.g. "rw-r--r--" for what others read), never through a link. */
    public static void write(Path file, byte[] bytes, String mode) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PRIVATE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
            if (!mode.equals("rw-------")) Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); // a link at file is replaced, not followed
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Opens (creating it 0600) a file to hold a lock or append to, refusing a link at its place. */
    public static FileChannel open(Path file, StandardOpenOption... more) throws IOException {
        Set<OpenOption> opts = new HashSet<>(List.of(more));
        opts.add(StandardOpenOption.CREATE);
        opts.add(LinkOption.NOFOLLOW_LINKS);
        return FileChannel.open(file, opts, PRIVATE);
    }

    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
}
