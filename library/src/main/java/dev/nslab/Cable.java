package dev.nslab;

/**
 * A cable of a lab: a veth pair between two nodes. Faults done through it last until they are undone or the lab
 * closes.
 *
 * @param lab   the lab it belongs to
 * @param a     one end's node
 * @param ifA   that end's interface
 * @param b     the other end's node
 * @param ifB   that end's interface
 */
public record Cable(NetLab lab, Node a, String ifA, Node b, String ifB) {
    /**
     * Impairs both directions: each end sends through {@code i}.
     *
     * @param i what each end does to the packets it sends ({@link Impairments#none()} clears)
     */
    public void impair(Impairments i) { lab.impairCable(this, i); }

    /** The cable goes down at both ends; the nodes see no carrier. */
    public void cut() { lab.cut(a, ifA); }

    /** The cable comes back up, with the addresses and routes of its ends. */
    public void mend() { lab.mend(a, ifA); }

    @Override public String toString() { return a.name() + ":" + ifA + " - " + b.name() + ":" + ifB; }
}
