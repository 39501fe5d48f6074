package dev.nslab.lab.apply;

import dev.nslab.net.Qdisc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a rate becomes in the kernel: a token bucket of 10 ms bursts and 100 ms of queue. Pure. */
@Tag("unit")
class FaultApplierTest {
    @Test
    void aRateIsATokenBucketOfTenMillisecondBursts() {
        assertEquals(new Qdisc.Tbf(1_250_000, 12_500, 137_500), FaultApplier.tbf(10_000_000L));
    }
}
