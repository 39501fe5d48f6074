package dev.nslab.cli;

import dev.nslab.net.Cidr;
import dev.nslab.net.Encap;
import dev.nslab.net.Family;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code encap TYPE ...} of a route, read as iproute2's lwt_parse_encap reads it (its order, its words, its quirks:
 * the encapsulation may not end the line). MPLS label stacks and SRv6 segment lists are made; the other types are
 * said to be unsupported.
 */
final class EncapWords {
    private EncapWords() {}

    private static final List<String> TYPES = List.of("mpls", "ip", "ila", "ip6", "seg6", "bpf", "seg6local", "rpl", "ioam6", "xfrm");

    /** Reads the words after "encap", leaving the first that is not the encapsulation's for the route's own. */
    static Encap read(Args a) {
        String type = a.value(null);
        if (!TYPES.contains(type)) throw invarg("\"encap type\" value is invalid\n", type);
        String first = a.value(null);
        if (!a.more()) throw new UsageException("Error: unexpected end of line after \"encap\"");
        return switch (type) {
            case "mpls" -> mpls(first, a);
            case "seg6" -> seg6(first, a);
            case "ip", "ip6" -> ipTunnel(type.equals("ip6"), first, a);
            default -> throw new UsageException("nslab route: \"encap " + type + "\" is not supported yet (mpls, seg6, ip and ip6 are)", 1);
        };
    }

    private static UsageException invarg(String why, String word) {
        return new UsageException("Error: argument \"" + word + "\" is wrong: " + why);
    }

    private static UsageException duplicate(String key, String word) {
        return new UsageException("Error: either \"" + key + "\" is duplicate, or \"" + word + "\" is a garbage.");
    }

    /** LABEL[/LABEL...] [ttl N]: each label below 2^20, read as strtoul reads it. */
    private static Encap mpls(String stack, Args a) {
        List<Integer> labels = new ArrayList<>();
        for (String part : stack.split("/", -1)) {
            Long n = Args.unsigned(part, (1 << 20) - 1);
            if (n == null || labels.size() == 64 || stack.equals("default") || stack.equals("any") || stack.equals("all")) {
                throw new UsageException("Error: mpls address is expected rather than \"" + stack + "\".", 1);
            }
            labels.add(n.intValue());
        }
        Integer ttl = null;
        while ("ttl".equals(a.peek())) {
            a.next();
            String v = a.value(null);
            if (ttl != null) throw duplicate("ttl", v);
            Long n = Args.unsigned(v, 255);
            if (n == null) throw invarg("\"ttl\" value is invalid\n", v);
            ttl = n.intValue();
        }
        return Encap.mpls(labels, ttl);
    }

    /** mode MODE segs SEG[,SEG...] [hmac KEYID], in any order but segs after mode. */
    private static Encap seg6(String first, Args a) {
        int mode = -1;
        String segs = "";
        long hmac = 0;
        boolean modeSeen = false, segsSeen = false, hmacSeen = false;
        String w = first;
        while (w != null && (w.equals("mode") || w.equals("segs") || w.equals("hmac"))) {
            String v = a.value(null);
            switch (w) {
                case "mode" -> {
                    if (modeSeen) throw duplicate("mode", v);
                    modeSeen = true;
                    mode = Encap.SEG6_MODES.indexOf(v);
                    if (mode < 0) throw invarg("\"mode\" value is invalid\n", v);
                }
                case "segs" -> {
                    if (segsSeen) throw duplicate("segs", v);
                    segsSeen = true;
                    if (mode == -1) throw invarg("\"segs\" provided before \"mode\"\n", v);
                    segs = v;
                }
                default -> {
                    if (hmacSeen) throw duplicate("hmac", v);
                    hmacSeen = true;
                    Long n = Args.unsigned(v, 0xffffffffL);
                    if (n != null) hmac = n; // ip ignores a key id it cannot read
                }
            }
            w = a.more() && isSeg6Word(a.peek()) ? a.next() : null;
        }
        if (w != null && !isSeg6Word(w)) {
            throw new UsageException("nslab route: \"" + w + "\" right after \"encap seg6\" is not supported (ip reads it with no mode)", 1);
        }
        List<InetAddress> list = new ArrayList<>();
        for (String s : segs.isEmpty() ? new String[0] : segs.split(",", -1)) list.add(AddressWords.getAddr(s, Family.INET6));
        return Encap.seg6(mode, list, hmac);
    }

