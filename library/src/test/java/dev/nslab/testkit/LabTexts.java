package dev.nslab.testkit;

/** Lab files the tests of several rooms share. */
public final class LabTexts {
    private LabTexts() {}

    /** Two routers between two hosts, and an Open vSwitch bridge with a third host. */
    public static final String ROUTERS = """
            name: r
            topology:
              nodes:
                h1: {interfaces: {eth0: 10.10.1.2/24}, routes: [{dst: default, via: 10.10.1.1}]}
                r1: {forwarding: true, interfaces: {eth0: 10.10.1.1/24, eth1: 10.10.12.1/24}, routes: [{dst: 10.10.0.0/16, via: 10.10.12.2}]}
                r2: {forwarding: true, interfaces: {eth0: 10.10.12.2/24}}
                sw: {kind: ovs-bridge}
                h3: {interfaces: {eth0: 10.10.12.9/24}}
              links:
                - endpoints: ["h1:eth0", "r1:eth0"]
                - endpoints: ["r1:eth1", "r2:eth0"]
                - endpoints: ["h3:eth0", "sw:p3"]
            """;

    /** A star: {@code n} hosts on one switch of {@code kind} ("bridge", "ovs-bridge"). */
    public static String star(int n, String kind) {
        StringBuilder b = new StringBuilder("name: star\ntopology:\n  nodes:\n    sw: {kind: " + kind + "}\n");
        for (int i = 1; i <= n; i++) b.append("    h").append(i).append(": {interfaces: {eth0: {address: 10.200.")
                .append(i / 250).append('.').append(i % 250 + 1).append("/16}}}\n");
        b.append("  links:\n");
        for (int i = 1; i <= n; i++) b.append("    - endpoints: [\"h").append(i).append(":eth0\", \"sw:p").append(i).append("\"]\n");
        return b.toString();
    }
}
