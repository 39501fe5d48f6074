package dev.nslab.net;

import java.util.List;

/**
 * A network interface as the kernel reports it (one RTM_NEWLINK message).
 *
 * @param index       the ifindex, unique within its namespace
 * @param kind        the driver kind from IFLA_INFO_KIND ("veth", "bridge", "openvswitch"...), or null
 * @param linkIndex   IFLA_LINK: for a veth, the peer's ifindex (in {@code linkNetnsId}'s namespace if that is set); -1 if absent
 * @param linkNetnsId IFLA_LINK_NETNSID: the id, as seen from this namespace, of the namespace the peer lives in; null if the same
 * @param master      ifindex of the bridge this interface is a port of, 0 if none
 * @param slaveKind   IFLA_INFO_SLAVE_KIND ("bridge", "openvswitch"), or null
 */
public record Link(int index, String name, String kind, int flags, int mtu, String qdisc, int master,
                   int operState, int linkMode, int group, int txqlen, int type, byte[] address, byte[] broadcast,
                   int linkIndex, Integer linkNetnsId, String slaveKind, String alias, List<String> altNames) {

    public boolean isUp() { return (flags & 1) != 0; }

    /** The same link known by {@code other} (itself when that is its name). */
    public Link withName(String other) {
        if (other.equals(name)) return this;
        return new Link(index, other, kind, flags, mtu, qdisc, master, operState, linkMode, group, txqlen, type, address, broadcast,
                linkIndex, linkNetnsId, slaveKind, alias, altNames);
    }

    /** Each link's name by its index: how a message that names a device by index is printed. */
    public static java.util.Map<Integer, String> namesByIndex(java.util.List<Link> links) {
        java.util.Map<Integer, String> names = new java.util.HashMap<>();
        for (Link l : links) names.put(l.index(), l.name());
        return names;
    }

    /** The lower layer is up (IFF_LOWER_UP): a veth whose peer is up, a bridge with a port up. */
    public boolean hasCarrier() { return (flags & 0x10000) != 0; }

    private static final String[] OPER = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};

    /** The RFC 2863 operational state as iproute2 names it. */
    public String operStateName() { return operState >= 0 && operState < OPER.length ? OPER[operState] : "UNKNOWN"; }

    /** "ether", "loopback", "none"... as iproute2 prints after "link/". */
    public String typeName() {
        return switch (type) {
            case 1 -> "ether";
            case 772 -> "loopback";
            case 65534 -> "none";
            case 768 -> "ipip";
            case 776 -> "sit";
            case 778 -> "gre";
            case 823 -> "ip6gre";
            default -> "[" + type + "]";
        };
    }

    public static String mac(byte[] b) {
        if (b == null) return null;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            if (i > 0) sb.append(':');
            sb.append(Character.forDigit((b[i] >> 4) & 15, 16)).append(Character.forDigit(b[i] & 15, 16));
        }
        return sb.toString();
    }

    /** Parses "aa:bb:cc:dd:ee:ff". */
    public static byte[] parseMac(String s) {
        String[] parts = s.split(":");
        if (parts.length != 6) return null;
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 2) return null;
            try {
                out[i] = (byte) Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out;
    }

    /** iproute2's rule for interface names: 1..15 bytes, no '/', ':' or white space. */
    public static boolean isValidName(String name) { return whyInvalid(name) == null; }

    /**
     * Why the kernel would refuse {@code name} for an interface, or null when it would not: 1 to 15 bytes (IFNAMSIZ
     * less the NUL), no "/", ":" (alias syntax), white space or NUL, not "." or "..". The one owner of that rule.
     */
    public static String whyInvalid(String name) { return whyInvalid(name, 15, "Linux interface names"); }

    /** Why the kernel would refuse {@code name} as an alternative name (ALTIFNAMSIZ: 1 to 127 bytes), or null. */
    public static String whyInvalidAltName(String name) { return whyInvalid(name, 127, "Linux alternative interface names"); }

    private static String whyInvalid(String name, int max, String what) {
        if (name == null || name.isEmpty()) return "is empty: " + what + " have 1 to " + max + " bytes";
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > max) return "is " + bytes + " bytes: " + what + " have 1 to " + max;
        if (name.equals(".") || name.equals("..")) return "is not valid: \".\" and \"..\" are not interface names";
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c == 0) return "is not valid: no \"/\", \":\" or white space";
        }
        return null;
    }
}