    private static final List<String> IP_WORDS = List.of("id", "dst", "src", "tos", "ttl", "key", "csum", "seq"),
            IP6_WORDS = List.of("id", "dst", "src", "tc", "hoplimit", "key", "csum", "seq");

    /** A collect-metadata tunnel's: id, dst, src, tos|tc, ttl|hoplimit, key, csum, seq, each once, until another word. */
    private static Encap ipTunnel(boolean v6, String first, Args a) {
        List<String> words = v6 ? IP6_WORDS : IP_WORDS;
        Long id = null;
        InetAddress src = null, dst = null;
        Integer ttl = null, tos = null;
        int flags = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        String w = first;
        while (w != null && words.contains(w)) {
            boolean flag = w.equals("key") || w.equals("csum") || w.equals("seq");
            String v = flag ? w : a.value(null);
            if (!seen.add(w)) throw duplicate(w, v);
            switch (w) {
                case "id" -> {
                    id = unsigned64(v);
                    if (id == null) throw invarg("\"id\" value is invalid\n", v);
                }
                case "dst" -> dst = address(v, v6);
                case "src" -> src = address(v, v6);
                case "tos", "tc" -> {
                    // rtnl_dsfield_a2n: a number in hexadecimal (names from rt_dsfield are not read here)
                    tos = hexByte(v);
                    if (tos == null) throw invarg("\"" + w + "\" value is invalid\n", v);
                }
                case "ttl", "hoplimit" -> {
                    Long n = Args.unsigned(v, 255);
                    if (n == null) throw invarg("\"" + w + "\" value is invalid\n", v);
                    ttl = n.intValue();
                }
                case "key" -> flags |= Encap.TUNNEL_KEY;
                case "csum" -> flags |= Encap.TUNNEL_CSUM;
                default -> flags |= Encap.TUNNEL_SEQ;
            }
            w = a.more() && words.contains(a.peek()) ? a.next() : null;
        }
        if (w != null) {
            throw new UsageException("nslab route: \"" + w + "\" right after \"encap " + (v6 ? "ip6" : "ip") + "\" is not supported", 1);
        }
        return Encap.ipTunnel(v6, id, src, dst, ttl, tos, flags);
    }

