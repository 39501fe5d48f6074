package dev.nslab.ovs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the Open vSwitch database holds, read in one transaction. Bridges and ports come in UUID order, as ovs-vsctl
 * shows them. Beside the bridges, ovs-vsctl's fake bridges: a port marked fake_bridge whose tag is a VLAN stands for a
 * bridge of that name, and the ports of its parent with that tag are counted as its own.
 */
public record OvsState(String uuid, String ovsVersion, long curCfg, long nextCfg, List<OvsBridge> bridges) {

    /** ovs-vsctl's fake (VLAN) bridge {@code name}: a port of {@code parent}, its ports those there tagged {@code vlan}. */
    public record FakeBridge(String name, OvsBridge parent, int vlan) { }

    public Optional<OvsBridge> bridge(String name) {
        return bridges.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The fake bridges, in their parents' and ports' order (a name that is a bridge's already is not one). */
    public List<FakeBridge> fakeBridges() {
        List<FakeBridge> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (OvsBridge b : bridges) names.add(b.name());
        for (OvsBridge b : bridges) {
            for (OvsPort p : b.ports()) if (p.isFakeBridge() && names.add(p.name())) out.add(new FakeBridge(p.name(), b, p.tag()));
        }
        return out;
    }

    public Optional<FakeBridge> fakeBridge(String name) {
        return fakeBridges().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** Every bridge name ovs-vsctl knows: real and fake. */
    public List<String> bridgeNames(boolean real, boolean fake) {
        List<String> out = new ArrayList<>();
        if (real) bridges.forEach(b -> out.add(b.name()));
        if (fake) fakeBridges().forEach(f -> out.add(f.name()));
        return out;
    }

    /** The bridge ovs-vsctl counts port {@code p} of bridge {@code b} in: the fake bridge of its tag there, if any. */
    public String bridgeNameOf(OvsBridge b, OvsPort p) {
        if (p.tag() != null) {
            for (FakeBridge f : fakeBridges()) if (f.parent().uuid().equals(b.uuid()) && f.vlan() == p.tag()) return f.name();
        }
        return b.name();
    }

    /** The ports ovs-vsctl counts in bridge {@code name}, real or fake (its own port too). */
    public List<OvsPort> portsOf(String name) {
        List<OvsPort> out = new ArrayList<>();
        for (OvsBridge b : bridges) for (OvsPort p : b.ports()) if (bridgeNameOf(b, p).equals(name)) out.add(p);
        return out;
    }

    /** The bridge that has a port named {@code port}. */
    public Optional<OvsBridge> bridgeOfPort(String port) {
        return bridges.stream().filter(b -> b.port(port).isPresent()).findFirst();
    }

    /**
     * The bridge (real or fake) whose ports have an interface named {@code iface}, as ovs-vsctl names it; a bridge's
     * own interface (of its name) is none for ovs-vsctl.
     */
    public Optional<String> bridgeNameOfInterface(String iface) {
        for (OvsBridge b : bridges) {
            for (OvsPort p : b.ports()) {
                if (p.interfaces().stream().anyMatch(i -> i.name().equals(iface))) return Optional.of(bridgeNameOf(b, p)).filter(n -> !n.equals(iface));
            }
        }
        return Optional.empty();
    }

    /** The bridge (real or fake) that has a port named {@code port}, as ovs-vsctl names it; a bridge's own port is none. */
    public Optional<String> bridgeNameOfPort(String port) {
        for (OvsBridge b : bridges) {
            for (OvsPort p : b.ports()) if (p.name().equals(port)) return Optional.of(bridgeNameOf(b, p)).filter(n -> !n.equals(port));
        }
        return Optional.empty();
    }
}
