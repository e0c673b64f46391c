package org.sparselab.report;

import java.util.Locale;

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
}
