package dev.nslab.cli;

import dev.nslab.net.Family;

/**
 * ip -color: the ANSI codes iproute2 wraps interface names, MAC addresses, IPv4 and IPv6 addresses and the UP and DOWN
 * states in, in its light palette or, when COLORFGBG names a dark background, its bold one. What a wrapped piece
 * includes (a trailing space, a padded column) follows ip, piece by piece, at each caller.
 */
final class Colour {
    enum Attr { IFNAME, MAC, INET, INET6, UP, DOWN }

    private static final String[] LIGHT = {"\033[36m", "\033[33m", "\033[35m", "\033[34m", "\033[32m", "\033[31m"};
    private static final String[] DARK = {"\033[1;36m", "\033[1;33m", "\033[1;35m", "\033[1;34m", "\033[1;32m", "\033[1;31m"};
    private static final String CLEAR = "\033[0m";

    private final String[] palette;

    private Colour(boolean dark) { this.palette = dark ? DARK : LIGHT; }

    /** The colours for this run, or null: never with -j, always with -c (=always), on a terminal with -c=auto. */
    static Colour of(String mode, boolean json, boolean terminal, String colorfgbg) {
        if (mode == null || json || mode.equals("never") || (mode.equals("auto") && !terminal)) return null;
        return new Colour(darkBackground(colorfgbg));
    }

    /** COLORFGBG's last field (after the last ';') 0-6 or 8: a dark background. */
    static boolean darkBackground(String v) {
        if (v == null) return false;
        int semi = v.lastIndexOf(';');
        if (semi < 0 || semi + 2 != v.length()) return false;
        char c = v.charAt(semi + 1);
        return (c >= '0' && c <= '6') || c == '8';
    }

    /** {@code text} in {@code attr}'s colour; as it is without colours ({@code c} null) or without an attribute. */
    static String wrap(Colour c, Attr attr, String text) {
        return c == null || attr == null ? text : c.palette[attr.ordinal()] + text + CLEAR;
    }

    static Attr of(Family f) { return f == Family.INET ? Attr.INET : f == Family.INET6 ? Attr.INET6 : null; }

    /** ip colours UP and DOWN only (IF_OPER_UP 6, IF_OPER_DOWN 2). */
    static Attr operState(int state) { return state == 6 ? Attr.UP : state == 2 ? Attr.DOWN : null; }
}
