package org.sparselab.report;

import java.util.List;
import java.util.Map;
import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/** "The selected settings cut effective MACs (or params) at least {@code atLeast}×" against their dense baseline. */
@Doc("Every selected setting reduces effective MACs (or params) at least `at_least` times relative to its dense "
        + "baseline (without one: relative to its own dense count).")
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
            double factor = ComparisonTable.reduction(groups, g, quantity);
            if (Double.isNaN(factor)) return Verdict.Part.missing("no " + quantity + " counts for " + g.label());
            return Verdict.Part.of(factor >= atLeast, g.label() + ": " + Format.number(factor, 2) + "×");
        }, "", "; ", " (needed ≥ " + Format.number(atLeast, 2) + "×)");
    }
}
