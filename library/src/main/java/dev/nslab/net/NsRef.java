package dev.nslab.net;

/**
 * Names a network namespace the way iproute2 commands do: the caller's own, a named one under /run/netns, or
 * the one a process lives in.
 */
public sealed interface NsRef {
    /** The namespace of the calling thread. */
    record Current() implements NsRef {
        @Override public String toString() { return "(current)"; }
    }

    /** A namespace registered by name under the netns directory (as {@code ip netns add} does). */
    record Named(String name) implements NsRef {
        @Override public String toString() { return name; }
    }

    /** The network namespace of a process. */
    record Pid(int pid) implements NsRef {
        @Override public String toString() { return "pid " + pid; }
    }

    /**
     * A namespace file anywhere: a bind mount outside the netns directory, /proc/PID/task/TID/ns/net, or an open
     * descriptor as /proc/PID/fd/N (how namespaces that have no name are reached).
     */
    record File(java.nio.file.Path path) implements NsRef {
        @Override public String toString() { return path.toString(); }
    }

    static NsRef current() { return new Current(); }
    static NsRef file(java.nio.file.Path path) { return new File(path); }
    static NsRef named(String name) { return new Named(name); }
    static NsRef pid(int pid) { return new Pid(pid); }

    /** iproute2's rule for "netns X": a registered name first, else a number is a PID. */
    static NsRef parse(String word, Namespaces registry) {
        if (registry.exists(word)) return named(word);
        if (!word.isEmpty() && word.chars().allMatch(Character::isDigit)) return pid(Integer.parseInt(word));
        return named(word);
    }
}
