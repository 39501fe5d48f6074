package dev.nslab;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Impairment;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an end of a cable does to the packets it sends: a rate limit, a delay with jitter, random loss, duplication
 * and corruption, in tc's words. Immutable; each method returns a copy with one more value set.
 *
 * <pre>{@code
 * lab.impair(a, "eth0", Impairments.none().rate("10mbit").loss(1.0));
 * }</pre>
 *
 * Rate and loss work on every kernel (a token bucket, nftables' random numbers); delay, jitter, duplicate and
 * corrupt need netem in the kernel (CONFIG_NET_SCH_NETEM), and are refused with that name where it is missing.
 */
public final class Impairments {
    private final Map<String, String> values;

    private Impairments(Map<String, String> values) { this.values = Map.copyOf(values); }

    /**
     * No impairment: the start of a builder, and what clears an end.
     *
     * @return an empty set of impairments
     */
    public static Impairments none() { return new Impairments(Map.of()); }

    private Impairments with(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(values);
        m.put(key, value);
        Impairments out = new Impairments(m);
        out.toModel(); // refuses a bad value now, where it was written
        return out;
    }

    /**
     * Limits the rate.
     *
     * @param rate in tc's words: "10mbit", "500kbit", "1gbit", "2mbps" (bytes per second)
     * @return a copy with the rate set
     */
    public Impairments rate(String rate) { return with("rate", rate); }

    /**
     * Delays every packet.
     *
     * @param delay "40ms", "1s", "250us"
     * @return a copy with the delay set
     */
    public Impairments delay(String delay) { return with("delay", delay); }

    /**
     * Varies the delay by up to this much either way (needs a delay).
     *
     * @param jitter "5ms"
     * @return a copy with the jitter set
     */
    public Impairments jitter(String jitter) { return with("jitter", jitter); }

    /**
     * Drops packets at random.
     *
     * @param percent from 0 to 100
     * @return a copy with the loss set
     */
    public Impairments loss(double percent) { return with("loss", percent + "%"); }

    /**
     * Sends packets twice at random.
     *
     * @param percent from 0 to 100
     * @return a copy with duplication set
     */
    public Impairments duplicate(double percent) { return with("duplicate", percent + "%"); }

    /**
     * Flips a bit of packets at random.
     *
     * @param percent from 0 to 100
     * @return a copy with corruption set
     */
    public Impairments corrupt(double percent) { return with("corrupt", percent + "%"); }

    Impairment toModel() {
        try {
            return Impairment.parse(values);
        } catch (Impairment.BadValue e) {
            throw new LabException(e.getMessage());
        }
    }

    /** In tc's words, as nslab status shows them ("rate 10mbit loss 1%"; "none"). */
    @Override public String toString() { return toModel().words(); }

    @Override public boolean equals(Object o) { return o instanceof Impairments i && toModel().equals(i.toModel()); }

    @Override public int hashCode() { return toModel().hashCode(); }
}
