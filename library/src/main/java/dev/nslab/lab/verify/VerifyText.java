package dev.nslab.lab.verify;

import dev.nslab.net.Cidr;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A verify report in words, the same for every face: the command line prints these lines (and colours them), the
 * Java API returns them. Never worded better than what was measured.
 */
public final class VerifyText {
    private VerifyText() {}

    /** The counts: how many pairs, answered, silent, not measured, differing. */
    public static String summary(Verifier.Report r) {
        long yes = r.pairs().stream().filter(Verifier.Pair::measured).count();
        int unmeasured = r.unmeasured().size();
        return String.format(Locale.ROOT, "%d pairs%s in %.2f s: %d answered, %d did not%s; %d differ from the prediction", r.pairs().size(),
                r.sampled() ? " (a sample of " + r.population() + ")" : "", r.seconds(), yes, r.pairs().size() - yes - unmeasured,
                unmeasured == 0 ? "" : ", " + unmeasured + " could not be measured", r.mismatches().size());
    }

    /** A pair where measurement and prediction differ, with the prediction's reason and what it was made from. */
    public static String mismatch(Verifier.Pair p) {
        return p.from() + " -> " + p.to() + " (" + Cidr.format(p.address()) + "): measured "
                + (p.measured() ? "reach" : "no reach (" + p.detail() + ")") + ", predicted " + (p.predicted() ? "reach" : "no reach")
                + (p.basis() == null || p.basis() == Verifier.Basis.FILE ? "" : " by " + p.basis().words()) + ": " + p.reason();
    }

    /** What the judged pairs were predicted from, when not all from the file: "12 pairs predicted from the file, 3 from ...". */
    public static String bases(Verifier.Report r) {
        Map<Verifier.Basis, Long> n = new EnumMap<>(Verifier.Basis.class);
        for (Verifier.Pair p : r.pairs()) if (p.judged()) n.merge(p.basis(), 1L, Long::sum);
        if (n.isEmpty() || n.keySet().equals(Set.of(Verifier.Basis.FILE))) return "";
        List<String> parts = new ArrayList<>();
        n.forEach((b, c) -> parts.add(c + " from " + b.words()));
        return "predicted: " + String.join(", ", parts);
    }

    /** A pair that could not be measured, and why. */
    public static String unmeasured(Verifier.Pair p) {
        return p.from() + " -> " + p.to() + " (" + Cidr.format(p.address()) + "): NOT MEASURED: " + p.detail();
    }

    /** An expectation of the file: whether it holds, and why. */
    public static String expectation(Verifier.Expectation e) {
        return "expect " + e.expect().words() + ": " + (e.holds() ? "holds" : "FAILS") + " (" + e.why() + ")";
    }
}
