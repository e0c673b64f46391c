package org.sparselab.report;

import java.util.List;
import java.util.Map;
import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/**
 * "The selected settings lose at most {@code tolerance} points of accuracy against a reference": for each selected
 * group, Δ = mean(group) − mean(reference) ≥ −tolerance, judged on the confidence interval of Δ (yes when its lower
 * end is at or above −tolerance, no when its upper end is below). A gain passes; every selected group must pass.
 */
@Doc("Every selected setting loses at most `tolerance` points of accuracy against its reference: "
        + "Δ = mean − reference mean ≥ −tolerance (a gain passes), judged on the 95 % Welch interval of Δ.")
public record WithinClaim(
        @Doc("Claim kind.") String kind,
        @Doc("The claim as the report states it.") String text,
        @Doc("Which settings (key → value).") Map<String, String> select,
        @Doc("The reference setting (key → value); unset = each selected setting's dense baseline.")
        @Default("null") Map<String, String> reference,
        @Doc("Largest accepted loss in percentage points.") @Default("1.0") double tolerance) implements ClaimConfig {

    public WithinClaim {
        Check.notBlank("text", text);
        Check.nonNegative("tolerance", tolerance);
        select = select == null ? Map.of() : Map.copyOf(select);
        if (reference != null) reference = Map.copyOf(reference);
    }

    @Override
    public Verdict check(RunGroups groups) {
        return Verdict.everySelected(text, groups, select, g -> {
            RunGroups.Group ref = reference == null ? groups.baselineOf(g) : closest(groups.select(reference), g);
            if (ref == null) {
                return Verdict.Part.missing("no reference runs for " + g.label()
                        + (reference == null ? " (no dense baseline with the same model and dataset)" : ""));
            }
            Stats a = g.accuracyPct();
            Stats b = ref.accuracyPct();
            Stats.Difference d = a.minus(b);
            return new Verdict.Part(Verdict.Part.atLeast(d.interval(Verdict.CONFIDENCE), -tolerance),
                    Verdict.describe(d, a, b) + " (" + Format.describe(g, a) + " vs " + Format.describe(ref, b) + ")");
        }, "", "; ", "; needs Δ ≥ " + Format.signed(0.0 - tolerance, 1) + " pt");
    }

    /** Of the reference candidates, the one with the same model and dataset as {@code g}, else the first. */
    static RunGroups.Group closest(List<RunGroups.Group> candidates, RunGroups.Group g) {
        for (RunGroups.Group c : candidates) {
            if (c.model().equals(g.model()) && c.dataset().equals(g.dataset())) return c;
        }
        return candidates.isEmpty() ? null : candidates.get(0);
    }
}
