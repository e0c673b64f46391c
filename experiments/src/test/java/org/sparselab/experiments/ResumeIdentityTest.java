package org.sparselab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigLoader;
import org.sparselab.config.ConfigWriter;
import org.sparselab.studies.SweepPlanTest;

/** A checkpoint written under an older config identity still resumes; one of another config is not taken for it. */
class ResumeIdentityTest {
    private static ConfigLoader.Loaded<ExperimentConfig> load(String... overrides) {
        return ConfigLoader.parse(SweepPlanTest.BASE, List.of(overrides), ExperimentConfig.class, Schema.types(),
                Map.of());
    }

    @Test
    void olderIdentitiesOfTheSameConfigAreKept() {
        var loaded = load();
        String whole = ConfigWriter.sha256(loaded.config());
        String withoutTracking = ConfigWriter.legacyIdentitySha256(loaded.yaml(), ExperimentConfig.class);
        assertNotEquals(whole, loaded.sha256());
        assertNotEquals(withoutTracking, loaded.sha256());
        assertEquals(whole, RunPipeline.resumeIdentity(whole, loaded));
        assertEquals(withoutTracking, RunPipeline.resumeIdentity(withoutTracking, loaded));
        assertEquals(loaded.sha256(), RunPipeline.resumeIdentity(loaded.sha256(), loaded));
    }

    @Test
    void anotherConfigsCheckpointGetsTodaysIdentityAndTheTrainerRefusesIt() {
        var other = load("train.epochs=2");
        var loaded = load();
        String theirs = ConfigWriter.legacyIdentitySha256(other.yaml(), ExperimentConfig.class);
        assertEquals(loaded.sha256(), RunPipeline.resumeIdentity(theirs, loaded));
    }

    @Test
    void theCompileModeIsNotPartOfTheIdentity() { // same ops either way: one run, resumable under either
        var plain = load();
        var none = load("train.compile=none");
        assertEquals(plain.sha256(), none.sha256());
        assertEquals(plain.sha256(), load("train.compile=torchscript").sha256());
        assertEquals(none.sha256(), RunPipeline.resumeIdentity(plain.sha256(), none));
        assertTrue(none.yaml().contains("compile: none"), "still written to the resolved YAML: " + none.yaml());
    }
}
