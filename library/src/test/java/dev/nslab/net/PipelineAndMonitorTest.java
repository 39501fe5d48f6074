package dev.nslab.net;

import dev.nslab.error.KernelException;
import dev.nslab.netlink.NetlinkSocket;
import dev.nslab.netlink.NlRequest;
import dev.nslab.netlink.Rtnl;
import dev.nslab.testkit.Needs;
import dev.nslab.testkit.Sh;
import dev.nslab.testkit.TestNet;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pipelined requests through the public API, and netns monitor, judged by iproute2. */
@Needs(programs = {"ip"})
class PipelineAndMonitorTest {
    final TestNet t = new TestNet();

    @AfterEach
    void cleanUp() { t.close(); }

    @Test
    void manyRequestsInOneSendWithErrorsReportedPerRequest() {
        Namespaces reg = new Namespaces();
        String ns = t.n("pl");
        reg.add(ns);
        int lo;
        try (NetHandle h = NetHandle.open(reg, NsRef.named(ns))) {
            lo = h.link("lo").index();
        }
        // 600 address requests in a handful of sendmsg calls; number 300 repeats number 299 and must fail alone.
        List<NlRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            int host = i == 300 ? 299 : i;
            byte[] a = {10, 123, (byte) (host >> 8), (byte) host};
            reqs.add(new NlRequest(Rtnl.RTM_NEWADDR, NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL)
                    .u8(2).u8(32).u8(0).u8(0).u32(lo).attr(Rtnl.IFA_LOCAL, a).attr(Rtnl.IFA_ADDRESS, a));
        }
        List<KernelException> results;
        try (NetlinkSocket s = reg.call(NsRef.named(ns), () -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE))) {
            results = s.executeAll(reqs);
        }
        assertEquals(600, results.size());
        for (int i = 0; i < 600; i++) {
            if (i == 300) {
                assertNotNull(results.get(i));
                assertEquals(17, results.get(i).errno(), "EEXIST for the duplicate");
            } else {
                assertNull(results.get(i), "request " + i);
            }
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode a : t.ipj(ns, "-4 addr show dev lo").get(0).path("addr_info")) seen.add(a.path("local").asText());
        assertEquals(599, seen.size(), "599 new addresses (lo is down, so no 127.0.0.1)");
        assertTrue(seen.contains("10.123.2.87"));
    }

    @Test
    void monitorReportsAddAndDelete() throws Exception {
        List<String> cmd = List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.nslab.cli.Main", "netns", "monitor");
        Process p = new ProcessBuilder(cmd).start();
        // read on a thread of its own, so that the test waits with a deadline; it ends when the monitor does
        java.util.concurrent.BlockingQueue<String> out = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String l; (l = r.readLine()) != null; ) out.add(l);
            } catch (java.io.IOException ended) {
                // the monitor was stopped
            }
        });
        try {
            // the watch is up once a namespace added after the monitor started is reported (however slow its start)
            String probe = t.n("probe"), ns = t.n("mon");
            boolean watching = false;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!watching && System.nanoTime() < deadline) {
                Sh.ok("ip", "netns", "add", probe);
                Sh.ok("ip", "netns", "del", probe);
                for (String l; (l = out.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)) != null; ) watching |= l.endsWith(probe);
            }
            assertTrue(watching, "the monitor reports namespaces");
            Sh.ok("ip", "netns", "add", ns);
            Sh.ok("ip", "netns", "del", ns);
            List<String> lines = new ArrayList<>();
            deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (lines.size() < 2 && System.nanoTime() < deadline) {
                String l = out.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (l != null && l.endsWith(ns)) lines.add(l);
            }
            assertEquals(List.of("add " + ns, "delete " + ns), lines);
        } finally {
            p.destroy();
            p.waitFor();
            reader.join();
        }
    }
}
