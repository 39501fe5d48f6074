package dev.nslab.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The order in which ovs-vsctl's {@code list} and {@code find} print a table's rows: the iteration order of its IDL's
 * in-memory table, a hash map keyed by the first 32 bits of each row's UUID. Which rows share a bucket and in what
 * order they sit there depends on the order they were inserted (each goes to the head of its bucket, and each time
 * the map grows its buckets are dealt out again head first), and that is the order the initial monitor update is
 * read in: ovsdb-server writes the rows sorted by UUID, and the client's JSON parser keeps them in a hash map of
 * their UUID strings (OVS's murmur hash), whose order the IDL then inserts them in. Both maps are modelled here as
 * OVS's hmap grows them (four buckets from the second member, doubled once there are more than twice as many
 * members as buckets). Checked against ovs-vsctl 3.1 on Bridge, Port and Interface tables of 1 to 28 rows.
 *
 * <p>Not modelled: a row first made by a reference from the Open_vSwitch row read before its table (that happens
 * only when eight or more monitored tables have rows, for Manager, SSL and Datapath).
 */
final class OvsRowOrder {
    private OvsRowOrder() {}

    static <T> List<T> of(List<T> rows, Function<T, String> uuid) {
        List<T> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(uuid));
        Hmap<T> parsed = new Hmap<>();
        for (T r : sorted) parsed.insert(r, hashString(uuid.apply(r)));
        Hmap<T> table = new Hmap<>();
        for (T r : parsed.members()) table.insert(r, (int) Long.parseLong(uuid.apply(r).substring(0, 8), 16));
        return table.members();
    }

    /** OVS's hmap: buckets of singly linked chains, a member put at its chain's head. */
    private static final class Hmap<T> {
        private record Node<T>(T value, int hash) { }

        private List<List<Node<T>>> buckets = new ArrayList<>(List.of(new ArrayList<>()));
        private int mask, n;

        void insert(T value, int hash) {
            buckets.get(hash & mask).addFirst(new Node<>(value, hash));
            n++;
            if (n / 2 > mask) {
                int grown = maskFor(n);
                if (grown > mask) resize(grown);
            }
        }

        private void resize(int newMask) {
            List<List<Node<T>>> fresh = new ArrayList<>();
            for (int i = 0; i <= newMask; i++) fresh.add(new ArrayList<>());
            for (List<Node<T>> chain : buckets) for (Node<T> node : chain) fresh.get(node.hash() & newMask).addFirst(node);
            buckets = fresh;
            mask = newMask;
        }

        /** hmap's calc_mask: half the capacity rounded up to a power of two less one, at least 3. */
        private static int maskFor(int capacity) {
            int m = capacity / 2;
            m |= m >> 1;
            m |= m >> 2;
            m |= m >> 4;
            m |= m >> 8;
            m |= m >> 16;
            return m | (m & 1) << 1;
        }

        List<T> members() {
            List<T> out = new ArrayList<>(n);
            for (List<Node<T>> chain : buckets) for (Node<T> node : chain) out.add(node.value());
            return out;
        }
    }

    /** OVS's hash_string (hash_bytes with basis 0): MurmurHash3's 32-bit mixing, word by little-endian word. */
    static int hashString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int h = 0, i = 0;
        for (; b.length - i >= 4; i += 4) {
            h = add(h, (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24);
        }
        if (i < b.length) {
            int tail = 0;
            for (int k = 0; i + k < b.length; k++) tail |= (b[i + k] & 0xff) << (8 * k);
            h = add(h, tail);
        }
        return finish(h ^ b.length);
    }

    private static int add(int hash, int data) {
        if (data != 0) { // a zero word leaves the hash as it was (OVS's mhash_add__)
            data *= 0xcc9e2d51;
            data = Integer.rotateLeft(data, 15);
            data *= 0x1b873593;
            hash ^= data;
        }
        return Integer.rotateLeft(hash, 13) * 5 + 0xe6546b64;
    }

    private static int finish(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
