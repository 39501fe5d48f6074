package dev.nslab.web;

import dev.nslab.lab.Labs;
import dev.nslab.sys.Pty;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A terminal in a node, over a WebSocket: a shell on a real pseudo-terminal inside the node (its namespaces, its
 * host's file system and host name where it is a host). Binary frames carry keystrokes in and the terminal's output
 * out; a text frame {"cols":C,"rows":R} resizes. Closing the socket ends the shell and everything it started.
 * Public only because Jetty calls it by reflection.
 */
public final class TerminalSocket implements Session.Listener.AutoDemanding {
    /** bash where the node has it, else sh; with a controlling terminal (setsid -c) where setsid is there, for job control. */
    private static final String SHELL = "s='command -v bash >/dev/null 2>&1 && exec bash -i; exec sh -i'; "
            + "command -v setsid >/dev/null 2>&1 && exec setsid -w -c /bin/sh -c \"$s\"; exec /bin/sh -c \"$s\"";

    private final Labs labs;
    private final String lab, node;
    private final int cols, rows;
    private volatile Session session;
    private volatile Pty pty;
    private volatile Process process;
    private volatile boolean ending;

    TerminalSocket(Labs labs, String lab, String node, int cols, int rows) {
        this.labs = labs;
        this.lab = lab;
        this.node = node;
        this.cols = cols;
        this.rows = rows;
    }

    @Override public void onWebSocketOpen(Session s) {
        session = s;
        try {
            pty = Pty.open(cols, rows);
            File tty = new File(pty.terminal());
            ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", SHELL));
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            pb.environment().put("HOME", "/root");
            pb.environment().putAll(labs.env(lab, node));
            pb.environment().put("TERM", "xterm-256color");
            pb.redirectInput(tty).redirectOutput(tty).redirectError(tty);
            process = labs.start(lab, node, pb, w -> say(w + "\r\n"));
        } catch (RuntimeException e) {
            say("nslab: " + e.getMessage() + "\r\n");
            if (pty != null) pty.close();
            s.close(1011, "no terminal", Callback.NOOP);
            return;
        }
        Thread.ofPlatform().daemon().name("nslab-ui-terminal-" + node).start(this::pump);
    }

    /** Terminal output to the browser until the terminal is gone; then the master is closed, by this thread only. */
    private void pump() {
        try {
            while (true) {
                byte[] out = pty.read(ending ? 0 : 250);
                if (out == null || ending && out.length == 0) break;
                if (out.length == 0) continue;
                Callback.Completable sent = new Callback.Completable();
                session.sendBinary(ByteBuffer.wrap(out), sent);
                sent.join(); // the next read waits for the browser: no unbounded queue
            }
        } catch (RuntimeException e) {
            // the socket went: end as when it closes
        } finally {
            pty.close(); // hangs the terminal up: SIGHUP to what is left of the session
            endProcesses();
            if (session.isOpen()) session.close(1000, "the shell ended", Callback.NOOP);
        }
    }

    private void say(String text) {
        Session s = session;
        if (s != null && s.isOpen()) s.sendBinary(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
    }

    @Override public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        byte[] b = new byte[payload.remaining()];
        payload.get(b);
        try {
            if (pty != null) pty.write(b);
            callback.succeed();
        } catch (RuntimeException e) {
            callback.fail(e);
        }
    }

    @Override public void onWebSocketText(String message) {
        try {
            JsonNode m = Json.read(message);
            if (m.has("cols") && m.has("rows") && pty != null) pty.resize(m.get("cols").asInt(), m.get("rows").asInt());
        } catch (Exception e) {
            // not a resize: ignored
        }
    }

    @Override public void onWebSocketClose(int statusCode, String reason) {
        ending = true;
        endProcesses();
    }

    @Override public void onWebSocketError(Throwable cause) {
        ending = true;
        endProcesses();
    }

    /** Ends the shell and what it started, by the process ids of the process this socket started and its children. */
    private void endProcesses() {
        Process p = process;
        if (p == null) return;
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}
