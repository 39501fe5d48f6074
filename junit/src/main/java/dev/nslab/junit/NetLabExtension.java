package dev.nslab.junit;

import dev.nslab.NetLab;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.List;

/**
 * Gives a test method (or constructor) parameter of type {@link NetLab} a fresh {@link NetLab#create()} lab, closed
 * after the test, also when it fails. Every lab has a name of its own, so tests run in parallel never collide, even
 * with the same node names. Without the privileges labs need, the tests are skipped with the missing capabilities
 * named, instead of failing.
 *
 * <pre>{@code
 * @ExtendWith(NetLabExtension.class)
 * class ServerTest {
 *     @Test
 *     void clientReachesServer(NetLab lab) { ... }
 * }
 * }</pre>
 */
public final class NetLabExtension implements ParameterResolver, ExecutionCondition {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NetLabExtension.class);

    /** Creates the extension (JUnit does, through {@code @ExtendWith}). */
    public NetLabExtension() { }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<String> missing = NetLab.missingPrivileges();
        if (missing.isEmpty()) return ConditionEvaluationResult.enabled("this process may make network labs");
        return ConditionEvaluationResult.disabled("a NetLab needs " + String.join(", ", missing)
                + ", which this process lacks: run the tests as root, or as yourself in your own namespaces: nslab rootless -- mvn test");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == NetLab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        NetLab lab = NetLab.create();
        // the store closes what it holds when the context ends (after the test, pass or fail)
        context.getStore(STORE).put(lab.name(), lab);
        return lab;
    }
}
