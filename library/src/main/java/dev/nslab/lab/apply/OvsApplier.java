package dev.nslab.lab.apply;

import dev.nslab.error.LabException;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.Marks;
import dev.nslab.net.ChecksumOffload;
import dev.nslab.ovs.Ovs;
import dev.nslab.ovs.OvsBridge;
import dev.nslab.ovs.OvsDaemons;
import dev.nslab.ovs.OvsState;
import dev.nslab.ovs.OvsTransaction;
import dev.nslab.ovs.PortConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Open vSwitch bridges and their ports (one kind of object for the switch: they are made and removed in one OVSDB
 * transaction), marked by external_ids:nslab-lab. The ports of the userspace datapath get TX checksum offload off
 * first, on both veth ends (OVS does not checksum what it forwards in userspace).
 */
final class OvsApplier {
    private final Applier run;
    private OvsState checked;   // the switch as the ownership checks of this run read it

    OvsApplier(Applier run) { this.run = run; }

    /** {@code dryRun}: starts nothing; with Open vSwitch stopped there is no switch to find a clash in. */
    void checkOwned(Resource r, boolean dryRun) {
        if (checked == null) {
            checked = dryRun ? new OvsDaemons().stateIfRunning().orElse(new OvsState(null, null, 0, 0, List.of())) : run.ovs().state();
        }
        if (r instanceof Resource.OvsBridge b) {
            Optional<OvsBridge> br = checked.bridge(b.name());
            if (br.isPresent() && !run.lab.equals(br.get().externalIds().get(Marks.OVS_KEY))) {
                String other = br.get().externalIds().get(Marks.OVS_KEY);
                throw new LabException("Open vSwitch bridge " + b.name() + " already exists: "
                        + run.clash(other == null ? null : Marks.of(other), "rename the node in the lab file"));
            }
        } else if (r instanceof Resource.OvsPort p) {
            Optional<OvsBridge> on = checked.bridgeOfPort(p.port());
            if (on.isPresent() && !ours(on.get(), p.port())) {
                String other = on.get().port(p.port()).map(x -> x.externalIds().get(Marks.OVS_KEY)).orElse(on.get().externalIds().get(Marks.OVS_KEY));
                throw new LabException("Open vSwitch port " + p.port() + " already exists on bridge " + on.get().name() + ": "
                        + run.clash(other == null ? null : Marks.of(other), "rename the interface in the lab file"));
            }
        }
    }

    /** The lab's port: on the lab's bridge, or marked itself (on a bridge that existed before the lab, not the lab's). */
    private boolean ours(OvsBridge on, String port) {
        return run.lab.equals(on.externalIds().get(Marks.OVS_KEY))
                || on.port(port).map(x -> run.lab.equals(x.externalIds().get(Marks.OVS_KEY))).orElse(false);
    }

    void create(List<Resource> work) {
        OvsTransaction txn = run.ovs().begin();
        String dp = null;
        for (Resource r : work) {
            if (r instanceof Resource.OvsBridge b) {
                if (dp == null) dp = Ovs.datapathType(ChecksumOffload.kernelDatapath());
                txn.addBridge(b.name(), dp, true, Map.of(Marks.OVS_KEY, run.lab));
            } else if (r instanceof Resource.OvsPort p) {
                PortConfig c = PortConfig.NONE;
                if (p.tag() != null) c = c.withTag(p.tag());
                if (p.trunks() != null) c = c.withTrunks(p.trunks());
                if (p.tag() != null && p.trunks() != null) c = c.withVlanMode("native-untagged");
                txn.addPort(p.bridge(), p.port(), c, true, Map.of(Marks.OVS_KEY, run.lab));
            }
        }
        // recorded as created first: if the commit fails half-way for ovs-vswitchd, rollback still removes the rows
        run.created.addAll(work);
        if (!txn.userspacePorts().isEmpty()) {
            try (ChecksumOffload offload = new ChecksumOffload(run.registry())) {
                for (String port : txn.userspacePorts()) offload.prepare(port);
            }
        }
        OvsTransaction.Result res = txn.commit(Duration.ofSeconds(60));
        res.warnings().forEach(w -> run.progress().say("Open vSwitch: " + w));
    }

    void remove(List<Resource> work) {
        // Open vSwitch keeps its bridges across restarts: if it is stopped, it is started to remove them
        OvsState st = run.ovs().state();
        OvsTransaction txn = run.ovs().begin();
        for (Resource r : work) {
            if (r instanceof Resource.OvsPort p) {
                Optional<OvsBridge> on = st.bridgeOfPort(p.port());
                if (on.isPresent() && ours(on.get(), p.port())) txn.delPort(null, p.port(), true);
            } else if (r instanceof Resource.OvsBridge b) {
                Optional<OvsBridge> br = st.bridge(b.name());
                if (br.isEmpty()) continue;
                if (!run.lab.equals(br.get().externalIds().get(Marks.OVS_KEY))) {
                    run.progress().say("left Open vSwitch bridge " + b.name() + " alone: it does not carry the mark of lab " + run.lab);
                    continue;
                }
                txn.delBridge(b.name(), true);
            }
        }
        txn.commit(Duration.ofSeconds(60));
    }
}
