package dev.nslab.lab;

import dev.nslab.error.KernelException;
import dev.nslab.error.LabException;
import dev.nslab.lab.state.Marks;
import dev.nslab.net.Link;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.Processes;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Labs owned by a running program (a Java test using the library) rather than by a file: their name carries the
 * owner, {@code nl-PID-START-RANDOM} (the process id, its start time in ticks since boot in base 36, and four random
 * letters), and so do their namespaces ({@code LAB-NODE}). When the owner is gone — killed with kill -9, say — its
 * namespaces are stale: the next owner to start, or {@code nslab down --stale}, removes them, after checking that each
 * still carries the lab's mark (the alias {@code nslab:LAB} on its loopback). Testcontainers' reaper, without a
 * container.
 */
public final class Owners {
    private static final String PREFIX = "nl-";
    private static final String LETTERS = "abcdefghijkmnpqrstuvwxyz23456789";

    private Owners() {}

    /** A fresh lab name owned by this process. */
    public static String newLabName() {
        long pid = ProcessHandle.current().pid();
        long start = Processes.startTime(pid).orElse(0);
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder(PREFIX).append(pid).append('-').append(Long.toString(start, 36)).append('-');
        for (int i = 0; i < 4; i++) b.append(LETTERS.charAt(r.nextInt(LETTERS.length())));
        return b.toString();
    }

    /** The lab an owned namespace belongs to ({@code nl-PID-START-RAND}), or empty for any other name. */
    static Optional<String> labOf(String namespace) {
        if (!namespace.startsWith(PREFIX)) return Optional.empty();
        String[] f = namespace.split("-", 5);
        if (f.length < 5 || !f[1].chars().allMatch(Character::isDigit) || f[1].isEmpty()) return Optional.empty();
        return Optional.of(String.join("-", f[0], f[1], f[2], f[3]));
    }

    /** Whether the process a lab name names still runs. */
    static boolean ownerAlive(String lab) {
        String[] f = lab.split("-");
        try {
            return Processes.alive(Long.parseLong(f[1]), Long.parseLong(f[2], 36));
        } catch (RuntimeException e) {
            return true; // not a name this class made: never reaped
        }
    }

    /** This process, as a lab file's state records its owner: "PID:START". */
    public static String token() {
        long pid = ProcessHandle.current().pid();
        return pid + ":" + Processes.startTime(pid).orElse(0);
    }

    /**
     * Takes down the labs of {@code labs}' state directory whose owner (recorded with {@link Labs#setOwner}) is gone;
     * returns their names. Labs without an owner (the command line's) are never stale.
     */
    public static List<String> reapFileLabs(Labs labs) {
        List<String> removed = new ArrayList<>();
        for (var owned : labs.ownedLabs().entrySet()) {
            String lab = owned.getKey();
            String[] f = owned.getValue().split(":");
            try {
                if (Processes.alive(Long.parseLong(f[0]), Long.parseLong(f[1]))) continue;
            } catch (RuntimeException e) {
                continue; // not a mark this class made
            }
            try {
                labs.down(lab);
                removed.add(lab);
            } catch (LabException gone) {
                // being taken down by another reaper at this moment
            }
        }
        return removed;
    }

    /**
     * Everything programs that are gone left behind: the namespaces of their created labs, and the lab files they
     * brought up (in {@code labs}' state directory). Returns what was removed.
     */
    public static List<String> reapAll(Namespaces registry, Labs labs) {
        List<String> removed = new ArrayList<>(reap(registry));
        removed.addAll(reapFileLabs(labs));
        return removed;
    }

    /** Removes the namespaces of labs whose owner is gone and that carry their lab's mark; returns their names. */
    public static List<String> reap(Namespaces registry) {
        List<String> removed = new ArrayList<>();
        for (String ns : registry.list()) {
            Optional<String> lab = labOf(ns);
            if (lab.isEmpty() || ownerAlive(lab.get())) continue;
            if (Namespaces.inode(registry.path(ns)) < 0) {
                // a name without a namespace: its owner died between making the registration file and mounting the
                // namespace on it. There is no mark to check; the name is the owner's, and the owner is gone
                if (deleted(registry, ns)) removed.add(ns);
                continue;
            }
            try (NetHandle h = NetHandle.open(registry, NsRef.named(ns))) {
                Optional<Link> lo = h.findLink("lo");
                if (lo.isEmpty() || !Marks.of(lab.get()).equals(lo.get().alias())) continue;
            } catch (KernelException e) {
                continue; // gone meanwhile
            }
            if (deleted(registry, ns)) removed.add(ns);
        }
        return removed;
    }

    private static boolean deleted(Namespaces registry, String ns) {
        try {
            registry.delete(ns);
            return true;
        } catch (KernelException e) {
            return false; // removed by another reaper at the same moment
        }
    }
}
