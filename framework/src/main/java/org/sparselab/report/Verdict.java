package org.sparselab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The outcome of checking one claim: yes, no, or n/a when the runs it needs are missing; with the numbers used. */
public record Verdict(String claim, Result result, String detail) {
    public enum Result {
        YES,
        NO,
        NA;

        /** {@code yes}, {@code no}, {@code n/a}. */
        public String word() {
            return this == NA ? "n/a" : name().toLowerCase(Locale.ROOT);
        }
    }

    static Verdict of(String claim, boolean pass, String detail) {
        return new Verdict(claim, pass ? Result.YES : Result.NO, detail);
    }

    static Verdict missing(String claim, String detail) {
        return new Verdict(claim, Result.NA, detail);
    }

    /** One selected setting's part of a verdict: pass or not with its numbers, or why it cannot be judged. */
    record Part(boolean pass, String detail, String missing) {
        static Part of(boolean pass, String detail) {
            return new Part(pass, detail, null);
        }

        static Part missing(String why) {
            return new Part(false, null, why);
        }
    }

    /**
     * "Every selected setting passes": {@code part} judges each group {@code select} matches; n/a when none matches
     * or one lacks the numbers. The detail is {@code prefix} + the parts joined by {@code separator} + {@code suffix}.
     */
    static Verdict everySelected(String claim, RunGroups groups, Map<String, String> select,
            Function<RunGroups.Group, Part> part, String prefix, String separator, String suffix) {
        List<RunGroups.Group> chosen = groups.select(select);
        if (chosen.isEmpty()) return missing(claim, "no finished runs match " + select);
        List<String> details = new ArrayList<>();
        boolean pass = true;
        for (RunGroups.Group g : chosen) {
            Part p = part.apply(g);
            if (p.missing() != null) return missing(claim, p.missing());
            pass &= p.pass();
            details.add(p.detail());
        }
        return of(claim, pass, prefix + String.join(separator, details) + suffix);
    }
}
