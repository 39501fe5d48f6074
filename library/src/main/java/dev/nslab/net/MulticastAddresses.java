package dev.nslab.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The multicast addresses interfaces listen to ({@code ip maddr}): link-layer ones from /proc/net/dev_mcast, IPv4
 * groups from /proc/net/igmp, IPv6 ones from /proc/net/igmp6 (the kernel offers them nowhere else), read from a
 * thread inside the namespace, as its /proc shows only its own.
 */
public final class MulticastAddresses {
    private MulticastAddresses() {}

    /**
     * One address an interface listens to; {@code family} null for a link-layer address. {@code users}: how many
     * joined it; {@code isStatic}: added by hand (ip maddr add), link-layer only.
     */
    public record Entry(int index, String device, Family family, byte[] address, int users, boolean isStatic) {
        public String text() {
            if (family == null) return Link.mac(address);
            try {
                return Cidr.format(InetAddress.getByAddress(address));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The link-layer, IPv4 and IPv6 entries asked for, in interface order, each kind in the kernel's order (as ip lists them). */
    public static List<Entry> read(Namespaces registry, NsRef ns, boolean link, boolean inet, boolean inet6) {
        return registry.call(ns, () -> {
            List<Entry> out = new ArrayList<>();
            Path net = Path.of("/proc/thread-self/net");
            if (link) {
                for (String line : lines(net.resolve("dev_mcast"))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 5) continue;
                    insert(out, new Entry(Integer.parseInt(f[0]), f[1], null, hex(f[4]), Integer.parseInt(f[2]), !f[3].equals("0")));
                }
            }
            if (inet) {
                List<String> lines = lines(net.resolve("igmp"));
                int index = 0;
                String name = null;
                for (int i = 1; i < lines.size(); i++) { // after the header
                    String line = lines.get(i);
                    String[] f = line.trim().split("\\s+");
                    if (!line.startsWith("\t")) {
                        index = Integer.parseInt(f[0]);
                        name = f[1].endsWith(":") ? f[1].substring(0, f[1].length() - 1) : f[1];
                        continue;
                    }
                    // the group as the kernel's native integer printed in hex: its bytes in memory order
                    byte[] be = hex(f[0]);
                    byte[] addr = {be[3], be[2], be[1], be[0]};
                    insert(out, new Entry(index, name, Family.INET, addr, Integer.parseInt(f[1]), false));
                }
            }
            if (inet6) {
                for (String line : lines(net.resolve("igmp6"))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 4) continue;
                    insert(out, new Entry(Integer.parseInt(f[0]), f[1], Family.INET6, hex(f[2]), Integer.parseInt(f[3]), false));
                }
            }
            return out;
        });
    }

    /** After every entry of the same or a lower index: interface order, each interface's in the order read. */
    private static void insert(List<Entry> list, Entry e) {
        int at = list.size();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).index() > e.index()) {
                at = i;
                break;
            }
        }
        list.add(at, e);
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of(); // a kernel without IPv6 has no igmp6
        }
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return out;
    }
}
