package dev.nslab.lab.verify;

import dev.nslab.net.Cidr;

import java.util.Locale;

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

    /** A pair where measurement and prediction differ, with the prediction's reason. */
    public static String mismatch(Verifier.Pair p) {
        return p.from() + " -> " + p.to() + " (" + Cidr.format(p.address()) + "): measured "
                + (p.measured() ? "reach" : "no reach (" + p.detail() + ")") + ", predicted " + (p.predicted() ? "reach" : "no reach")
                + ": " + p.reason();
    }

    /** A pair that could not be measured, and why. */
    public static String unmeasured(Verifier.Pair p) {
        return p.from() + " -> " + p.to() + " (" + Cidr.format(p.address()) + "): NOT MEASURED: " + p.detail();
    }

    /** An expectation of the file: whether it holds, and why. */
    public static String expectation(Verifier.Expectation e) {
        return "expect " + e.expect().from() + " -> " + e.expect().to() + " reach " + e.expect().reach() + ": "
                + (e.holds() ? "holds" : "FAILS") + " (" + e.why() + ")";
    }
}
