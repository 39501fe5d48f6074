package dev.nslab.engine;

import dev.nslab.error.NslabException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Docker, through its client and the daemon it talks to ({@code DOCKER_HOST}, else the daemon's usual socket).
 * Docker cannot join a network namespace given by path: its container starts in one of its own with only a loopback
 * ({@code --network none}), which nslab then names as the node's and wires, as containerlab does — the container's
 * programs start before its links exist, and a container that restarts gets a new, empty namespace.
 */
public final class Docker extends Engine {
    Docker(Path program) { super(program); }

    @Override public String name() { return "docker"; }

    @Override public boolean joinsNamespaceByPath() { return false; }

    /** Whether a daemon answers this client. */
    boolean answers() { return call(List.of("version", "--format", "{{.Server.Version}}"), 20).status() == 0; }

    /** The failure when the client is here and no daemon answers it. */
    NslabException silent(String forWhat) {
        String host = System.getenv("DOCKER_HOST");
        return new NslabException(forWhat + " needs a container engine: podman is not on this machine, and docker's daemon does not answer"
                + (host == null || host.isEmpty() ? " at /var/run/docker.sock" : " at DOCKER_HOST=" + host)
                + ": start dockerd (or point DOCKER_HOST at a running one), or install podman (Debian: apt-get install podman runc)");
    }

    @Override public boolean hasImage(String image) { return call(List.of("image", "inspect", "--format", "{{.Id}}", image), 60).status() == 0; }

    @Override List<String> runArgs(Spec s) {
        List<String> a = new ArrayList<>(runOptions(s));
        a.addAll(List.of("--network", "none"));
        List<String> args = new ArrayList<>();
        if (s.entrypoint() != null) {
            // docker's --entrypoint is one program: further words of the file's entrypoint come first among its arguments
            a.addAll(List.of("--entrypoint", s.entrypoint().isEmpty() ? "" : s.entrypoint().getFirst()));
            if (s.entrypoint().size() > 1) args.addAll(s.entrypoint().subList(1, s.entrypoint().size()));
        }
        a.add(s.image());
        if (s.cmd() != null) args.addAll(s.cmd());
        a.addAll(args);
        return a;
    }

    /** Docker's {@code --health-cmd} is a shell line: the exec form's words are quoted into one. */
    @Override String healthCommand(List<String> test) {
        List<String> rest = test.subList(1, test.size());
        if (test.getFirst().equals("CMD-SHELL")) return rest.getFirst();
        StringBuilder b = new StringBuilder();
        for (String w : rest) {
            if (!b.isEmpty()) b.append(' ');
            b.append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }

    @Override public void remove(List<String> names) {
        if (names.isEmpty()) return;
        List<String> a = new ArrayList<>(List.of("rm", "--force"));
        a.addAll(names);
        Out o = call(a, 120);
        // docker removes those there and fails for those that are not: only the latter is not a failure here
        if (o.status() != 0 && !o.text().lines().filter(l -> l.startsWith("Error")).allMatch(l -> l.contains("No such container"))) throw failed(a, o);
    }

    /** Docker runs the checks itself on their timer: its last verdict ("starting" until the first). */
    @Override public String checkHealth(String name) {
        String s = inspect(List.of(name), "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", false).getOrDefault(name, "gone");
        return s.equals("none") ? "unknown (the container has no health check)" : s;
    }
}