    private static Long unsigned64(String v) {
        try {
            if (v.startsWith("-") || v.startsWith("+")) return null;
            java.math.BigInteger n = v.startsWith("0x") || v.startsWith("0X") ? new java.math.BigInteger(v.substring(2), 16)
                    : v.length() > 1 && v.startsWith("0") ? new java.math.BigInteger(v.substring(1), 8) : new java.math.BigInteger(v);
            return n.bitLength() <= 64 ? n.longValue() : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer hexByte(String v) {
        try {
            int n = Integer.parseInt(v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v, 16);
            return n >= 0 && n <= 255 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** get_addr of one family, where "any", "all" and "default" are the family's zero address. */
    private static InetAddress address(String v, boolean v6) {
        if (v.equals("any") || v.equals("all") || v.equals("default")) return Cidr.fromBytes(new byte[v6 ? 16 : 4]);
        return AddressWords.getAddr(v, v6 ? Family.INET6 : Family.INET);
    }

    private static String typeName(Encap e) { return e.type() >= 1 && e.type() <= TYPES.size() ? TYPES.get(e.type() - 1) : "unknown"; }

    /** The same for -j: flat in the route's object, as ip prints it (its "dst" a second time where the tunnel has one). */
    static Json.Inline json(Encap e) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("encap", typeName(e));
        switch (e.decode()) {
            case Encap.MplsInfo x -> {
                m.put("dst", String.join("/", x.labels().stream().map(String::valueOf).toList()));
                if (x.ttl() != null) m.put("ttl", x.ttl());
            }
            case Encap.IpTunnelInfo t -> {
                boolean v6 = e.type() == Encap.IP6;
                if (t.id() != null) m.put("id", t.id() < 0 ? new java.math.BigInteger(Long.toUnsignedString(t.id())) : t.id());
                if (t.src() != null) m.put("src", Cidr.format(t.src()));
                if (t.dst() != null) m.put("dst", Cidr.format(t.dst()));
                if (t.ttl() != null) m.put(v6 ? "hoplimit" : "ttl", t.ttl());
                if (t.tos() != null) m.put(v6 ? "tc" : "tos", t.tos());
                if ((t.flags() & Encap.TUNNEL_KEY) != 0) m.put("key", true);
                if ((t.flags() & Encap.TUNNEL_CSUM) != 0) m.put("csum", true);
                if ((t.flags() & Encap.TUNNEL_SEQ) != 0) m.put("seq", true);
            }
            case Encap.Seg6Info s -> {
                m.put("mode", s.mode() >= 0 && s.mode() < Encap.SEG6_MODES.size() ? Encap.SEG6_MODES.get(s.mode()) : "<unknown>");
                m.put("segs", s.segments().stream().map(Cidr::format).toList());
                if (s.hmac() != 0) m.put("hmac", "0x" + Long.toHexString(s.hmac()));
            }
            case null, default -> { }
        }
        return new Json.Inline(m);
    }

    /** How ip route show prints an encapsulation: " encap TYPE ..." with each part's own space, after the destination. */
    static String show(Encap e) {
        StringBuilder sb = new StringBuilder(" encap ").append(typeName(e)).append(' ');
        switch (e.decode()) {
            case Encap.MplsInfo m -> {
                sb.append(' ').append(String.join("/", m.labels().stream().map(String::valueOf).toList())).append(' ');
                if (m.ttl() != null) sb.append("ttl ").append(m.ttl()).append(' ');
            }
            case Encap.IpTunnelInfo t -> {
                boolean v6 = e.type() == Encap.IP6;
                if (t.id() != null) sb.append("id ").append(Long.toUnsignedString(t.id())).append(' ');
                if (t.src() != null) sb.append("src ").append(Cidr.format(t.src())).append(' ');
                if (t.dst() != null) sb.append("dst ").append(Cidr.format(t.dst())).append(' ');
                if (t.ttl() != null) sb.append(v6 ? "hoplimit " : "ttl ").append(t.ttl()).append(' ');
                if (t.tos() != null) sb.append(v6 ? "tc " : "tos ").append(t.tos()).append(' ');
                if ((t.flags() & Encap.TUNNEL_KEY) != 0) sb.append("key ");
                if ((t.flags() & Encap.TUNNEL_CSUM) != 0) sb.append("csum ");
                if ((t.flags() & Encap.TUNNEL_SEQ) != 0) sb.append("seq ");
            }
            case Encap.Seg6Info s -> {
                sb.append("mode ").append(s.mode() >= 0 && s.mode() < Encap.SEG6_MODES.size() ? Encap.SEG6_MODES.get(s.mode()) : "<unknown>").append(' ');
                sb.append("segs ").append(s.segments().size()).append(" [ ");
                for (InetAddress a : s.segments()) sb.append(Cidr.format(a)).append(' ');
                sb.append("] ");
                if (s.hmac() != 0) sb.append("hmac 0x").append(Long.toHexString(s.hmac()).toUpperCase()).append(' ');
            }
            case null, default -> { }
        }
        return sb.toString();
    }

    private static boolean isSeg6Word(String w) { return w.equals("mode") || w.equals("segs") || w.equals("hmac"); }
}
