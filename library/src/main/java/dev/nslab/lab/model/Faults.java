package dev.nslab.lab.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What was done to a lab at run time, kept in its state so that {@code status} shows it, a second {@code up} keeps
 * it and {@code down} undoes it: impairments by endpoint ("NODE:IFACE"; {@link Impairment#NONE} where one of the
 * file's was cleared), cut cables (by either end), and the partition (groups of node names; empty: none).
 */
public record Faults(Map<String, Impairment> impairments, Set<String> cuts, List<Set<String>> partition) {
    public static final Faults NONE = new Faults(Map.of(), Set.of(), List.of());

    public Faults {
        impairments = java.util.Collections.unmodifiableMap(new TreeMap<>(impairments));
        cuts = java.util.Collections.unmodifiableSet(new TreeSet<>(cuts));
        partition = partition.stream().map(g -> (Set<String>) java.util.Collections.unmodifiableSet(new TreeSet<>(g))).toList();
    }

    public boolean isEmpty() { return impairments.isEmpty() && cuts.isEmpty() && partition.isEmpty(); }

    public Faults withImpairments(Map<String, Impairment> m) { return new Faults(m, cuts, partition); }

    public Faults withCuts(Set<String> c) { return new Faults(impairments, c, partition); }

    /** Whether the cable whose ends are {@code end} and {@code other} is cut (it is noted by either end). */
    public boolean isCut(String end, String other) { return cuts.contains(end) || cuts.contains(other); }

    /** With that cable cut, noted once, by {@code end}. */
    public Faults withCut(String end, String other) {
        Set<String> c = new TreeSet<>(cuts);
        c.remove(other);
        c.add(end);
        return withCuts(c);
    }

    /** With that cable mended. */
    public Faults withoutCut(String end, String other) {
        Set<String> c = new TreeSet<>(cuts);
        c.remove(end);
        c.remove(other);
        return withCuts(c);
    }

    public Faults withPartition(List<Set<String>> p) { return new Faults(impairments, cuts, p); }
}
