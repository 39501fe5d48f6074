package dev.nslab.ovs;

import java.util.List;
import java.util.Optional;

/** What the Open vSwitch database holds, read in one transaction. Bridges and ports come in UUID order, as ovs-vsctl shows them. */
public record OvsState(String uuid, String ovsVersion, long curCfg, long nextCfg, List<OvsBridge> bridges) {

    public Optional<OvsBridge> bridge(String name) {
        return bridges.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The bridge whose ports have an interface named {@code iface}. */
    public Optional<OvsBridge> bridgeOfInterface(String iface) {
        return bridges.stream().filter(b -> b.ports().stream().anyMatch(p -> p.interfaces().stream().anyMatch(i -> i.name().equals(iface))))
                .findFirst();
    }

    /** The bridge that has a port named {@code port}. */
    public Optional<OvsBridge> bridgeOfPort(String port) {
        return bridges.stream().filter(b -> b.port(port).isPresent()).findFirst();
    }
}
