package dev.nslab.lab.apply;

import dev.nslab.error.LabException;
import dev.nslab.lab.state.JsonFiles;
import dev.nslab.net.NsRef;
import dev.nslab.net.Sysctl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The kernel's neighbour (ARP/NDP) table is one for every namespace, capped by the root namespace's
 * {@code gc_thresh3}; past it a send fails with ENOBUFS ("neighbour table overflow") and replies vanish. When the labs
 * up together could need more than half of the hard limit, the soft and hard thresholds of that family are raised to the
 * machine's values plus what the labs need; the values found before the first raise are kept in
 * one machine-wide record, with every lab that holds a raise, and are put back when the last of them goes down
 * (unless somebody else changed them meanwhile, which is said and respected).
 */
public final class NeighbourLimits {
    /**
     * Machine-wide, whatever state directory a lab uses: the setting it guards is machine-wide too. It lives apart from
     * the labs' state files (a directory of its own), so that it is never taken for a lab, listed or removed as one.
     */
    public static final Path RECORD = Path.of("/run/nslab/machine/neighbour-limits.json");
    /** Where an earlier nslab kept the record, beside the labs' state files: taken over when found. */
    static final Path OLD_RECORD = Path.of("/run/nslab/kernel-limits.json");

    private enum Family {
        IPV4("net.ipv4.neigh.default."), IPV6("net.ipv6.neigh.default.");

        final String prefix;

        Family(String prefix) { this.prefix = prefix; }

        String soft() { return prefix + "gc_thresh2"; }

        String hard() { return prefix + "gc_thresh3"; }
    }

    /** gc_thresh3 as the kernel sets it: a lab needing less than half of it is no reason to speak of thresholds. */
    static final long KERNEL_DEFAULT_HARD = 1024;

    private final Sysctl sysctl;
    private final Path record;

    public NeighbourLimits(Sysctl sysctl, Path record) {
        this.sysctl = sysctl;
        this.record = record;
    }

    /**
     * Registers {@code holder} (a lab's state file) as needing {@code need4}/{@code need6} entries and raises the
     * thresholds so that every holder fits on top of what the machine had. Returns one line per value changed.
     */
    public List<String> acquire(String holder, long need4, long need6) {
        if (need4 == 0 && need6 == 0) return List.of();
        try {
            return locked(rec -> {
                ObjectNode holders = rec.withObjectProperty("holders");
                holders.putObject(holder).put("ipv4", need4).put("ipv6", need6);
                return apply(rec, "the labs up need");
            });
        } catch (Unreachable e) {
            // a lab that fits the kernel's default thresholds needs nothing of them: said only for one that may not
            if (need4 * 2 <= KERNEL_DEFAULT_HARD && need6 * 2 <= KERNEL_DEFAULT_HARD) return List.of();
            long need = Math.max(need4, need6);
            return List.of("this lab may need up to " + need + " neighbour entries, more than half the kernel's default threshold ("
                    + KERNEL_DEFAULT_HARD + "); the machine's thresholds cannot be read from here (they are the machine root's), so they are "
                    + "left as they are: if addresses stop resolving, ask root to raise net.ipv4.neigh.default.gc_thresh3 (and gc_thresh2, "
                    + "ipv6 alike) to " + need * 2 + " or more");
        }
    }

    /** Drops {@code holder}; restores what the machine had once no lab needs more. Returns one line per value changed. */
    public List<String> release(String holder) {
        if (!Files.exists(record) && !(record.equals(RECORD) && Files.exists(OLD_RECORD))) return List.of();
        try {
            return locked(rec -> {
                rec.withObjectProperty("holders").remove(holder);
                return apply(rec, "the labs still up need");
            });
        } catch (Unreachable e) {
            return List.of();
        }
    }

