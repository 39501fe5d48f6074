package dev.nslab.cli;

import dev.nslab.net.Link;
import dev.nslab.net.LinkDetails;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints links as {@code ip link} and the first lines of {@code ip address} do, in text or iproute2 JSON. */
final class LinkFormat {
    // in ip 6.1's order (print_link_flags)
    private static final int[] FLAG_BITS = {0x8, 0x2, 0x10, 0x1000, 0x80, 0x200, 0x100, 0x400, 0x800, 0x4, 0x8000, 0x4000,
            0x2000, 0x20, 0x1, 0x10000, 0x20000, 0x40000};
    private static final String[] FLAG_NAMES = {"LOOPBACK", "BROADCAST", "POINTOPOINT", "MULTICAST", "NOARP",
            "ALLMULTI", "PROMISC", "MASTER", "SLAVE", "DEBUG", "DYNAMIC", "AUTOMEDIA", "PORTSEL", "NOTRAILERS", "UP",
            "LOWER_UP", "DORMANT", "ECHO"};

    private final Map<Integer, Link> byIndex = new HashMap<>();
    private final Map<Integer, String> nsidNames;
    /** ip -d: each link's details by index; null without -d. */
    private final Map<Integer, LinkDetails> details;
    /** ip -color's colours, or null. */
    private final Colour colour;
    /** The machine's names of device groups, or null: 0 is "default", others their numbers. */
    private final LinkGroups groups;

    LinkFormat(List<Link> links, Map<Integer, String> nsidNames) { this(links, nsidNames, null, null, null); }

    LinkFormat(List<Link> links, Map<Integer, String> nsidNames, Map<Integer, LinkDetails> details, Colour colour, LinkGroups groups) {
        for (Link l : links) byIndex.put(l.index(), l);
        this.nsidNames = nsidNames;
        this.details = details;
        this.colour = colour;
        this.groups = groups;
    }

    /** Whether the first line ends with the queue length: ip monitor's does not. */
    private boolean queueLength = true;

    /** This format without the queue length, as ip monitor prints links. */
    LinkFormat withoutQueueLength() {
        queueLength = false;
        return this;
    }

    private String group(int g) { return groups != null ? groups.name(g) : g == 0 ? "default" : String.valueOf(g); }

    private String nameOf(int index) {
        Link l = byIndex.get(index);
        return l == null ? "if" + index : l.name();
    }

    /** ip's -oneline: a record's inner line breaks become backslashes (its indentation stays), one line per record. */
    static String oneLine(String record) {
        String body = record.endsWith("\n") ? record.substring(0, record.length() - 1) : record;
        return body.replace("\n", "\\") + "\n";
    }

    /** The peer of a same-namespace link, if it is in the dump. */
    private Link peer(Link l) {
        return l.linkIndex() > 0 && l.linkNetnsId() == null ? byIndex.get(l.linkIndex()) : null;
    }

    List<String> flags(Link l) {
        List<String> out = new ArrayList<>();
        int f = l.flags();
        if ((f & 0x1) != 0 && (f & 0x40) == 0) out.add("NO-CARRIER");
        for (int i = 0; i < FLAG_BITS.length; i++) if ((f & FLAG_BITS[i]) != 0) out.add(FLAG_NAMES[i]);
        Link p = peer(l);
        if (p != null && !p.isUp()) out.add("M-DOWN");
        return out;
    }

    String displayName(Link l) {
        if (l.linkIndex() < 0) return l.name();
        if (l.linkIndex() == 0) return l.name() + "@NONE";
        Link p = peer(l);
        return l.name() + "@" + (p != null ? p.name() : "if" + l.linkIndex());
    }

    private String masterName(Link l) {
        Link m = byIndex.get(l.master());
        return m == null ? "if" + l.master() : m.name();
    }

    void text(StringBuilder sb, Link l, boolean withMode) { text(sb, l, withMode, true); }

