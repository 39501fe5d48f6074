package dev.nslab.lab.model;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The faults in effect on a lab, as prediction needs them: loss by sending end ("NODE:IFACE", percent), cut
 * cables (each as its two ends), and partition groups (every linux node in one; empty: no partition).
 */
public record FaultView(Map<String, Double> loss, List<Set<String>> cuts, List<Set<String>> groups) {
    public static final FaultView NONE = new FaultView(Map.of(), List.of(), List.of());

    /** The cut cable an end belongs to, or null. */
    Set<String> cutCable(String endpoint) {
        for (Set<String> c : cuts) if (c.contains(endpoint)) return c;
        return null;
    }

    /** The partition group of a node, or -1 when there is no partition. */
    int group(String node) {
        for (int i = 0; i < groups.size(); i++) if (groups.get(i).contains(node)) return i;
        return -1;
    }
}
