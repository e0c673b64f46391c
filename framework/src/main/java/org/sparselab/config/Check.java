package org.sparselab.config;

import java.util.Collection;
import java.util.List;

/** Range checks for record constructors; each failure names the key (relative to the record) and the expectation. */
public final class Check {
    private Check() {}

    public static void positive(String key, long value) {
        if (value <= 0) throw ConfigException.expected(key, "a positive integer", value);
    }

    public static void nonNegative(String key, long value) {
        if (value < 0) throw ConfigException.expected(key, "an integer >= 0", value);
    }

    public static void positive(String key, double value) {
        if (!(value > 0) || !Double.isFinite(value)) throw ConfigException.expected(key, "a positive number", value);
    }

    public static void nonNegative(String key, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) throw ConfigException.expected(key, "a number >= 0", value);
    }

    /** lo <= value < hi. */
    public static void inHalfOpen(String key, double value, double lo, double hi) {
        if (!(value >= lo && value < hi)) throw ConfigException.expected(key, "a number in [" + lo + ", " + hi + ")", value);
    }

    /** lo <= value <= hi. */
    public static void inClosed(String key, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) throw ConfigException.expected(key, "a number in [" + lo + ", " + hi + "]", value);
    }

    public static void oneOf(String key, String value, Collection<String> allowed) {
        if (!allowed.contains(value)) {
            String hint = Suggest.nearest(value, allowed).map(s -> " (did you mean " + s + "?)").orElse("");
            throw new ConfigException(key, "expected one of " + List.copyOf(allowed) + ", found '" + value + "'" + hint);
        }
    }

    public static void divides(String key, int divisor, int channels, String what) {
        if (divisor <= 0 || channels % divisor != 0) {
            throw new ConfigException(key, divisor + " does not divide " + what + " (" + channels + ")");
        }
    }

    public static void notBlank(String key, String value) {
        if (value == null || value.isBlank()) throw ConfigException.expected(key, "a non-empty string", value);
    }
}
