package dev.nslab.lab.apply;

import dev.nslab.lab.model.Topology;
import dev.nslab.lab.plan.Resource;
import dev.nslab.net.RouteSpec;

/** Static routes of the file: in the configuration round, after the addresses that make their gateways reachable. */
final class RouteApplier {
    private final Applier run;

    RouteApplier(Applier run) { this.run = run; }

    void schedule(Resource.Route rt, Applier.Rounds config) {
        int oif = rt.route().dev() == null ? 0 : run.view(rt.ns()).index(rt.route().dev());
        config.add(rt.ns(), rt, nb -> nb.route(spec(rt.route()), oif, true));
    }

    void remove(Resource.Route rt) { run.handle(rt.ns()).deleteRoute(spec(rt.route())); }

    /** A file's route as the kernel layer takes it. */
    static RouteSpec spec(Topology.RouteDef d) {
        RouteSpec s = d.dst() == null ? RouteSpec.defaultRoute(d.family()) : RouteSpec.to(d.dst());
        if (d.via() != null) s = s.via(d.via());
        if (d.dev() != null) s = s.dev(d.dev());
        return s;
    }
}
