package dev.nslab.lab.verify;

import dev.nslab.net.Cidr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A verification report as JSON-ready maps: the form of {@code verify -j} and of the live page's API. */
public final class ReportJson {
    private ReportJson() {}

    public static Map<String, Object> of(Verifier.Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lab", r.lab());
        m.put("ok", r.ok());
        m.put("verdict", r.verdict());
        m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        m.put("predict_seconds", Math.round(r.predictSeconds() * 1000) / 1000.0);
        m.put("population", r.population());
        m.put("nodes", r.nodes());
        List<Object> pairs = new ArrayList<>();
        for (Verifier.Pair p : r.pairs()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("from", p.from());
            x.put("to", p.to());
            x.put("address", Cidr.format(p.address()));
            x.put("outcome", p.outcome().name().toLowerCase().replace('_', '-'));
            x.put("measured", p.measured());
            x.put("detail", p.detail());
            x.put("in_file", p.inFile());
            x.put("predicted", p.predicted());
            x.put("basis", p.basis() == null ? null : p.basis().name().toLowerCase().replace('_', '-'));
            x.put("reason", p.reason());
            x.put("agrees", p.agrees());
            pairs.add(x);
        }
        m.put("pairs", pairs);
        m.put("changes", r.changes());
        List<Object> exps = new ArrayList<>();
        for (Verifier.Expectation e : r.expectations()) {
            Map<String, Object> x = new LinkedHashMap<>();
            if (e.expect().isReach()) {
                x.put("from", e.expect().from());
                x.put("to", e.expect().to());
                x.put("reach", e.expect().reach());
            } else {
                x.put("node", e.expect().from());
                x.put("check", e.expect().check().words());
                if (e.expect().waitMillis() > 0) x.put("wait_ms", e.expect().waitMillis());
            }
            x.put("line", e.expect().line());
            x.put("holds", e.holds());
            x.put("why", e.why());
            exps.add(x);
        }
        m.put("expectations", exps);
        return m;
    }
}
