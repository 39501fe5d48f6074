package dev.nslab.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An ovsdb-server of a test's own: a fresh database (without its Open_vSwitch row: ovs-vsctl init, or the client's
 * initialize, makes it) and every file of its own (socket, control socket, pid file, log)
 * in a directory of the test's, and no ovs-vswitchd, so that no kernel device is touched and the machine's Open
 * vSwitch is not either. ovs-vsctl on its socket ({@link #vsctl}) is the witness. Closing it ends the server.
 */
public final class PrivateOvsdb implements AutoCloseable {
    private final Path socket;
    private final Process server;

    public PrivateOvsdb(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path db = dir.resolve("conf.db");
        Sh.run("ovsdb-tool", "create", db.toString(), "/usr/share/openvswitch/vswitch.ovsschema").ok();
        socket = dir.resolve("db.sock");
        // its control socket too goes in the directory (by default it goes to Open vSwitch's run directory, which a
        // machine where Open vSwitch was never started does not have)
        ProcessBuilder pb = new ProcessBuilder("ovsdb-server", db.toString(), "--remote=punix:" + socket, "--unixctl=" + dir.resolve("ctl"),
                "--no-chdir", "-vconsole:off", "--pidfile=" + dir.resolve("db.pid")).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile());
        pb.environment().put("OVS_RUNDIR", dir.toString());
        server = pb.start();
        for (int i = 0; i < 500 && !Files.exists(socket); i++) Thread.sleep(10); // the server makes its socket when ready
        if (!Files.exists(socket)) {
            close();
            throw new IllegalStateException("ovsdb-server does not listen; its log: " + Files.readString(dir.resolve("log")));
        }
    }

    public Path socket() { return socket; }

    /** ovs-vsctl --no-wait on this database; its output, after checking that it succeeded. */
    public String vsctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--no-wait", "--db=unix:" + socket));
        cmd.addAll(List.of(args));
        return Sh.run(cmd, null).ok().out();
    }

    @Override
    public void close() throws Exception {
        server.destroy();
        server.waitFor();
    }
}
