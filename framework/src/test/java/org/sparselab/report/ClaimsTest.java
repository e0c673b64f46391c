package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigBinder;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigTypes;
import org.sparselab.config.YamlReader;

/** Claims as data: each verdict follows from the numbers, and a claim without runs says n/a instead of guessing. */
class ClaimsTest {
    @TempDir Path dir;

    private RunGroups groups;

    @BeforeEach
    void runs() throws IOException {
        FakeRuns runs = new FakeRuns(dir);
        for (int s = 0; s < 2; s++) {
            runs.run("none", "resnet20", s, 0.820 + 0.002 * s).write(); // 82.1
            runs.run("strucspars", "resnet20", s, 0.815 + 0.002 * s).target("0.5").effective(135_000, 20_000_000)
                    .write(); // 81.6: -0.5 pt, 2x
            runs.run("strucspars", "resnet20", s, 0.790 + 0.002 * s).target("0.75").effective(70_000, 10_000_000)
                    .write(); // 79.1: -3.0 pt, 4x
        }
        groups = new RunGroups(RunTable.fromRecords(dir).finished(), ReportConfig.DEFAULTS);
    }

    /** Binds a claim from YAML, as a suite file would hold it. */
    private static ClaimConfig claim(String yaml) {
        ConfigTypes types = new ConfigTypes();
        ClaimConfig.register(types);
        record Holder(ClaimConfig claim) {}
        return new ConfigBinder(types).bind(YamlReader.parse("claim: " + yaml, "<test>"), Holder.class).claim();
    }

    @Test
    void withinComparesAgainstTheDenseBaseline() {
        Verdict yes = claim("{kind: within, text: '50% MACs within 1.0 pt of dense', select: {method: strucspars, "
                + "target: 0.5}, tolerance: 1.0}").check(groups);
        assertEquals(Verdict.Result.YES, yes.result(), yes.detail());
        assertTrue(yes.detail().startsWith("Δ = -0.50 ± "), yes.detail());
        Verdict no = claim("{kind: within, text: t, select: {target: 0.75}, tolerance: 1.0}").check(groups);
        assertEquals(Verdict.Result.NO, no.result());
        assertTrue(no.detail().contains("-3.00"), no.detail());
    }

    @Test
    void withinAgainstAnExplicitReference() {
        Verdict v = claim("{kind: within, text: t, select: {target: 0.75}, reference: {target: 0.5}, tolerance: 3.0}")
                .check(groups);
        assertEquals(Verdict.Result.YES, v.result(), v.detail()); // 79.1 vs 81.6: -2.5 >= -3
    }

    @Test
    void orderingChecksEachStepOfTheChain() {
        Verdict v = claim("{kind: ordering, text: t, key: target, order: [0.5, 0.75], select: {method: strucspars}}")
                .check(groups);
        assertEquals(Verdict.Result.YES, v.result(), v.detail());
        assertTrue(v.detail().startsWith("0.5 81.60 ± 0.14 % ≥ 0.75 79.10 ± 0.14 %"), v.detail());
        Verdict reversed = claim("{kind: ordering, text: t, key: target, order: [0.75, 0.5]}").check(groups);
        assertEquals(Verdict.Result.NO, reversed.result());
    }

    @Test
    void reductionUsesTheBaselineCounts() {
        assertEquals(Verdict.Result.YES,
                claim("{kind: reduction, text: t, select: {target: 0.75}, at_least: 4}").check(groups).result());
        Verdict v = claim("{kind: reduction, text: t, select: {target: 0.5}, quantity: params, at_least: 3}")
                .check(groups);
        assertEquals(Verdict.Result.NO, v.result());
        assertTrue(v.detail().contains("2.00×"), v.detail());
    }

    @Test
    void aClaimWithoutRunsIsNotApplicable() {
        Verdict v = claim("{kind: within, text: t, select: {method: ssc}}").check(groups);
        assertEquals(Verdict.Result.NA, v.result());
        assertEquals("n/a", v.result().word());
    }

    @Test
    void malformedClaimsAreConfigErrors() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> claim("{kind: ordering, text: t, key: target, order: [0.5]}"));
        assertTrue(e.getMessage().contains("claim.order: expected at least two values"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> claim("{kind: winthin, text: t}"));
        assertTrue(e.getMessage().contains("did you mean within"), e.getMessage());
        assertEquals(List.of("within", "ordering", "reduction"), List.copyOf(types().names(ClaimConfig.class)));
    }

    private static ConfigTypes types() {
        ConfigTypes t = new ConfigTypes();
        ClaimConfig.register(t);
        return t;
    }
}
