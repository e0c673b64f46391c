package org.sparselab.config;

import java.util.Collection;
import java.util.List;

/** Range checks for record constructors; each failure names the key (relative to the record) and the expectation. */
public final class Check {
    private Check() {}

    private static ConfigException expected(String key, String what, Object found) {
        return ConfigException.expected(key, what, found);
    }

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

    /**
     * A name that becomes one directory level under an output or tracking directory (a run's name, experiment, sweep
     * or suite): letters, digits, '_', '.', '-', and not made of dots only, so no value can climb out with '..'.
     */
    public static void pathSegment(String key, String value) {
        if (value == null || !value.matches("[A-Za-z0-9_.-]+") || value.matches("\\.+")) {
            throw expected(key, "a name of letters, digits, '_', '.', '-' that is not '.' or '..' (it names a "
                    + "directory)", value);
        }
    }

    public static void notBlank(String key, String value) {
        if (value == null || value.isBlank()) throw ConfigException.expected(key, "a non-empty string", value);
    }
}
