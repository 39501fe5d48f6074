package dev.nslab.cli;

import dev.nslab.lab.Labs;
import dev.nslab.web.UiServer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code nslab ui [LAB...] [--listen ADDR:PORT] [--public]}: the live page of the running labs. Prints the page's
 * address (with its session token) first, then serves until interrupted.
 */
final class UiCmd {
    static final int DEFAULT_PORT = 7979;

    private final Cli cli;

    UiCmd(Cli cli) { this.cli = cli; }

    int run(Args a) {
        try {
            return serve(a);
        } catch (InterruptedException e) {
            return 0;
        } catch (UsageException | dev.nslab.error.NslabException e) {
            throw e;
        } catch (Exception e) {
            throw new dev.nslab.error.NslabException("nslab ui: " + e.getMessage());
        }
    }

    private int serve(Args a) throws Exception {
        Set<String> only = new LinkedHashSet<>();
        String host = "127.0.0.1";
        Integer port = null;
        boolean publicAddress = false;
        long period = 1000;
        LabCmd labCmd = new LabCmd(cli);
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "--listen" -> {
                    String v = a.value("--listen");
                    int colon = v.lastIndexOf(':');
                    if (colon < 0) throw new UsageException("nslab ui: --listen takes ADDR:PORT (127.0.0.1:7979, [::1]:0), not \"" + v + "\"");
                    host = v.substring(0, colon).replace("[", "").replace("]", "");
                    try {
                        port = Integer.parseInt(v.substring(colon + 1));
                    } catch (NumberFormatException e) {
                        throw new UsageException("nslab ui: --listen's port is a number from 0 to 65535, not \"" + v.substring(colon + 1) + "\"");
                    }
                    if (port < 0 || port > 65535) throw new UsageException("nslab ui: --listen's port is a number from 0 to 65535, not " + port);
                }
                case "--public" -> publicAddress = true;
                case "--period" -> {
                    String v = a.value("--period");
                    try {
                        period = Math.max(200, Long.parseLong(v.replace("ms", "")));
                    } catch (NumberFormatException e) {
                        throw new UsageException("nslab ui: --period takes milliseconds (1000), not \"" + v + "\"");
                    }
                }
                case "-j", "--json" -> cli.json = true;
                case "--state-dir" -> labCmd.stateDir(Path.of(a.value("--state-dir")));
                case "help", "-h", "--help" -> {
                    Help.ui(cli.out);
                    return 0;
                }
                default -> {
                    if (Args.inline(w, "--state-dir") != null) labCmd.stateDir(Path.of(Args.inline(w, "--state-dir")));
                    else if (w.startsWith("-")) throw new UsageException("nslab ui: unknown option \"" + w + "\" (try \"nslab ui help\")");
                    only.add(w);
                }
            }
        }
        // a normal user's page: the socket nslab-host made in the machine's namespace, as standard input
        boolean inherited = false;
        if (System.inheritedChannel() instanceof java.nio.channels.ServerSocketChannel ch
                && ch.getLocalAddress() instanceof java.net.InetSocketAddress at) {
            inherited = true;
            host = at.getAddress().getHostAddress();
            port = at.getPort();
        } else if (System.getenv("NSLAB_ROOTLESS") != null) {
            cli.err.println("nslab ui: this runs inside your own namespaces (nslab rootless), so the page listens on their loopback, "
                    + "which a browser outside cannot reach: run nslab ui outside nslab rootless");
        }
        if (!UiServer.isLoopback(host) && !publicAddress) {
            throw new UsageException("nslab ui: " + host + " is not a loopback address: anyone who reaches it and has the token could cut links "
                    + "and open terminals in the labs; add --public to listen there anyway");
        }
        Labs labs = new Labs(cli.registry, labCmd.stateDir(), dev.nslab.lab.model.Progress.SILENT);
        java.util.List<String> up = labs.labs();
        for (String lab : only) {
            if (!up.contains(lab)) cli.err.println("nslab ui: no lab named " + lab + " yet: it shows when it comes up");
        }
        UiServer server = inherited ? UiServer.start(labs, cli.registry, new UiServer.Options(host, port, only, period, true))
                : listen(labs, host, port, only, period);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        if (cli.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", server.url().toString());
            m.put("token", server.token());
            cli.printJson(m);
        } else {
            cli.out.println(server.url());
        }
        cli.out.flush();
        cli.err.println("nslab ui: serving " + (only.isEmpty() ? "every lab" : "lab" + (only.size() > 1 ? "s " : " ") + String.join(", ", only))
                + " until interrupted (Ctrl-C)");
        server.join();
        return 0;
    }

    /** The port asked for, or the first free one from 7979 on when none was. */
    private UiServer listen(Labs labs, String host, Integer port, Set<String> only, long period) throws Exception {
        int first = port == null ? DEFAULT_PORT : port, last = port == null ? DEFAULT_PORT + 20 : port;
        for (int p = first; ; p++) {
            try {
                return UiServer.start(labs, cli.registry, new UiServer.Options(host, p, only, period, false));
            } catch (IOException e) {
                boolean inUse = e instanceof java.net.BindException || e.getCause() instanceof java.net.BindException;
                if (!inUse) throw e;
                if (p >= last) {
                    throw new UsageException("nslab ui: " + host + ":" + p + " is in use" + (port == null ? " (and so are the ports up to it from " + first + ")" : "")
                            + ": choose another with --listen " + host + ":PORT (0: any free port)");
                }
            }
        }
    }
}
