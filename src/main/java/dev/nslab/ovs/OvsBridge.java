package dev.nslab.ovs;

import java.util.List;
import java.util.Optional;

/** A row of the Bridge table; {@code datapathType} is "" for the kernel datapath, "netdev" for the userspace one. */
public record OvsBridge(String uuid, String name, String datapathType, List<OvsPort> ports) {

    public Optional<OvsPort> port(String name) {
        return ports.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
