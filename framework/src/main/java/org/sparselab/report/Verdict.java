package org.sparselab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The outcome of checking one claim against the spread over seeds, with the numbers used: yes (the claim holds over
 * the whole confidence interval), no (its opposite does), inconclusive (the interval straddles the claim's threshold,
 * or a side has fewer than two runs), or n/a when the runs it needs are missing.
 */
public record Verdict(String claim, Result result, String detail) {
    /** Confidence level of every interval a verdict is judged on. */
    public static final double CONFIDENCE = 0.95;

    /** How the verdicts are reached, for the report page. */
    public static final String METHOD = "Each verdict is computed from the runs above, using the spread over seeds: "
            + "every comparison of accuracies is judged on the 95 % confidence interval of the difference of the two "
            + "means (Welch's t interval: unequal variances, Welch–Satterthwaite degrees of freedom ν), every "
            + "reduction on the 95 % t intervals of the mean counts. **yes**: the claim holds over the whole "
            + "interval; **no**: its opposite holds over the whole interval; **inconclusive**: the interval "
            + "straddles the claim's threshold, or a side has fewer than two runs (no spread to judge by); "
            + "**n/a**: the runs it needs are missing.";

    public enum Result {
        YES,
        NO,
        INCONCLUSIVE,
        NA;

        /** {@code yes}, {@code no}, {@code inconclusive}, {@code n/a}. */
        public String word() {
            return this == NA ? "n/a" : name().toLowerCase(Locale.ROOT);
        }

        /** Every part must hold: n/a if any part is, else no if any is, else inconclusive if any is, else yes. */
        static Result all(List<Result> parts) {
            for (Result r : List.of(NA, NO, INCONCLUSIVE)) if (parts.contains(r)) return r;
            return YES;
        }
    }

    static Verdict missing(String claim, String detail) {
        return new Verdict(claim, Result.NA, detail);
    }

    /** One part of a verdict (a selected setting, a step of a chain): its result and numbers, or why it is n/a. */
    record Part(Result result, String detail) {
        static Part missing(String why) {
            return new Part(Result.NA, why);
        }

        /**
         * "{@code value ≥ threshold}" judged on {@code interval} (null when the spread is unknown): yes when the whole
         * interval is at or above the threshold, no when it is wholly below, inconclusive otherwise.
         */
        static Result atLeast(Stats.Interval interval, double threshold) {
            if (interval == null) return Result.INCONCLUSIVE;
            if (interval.low() >= threshold) return Result.YES;
            if (interval.high() < threshold) return Result.NO;
            return Result.INCONCLUSIVE;
        }

        /** "{@code value ≤ threshold}" judged on {@code interval}, as {@link #atLeast}. */
        static Result atMost(Stats.Interval interval, double threshold) {
            if (interval == null) return Result.INCONCLUSIVE;
            if (interval.high() <= threshold) return Result.YES;
            if (interval.low() > threshold) return Result.NO;
            return Result.INCONCLUSIVE;
        }
    }

    /** The parts combined by {@link Result#all}; an n/a verdict gives the first missing part's reason alone. */
    static Verdict combine(String claim, List<Part> parts, String prefix, String separator, String suffix) {
        for (Part p : parts) if (p.result() == Result.NA) return missing(claim, p.detail());
        List<String> details = new ArrayList<>();
        parts.forEach(p -> details.add(p.detail()));
        return new Verdict(claim, Result.all(parts.stream().map(Part::result).toList()),
                prefix + String.join(separator, details) + suffix);
    }

    /**
     * "Every selected setting passes": {@code part} judges each group {@code select} matches; n/a when none matches
     * or one lacks the numbers. The detail is {@code prefix} + the parts joined by {@code separator} + {@code suffix}.
     */
    static Verdict everySelected(String claim, RunGroups groups, Map<String, String> select,
            Function<RunGroups.Group, Part> part, String prefix, String separator, String suffix) {
        List<RunGroups.Group> chosen = groups.select(select);
        if (chosen.isEmpty()) return missing(claim, "no finished runs match " + select);
        return combine(claim, chosen.stream().map(part).toList(), prefix, separator, suffix);
    }

    /**
     * The numbers of an accuracy difference for a verdict's detail: {@code Δ = -0.50 pt, 95 % CI [-1.23, +0.23],
     * ν = 3.9}, or why there is no interval.
     */
    static String describe(Stats.Difference d, Stats a, Stats b) {
        return describe(d, a, b, " pt");
    }

    /** As {@link #describe(Stats.Difference, Stats, Stats)} for a difference in {@code unit} ("" for a count). */
    static String describe(Stats.Difference d, Stats a, Stats b, String unit) {
        Stats.Interval ci = d.interval(CONFIDENCE);
        String value = "Δ = " + Format.signed(d.value(), 2) + unit;
        if (ci == null) {
            return value + ", no interval: n = " + a.n() + " vs " + b.n() + " (a side with fewer than two runs has no "
                    + "spread)";
        }
        return value + ", " + Format.interval(ci, 2) + ", ν = " + Format.number(ci.df(), 1);
    }
}
