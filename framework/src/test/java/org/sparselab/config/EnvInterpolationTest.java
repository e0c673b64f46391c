package org.sparselab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparselab.config.TestConfigs.parse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvInterpolationTest {
    private static final String YAML = "name: run-${env:WHO:-anon}-v1\ntrain:\n  epochs: ${env:EPOCHS:-3}\n";

    @Test
    void wholeValueReferenceIsRetyped() {
        assertEquals(3, parse(YAML, List.of(), Map.of()).train().epochs());
        assertEquals(7, parse(YAML, List.of(), Map.of("EPOCHS", "7")).train().epochs());
    }

    @Test
    void retypedValueIsCheckedLikeAnyOther() {
        var e = assertThrows(ConfigException.class, () -> parse(YAML, List.of(), Map.of("EPOCHS", "many")));
        assertEquals("<string>:3: train.epochs: expected an integer, found 'many'", e.getMessage());
    }

    @Test
    void embeddedReferenceStaysText() {
        assertEquals("run-anon-v1", parse(YAML, List.of(), Map.of()).name());
        assertEquals("run-bob-v1", parse(YAML, List.of(), Map.of("WHO", "bob")).name());
        assertEquals("run-12-v1", parse(YAML, List.of(), Map.of("WHO", "12")).name());
    }

    @Test
    void emptyVariableTakesTheDefault() {
        assertEquals("run-anon-v1", parse(YAML, List.of(), Map.of("WHO", "")).name());
    }

    @Test
    void missingVariableWithoutDefaultIsLocated() {
        var e = assertThrows(
                ConfigException.class, () -> parse("train:\n  epochs: ${env:NOPE}\n", List.of(), Map.of()));
        assertEquals("<string>:2: train.epochs: environment variable NOPE is not set and has no default",
                e.getMessage());
    }

    @Test
    void malformedReferenceIsAnError() {
        var e = assertThrows(ConfigException.class,
                () -> parse("name: a${env:X\ntrain: {epochs: 1}\n", List.of(), Map.of("X", "1")));
        assertEquals("<string>:1: name: malformed reference in 'a${env:X' (expected ${env:VAR} or ${env:VAR:-default})",
                e.getMessage());
    }

    @Test
    void overrideValuesAreInterpolatedToo() {
        assertEquals(9, parse(YAML, List.of("train.epochs=${env:E}"), Map.of("E", "9")).train().epochs());
    }
}
