package dev.nslab.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For test classes that need Open vSwitch. It does not start it: nslab must do that by itself when it finds it
 * stopped (the "installed but not running" case). At the end of the whole run, if Open vSwitch was not running
 * before the first such class, the daemons nslab started are stopped again, so the machine is left as found.
 */
public final class OpenVswitch implements BeforeAllCallback {

    /** Whether ovs-vswitchd was running when the test run first needed it. */
    public static boolean wasRunningBefore(ExtensionContext ctx) {
        return ctx.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).get(Guard.class, Guard.class).wasRunning;
    }

    @Override
    public void beforeAll(ExtensionContext ctx) {
        ctx.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(Guard.class, k -> new Guard(), Guard.class);
    }

    public static boolean running() {
        return alive("ovsdb-server") && alive("ovs-vswitchd");
    }

    private static boolean alive(String daemon) {
        try {
            String pid = Files.readString(Path.of("/var/run/openvswitch", daemon + ".pid")).trim();
            return Files.readString(Path.of("/proc", pid, "comm")).trim().startsWith(daemon.substring(0, 12));
        } catch (Exception e) {
            return false;
        }
    }

    static final class Guard implements AutoCloseable {
        final boolean wasRunning = running();

        @Override
        public void close() {
            if (!wasRunning && running()) Nslab.run("ovs", "stop");
        }
    }
}
