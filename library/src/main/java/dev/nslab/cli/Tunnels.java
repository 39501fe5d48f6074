package dev.nslab.cli;

import dev.nslab.error.Errno;
import dev.nslab.error.KernelException;
import dev.nslab.net.Cidr;
import dev.nslab.net.IpTunnel;
import dev.nslab.net.Link;
import dev.nslab.net.NetHandle;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static dev.nslab.net.IpTunnel.GRE_CSUM;
import static dev.nslab.net.IpTunnel.GRE_KEY;
import static dev.nslab.net.IpTunnel.GRE_SEQ;

/**
 * What ip's tunnel.c shares between {@code ip tunnel} ({@link TunnelCmd}) and {@code ip -6 tunnel} ({@link Tunnel6Cmd}):
 * the tunnel ioctls with ip's words for a refusal, the listing of a namespace's tunnels, and the GRE flags' text.
 */
final class Tunnels {
    private final Cli cli;

    Tunnels(Cli cli) { this.cli = cli; }

    /** tnl_add_ioctl / tnl_del_ioctl ({@code what}: "add" or "delete"): 0, or 1 after ip's words for the kernel's refusal. */
    int change(String what, String device, Runnable ioctl) {
        try {
            ioctl.run();
            return 0;
        } catch (KernelException e) {
            return fail(what + " tunnel \"" + device + "\" failed: " + NetHandle.strerror(e.errno()));
        }
    }

    /** tnl_get_ioctl: the tunnel's parameters, or null after ip's words (an answer of another family's is EINVAL). */
    <T> T get(String device, Supplier<T> ioctl) {
        int errno;
        try {
            T t = ioctl.get();
            if (t != null) return t;
            errno = Errno.EINVAL;
        } catch (KernelException e) {
            errno = e.errno();
        }
        fail("get tunnel \"" + device + "\" failed: " + NetHandle.strerror(errno));
        return null;
    }

    /**
     * do_tunnels_list: each of {@code links} of one of {@code types} (and called {@code name}, unless it is empty) whose
     * parameters the kernel gives and {@code keep} keeps, a line each (or one JSON list).
     */
    <T> int list(List<Link> links, Set<Integer> types, String name, Function<String, T> get, Predicate<T> keep,
                 Function<T, String> text, Function<T, Object> json) {
        List<Object> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Link l : links) {
            if (!types.contains(l.type()) || !name.isEmpty() && !name.equals(l.name())) continue;
            T t = get.apply(l.name());
            if (t == null || !keep.test(t)) continue;
            if (cli.json) out.add(json.apply(t));
            else sb.append(text.apply(t)).append('\n');
        }
        if (cli.json) cli.printJson(out);
        else cli.out.print(sb);
        return 0;
    }

    /** The index of the tunnel's underlying device {@code medium} in {@code ns}, or 0 after ip's words where there is none. */
    int index(dev.nslab.net.NsRef ns, String medium) {
        try {
            return cli.handle(ns).index(medium);
        } catch (KernelException e) {
            fail("Cannot find device \"" + medium + "\"");
            return 0;
        }
    }

    /** A tunnel's address of 4 or 16 bytes, as ip prints it. */
    static String text(byte[] address) { return Cidr.format(Cidr.fromBytes(address)); }

    /** The keys in -j: one "key" where both ways share it, else "ikey" and "okey" (tnl_print_gre_flags's JSON). */
    static void greKeys(java.util.Map<String, Object> m, int iFlags, int oFlags, long iKey, long oKey) {
        boolean in = (iFlags & GRE_KEY) != 0, out = (oFlags & GRE_KEY) != 0;
        if (in && out && iKey == oKey) m.put("key", iKey);
        else {
            if (in) m.put("ikey", iKey);
            if (out) m.put("okey", oKey);
        }
    }

    /** ip's words for a refusal it reports and returns from: exit 1. */
    int fail(String words) {
        cli.out.flush();
        cli.err.println(words);
        return 1;
    }

    /** tnl_print_gre_flags: the keys, then (a GRE tunnel's) one line per sequence and checksum flag. */
    static void greFlags(StringBuilder sb, int protocol, int iFlags, int oFlags, long iKey, long oKey) {
        boolean in = (iFlags & GRE_KEY) != 0, out = (oFlags & GRE_KEY) != 0;
        if (in && out && iKey == oKey) sb.append(" key ").append(iKey);
        else {
            if (in) sb.append(" ikey ").append(iKey);
            if (out) sb.append(" okey ").append(oKey);
        }
        if (protocol != IpTunnel.IPPROTO_GRE) return;
        if ((iFlags & GRE_SEQ) != 0) sb.append("\n  Drop packets out of sequence.");
        if ((iFlags & GRE_CSUM) != 0) sb.append("\n  Checksum in received packet is required.");
        if ((oFlags & GRE_SEQ) != 0) sb.append("\n  Sequence packets on output.");
        if ((oFlags & GRE_CSUM) != 0) sb.append("\n  Checksum output packets.");
    }
}
