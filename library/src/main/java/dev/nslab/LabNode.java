package dev.nslab;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Topology;
import dev.nslab.net.Cidr;
import dev.nslab.net.Family;
import dev.nslab.net.NetHandle;
import dev.nslab.net.NsRef;
import dev.nslab.net.Pinger;
import dev.nslab.net.RouteSpec;
import dev.nslab.net.Sysctl;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A node of a {@link NetLab}: its namespace, one netlink socket in it, and the threads and processes it runs. */
final class LabNode implements Node {
    private final NetLab lab;
    private final String name;
    private final String namespace;
    private final NetHandle handle;          // null for a node of a lab file (opened when needed)
    private final Map<String, List<Cidr>> addresses = new LinkedHashMap<>();
    private final List<Topology.RouteDef> routes = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean forwarding;
    private ExecutorService executor;

    LabNode(NetLab lab, String name, String namespace, NetHandle handle) {
        this.lab = lab;
        this.name = name;
        this.namespace = namespace;
        this.handle = handle;
    }

    NetLab lab() { return lab; }

    NetHandle handle() {
        if (handle == null) throw new LabException("node " + name + " comes from a lab file: change the file and bring it up again");
        return handle;
    }

    @Override public String name() { return name; }

    @Override public String namespace() { return namespace; }

    @Override
    public synchronized void address(String ifname, String cidr) {
        Cidr c = Cidr.parse(cidr);
        if (c.family() == Family.INET6) handle().addAddressNoDad(ifname, c);
        else handle().addAddress(ifname, c);
        handle().setUp(ifname, true);
        addresses.computeIfAbsent(ifname, k -> new ArrayList<>()).add(c);
    }

    @Override
    public synchronized void route(String dst, String via) {
        InetAddress gw = Cidr.parseAddress(via);
        Cidr to = dst.equals("default") ? null : Cidr.parse(dst.contains("/") ? dst : dst + (Cidr.family(gw) == Family.INET ? "/32" : "/128")).network();
        handle().addRoute((to == null ? RouteSpec.defaultRoute(Cidr.family(gw)) : RouteSpec.to(to)).via(gw));
        routes.add(new Topology.RouteDef(Cidr.family(gw), to, gw, null));
    }

    @Override
    public synchronized void forwarding(boolean on) {
        Sysctl s = new Sysctl(lab.registry());
        s.write(NsRef.named(namespace), "net.ipv4.ip_forward", on ? "1" : "0");
        s.write(NsRef.named(namespace), "net.ipv6.conf.all.forwarding", on ? "1" : "0");
        forwarding = on;
    }

    @Override
    public PingResult ping(String address) {
        InetAddress dst = Cidr.parseAddress(address);
        try (Pinger p = Pinger.open(lab.registry(), NsRef.named(namespace), Cidr.family(dst))) {
            String last = "no reply";
            for (int seq = 0; seq < 2; seq++) {
                p.send(dst, seq);
                long deadline = System.nanoTime() + 1_000_000_000L;
                for (long left; (left = (deadline - System.nanoTime()) / 1_000_000) > 0; ) {
                    Pinger.Reply r = p.receive(left);
                    if (r == null) break;
                    if (r.seq() != seq) continue;
                    if (r.isEcho() && r.from().equals(dst)) return new PingResult(address, true, Duration.ofNanos(r.rttNanos()), "reply in " + r.rttNanos() / 1000 + " us");
                    if (!r.isEcho()) last = r.error() + " (from " + Cidr.format(r.from()) + ")";
                }
            }
            return new PingResult(address, false, null, last);
        } catch (dev.nslab.error.UnreachableException e) {
            return new PingResult(address, false, null, "no route: " + e.getMessage());
        } catch (dev.nslab.error.NotPermittedException e) {
            // the lab holds every capability: a packet filter of the node dropped it (a partition, for one)
            return new PingResult(address, false, null, "dropped at the source: a packet filter in " + name + "'s output path refused the send");
        }
    }

    @Override
    public <T> T call(Callable<T> work) {
        try {
            return executor().submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new LabException("work in node " + name + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while waiting for work in node " + name, e);
        }
    }

    @Override
    public Process start(String... command) {
        // as ip netns exec: the node's own /sys, and its /etc/netns files bound over /etc (one that cannot be is
        // skipped, as ip does; the library does not print)
        Process p = lab.start(this, new ProcessBuilder(command));
        synchronized (this) {
            processes.add(p);
        }
        return p;
    }

    @Override
    public synchronized ExecutorService executor() {
        if (executor == null) {
            AtomicInteger count = new AtomicInteger();
            executor = Executors.newCachedThreadPool(r -> {
                Thread t = Thread.ofPlatform().daemon(true).name("nslab-" + namespace + "-" + count.incrementAndGet())
                        .unstarted(() -> {
                            lab.registry().enter(NsRef.named(namespace));
                            r.run();
                        });
                threads.add(t);
                return t;
            });
        }
        return executor;
    }

    /** The node as a lab file would describe it (for predictions). */
    synchronized Topology.NodeDef definition() {
        Map<String, List<Cidr>> a = new LinkedHashMap<>();
        addresses.forEach((k, v) -> a.put(k, List.copyOf(v)));
        return new Topology.NodeDef(name, Topology.Kind.LINUX, a, List.copyOf(routes), forwarding, List.of(), 0);
    }

    /** Ends its processes (SIGTERM, then SIGKILL after a second) and its threads. */
    synchronized void stop() {
        for (Process p : processes) p.destroy();
        for (Process p : processes) {
            try {
                if (!p.waitFor(1, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
                // a terminated pool's threads may still be on their way out: when close() returns, none is left
                for (Thread t : threads) t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
