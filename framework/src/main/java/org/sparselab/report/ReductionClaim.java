package org.sparselab.report;

import java.util.List;
import java.util.Map;
import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/**
 * "The selected settings cut effective MACs (or params) at least {@code atLeast}×" against their dense baseline,
 * judged on the 95 % t intervals of both mean counts: the factor's interval runs from the baseline's lowest count over
 * the setting's highest to the baseline's highest over the setting's lowest (conservative), and must lie wholly at or
 * above {@code atLeast} for a yes, wholly below for a no.
 */
@Doc("Every selected setting reduces effective MACs (or params) at least `at_least` times relative to its dense "
        + "baseline (without one: relative to its own dense count), judged on the 95 % t intervals of the mean counts.")
public record ReductionClaim(
        @Doc("Claim kind.") String kind,
        @Doc("The claim as the report states it.") String text,
        @Doc("Which settings (key → value).") Map<String, String> select,
        @Doc("macs or params.") @Default("macs") String quantity,
        @Doc("Smallest accepted reduction factor.") double atLeast) implements ClaimConfig {

    public ReductionClaim {
        Check.notBlank("text", text);
        Check.oneOf("quantity", quantity, List.of("macs", "params"));
        Check.positive("at_least", atLeast);
        select = select == null ? Map.of() : Map.copyOf(select);
    }

    @Override
    public Verdict check(RunGroups groups) {
        return Verdict.everySelected(text, groups, select, g -> {
            Stats own = g.stats(RunTable.METRICS + "effective_" + quantity);
            RunGroups.Group base = groups.baselineOf(g);
            Stats reference = base != null ? base.stats(RunTable.METRICS + "effective_" + quantity)
                    : g.stats(RunTable.METRICS + quantity);
            if (!own.present() || !reference.present()) {
                return Verdict.Part.missing("no " + quantity + " counts for " + g.label());
            }
            String factor = g.label() + ": " + Format.number(reference.mean() / own.mean(), 2) + "×";
            Stats.Interval ownCi = own.interval(Verdict.CONFIDENCE);
            Stats.Interval refCi = reference.interval(Verdict.CONFIDENCE);
            if (ownCi == null || refCi == null) {
                return new Verdict.Part(Verdict.Result.INCONCLUSIVE, factor + ", no interval: n = " + own.n()
                        + (base != null ? " vs " + reference.n() + " baseline run(s)" : "")
                        + " (a side with fewer than two runs has no spread)");
            }
            Stats.Interval ci = new Stats.Interval(refCi.low() / ownCi.high(),
                    ownCi.low() > 0 ? refCi.high() / ownCi.low() : Double.POSITIVE_INFINITY, Verdict.CONFIDENCE,
                    Double.NaN);
            return new Verdict.Part(Verdict.Part.atLeast(ci, atLeast), factor + " [" + Format.number(ci.low(), 2)
                    + "×, " + Format.number(ci.high(), 2) + "×]");
        }, "", "; ", " (needed ≥ " + Format.number(atLeast, 2) + "×; brackets: from the 95 % intervals of the counts)");
    }
}
