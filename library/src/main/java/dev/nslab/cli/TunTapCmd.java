package dev.nslab.cli;

import dev.nslab.error.KernelException;
import dev.nslab.net.Link;
import dev.nslab.net.LinkDetails;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.TunTap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nslab tuntap add | del | show} (aliases {@code tap}, {@code tunt}): persistent tun and tap devices, worded
 * and framed as ip tuntap does (IFF_NO_PI unless "pi"); show reads the devices' settings from rtnetlink, not sysfs, so
 * that it shows the namespace's own.
 */
final class TunTapCmd extends NsCmd {
    TunTapCmd(Cli cli, NsRef ns) { super(cli, ns); }

    private static final String USAGE = """
            Usage: ip tuntap { add | del | show | list | lst | help } [ dev PHYS_DEV ]
                    [ mode { tun | tap } ] [ user USER ] [ group GROUP ]
                    [ one_queue ] [ pi ] [ vnet_hdr ] [ multi_queue ] [ name NAME ]

            Where: USER  := { STRING | NUMBER }
                   GROUP := { STRING | NUMBER }""";

    @Override
    int run(Args a) {
        if (!a.more()) return show();
        String verb = a.next();
        if (Args.matches(verb, "add")) return change(a, true);
        if (Args.matches(verb, "delete")) return change(a, false);
        if (Args.matches(verb, "show") || Args.matches(verb, "lst") || Args.matches(verb, "list")) return show();
        if (Args.matches(verb, "help")) throw new UsageException(USAGE);
        throw new UsageException("Command \"" + verb + "\" is unknown, try \"ip tuntap help\".");
    }

    private int change(Args a, boolean add) {
        int flags = TunTap.NO_PI;
        String dev = null;
        Long user = null, group = null;
        int count = 0;
        while (a.more()) {
            String w = a.next();
            if (Args.matches(w, "mode")) {
                String m = a.value("mode");
                int mode = Args.matches(m, "tun") ? TunTap.TUN : Args.matches(m, "tap") ? TunTap.TAP : 0;
                if (mode == 0) throw new UsageException("Unknown tunnel mode \"" + m + "\"");
                if ((flags & (TunTap.TUN | TunTap.TAP) & ~mode) != 0) throw new UsageException("You managed to ask for more than one tunnel mode.");
                flags |= mode;
            } else if (add && Args.matches(w, "user")) {
                user = id(a.value("user"), "/etc/passwd", "user");
            } else if (add && Args.matches(w, "group")) {
                group = id(a.value("group"), "/etc/group", "group");
            } else if (Args.matches(w, "pi")) {
                flags &= ~TunTap.NO_PI;
            } else if (Args.matches(w, "one_queue")) {
                flags |= TunTap.ONE_QUEUE;
            } else if (Args.matches(w, "vnet_hdr")) {
                flags |= TunTap.VNET_HDR;
            } else if (Args.matches(w, "multi_queue")) {
                flags |= TunTap.MULTI_QUEUE;
            } else if (Args.matches(w, "dev") || w.equals("name")) {
                dev = ifname(a.value(w));
            } else {
                if (count > 0 && dev != null) throw new UsageException("Error: either \"dev\" is duplicate, or \"" + w + "\" is a garbage.");
                dev = ifname(w);
            }
            count++;
        }
        if ((flags & (TunTap.TUN | TunTap.TAP)) == 0) throw new UsageException("You failed to specify a tunnel mode", 1);
        try {
            // as ip: add makes a new device only (IFF_TUN_EXCL), del attaches to the one there and lets it go
            cli.handle(ns).tunTap(dev == null ? "" : dev, add ? flags | TunTap.TUN_EXCL : flags, add, user, group);
        } catch (KernelException e) {
            cli.err.println(e.getMessage());
            return 1;
        }
        return 0;
    }

    private static String ifname(String w) {
        if (!Link.isValidName(w)) throw new UsageException("Error: argument \"" + w + "\" is wrong: \"dev\" not a valid ifname\n");
        return w;
    }

    /** A user or group by number or by name (looked up in the machine's file, as getpwnam would). */
    private static long id(String w, String file, String what) {
        try {
            return Long.parseLong(w);
        } catch (NumberFormatException e) {
            try {
                for (String line : Files.readAllLines(Path.of(file))) {
                    String[] f = line.split(":");
                    if (f.length > 2 && f[0].equals(w)) return Long.parseLong(f[2]);
                }
            } catch (IOException | NumberFormatException ignored) {
                // not found below
            }
            throw new UsageException("invalid " + what + " \"" + w + "\"");
        }
    }

    private int show() {
        NetHandle h = cli.handle(ns);
        Map<Integer, LinkDetails> details = h.linkDetails();
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (Link l : h.links()) {
            if (!"tun".equals(l.kind())) continue;
            Map<String, Object> d = details.containsKey(l.index()) ? details.get(l.index()).data() : Map.of();
            boolean pi = on(d, "PI");
            // ip's order; "filter" is said where no filter was set, which the kernel tells by the same bit as pi
            List<String> words = new ArrayList<>();
            words.add(num(d, "TYPE") == 1 ? "tun" : "tap");
            if (pi) words.add("pi");
            if (on(d, "MULTI_QUEUE")) words.add("multi_queue");
            if (on(d, "VNET_HDR")) words.add("vnet_hdr");
            if (on(d, "PERSIST")) words.add("persist");
            if (pi) words.add("filter");
            if (cli.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ifname", l.name());
                m.put("flags", words);
                if (d.containsKey("OWNER")) m.put("user", num(d, "OWNER"));
                if (d.containsKey("GROUP")) m.put("group", num(d, "GROUP"));
                json.add(m);
                continue;
            }
            sb.append(l.name()).append(": ").append(String.join(" ", words));
            if (d.containsKey("OWNER")) sb.append(" user ").append(num(d, "OWNER"));
            if (d.containsKey("GROUP")) sb.append(" group ").append(num(d, "GROUP"));
            if (cli.details) sb.append("\n\tAttached to processes:").append(attached(l.name()));
            sb.append('\n');
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    private static boolean on(Map<String, Object> d, String key) { return num(d, key) != 0; }

    private static long num(Map<String, Object> d, String key) { return d.get(key) instanceof Long v ? v : 0; }

    /** " comm(pid)" for each process holding the device open, by its descriptors' fdinfo ("iff:\tNAME"), as ip finds them. */
    private static String attached(String name) {
        StringBuilder sb = new StringBuilder();
        try (var procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                try (var fds = Files.newDirectoryStream(p.resolve("fdinfo"))) {
                    for (Path fd : fds) {
                        if (Files.readString(fd).contains("iff:\t" + name + "\n")) {
                            sb.append(' ').append(Files.readString(p.resolve("comm")).strip()).append('(').append(p.getFileName()).append(')');
                            break;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // a process that went, or whose descriptors are not ours to read
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to say
        }
        return sb.toString();
    }
}