    /** {@code withLinkLine} false: ip -4/-6 address omits the "link/ether" line. */
    void text(StringBuilder sb, Link l, boolean withMode, boolean withLinkLine) {
        sb.append(l.index()).append(": ").append(Colour.wrap(colour, Colour.Attr.IFNAME, displayName(l) + ": "))
                .append('<').append(String.join(",", flags(l))).append("> mtu ").append(l.mtu());
        if (l.qdisc() != null) sb.append(" qdisc ").append(l.qdisc());
        if (l.master() != 0) sb.append(" master ").append(masterName(l));
        // ip colours the state with the space after it
        sb.append(" state ").append(Colour.wrap(colour, Colour.operState(l.operState()), l.operStateName() + " "));
        if (withMode) sb.append("mode ").append(l.linkMode() == 1 ? "DORMANT" : "DEFAULT").append(' ');
        sb.append("group ").append(group(l.group()));
        sb.append(queueLength ? " qlen " + l.txqlen() : " ");
        if (!withLinkLine) {
            // without the link line (ip -4/-6 address), ip ends the first line with the peer's namespace
            sb.append(linkNetns(l)).append('\n');
            return;
        }
        // "link/TYPE " with its space, also when no address follows (a tun device: "link/none ")
        sb.append("\n    link/").append(l.typeName()).append(' ');
        if (l.address() != null) sb.append(Colour.wrap(colour, Colour.Attr.MAC, Link.mac(l.address())));
        if (l.broadcast() != null) sb.append(" brd ").append(Colour.wrap(colour, Colour.Attr.MAC, Link.mac(l.broadcast())));
        sb.append(linkNetns(l));
        LinkDetails d = details == null ? null : details.get(l.index());
        if (d != null) LinkDetailsFormat.text(sb, d, withMode, this::nameOf);
        sb.append('\n');
        // ip address shows the alias only with -d
        if (l.alias() != null && (withMode || details != null)) sb.append("    alias ").append(l.alias()).append('\n');
    }

    /** A line "    altname NAME" per alternative name: ip prints them last (after the counters of link show -s). */
    void altNames(StringBuilder sb, Link l) {
        for (String n : l.altNames()) sb.append("    altname ").append(n).append('\n');
    }

    /** " link-netns NAME" (or " link-netnsid N") for a link whose peer lives in another namespace, else "". */
    private String linkNetns(Link l) {
        if (l.linkNetnsId() == null) return "";
        String n = nsidNames.get(l.linkNetnsId());
        return n != null ? " link-netns " + n : " link-netnsid " + l.linkNetnsId();
    }

    /** The columns ip -brief starts every line with: name, then state. */
    void briefColumns(StringBuilder sb, Link l) {
        sb.append(Colour.wrap(colour, Colour.Attr.IFNAME, String.format("%-16s ", displayName(l))))
                .append(Colour.wrap(colour, Colour.operState(l.operState()), String.format("%-14s ", l.operStateName())));
    }

    /** {@code ip -br link}: name, state, MAC address, flags. */
    void brief(StringBuilder sb, Link l) {
        briefColumns(sb, l);
        if (l.address() != null) sb.append(Colour.wrap(colour, Colour.Attr.MAC, Link.mac(l.address()) + " "));
        sb.append('<').append(String.join(",", flags(l))).append("> \n");
    }

    /** {@code ip -br -j}: the peer, the name and the state; callers add what their object shows. */
    Map<String, Object> briefJson(Link l) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (l.linkIndex() > 0) {
            Link p = peer(l);
            if (p != null) m.put("link", p.name());
            else m.put("link_index", l.linkIndex());
        }
        m.put("ifname", l.name());
        m.put("operstate", l.operStateName());
        return m;
    }

    Map<String, Object> json(Link l, boolean withMode) { return json(l, withMode, true); }

    /** {@code withLinkLine} false: ip -4/-6 -j address leaves out the link line's type and addresses. */
    Map<String, Object> json(Link l, boolean withMode, boolean withLinkLine) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ifindex", l.index());
        if (l.linkIndex() > 0) {
            Link p = peer(l);
            if (p != null) m.put("link", p.name());
            else m.put("link_index", l.linkIndex());
        }
        m.put("ifname", l.name());
        m.put("flags", flags(l));
        m.put("mtu", l.mtu());
        if (l.qdisc() != null) m.put("qdisc", l.qdisc());
        if (l.master() != 0) m.put("master", masterName(l));
        m.put("operstate", l.operStateName());
        if (withMode) m.put("linkmode", l.linkMode() == 1 ? "DORMANT" : "DEFAULT");
        m.put("group", group(l.group()));
        m.put("txqlen", l.txqlen());
        if (withLinkLine) {
            m.put("link_type", l.typeName());
            if (l.address() != null) m.put("address", Link.mac(l.address()));
            if (l.broadcast() != null) m.put("broadcast", Link.mac(l.broadcast()));
        }
        if (l.linkNetnsId() != null) m.put("link_netnsid", l.linkNetnsId());
        LinkDetails d = details == null ? null : details.get(l.index());
        if (d != null) LinkDetailsFormat.json(m, d, withMode, this::nameOf);
        if (l.alias() != null && (withMode || details != null)) m.put("ifalias", l.alias());
        if (!l.altNames().isEmpty()) m.put("altnames", l.altNames());
        return m;
    }
}
