package dev.nslab.lab.plan;

import dev.nslab.lab.file.TopologyParser;
import dev.nslab.lab.plan.Reconciler.Observation;
import dev.nslab.lab.plan.Reconciler.Plan;
import dev.nslab.testkit.LabTexts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Planning is pure: the file's objects, the recorded objects and what was seen of them decide everything. */
@Tag("unit")
class ReconcilerTest {
    static List<Resource> resources(String text) { return Planner.resources(TopologyParser.parse("r.yml", text)); }

    static List<String> keys(List<Resource> rs) { return rs.stream().map(Resource::key).toList(); }

    @Test
    void aFreshLabPlansEverythingInCreationOrderAndASecondRunNothing() {
        List<Resource> desired = resources(LabTexts.ROUTERS);
        Plan first = Reconciler.plan("r", desired, List.of(), Observation.NOTHING_GONE);
        assertEquals(keys(desired), keys(first.add()));
        for (int i = 1; i < first.add().size(); i++) assertTrue(first.add().get(i - 1).phase() <= first.add().get(i).phase());
        Plan second = Reconciler.plan("r", desired, desired, Observation.NOTHING_GONE);
        assertTrue(second.isEmpty());
        assertEquals(List.of(), second.staleEnds());
    }

    @Test
    void anEditedAddressIsRemovedAndAddedAndNothingElseMoves() {
        List<Resource> before = resources(LabTexts.ROUTERS);
        List<Resource> after = resources(LabTexts.ROUTERS.replace("10.10.12.9/24", "10.10.12.19/24"));
        Plan p = Reconciler.plan("r", after, before, Observation.NOTHING_GONE);
        assertEquals(List.of("address r-h3/eth0 10.10.12.19/24"), keys(p.add()));
        assertEquals(List.of("address r-h3/eth0 10.10.12.9/24"), keys(p.remove()));
    }

    @Test
    void aNamespaceDeletedByHandIsPlannedAgainWithWhatWentWithIt() {
        List<Resource> desired = resources(LabTexts.ROUTERS);
        Plan p = Reconciler.plan("r", desired, desired, new Observation(Set.of("r-r2"), Set.of()));
        List<String> add = keys(p.add());
        assertTrue(add.contains("netns r-r2"), add.toString());
        assertTrue(add.contains("veth r-r1/eth1=r-r2/eth0"), add.toString());
        assertTrue(add.contains("address r-r2/eth0 10.10.12.2/24") && add.contains("forwarding r-r2 ipv4"), add.toString());
        // the surviving end lost its interface, so its address and its namespace's routes come back, and its exec lines run
        assertTrue(add.contains("address r-r1/eth1 10.10.12.1/24"), add.toString());
        assertTrue(add.contains("route r-r1 10.10.0.0/16 via 10.10.12.2"), add.toString());
        assertEquals(Set.of("r-r1"), p.rerunExec());
        assertEquals(List.of("r-r1/eth1"), p.staleEnds().stream().map(Resource.End::toString).toList());
        // untouched: h1 and its link
        assertTrue(add.stream().noneMatch(k -> k.contains("r-h1")), add.toString());
        assertEquals(List.of(), p.remove());
    }

    @Test
    void anOpenVswitchBridgeDeletedByHandComesBackWithItsPorts() {
        List<Resource> desired = resources(LabTexts.ROUTERS);
        Plan p = Reconciler.plan("r", desired, desired, new Observation(Set.of(), Set.of("sw")));
        assertEquals(List.of("ovs-bridge sw", "ovs-port sw/p3"), keys(p.add()));
    }
}
