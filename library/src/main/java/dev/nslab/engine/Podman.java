package dev.nslab.engine;

import dev.nslab.sys.Tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * podman: daemonless, rootless-capable, and its container joins a network namespace given by path
 * ({@code --network ns:PATH}), so the node's namespace is made and wired by nslab before its programs start.
 */
public final class Podman extends Engine {
    /** runc, where installed: crun refuses a hybrid cgroup layout, runc works on every layout. */
    private final Optional<Path> runc = Tools.ofMachine("runc");

    Podman(Path program) { super(program); }

    @Override public String name() { return "podman"; }

    @Override public boolean joinsNamespaceByPath() { return true; }

    @Override public boolean hasImage(String image) { return call(List.of("image", "exists", image), 60).status() == 0; }

    @Override List<String> runArgs(Spec s) {
        List<String> a = new ArrayList<>(runOptions(s));
        a.addAll(List.of("--network", "ns:" + s.netns()));
        runc.ifPresent(r -> a.addAll(List.of("--runtime", r.toString())));
        if (s.entrypoint() != null) a.addAll(List.of("--entrypoint", s.entrypoint().isEmpty() ? "" : toJson(s.entrypoint())));
        a.add(s.image());
        if (s.cmd() != null) a.addAll(s.cmd());
        return a;
    }

    @Override String healthCommand(List<String> test) {
        List<String> rest = test.subList(1, test.size());
        return test.getFirst().equals("CMD-SHELL") ? rest.getFirst() : toJson(rest);
    }

    @Override public void remove(List<String> names) {
        if (names.isEmpty()) return;
        List<String> a = new ArrayList<>(List.of("rm", "--force", "--ignore", "--time", "0"));
        a.addAll(names);
        ok(a, 120);
    }

    /** Runs the check now (podman runs checks on a timer only where systemd runs; nslab asks when it needs to know). */
    @Override public String checkHealth(String name) {
        Out o = call(List.of("healthcheck", "run", name), 120);
        return o.status() == 0 ? "healthy" : o.status() == 1 ? "unhealthy" : "unknown (" + lastLines(o.text()) + ")";
    }
}
