package dev.nslab.testkit;

import dev.nslab.net.KernelFeatures;
import dev.nslab.sys.Privileges;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Evaluates {@link Needs} on a test class and its methods: enabled, skipped with the reason, or (strict) failed. */
public final class NeedsCondition implements ExecutionCondition {
    /** Kernel features asked once per test JVM (each probe makes a namespace). */
    private static final Map<String, Boolean> FEATURES = new ConcurrentHashMap<>();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext ctx) {
        List<Needs> all = new ArrayList<>();
        ctx.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, Needs.class)).ifPresent(all::add);
        if (all.isEmpty()) return ConditionEvaluationResult.enabled("needs nothing");
        List<String> missing = new ArrayList<>(), missingKernel = new ArrayList<>();
        for (Needs n : all) {
            if (n.root() && !Privileges.missing().isEmpty()) missing.add("root (missing " + String.join(", ", Privileges.missing()) + ")");
            Set<String> programs = new LinkedHashSet<>(List.of(n.programs()));
            if (n.openVswitch()) programs.addAll(List.of("ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovsdb-tool"));
            for (String p : programs) if (program(p).isEmpty()) missing.add("the program " + p);
            for (String f : n.kernel()) if (!feature(f)) missingKernel.add("the kernel feature " + f);
        }
        if (!missing.isEmpty() && strict()) {
            throw new AssertionError("this machine is meant to run every test (NSLAB_TEST_STRICT=1) but lacks " + String.join(", ", missing));
        }
        missing.addAll(missingKernel);
        return missing.isEmpty() ? ConditionEvaluationResult.enabled("has what it needs")
                : ConditionEvaluationResult.disabled("needs " + String.join(", ", missing));
    }

    static boolean strict() { return "1".equals(System.getenv("NSLAB_TEST_STRICT")); }

    /** Where {@code name} is installed: PATH first, then the sbin directories a normal user's PATH may lack. */
    public static Optional<Path> program(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) dirs.addAll(List.of(path.split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private static boolean feature(String f) {
        return FEATURES.computeIfAbsent(f, k -> {
            if (!Privileges.missing().isEmpty()) return false; // asking needs a namespace of its own
            return k.equals("netem") ? KernelFeatures.hasNetem() : KernelFeatures.hasLinkKind(k);
        });
    }
}
