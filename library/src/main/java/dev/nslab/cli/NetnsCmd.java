package dev.nslab.cli;

import dev.nslab.error.AlreadyExistsException;
import dev.nslab.error.KernelException;
import dev.nslab.error.NotANamespaceException;
import dev.nslab.net.Namespaces;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NetnsExec;
import dev.nslab.net.NsRef;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nslab netns ...}, the named-namespace commands of {@code ip netns}. */
final class NetnsCmd extends NsCmd {
    NetnsCmd(Cli cli, NsRef ns) { super(cli, ns); }

    @Override
    int run(Args a) {
        if (!a.more()) return list();
        String cmd = a.next();
        // abbreviations as ip reads them, in ip's order: "s" is show, "a" add, "d" delete, "e" exec, "i" identify
        if (cmd.equals("list-id")) return listId(a);
        if (Args.matches(cmd, "list") || Args.matches(cmd, "show") || Args.matches(cmd, "lst") || cmd.equals("ls")) return list();
        if (Args.matches(cmd, "help")) {
            Help.netns(cli.out);
            return 0;
        }
        if (Args.matches(cmd, "add")) return add(a);
        if (Args.matches(cmd, "set")) return set(a);
        if (Args.matches(cmd, "delete")) return delete(a);
        if (Args.matches(cmd, "identify")) return identify(a);
        if (Args.matches(cmd, "pids")) return pids(a);
        if (Args.matches(cmd, "exec")) return exec(a);
        if (Args.matches(cmd, "monitor")) return monitor();
        if (Args.matches(cmd, "attach")) return attach(a);
        throw new UsageException("Command \"" + cmd + "\" is unknown, try \"nslab netns help\".");
    }

    private String name(Args a, String what) {
        if (!a.more()) throw new UsageException("No netns name specified" + (what == null ? "" : " (usage: nslab netns " + what + ")"));
        String n = a.next();
        Namespaces.validateName(n);
        return n;
    }

    private int add(Args a) {
        String n = name(a, "add NAME");
        noMore(a);
        try {
            if (cli.batchMode) addForBatch(n);
            else cli.registry.add(n);
        } catch (AlreadyExistsException e) {
            cli.err.println("Cannot create namespace file \"" + cli.registry.path(n) + "\": File exists"); // ip's words and status
            return 1;
        }
        return 0;
    }

    /**
     * A batch's next lines mostly work in the namespace it just made: its socket is opened while the thread stands
     * inside it, rather than entering it again for the first of them. The batch's namespaces share one registration
     * file, since a new file costs more than the namespace where /run is kept on disk.
     */
    private void addForBatch(String n) {
        NetHandle[] made = new NetHandle[1];
        try {
            cli.namespaceAdder().add(n, () -> made[0] = NetHandle.openHere(cli.registry, NsRef.named(n)));
        } catch (RuntimeException e) {
            if (made[0] != null) made[0].close();
            throw e;
        }
        cli.adoptHandle(NsRef.named(n), made[0]);
    }

    private int attach(Args a) {
        String n = name(a, "attach NAME PID");
        int pid = a.intValue("pid");
        noMore(a);
        cli.registry.attach(n, pid);
        return 0;
    }

    private int set(Args a) {
        String n = name(a, "set NAME NETNSID");
        String id = a.value("netnsid");
        noMore(a);
        int nsid;
        if (id.equals("auto")) nsid = -1;
        else {
            try {
                nsid = Integer.parseInt(id);
            } catch (NumberFormatException e) {
                throw new UsageException("Invalid \"netnsid\" value \"" + id + "\" (a number, or \"auto\")");
            }
            if (nsid < 0) throw new UsageException("Invalid \"netnsid\" value \"" + id + "\" (a number, or \"auto\")");
        }
        if (!cli.registry.exists(n)) throw Namespaces.noSuch(n);
        cli.handle(ns).setNsid(NsRef.named(n), nsid);
        return 0;
    }

    private int delete(Args a) {
        if (cli.all) {
            int rc = 0;
            for (String n : cli.registry.list()) {
                cli.dropHandle(NsRef.named(n));
                try {
                    cli.registry.delete(n);
                } catch (KernelException e) {
                    cli.err.println(e.getMessage());
                    rc = 1;
                }
            }
            return rc;
        }
        String n = name(a, "delete NAME");
        noMore(a);
        if (!cli.registry.exists(n)) {
            cli.err.println("Cannot remove namespace file \"" + cli.registry.path(n) + "\": No such file or directory"); // ip's words
            return 1;
        }
        cli.dropHandle(NsRef.named(n));
        cli.registry.delete(n);
        return 0;
    }

