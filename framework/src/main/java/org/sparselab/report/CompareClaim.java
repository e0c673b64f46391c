package org.sparselab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/**
 * "Setting A is at least (or at most) as accurate as setting B", e.g. a new method against a baseline at equal
 * params: each group {@code a} selects is paired with the one group {@code b} selects that agrees with it on every
 * {@code pair_by} key, and Δ = mean(A) − mean(B) is judged on its confidence interval against the margin
 * ({@code at_least}: Δ ≥ −margin; {@code at_most}: Δ ≤ margin). With {@code equal_cost}, a pair whose effective params
 * (or MACs) differ by more than {@code cost_tolerance} (relative) is n/a: the claim is about equal cost.
 */
@Doc("Setting a against setting b: Δ = mean(a) − mean(b) ≥ −margin (direction at_least) or ≤ margin (at_most), "
        + "judged on the 95 % Welch interval of Δ; each group of a is paired with the one group of b that has the "
        + "same values of the pair_by keys.")
public record CompareClaim(
        @Doc("Claim kind.") String kind,
        @Doc("The claim as the report states it.") String text,
        @Doc("Setting A (key → value), e.g. {method: ssc, target: 0.5}.") Map<String, String> a,
        @Doc("Setting B (key → value), e.g. {method: snip}.") Map<String, String> b,
        @Doc("at_least (A ≥ B − margin) or at_most (A ≤ B + margin).") @Default("at_least") String direction,
        @Doc("Slack in percentage points: how far A may fall short of B (at_least) or exceed it (at_most); negative "
                + "demands a lead of that size.")
        @Default("0") double margin,
        @Doc("Keys on which a group of A and its B must agree (short keys allowed).") @Default("[model, dataset]")
        List<String> pairBy,
        @Doc("none, params or macs: the pair must have equal effective params (or MACs), within cost_tolerance.")
        @Default("none") String equalCost,
        @Doc("Largest relative difference of the costs that still counts as equal (0.02 = 2 %).") @Default("0.02")
        double costTolerance,
        @Doc("The run-table column compared instead of top-1 (e.g. metrics.cycle_model.cycles); margin is then in "
                + "its units.") @Default("null") String metric) implements ClaimConfig {

    public static final String AT_LEAST = "at_least";
    public static final String AT_MOST = "at_most";

    public CompareClaim {
        Check.notBlank("text", text);
        if (a == null || a.isEmpty()) throw ConfigException.expected("a", "a non-empty selection (key → value)", a);
        if (b == null || b.isEmpty()) throw ConfigException.expected("b", "a non-empty selection (key → value)", b);
        Check.oneOf("direction", direction, List.of(AT_LEAST, AT_MOST));
        Check.oneOf("equal_cost", equalCost, List.of("none", "params", "macs"));
        Check.nonNegative("cost_tolerance", costTolerance);
        if (!Double.isFinite(margin)) throw ConfigException.expected("margin", "a finite number", margin);
        a = Map.copyOf(a);
        b = Map.copyOf(b);
        pairBy = pairBy == null ? List.of() : List.copyOf(pairBy);
    }

    @Override
    public Verdict check(RunGroups groups) {
        List<RunGroups.Group> as = groups.select(a);
        if (as.isEmpty()) return Verdict.missing(text, "no finished runs match a = " + a);
        List<RunGroups.Group> bs = groups.select(b);
        if (bs.isEmpty()) return Verdict.missing(text, "no finished runs match b = " + b);
        List<Verdict.Part> parts = new ArrayList<>();
        for (RunGroups.Group ga : as) {
            List<RunGroups.Group> partners = bs.stream().filter(gb -> gb != ga && paired(groups, ga, gb)).toList();
            if (partners.size() != 1) {
                return Verdict.missing(text, (partners.isEmpty() ? "no setting of b = " + b
                        : partners.size() + " settings of b = " + b) + " with the " + pairBy + " of " + ga.label()
                        + (partners.isEmpty() ? "" : "; narrow b or add keys to pair_by"));
            }
            RunGroups.Group gb = partners.get(0);
            String cost = costMismatch(ga, gb);
            if (cost != null) return Verdict.missing(text, cost);
            Stats sa = metric == null ? ga.accuracyPct() : ga.stats(metric);
            Stats sb = metric == null ? gb.accuracyPct() : gb.stats(metric);
            if (metric != null && (!Double.isFinite(sa.mean()) || !Double.isFinite(sb.mean()))) {
                return Verdict.missing(text, "no " + metric + " in the runs of " + ga.label() + " or " + gb.label());
            }
            Stats.Difference d = sa.minus(sb);
            Stats.Interval ci = d.interval(Verdict.CONFIDENCE);
            Verdict.Result r = direction.equals(AT_LEAST) ? Verdict.Part.atLeast(ci, -margin)
                    : Verdict.Part.atMost(ci, margin);
            String unit = metric == null ? " %" : ""; // a metric (e.g. cycles) is stated in its own units
            parts.add(new Verdict.Part(r, Verdict.describe(d, sa, sb, metric == null ? " pt" : "") + " ("
                    + Format.describe(ga, sa, unit) + " vs " + Format.describe(gb, sb, unit) + ")"));
        }
        String need = direction.equals(AT_LEAST) ? "Δ ≥ " + Format.signed(0.0 - margin, 1)
                : "Δ ≤ " + Format.signed(margin, 1);
        return Verdict.combine(text, parts, "", "; ", "; needs " + need + (metric == null ? " pt" : " (" + metric + ")"));
    }

    private boolean paired(RunGroups groups, RunGroups.Group x, RunGroups.Group y) {
        for (String k : pairBy) {
            if (!RunGroups.sameValue(groups.valueOf(x, k), groups.valueOf(y, k))) return false;
        }
        return true;
    }

    /** Why the pair is not at equal cost, or null when it is (or when no equal cost is asked for). */
    private String costMismatch(RunGroups.Group x, RunGroups.Group y) {
        if (equalCost.equals("none")) return null;
        double cx = x.stats(RunTable.METRICS + "effective_" + equalCost).mean();
        double cy = y.stats(RunTable.METRICS + "effective_" + equalCost).mean();
        if (!Double.isFinite(cx) || !Double.isFinite(cy)) return "no " + equalCost + " counts for the pair";
        double rel = Math.abs(cx - cy) / Math.max(Math.abs(cy), Double.MIN_NORMAL);
        if (rel <= costTolerance) return null;
        return "not at equal " + equalCost + ": " + x.label() + " " + Format.number(cx / 1e6, 3) + " M vs "
                + y.label() + " " + Format.number(cy / 1e6, 3) + " M (" + Format.number(rel * 100, 1)
                + " % apart, more than " + Format.number(costTolerance * 100, 1) + " %)";
    }
}
