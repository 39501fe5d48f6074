package dev.nslab.lab.apply;

import dev.nslab.error.LabException;
import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.Marks;
import dev.nslab.net.LinkChange;
import dev.nslab.net.LinkSpec;
import dev.nslab.net.NsRef;

/**
 * One-ended interfaces of nodes. A macvlan or vxlan is asked for from the root namespace (where its parent, or the
 * underlay its packets travel, is) and born in the node's namespace; a dummy is made in the node. Each is marked
 * and up once there.
 */
final class DeviceApplier {
    private final Applier run;

    DeviceApplier(Applier run) { this.run = run; }

    void checkOwned(Resource.Device d) {
        if (d.device() instanceof Topology.Device.Macvlan m && run.handle(null).findLink(m.parent()).isEmpty()) {
            throw new LabException("macvlan " + d.iface() + " of " + d.ns() + " sits on " + m.parent()
                    + ", which is not an interface of the root namespace: name one in host-interface");
        }
    }

    void create(Resource.Device d) {
        LinkSpec spec = switch (d.device()) {
            case Topology.Device.Dummy x -> LinkSpec.dummy(d.iface());
            case Topology.Device.Macvlan m -> LinkSpec.macvlan(d.iface(), m.parent(), m.mode()).in(NsRef.named(d.ns()));
            case Topology.Device.Vxlan v -> LinkSpec.vxlan(d.iface(), v.vni(), v.remote(), v.port()).in(NsRef.named(d.ns()));
        };
        if (d.mtu() != null) spec = spec.mtu(d.mtu());
        (d.device() instanceof Topology.Device.Dummy ? run.handle(d.ns()) : run.handle(null)).addLink(spec);
        run.handle(d.ns()).setLink(LinkChange.of(d.iface()).alias(run.mark).up(true).group(Marks.DEVICE_GROUP));
    }

    boolean remove(Resource.Device d) { return run.removeMarkedLink(d.ns(), d.iface()); }
}
