package dev.nslab.lab.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nslab.error.LabException;
import dev.nslab.lab.state.JsonFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * The machine's user and group ids that labs' user namespaces map to: each lab that runs programs in hosts gets a
 * range of its own (65,536 ids, root of the lab being the first), far above the ids of the machine's users, so that
 * what a node's root does is done as nobody the machine knows, and no two labs share an id. One machine-wide record,
 * apart from the labs' state files, under a lock; a lab whose state file is gone holds nothing any more.
 */
public final class IdRanges {
    /** Machine-wide, whatever state directory a lab uses. */
    public static final Path RECORD = Path.of("/run/nslab/machine/id-ranges.json");
    public static final long FIRST = 1_000_000_000L;
    public static final int SIZE = 65536;
    private static final int SLOTS = 10_000;

    private final Path record;

    public IdRanges(Path record) { this.record = record; }

    /** The first id of {@code holder}'s range (a lab's state file), allocated on first use. */
    public long acquire(String holder) {
        return locked(rec -> {
            ObjectNode holders = rec.withObjectProperty("holders");
            if (holders.has(holder)) return holders.path(holder).asLong();
            Set<Long> taken = new HashSet<>();
            holders.forEach(v -> taken.add(v.asLong()));
            for (int slot = 0; slot < SLOTS; slot++) {
                long base = FIRST + (long) slot * SIZE;
                if (taken.contains(base)) continue;
                holders.put(holder, base);
                return base;
            }
            throw new LabException("every id range for labs' user namespaces is taken (" + SLOTS + " labs with hosts on this machine)");
        });
    }

    /** Gives {@code holder}'s range back. */
    public void release(String holder) {
        if (!Files.exists(record)) return;
        locked(rec -> {
            rec.withObjectProperty("holders").remove(holder);
            return 0L;
        });
    }

    private interface Change { long apply(ObjectNode rec) throws IOException; }

    private long locked(Change change) {
        try {
            Files.createDirectories(record.getParent());
            Path lockFile = record.resolveSibling("." + record.getFileName() + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                ObjectNode rec = Files.exists(record) ? (ObjectNode) JsonFiles.read(record) : JsonFiles.object();
                ObjectNode holders = rec.withObjectProperty("holders");
                // a lab whose state file is gone (taken down by hand, a deleted test directory) holds nothing any more
                for (Iterator<String> it = holders.fieldNames(); it.hasNext(); ) if (!Files.exists(Path.of(it.next()))) it.remove();
                long out = change.apply(rec);
                if (holders.isEmpty()) {
                    Files.deleteIfExists(record);
                } else {
                    Path tmp = record.resolveSibling("." + record.getFileName() + ".tmp");
                    Files.write(tmp, JsonFiles.pretty(rec));
                    Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                return out;
            }
        } catch (IOException e) {
            throw new LabException("cannot use the record of id ranges " + record + ": " + e.getMessage(), e);
        }
    }
}
