package org.sparselab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.nn.Conv2dBlock;
import org.sparselab.nn.ConvSpec;

class CheckpointTest {
    @TempDir Path dir;

    @Test
    void roundTripsEveryField() throws IOException {
        Path f = dir.resolve("checkpoint.bin");
        var c = new Checkpoint(1, 4, 9, 1234L, 0.875, 7, "abc123", new byte[] {1, 2}, new byte[] {3}, new byte[0]);
        c.write(f);
        var r = Checkpoint.read(f);
        assertEquals(1, r.phaseIndex());
        assertEquals(4, r.epochInPhase());
        assertEquals(9, r.epoch());
        assertEquals(1234L, r.step());
        assertEquals(0.875, r.bestTop1());
        assertEquals(7, r.bestEpoch());
        assertEquals("abc123", r.configSha256());
        assertArrayEquals(new byte[] {1, 2}, r.parameters());
        assertArrayEquals(new byte[] {3}, r.optimizerState());
        assertEquals(0, r.methodState().length);
        assertFalse(Files.exists(dir.resolve("checkpoint.bin.tmp")), "temp file must be renamed away");
    }

    @Test
    void truncatedCheckpointIsNamed() throws IOException {
        Path f = dir.resolve("checkpoint.bin");
        new Checkpoint(0, 0, 0, 1, 0, 0, "x", new byte[100], new byte[0], new byte[0]).write(f);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 50));
        var e = assertThrows(IOException.class, () -> Checkpoint.read(f));
        assertTrue(e.getMessage().contains("checkpoint is truncated"), e.getMessage());
    }

    @Test
    void parametersRoundTripIntoTheSameArrays() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            var a = net();
            a.initialize(m, DataType.FLOAT32, new Shape(1, 2, 4, 4));
            var b = net();
            b.initialize(m, DataType.FLOAT32, new Shape(1, 2, 4, 4));
            var wa = a.getParameters().get(0).getValue().getArray();
            var wb = b.getParameters().get(0).getValue().getArray();
            wb.setRequiresGradient(true);
            assertFalse(wa.contentEquals(wb), "two random inits differ");
            byte[] saved = Checkpoint.bytes(out -> ParameterIO.save(a, out));
            ParameterIO.load(b, Checkpoint.input(saved));
            assertTrue(wa.contentEquals(b.getParameters().get(0).getValue().getArray()));
            assertTrue(b.getParameters().get(0).getValue().getArray() == wb, "loaded in place");
            assertTrue(wb.hasGradient(), "gradient attachment survives loading");
        }
    }

    @Test
    void parameterShapeMismatchIsAnError() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            var a = net();
            a.initialize(m, DataType.FLOAT32, new Shape(1, 2, 4, 4));
            var other = new SequentialBlock().add(Conv2dBlock.builder()
                    .setSpec(ConvSpec.of("c", ConvSpec.Role.STEM, 2, 4, 1, 1, 1)).build()).add(BatchNorm.builder().build());
            other.initialize(m, DataType.FLOAT32, new Shape(1, 2, 4, 4));
            byte[] saved = Checkpoint.bytes(out -> ParameterIO.save(a, out));
            var e = assertThrows(IOException.class, () -> ParameterIO.load(other, Checkpoint.input(saved)));
            assertTrue(e.getMessage().startsWith("parameter mismatch"), e.getMessage());
        }
    }

    private static SequentialBlock net() {
        return new SequentialBlock()
                .add(Conv2dBlock.builder().setSpec(ConvSpec.of("c", ConvSpec.Role.STEM, 2, 4, 3, 1, 1)).build())
                .add(BatchNorm.builder().build());
    }
}
