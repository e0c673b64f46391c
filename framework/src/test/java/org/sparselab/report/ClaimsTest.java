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

/**
 * Claims as data: each verdict follows from the numbers and their spread over seeds (yes / no beyond the 95 % Welch
 * interval, inconclusive inside it or with one run), and a claim without runs says n/a instead of guessing.
 *
 * <p>The runs: three seeds per setting at v, v + 0.2 and v + 0.4 points, so every setting has sd 0.2, se² = 0.04/3,
 * and a difference of two settings has se = √(0.08/3) = 0.1633 with ν = 4 (equal variances and sizes):
 * half-width t(0.975, 4) · 0.1633 = 2.7764 · 0.1633 = 0.4534.
 */
class ClaimsTest {
    private static final double HALF = 2.7764451051977934 * Math.sqrt(0.08 / 3);

    @TempDir Path dir;

    private RunGroups groups;

    @BeforeEach
    void runs() throws IOException {
        FakeRuns runs = new FakeRuns(dir);
        for (int s = 0; s < 3; s++) {
            runs.run("none", "resnet20", s, 0.820 + 0.002 * s).write(); // mean 82.2
            runs.run("strucspars", "resnet20", s, 0.816 + 0.002 * s).target("0.5").effective(135_000, 20_000_000)
                    .write(); // 81.8: Δ −0.4 ± 0.45, 2x
            runs.run("strucspars", "resnet20", s, 0.790 + 0.002 * s).target("0.75").effective(70_000, 10_000_000)
                    .write(); // 79.2: Δ −3.0 ± 0.45, 4x
        }
        runs.run("strucspars", "resnet20", 0, 0.70).target("0.9").effective(30_000, 5_000_000).write(); // one seed
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
    void withinIsJudgedOnTheIntervalOfTheDifference() {
        // Δ = −0.40, CI [−0.85, +0.05]: wholly above −1 (yes), straddles −0.5 (inconclusive).
        Verdict yes = claim("{kind: within, text: '50% MACs within 1.0 pt of dense', select: {method: strucspars, "
                + "target: 0.5}, tolerance: 1.0}").check(groups);
        assertEquals(Verdict.Result.YES, yes.result(), yes.detail());
        assertTrue(yes.detail().startsWith(String.format(java.util.Locale.ROOT,
                "Δ = -0.40 pt, 95 %% CI [%+.2f, %+.2f], ν = 4.0 (", -0.4 - HALF, -0.4 + HALF)), yes.detail());
        assertTrue(yes.detail().endsWith("needs Δ ≥ -1.0 pt"), yes.detail());
        Verdict unsure = claim("{kind: within, text: t, select: {target: 0.5}, tolerance: 0.5}").check(groups);
        assertEquals(Verdict.Result.INCONCLUSIVE, unsure.result(), unsure.detail());
        assertEquals("inconclusive", unsure.result().word());
        // Δ = −3.0, CI [−3.45, −2.55]: wholly below −1.
        Verdict no = claim("{kind: within, text: t, select: {target: 0.75}, tolerance: 1.0}").check(groups);
        assertEquals(Verdict.Result.NO, no.result());
        assertTrue(no.detail().contains("Δ = -3.00 pt"), no.detail());
    }

    @Test
    void oneRunOnASideIsInconclusiveAndSaysWhy() {
        // 70.0 % against 82.2 %: far apart, but one run has no spread to judge by.
        Verdict v = claim("{kind: within, text: t, select: {target: 0.9}, tolerance: 1.0}").check(groups);
        assertEquals(Verdict.Result.INCONCLUSIVE, v.result(), v.detail());
        assertTrue(v.detail().contains("no interval: n = 1 vs 3 (a side with fewer than two runs has no spread)"),
                v.detail());
        Verdict r = claim("{kind: reduction, text: t, select: {target: 0.9}, at_least: 2}").check(groups);
        assertEquals(Verdict.Result.INCONCLUSIVE, r.result(), r.detail());
        assertTrue(r.detail().contains("8.00×, no interval: n = 1 vs 3 baseline run(s)"), r.detail());
    }

    @Test
    void withinAgainstAnExplicitReference() {
        Verdict v = claim("{kind: within, text: t, select: {target: 0.75}, reference: {target: 0.5}, tolerance: 3.5}")
                .check(groups);
        assertEquals(Verdict.Result.YES, v.result(), v.detail()); // Δ = −2.6, CI [−3.05, −2.15]: wholly ≥ −3.5
    }

    @Test
    void orderingChecksEachStepOfTheChain() {
        Verdict v = claim("{kind: ordering, text: t, key: target, order: [0.5, 0.75], select: {method: strucspars}}")
                .check(groups);
        assertEquals(Verdict.Result.YES, v.result(), v.detail());
        assertTrue(v.detail().startsWith("0.5 81.80 ± 0.20 % (n = 3) [Δ = +2.60 pt, 95 % CI [+2.15, +3.05], ν = 4.0: "
                + "yes] ≥ 0.75 79.20 ± 0.20 % (n = 3)"), v.detail());
        Verdict reversed = claim("{kind: ordering, text: t, key: target, order: [0.75, 0.5]}").check(groups);
        assertEquals(Verdict.Result.NO, reversed.result());
        // The reversed step, Δ = −2.6 with CI [−3.05, −2.15], against a tolerance of 2.4 points: straddles −2.4.
        Verdict slack = claim("{kind: ordering, text: t, key: target, order: [0.75, 0.5], tolerance: 2.4}")
                .check(groups);
        assertEquals(Verdict.Result.INCONCLUSIVE, slack.result(), slack.detail());
    }

    @Test
    void reductionUsesTheBaselineCounts() {
        assertEquals(Verdict.Result.YES,
                claim("{kind: reduction, text: t, select: {target: 0.75}, at_least: 4}").check(groups).result());
        Verdict v = claim("{kind: reduction, text: t, select: {target: 0.5}, quantity: params, at_least: 3}")
                .check(groups);
        assertEquals(Verdict.Result.NO, v.result());
        assertTrue(v.detail().contains("2.00× [2.00×, 2.00×]"), v.detail()); // counts equal over seeds: exact
    }

    @Test
    void compareJudgesOneSettingAgainstAnother() {
        String ab = "text: t, a: {target: 0.5}, b: {target: 0.75}";
        Verdict ge = claim("{kind: compare, " + ab + "}").check(groups); // Δ = +2.6, CI [+2.15, +3.05]
        assertEquals(Verdict.Result.YES, ge.result(), ge.detail());
        assertTrue(ge.detail().endsWith("; needs Δ ≥ +0.0 pt"), ge.detail());
        assertEquals(Verdict.Result.NO, claim("{kind: compare, " + ab + ", direction: at_most}").check(groups)
                .result());
        Verdict lead = claim("{kind: compare, " + ab + ", margin: -3}").check(groups); // a lead of 3 pt: straddled
        assertEquals(Verdict.Result.INCONCLUSIVE, lead.result(), lead.detail());
        assertTrue(lead.detail().endsWith("needs Δ ≥ +3.0 pt"), lead.detail());
        assertEquals(Verdict.Result.YES, claim("{kind: compare, " + ab + ", margin: -2}").check(groups).result());
    }

    @Test
    void compareOnAMetricStatesItsNumbersWithoutPercentOrPoints() {
        Verdict v = claim("{kind: compare, text: t, a: {target: 0.75}, b: {target: 0.5}, direction: at_most, "
                + "metric: metrics.effective_params}").check(groups);
        assertEquals(Verdict.Result.YES, v.result(), v.detail());
        assertTrue(!v.detail().contains(" pt") && !v.detail().contains("0 %"), v.detail());
        assertTrue(v.detail().matches("Δ = -[0-9]+\\.00, .*\\(.*: [0-9]+\\.00 ± 0\\.00, n = 3 vs .*: [0-9]+\\.00 ± "
                + "0\\.00, n = 3\\); needs Δ ≤ \\+0\\.0 \\(metrics.effective_params\\)"), v.detail());
    }

    @Test
    void compareAtEqualCostRefusesPairsOfDifferentCost() {
        Verdict v = claim("{kind: compare, text: t, a: {target: 0.5}, b: {target: 0.75}, equal_cost: params}")
                .check(groups);
        assertEquals(Verdict.Result.NA, v.result());
        assertTrue(v.detail().contains("not at equal params") && v.detail().contains("0.135 M vs"), v.detail());
        Verdict ambiguous = claim("{kind: compare, text: t, a: {target: 0.5}, b: {method: strucspars}}").check(groups);
        assertEquals(Verdict.Result.NA, ambiguous.result());
        assertTrue(ambiguous.detail().startsWith("2 settings of b"), ambiguous.detail());
        Verdict paired = claim("{kind: compare, text: t, a: {target: 0.5}, b: {method: strucspars}, "
                + "pair_by: [model, dataset], equal_cost: macs, cost_tolerance: 0.1}").check(groups);
        assertEquals(Verdict.Result.NA, paired.result(), "still two partners: cost does not pick one");
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
        assertEquals(List.of("within", "ordering", "reduction", "compare"),
                List.copyOf(types().names(ClaimConfig.class)));
        e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> claim("{kind: compare, text: t, a: {target: 0.5}, b: {target: 0.75}, direction: above}"));
        assertTrue(e.getMessage().contains("claim.direction"), e.getMessage());
    }

    private static ConfigTypes types() {
        ConfigTypes t = new ConfigTypes();
        ClaimConfig.register(t);
        return t;
    }
}
