package org.sparselab.methods.dynshuffle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;
import org.sparselab.methods.RunInfo;
import org.sparselab.nn.ShuffleSpec;
import org.sparselab.train.StepContext;

/** The soft → STE switch and the temperature as pure functions of the training position; checkpointed. */
class DynShuffleScheduleTest {
    private static final RunInfo TEN_EPOCHS = new RunInfo(new Shape(1, 24, 4, 4), Map.of("a", 4, "b", 6), 0);

    private static Block model(DynShuffle method) {
        return new SequentialBlock().add(method.shuffleFactory().shuffle(new ShuffleSpec("u0.shuffle", 24, 3)))
                .add(method.shuffleFactory().shuffle(new ShuffleSpec("u1.shuffle", 24, 3)));
    }

    /** The hook call after step {@code it} (0-based) of {@code perEpoch} in global epoch {@code epoch}. */
    private static StepContext step(int epoch, int it, int perEpoch) {
        return new StepContext(null, null, null, "a", 0, epoch, epoch, (long) epoch * perEpoch + it, it, perEpoch, 0.1,
                null);
    }

    @Test
    void straightThroughStartsAfterTheSoftWarmupFractionOfAllEpochs() {
        DynShuffle method = new DynShuffle(DynamicShuffleTest.cfg("soft_warmup_fraction: 0.25\n"));
        method.attach(model(method), TEN_EPOCHS); // 10 epochs over two phases: STE from epoch 2.5
        assertEquals(2, method.layers().size());
        assertFalse(method.layers().get(0).steHard());
        method.afterStep(step(2, 3, 10)); // position 2.4
        assertFalse(method.steNow());
        method.afterStep(step(2, 4, 10)); // position 2.5
        assertTrue(method.steNow());
        assertTrue(method.layers().stream().allMatch(DynamicShuffle::steHard));
    }

    @Test
    void cosineTemperatureAndResumeFromTheCheckpointedPosition() throws IOException {
        DynShuffle method = new DynShuffle(DynamicShuffleTest.cfg(
                "temperature: 1.0\ntemperature_anneal: cosine\ntemperature_min: 0.2\n"));
        method.attach(model(method), TEN_EPOCHS);
        assertEquals(1.0, method.temperatureNow(), 1e-12);
        method.afterStep(step(4, 9, 10)); // position 5 of 10: the midpoint
        assertEquals(0.6, method.temperatureNow(), 1e-12);
        byte[] bytes = method.saveState().toBytes();

        DynShuffle resumed = new DynShuffle(DynamicShuffleTest.cfg(
                "temperature: 1.0\ntemperature_anneal: cosine\ntemperature_min: 0.2\n"));
        resumed.attach(model(resumed), TEN_EPOCHS);
        resumed.loadState(org.sparselab.train.MethodState.fromBytes(bytes), null);
        assertEquals(0.6, resumed.temperatureNow(), 1e-12);
        assertEquals(method.steNow(), resumed.steNow());
    }

    @Test
    void binarizeModes() {
        for (String mode : new String[] {"never", "test_only", "ste_always"}) {
            DynShuffle method = new DynShuffle(DynamicShuffleTest.cfg("binarize: " + mode + "\n"));
            method.attach(model(method), TEN_EPOCHS);
            method.afterStep(step(9, 9, 10));
            assertEquals(mode.equals("ste_always"), method.steNow(), mode);
        }
    }

    @Test
    void aModelWithoutShufflePointsIsAConfigError() {
        DynShuffle method = new DynShuffle(DynamicShuffleTest.cfg(""));
        var e = assertThrows(ConfigException.class, () -> method.attach(Blocks.identityBlock(), TEN_EPOCHS));
        assertTrue(e.getMessage().contains("ShuffleNet"), e.getMessage());
        DynShuffle fixed = new DynShuffle(org.sparselab.config.ConfigLoader.parse("name: dynshuffle\n",
                DynShuffleConfig.class).config()); // shuffle defaults to fixed
        fixed.attach(Blocks.identityBlock(), TEN_EPOCHS); // fixed: nothing to attach to, and that is fine
    }
}
