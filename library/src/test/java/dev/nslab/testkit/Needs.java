package dev.nslab.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a test needs of the machine, said where the test is (as vishvananda/netlink's skipUnlessRoot and
 * Testcontainers' EnabledIfDockerAvailable do). Where something is missing the test is skipped with the reason; with
 * {@code NSLAB_TEST_STRICT=1} (scripts/test sets it, after installing everything) a missing privilege or program
 * fails instead, so that a machine meant to run everything cannot skip quietly. Kernel features are never assumed:
 * a test that needs one the kernel lacks is skipped, strict or not. Pure tests carry {@code @Tag("unit")} instead
 * and need nothing; {@code TestsSayWhatTheyNeedTest} checks that every test class says one or the other.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Inherited
@ExtendWith(NeedsCondition.class)
public @interface Needs {
    /** CAP_SYS_ADMIN, CAP_NET_ADMIN and CAP_NET_RAW (root has them). */
    boolean root() default true;

    /** Programs that must be on the machine (searched on PATH and in the sbin directories): witnesses, daemons. */
    String[] programs() default {};

    /** Open vSwitch installed (its daemons and ovs-vsctl); nslab starts it itself when it is not running. */
    boolean openVswitch() default false;

    /** Kernel features, asked of the kernel: "netem", or a link kind such as "dummy", "vxlan", "macvlan". */
    String[] kernel() default {};
}