    /** As ip lists: it looks every name's id up twice (its name cache, then the line), reporting a refusal each time. */
    private int list() {
        List<String> names = cli.registry.list();
        NetHandle h = names.isEmpty() ? null : cli.handle(ns);
        if (h != null) h.nsidNames(cli::refused);
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            // a registration file that holds no namespace is still listed, as ip does
            int id = h.nsidOfName(n, cli::refused);
            if (cli.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", n);
                if (id >= 0) m.put("id", id);
                json.add(m);
            } else {
                sb.append(n);
                if (id >= 0) sb.append(" (id: ").append(id).append(')');
                sb.append('\n');
            }
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    /** {@code list-id [target-nsid N] [nsid M]}, as ip prints it ("nsid N " and, known, the name by the id here). */
    private int listId(Args a) {
        NetHandle h = cli.handle(ns);
        // ip's name cache, filled before the words are read: an entry is taken when printed, and an id it lacks is
        // looked for again name by name
        Map<Integer, String> names = new HashMap<>(h.nsidNames(cli::refused));
        Integer target = null, only = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("target-nsid") || w.equals("nsid")) {
                if ((w.equals("nsid") ? only : target) != null) throw new UsageException("Error: duplicate \"" + w + "\": \"" + w + "\" is the second value.");
                String v = a.value(w);
                int n;
                try {
                    n = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new UsageException("Error: argument \"" + v + "\" is wrong: \"" + w + "\" value is invalid");
                }
                // ip names the word after the value here (its argv[1]), "(null)" when there is none
                if (n < 0) throw new UsageException("Error: argument \"" + (a.more() ? a.peek() : "(null)") + "\" is wrong: \"" + w + "\" value should be >= 0");
                if (w.equals("nsid")) only = n;
                else target = n;
            } else {
                throw new UsageException("Usage: nslab netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]");
            }
        }
        List<Object> json = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (NetHandle.NsidEntry e : h.nsids(target, only)) {
            String n = names.remove(e.current() != null ? e.current() : e.nsid());
            if (n == null) n = lookUp(h, e.nsid(), names);
            if (cli.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                if (e.nsid() >= 0) m.put("nsid", e.nsid());
                if (e.current() != null && e.current() >= 0) m.put("current-nsid", e.current());
                if (n != null) m.put("name", n);
                json.add(m);
            } else {
                sb.append(e.nsid() < 0 ? "nsid unassigned " : "nsid " + e.nsid() + " ");
                if (e.current() != null) sb.append(e.current() < 0 ? "current-nsid unassigned " : "current-nsid " + e.current() + " ");
                if (n != null) sb.append("(iproute2 netns name: ").append(n).append(')');
                sb.append('\n');
            }
        }
        if (cli.json) cli.printJson(json);
        else cli.out.print(sb);
        return 0;
    }

    /** ip's second look for an id its cache lacks: name by name in directory order, up to the first that has it. */
    private String lookUp(NetHandle h, int nsid, Map<Integer, String> names) {
        if (nsid < 0) return null;
        for (String n : cli.registry.list()) {
            if (h.nsidOfName(n, cli::refused) == nsid) {
                names.putIfAbsent(nsid, n);
                return n;
            }
        }
        return null;
    }

    private int identify(Args a) {
        int pid = a.more() ? a.intValue("pid") : (int) ProcessHandle.current().pid();
        noMore(a);
        try {
            Files.readAttributes(Path.of("/proc/" + pid + "/ns/net"), java.nio.file.attribute.BasicFileAttributes.class);
        } catch (IOException e) {
            // ip's words for a process that is not there or not ours to look into
            cli.err.println("Cannot open network namespace: " + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : "Permission denied"));
            return 1;
        }
        List<String> names = cli.registry.identify(pid);
        if (cli.json) cli.printJson(names);
        else names.forEach(cli.out::println);
        return 0;
    }

    private int pids(Args a) {
        String n = name(a, "pids NAME");
        noMore(a);
        if (!cli.registry.exists(n)) throw Namespaces.noSuch(n);
        List<Integer> pids = cli.registry.pids(n);
        if (cli.json) cli.printJson(pids);
        else pids.forEach(cli.out::println);
        return 0;
    }

    private int exec(Args a) {
        if (cli.all) {
            List<String> cmd = a.rest();
            if (cmd.isEmpty()) throw new UsageException("No command specified");
            // unlike ip, the status says whether the command failed anywhere; a name that could not be entered is
            // reported in ip's words and the rest visited, and one whose file holds no namespace is no failure
            int rc = 0;
            for (String n : cli.registry.list()) {
                cli.out.println();
                cli.out.println("netns: " + n);
                cli.out.flush();
                try {
                    if (NetnsExec.run(cli.registry, n, cmd, cli.err::println) != 0) rc = 1;
                } catch (NotANamespaceException e) {
                    cli.refused(e);
                } catch (KernelException e) {
                    cli.refused(e);
                    rc = 1;
                }
            }
            return rc;
        }
        String n = name(a, "exec NAME CMD...");
        List<String> cmd = a.rest();
        if (cmd.isEmpty()) throw new UsageException("No command specified");
        if (!cli.registry.exists(n)) throw new UsageException("Cannot open network namespace \"" + n + "\": No such file or directory"); // ip: 255
        cli.out.flush();
        if (cli.batchMode) return NetnsExec.run(cli.registry, n, cmd, cli.err::println);
        cli.dropAllHandles();
        KernelException e = NetnsExec.exec(cli.registry, n, cmd, cli.err::println);
        throw KernelException.of("exec of \"" + cmd.getFirst() + "\" failed: " + e.getMessage(), e.errno(), cmd.getFirst());
    }

    private int monitor() {
        Path dir = cli.registry.dir();
        try {
            Files.createDirectories(dir);
            try (WatchService ws = FileSystems.getDefault().newWatchService()) {
                dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
                while (true) {
                    WatchKey k = ws.take();
                    for (WatchEvent<?> ev : k.pollEvents()) {
                        if (ev.kind() == StandardWatchEventKinds.OVERFLOW) continue;
                        String what = ev.kind() == StandardWatchEventKinds.ENTRY_CREATE ? "add" : "delete";
                        cli.out.println(what + " " + ev.context());
                        cli.out.flush();
                    }
                    k.reset();
                }
            }
        } catch (IOException e) {
            throw KernelException.of("Cannot watch " + dir + ": " + e.getMessage(), 13, dir.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void noMore(Args a) {
        if (a.more()) throw new UsageException("Error: unexpected argument \"" + a.peek() + "\"");
    }
}
