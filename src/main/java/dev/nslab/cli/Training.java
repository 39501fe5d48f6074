package dev.nslab.cli;

import dev.nslab.net.Namespaces;
import dev.nslab.sys.Libc;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The workload recorded into the launcher's AOT cache at build time, so that one-shot commands start with their
 * classes loaded and linked and the FFM downcall stubs already generated. It touches nothing on the machine:
 * read-only commands first, then (as root) every write path inside a private, anonymous network namespace and
 * mount namespace that vanish with the training thread.
 */
final class Training {
    private Training() {}

    public static void main(String[] args) throws Exception {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        String[][] readOnly = {
                {"link", "show"}, {"-j", "link", "show"}, {"address", "show"}, {"-j", "-p", "address"},
                {"route", "show"}, {"-6", "route"}, {"netns", "list"}, {"-j", "netns", "list"},
                {"sysctl", "net.ipv4.ip_forward"}, {"link", "show", "dev", "lo"}, {"help"}, {"nosuchobject"},
        };
        for (String[] c : readOnly) new Cli(sink, sink).run(c);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                privateWrites(sink);
            } catch (Exception e) {
                // not root, or a kernel without some feature: the read-only training still counts
            }
        });
        t.join();
    }

    private static void privateWrites(PrintStream sink) throws Exception {
        Libc.unshare(Libc.CLONE_NEWNS | Libc.CLONE_NEWNET, "training");
        Libc.mount("", "/", "none", Libc.MS_PRIVATE | Libc.MS_REC, null);
        Path dir = Files.createTempDirectory("nslab-training");
        Libc.mount("tmpfs", dir.toString(), "tmpfs", 0, null);
        try {
            Namespaces reg = new Namespaces(dir.resolve("netns"));
            String[][] writes = {
                    {"netns", "add", "a"}, {"netns", "add", "b"},
                    {"-n", "a", "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", "b"},
                    {"-n", "a", "link", "add", "br0", "type", "bridge"},
                    {"-n", "a", "link", "set", "v0", "master", "br0", "up"}, {"-n", "a", "link", "set", "dev", "br0", "up"},
                    {"-n", "a", "link", "set", "lo", "up"}, {"-n", "b", "link", "set", "v1", "up", "mtu", "1400"},
                    {"-n", "a", "address", "add", "10.0.0.1/24", "dev", "br0"}, {"-n", "b", "addr", "add", "10.0.0.2/24", "dev", "v1"},
                    {"-n", "b", "addr", "add", "fd00::2/64", "dev", "v1", "nodad"},
                    {"-n", "b", "route", "add", "default", "via", "10.0.0.1"}, {"-n", "b", "route", "add", "10.9.0.0/16", "dev", "v1"},
                    {"-n", "a", "sysctl", "-w", "net.ipv4.ip_forward=1"}, {"-n", "a", "netns", "set", "b", "auto"},
                    {"-n", "b", "ping", "-c", "2", "-i", "0.01", "-W", "1", "10.0.0.1"},
                    {"-n", "a", "link", "show"}, {"-n", "a", "-j", "address"}, {"-n", "b", "route"}, {"netns", "list"},
                    {"-n", "b", "route", "del", "10.9.0.0/16", "dev", "v1"}, {"-n", "b", "addr", "del", "10.0.0.2/24", "dev", "v1"},
                    {"-n", "a", "link", "set", "v0", "nomaster"}, {"-n", "a", "link", "del", "v0"}, {"-n", "a", "link", "set", "nosuch", "up"},
                    {"netns", "del", "a"}, {"netns", "del", "b"},
            };
            for (int round = 0; round < 2; round++) {
                for (String[] c : writes) new Cli(sink, sink, reg).run(c);
            }
        } finally {
            Libc.umount2(dir.toString(), Libc.MNT_DETACH);
            Files.deleteIfExists(dir);
        }
    }
}
