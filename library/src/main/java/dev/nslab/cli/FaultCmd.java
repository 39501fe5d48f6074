package dev.nslab.cli;

import dev.nslab.error.LabException;
import dev.nslab.lab.Labs;
import dev.nslab.lab.model.Impairment;
import dev.nslab.lab.plan.FaultPlanner;
import dev.nslab.lab.plan.Resource;
import dev.nslab.lab.state.LabState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nslab impair | cut | mend | partition | heal}: faults done to a running lab, kept in its state
 * ({@link Labs#changeFaults}).
 */
final class FaultCmd {
    static final Set<String> VERBS = Set.of("impair", "cut", "mend", "partition", "heal");

    private final Cli cli;
    private final LabCmd labCmd;
    private boolean verbose;

    FaultCmd(Cli cli) {
        this.cli = cli;
        this.labCmd = new LabCmd(cli);
    }

    int run(String verb, Args a) {
        List<String> words = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        boolean clear = false;
        while (a.more()) {
            String w = a.next();
            String key = w.startsWith("--") ? w.substring(2) : null;
            if (verb.equals("impair") && key != null && Impairment.KEYS.contains(key)) {
                values.put(key, a.value(w));
            } else if (verb.equals("impair") && key != null && key.contains("=") && Impairment.KEYS.contains(key.substring(0, key.indexOf('=')))) {
                values.put(key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
            } else {
                switch (w) {
                    case "--clear" -> {
                        if (!verb.equals("impair")) throw new UsageException("nslab " + verb + ": unknown option \"--clear\" (it belongs to impair)");
                        clear = true;
                    }
                    case "-j", "--json" -> cli.json = true;
                    case "-v", "--verbose" -> verbose = true;
                    case "--state-dir" -> labCmd.stateDir(Path.of(a.value("--state-dir")));
                    case "help", "-h", "--help" -> {
                        Help.faults(cli.out);
                        return 0;
                    }
                    default -> {
                        if (Args.inline(w, "--state-dir") != null) labCmd.stateDir(Path.of(Args.inline(w, "--state-dir")));
                        else if (w.startsWith("-")) throw new UsageException("nslab " + verb + ": unknown option \"" + w + "\" (try \"nslab " + verb + " help\")");
                        else words.add(w);
                    }
                }
            }
        }
        if (words.isEmpty()) throw new UsageException(usage(verb));
        Labs labs = new Labs(cli.registry, labCmd.stateDir(), labCmd.progress());
        String lab = labCmd.labName(words.getFirst());
        List<String> rest = words.subList(1, words.size());
        Labs.FaultChange done = switch (verb) {
            case "impair" -> impair(labs, lab, rest, values, clear);
            case "cut", "mend" -> {
                if (rest.size() != 1) throw new UsageException(usage(verb));
                yield verb.equals("cut") ? labs.cut(lab, rest.getFirst()) : labs.mend(lab, rest.getFirst());
            }
            case "partition" -> {
                if (rest.isEmpty()) throw new UsageException(usage(verb));
                List<Set<String>> groups = new ArrayList<>();
                for (String g : rest) groups.add(new LinkedHashSet<>(Arrays.stream(g.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList()));
                yield labs.partition(lab, groups);
            }
            case "heal" -> {
                if (!rest.isEmpty()) throw new UsageException(usage(verb));
                yield labs.partition(lab, List.of());
            }
            default -> throw new IllegalStateException(verb);
        };
        report(labs, lab, verb, done);
        return 0;
    }

    private static String usage(String verb) {
        return switch (verb) {
            case "impair" -> "Usage: nslab impair LAB NODE:IFACE [--rate R] [--delay D] [--jitter J] [--loss P%] [--duplicate P%] [--corrupt P%]\n"
                    + "       nslab impair LAB [NODE:IFACE] --clear";
            case "cut", "mend" -> "Usage: nslab " + verb + " LAB NODE:IFACE";
            case "partition" -> "Usage: nslab partition LAB GROUP [GROUP...]   (a group is NODE,NODE...; the nodes not named form one more group)";
            default -> "Usage: nslab heal LAB";
        };
    }

    private Labs.FaultChange impair(Labs labs, String lab, List<String> rest, Map<String, String> values, boolean clear) {
        if (rest.size() > 1) throw new UsageException(usage("impair"));
        if (clear && !values.isEmpty()) throw new UsageException("nslab impair: --clear takes no other option (it removes the impairment)");
        if (!clear && (rest.isEmpty() || values.isEmpty())) throw new UsageException(usage("impair"));
        Impairment imp;
        try {
            imp = clear ? Impairment.NONE : Impairment.parse(values);
        } catch (Impairment.BadValue e) {
            throw new UsageException("nslab impair: " + e.getMessage());
        }
        // without an end, every run-time impairment ends: each end is back to what the file declares (a file's rate stays)
        return labs.impair(lab, rest.isEmpty() ? null : rest.getFirst(), imp);
    }

    private void report(Labs labs, String lab, String verb, Labs.FaultChange c) {
        if (cli.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lab", lab);
            m.put("added", c.added().stream().map(Resource::key).toList());
            m.put("removed", c.removed().stream().map(Resource::key).toList());
            m.put("faults", faultsJson(labs, labs.state(lab)));
            cli.printJson(m);
            return;
        }
        if (verbose) {
            for (Resource r : c.removed()) cli.out.println("removed " + r.key());
            for (Resource r : c.added()) cli.out.println("made " + r.key() + mechanism(r));
        }
        if (c.added().isEmpty() && c.removed().isEmpty()) cli.out.println("lab " + lab + ": nothing to change");
        else cli.out.println("lab " + lab + ": " + c.added().size() + " made, " + c.removed().size() + " undone");
    }

    private static String mechanism(Resource r) {
        if (!(r instanceof Resource.Impair i)) return "";
        if (i.mechanism() == Resource.Mechanism.NETEM) return " (netem)";
        List<String> how = new ArrayList<>();
        if (i.impairment().rate() != null) how.add("tbf");
        if (i.impairment().loss() != null) how.add("nftables numgen at the ingress of " + (i.peer().ns() == null ? "" : i.peer().ns() + "/") + i.peer().iface());
        return " (" + String.join(" + ", how) + ")";
    }

    /** The faults in effect, for status and -j. */
    static Map<String, Object> faultsJson(Labs labs, LabState st) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> imp = new LinkedHashMap<>();
        labs.impairments(st).forEach((end, i) -> {
            Map<String, Object> x = new LinkedHashMap<>(i.impairment().map());
            x.put("mechanism", i.mechanism() == Resource.Mechanism.NETEM ? "netem" : "tbf+nftables");
            imp.put(end, x);
        });
        m.put("impairments", imp);
        m.put("cuts", labs.cuts(st));
        m.put("partition", FaultPlanner.groups(st.lab(), labs.wiring(st), st.faults().partition()).stream().map(List::copyOf).toList());
        return m;
    }

    /** Lines for status: what is done to the lab, if anything. */
    static List<String> faultLines(Labs labs, LabState st) {
        List<String> out = new ArrayList<>();
        labs.impairments(st).forEach((end, i) -> out.add("impaired " + end + ": " + i.impairment().words() + mechanism(i)));
        labs.cuts(st).forEach(c -> out.add("cut cable " + c));
        List<Set<String>> groups = FaultPlanner.groups(st.lab(), labs.wiring(st), st.faults().partition());
        if (!groups.isEmpty()) out.add("partition: " + String.join(" | ", groups.stream().map(g -> String.join(",", g)).toList()));
        return out;
    }
}
