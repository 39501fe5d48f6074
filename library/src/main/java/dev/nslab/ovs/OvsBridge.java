package dev.nslab.ovs;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A row of the Bridge table; {@code datapathType} is "" for the kernel datapath, "netdev" for the userspace one.
 * {@code externalIds} is the row's free-form key/value column (labs mark their bridges there). {@code failMode} is
 * null when unset; {@code controllers} are the targets of its OpenFlow controllers, in the order ovs-vsctl shows them.
 */
public record OvsBridge(String uuid, String name, String datapathType, List<OvsPort> ports, Map<String, String> externalIds,
                        String failMode, List<String> controllers) {

    public Optional<OvsPort> port(String name) {
        return ports.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
