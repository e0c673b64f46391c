package org.sparselab.report;

import org.sparselab.config.ConfigTypes;
import org.sparselab.config.Doc;
import org.sparselab.config.Variants;

/**
 * A paper's claim written as data, checked against our numbers: {@link #check} computes a verdict from the run
 * groups and the spread over their seeds (see {@link Verdict}), never from anything the claim asserts. Selections
 * are {@code key → value} maps over group settings, with the short keys {@code method}, {@code model},
 * {@code dataset}, {@code target} and {@code variant}.
 */
@Variants(key = "kind")
@Doc("A claim checked against the numbers (kind: within | ordering | reduction | compare); the verdict (yes, no, "
        + "inconclusive, n/a) is computed from the runs and the spread over their seeds. `select` maps keys to values "
        + "(short keys: method, model, dataset, target, variant).")
public interface ClaimConfig {
    String kind();

    /** The claim as the report states it, e.g. "50% MACs within 1.0 pt of dense". */
    String text();

    /** The verdict on the grouped runs. */
    Verdict check(RunGroups groups);

    /** Registers the kinds of claim. */
    static void register(ConfigTypes types) {
        types.register(ClaimConfig.class, "within", WithinClaim.class);
        types.register(ClaimConfig.class, "ordering", OrderingClaim.class);
        types.register(ClaimConfig.class, "reduction", ReductionClaim.class);
        types.register(ClaimConfig.class, "compare", CompareClaim.class);
    }
}