    private List<String> apply(ObjectNode rec, String why) {
        ObjectNode holders = rec.withObjectProperty("holders");
        // a lab whose state file is gone (removed by hand, a deleted test directory) holds nothing any more
        for (Iterator<String> it = holders.fieldNames(); it.hasNext(); ) if (!Files.exists(Path.of(it.next()))) it.remove();
        ObjectNode original = rec.withObjectProperty("original");
        ObjectNode set = rec.withObjectProperty("set");
        List<String> said = new ArrayList<>();
        for (Family f : Family.values()) {
            long need = 0;
            for (JsonNode h : holders) need += h.path(f == Family.IPV4 ? "ipv4" : "ipv6").asLong();
            // what fits in half of what the machine allows leaves room for everyone else: no raise for small labs
            long hardBase = original.has(f.hard()) ? original.path(f.hard()).asLong() : read(f.hard());
            if (need * 2 <= hardBase) need = 0;
            for (String key : List.of(f.soft(), f.hard())) {
                long now = read(key);
                if (!original.has(key)) {
                    if (need == 0) continue;
                    original.put(key, now);
                }
                long orig = original.path(key).asLong();
                boolean ours = set.has(key) && set.path(key).asLong() == now;
                if (set.has(key) && !ours) {
                    // changed behind nslab's back: that value is the machine's now, and nothing of ours is left to undo
                    said.add(key + " is " + now + ", not the " + set.path(key).asLong() + " nslab set: left as it is");
                    original.remove(key);
                    set.remove(key);
                    continue;
                }
                long want = orig + need;
                if (!ours && (need == 0 || now >= want)) {
                    original.remove(key); // high enough already: nothing to raise, nothing to restore
                    continue;
                }
                if (want == now) continue;
                write(key, want);
                said.add(need == 0 ? "restored " + key + " to " + want
                        : (want > now ? "raised " : "lowered ") + key + " from " + now + " to " + want + " (" + why + " up to "
                        + String.format("%,d", need) + " neighbour entries; restored when the last such lab goes down)");
                if (need == 0) {
                    set.remove(key);
                    original.remove(key);
                } else {
                    set.put(key, want);
                }
            }
        }
        return said;
    }

    /**
     * The table is the whole machine's and so are its thresholds: they exist only in the initial namespace (pid 1's),
     * which is not nslab's own when it runs inside another namespace (nsenter, a test's "machine").
     */
    private NsRef machine;

    /** Where the thresholds can be read: here, else pid 1's namespace; null when neither is reachable. */
    private NsRef machine(String key) {
        if (machine == null) {
            machine = NsRef.current();
            try {
                sysctl.read(machine, key);
            } catch (RuntimeException here) {
                machine = NsRef.pid(1);
                try {
                    sysctl.read(machine, key);
                } catch (RuntimeException there) {
                    throw new Unreachable();
                }
            }
        }
        return machine;
    }

    /** The machine's thresholds cannot be seen from here (a namespace without them, pid 1's out of reach). */
    private static final class Unreachable extends RuntimeException {
        Unreachable() { super(null, null, false, false); }
    }

    private long read(String key) {
        try {
            return Long.parseLong(sysctl.read(machine(key), key).trim());
        } catch (Unreachable e) {
            throw e;
        } catch (RuntimeException e) {
            // where one threshold was seen and the next is not (a namespace that has some of them): none is reachable
            throw new Unreachable();
        }
    }

    private void write(String key, long value) { sysctl.write(machine(key), key, Long.toString(value)); }

    private interface Change { List<String> apply(ObjectNode rec) throws IOException; }

    private List<String> locked(Change change) {
        try {
            Files.createDirectories(record.getParent());
            Path lockFile = record.resolveSibling("." + record.getFileName() + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                if (record.equals(RECORD) && !Files.exists(record) && Files.exists(OLD_RECORD)) {
                    Files.move(OLD_RECORD, record, StandardCopyOption.ATOMIC_MOVE); // the machine's values it holds must not be lost
                    Files.deleteIfExists(OLD_RECORD.resolveSibling("." + OLD_RECORD.getFileName() + ".lock"));
                }
                ObjectNode rec = Files.exists(record) ? (ObjectNode) JsonFiles.read(record) : JsonFiles.object();
                List<String> said = change.apply(rec);
                if (rec.withObjectProperty("holders").isEmpty() && rec.withObjectProperty("set").isEmpty()) {
                    Files.deleteIfExists(record);
                } else {
                    Path tmp = record.resolveSibling("." + record.getFileName() + ".tmp");
                    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                        out.write(ByteBuffer.wrap(JsonFiles.pretty(rec)));
                        // no fsync: the settings it records go back to the kernel's defaults after a reboot anyway
                    }
                    Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                return said;
            }
        } catch (IOException e) {
            throw new LabException("cannot use the record of kernel limits " + record + ": " + e.getMessage(), e);
        }
    }
}
