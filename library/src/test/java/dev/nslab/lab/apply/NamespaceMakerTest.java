package dev.nslab.lab.apply;

import dev.nslab.lab.plan.Resource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The side thread of a run hands over every namespace it made, in order, and nothing is lost when either side fails. */
@Tag("unit")
class NamespaceMakerTest {
    private static List<Resource.Namespace> names(int n) {
        List<Resource.Namespace> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) out.add(new Resource.Namespace("t-h" + i));
        return out;
    }

    @Test
    void handsOverEveryNamespaceInOrderWithItsForwarding() {
        List<Resource.Namespace> all = names(20);
        Resource.Forwarding fwd = new Resource.Forwarding("t-h3", true);
        NamespaceMaker m = new NamespaceMaker((n, f) -> null, "t", all, Map.of("t-h3", fwd));
        List<String> got = new ArrayList<>();
        for (NamespaceMaker.Made made = m.take(); made != null; made = m.take()) {
            got.add(made.ns().name());
            if (made.ns().name().equals("t-h3")) assertSame(fwd, made.forwarding());
            else assertNull(made.forwarding());
        }
        assertEquals(all.stream().map(Resource.Namespace::name).toList(), got);
        assertNull(m.poll(), "nothing after the last");
        assertEquals(List.of(), m.stop());
    }

    @Test
    void aFailureReachesTheRunAfterWhatWasMadeBeforeIt() {
        IllegalStateException refused = new IllegalStateException("refused");
        NamespaceMaker m = new NamespaceMaker((n, f) -> {
            if (n.name().equals("t-h3")) throw refused;
            return null;
        }, "t", names(5), Map.of());
        assertEquals("t-h1", m.take().ns().name());
        assertEquals("t-h2", m.take().ns().name());
        assertSame(refused, assertThrows(IllegalStateException.class, m::take));
        assertNull(m.take(), "the maker stopped at the failure");
        assertEquals(List.of(), m.stop(), "nothing was made after it");
    }

    @Test
    void stoppingReturnsWhatWasMadeButNotTaken() throws Exception {
        CountDownLatch second = new CountDownLatch(1), release = new CountDownLatch(1);
        NamespaceMaker m = new NamespaceMaker((n, f) -> {
            if (n.name().equals("t-h2")) {
                second.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return null;
        }, "t", names(50), Map.of());
        assertTrue(second.await(10, TimeUnit.SECONDS));
        // the run fails while t-h2 is being made: stop() waits for it, makes no more, and hands both over
        AtomicReference<List<NamespaceMaker.Made>> left = new AtomicReference<>();
        Thread stopper = Thread.ofPlatform().start(() -> left.set(m.stop()));
        while (stopper.isAlive() && stopper.getState() != Thread.State.WAITING) Thread.onSpinWait(); // in join()
        release.countDown();
        stopper.join();
        assertEquals(List.of("t-h1", "t-h2"), left.get().stream().map(x -> x.ns().name()).toList());
    }

    @Test
    void noNamespacesNoThread() {
        NamespaceMaker m = new NamespaceMaker((n, f) -> { throw new AssertionError("nothing to make"); }, "t", List.of(), Map.of());
        assertNull(m.take());
        assertEquals(List.of(), m.stop());
    }
}
