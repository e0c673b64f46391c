package org.sparselab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm2d computes, updates its running statistics and saves exactly as DJL's BatchNorm (axis 1, momentum 0.9,
 * eps 1e-5) does, and its output is no view, so in-place ops after it stay cheap.
 */
class BatchNorm2dTest {
    private static final Shape IN = new Shape(4, 3, 5, 5);

    private static Block djl() {
        return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
    }

    @Test
    void trainingStepsGiveTheSameOutputsGradientsAndRunningStatisticsAsDjlsBatchNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block[] blocks = {djl(), BatchNorm2d.torchDefaults()};
            float[][] out = new float[2][];
            float[][] grad = new float[2][];
            NDArray[] inputs = {m.randomNormal(IN), m.randomNormal(IN).mul(3).add(1), m.randomNormal(IN)};
            for (int k = 0; k < 2; k++) {
                Block b = blocks[k];
                b.initialize(m, DataType.FLOAT32, IN);
                b.getParameters().get("gamma").getArray().set(new float[] {1.5f, 0.5f, -1f});
                ParameterStore ps = new ParameterStore(m, false);
                for (int step = 0; step < 3; step++) {
                    NDArray x = inputs[step].duplicate();
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = b.forward(ps, new NDList(x), true).singletonOrThrow();
                        gc.backward(y.mul(y.add(1)).sum());
                        out[k] = y.toFloatArray();
                    }
                    grad[k] = x.getGradient().toFloatArray();
                }
            }
            assertArrayEquals(out[0], out[1], 0f);
            assertArrayEquals(grad[0], grad[1], 0f);
            for (String p : new String[] {"gamma", "beta", "runningMean", "runningVar"}) {
                assertArrayEquals(blocks[0].getParameters().get(p).getArray().toFloatArray(),
                        blocks[1].getParameters().get(p).getArray().toFloatArray(), 0f, p);
                assertEquals(blocks[0].getParameters().get(p).requiresGradient(),
                        blocks[1].getParameters().get(p).requiresGradient(), p);
            }
            NDArray eval = m.randomNormal(IN);
            assertArrayEquals(blocks[0].forward(new ParameterStore(m, false), new NDList(eval), false).head()
                    .toFloatArray(), blocks[1].forward(new ParameterStore(m, false), new NDList(eval), false).head()
                    .toFloatArray(), 0f, "inference uses the running statistics alike");
        }
    }

    @Test
    void savedFilesAreDjlBatchNormsAndLoadEitherWay() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Block ours = BatchNorm2d.torchDefaults();
            Block theirs = djl();
            ours.initialize(m, DataType.FLOAT32, IN);
            theirs.initialize(m, DataType.FLOAT32, IN);
            ours.getParameters().get("runningVar").getArray().set(new float[] {2, 3, 4});
            theirs.getParameters().get("runningVar").getArray().set(new float[] {2, 3, 4});
            byte[] a = save(ours);
            assertArrayEquals(save(theirs), a, "byte for byte DJL's format");
            Block loaded = BatchNorm2d.torchDefaults();
            loaded.initialize(m, DataType.FLOAT32, IN);
            loaded.loadParameters(m, new DataInputStream(new ByteArrayInputStream(save(theirs))));
            assertArrayEquals(new float[] {2, 3, 4}, loaded.getParameters().get("runningVar").getArray()
                    .toFloatArray());
            assertEquals(Parameter.Type.RUNNING_MEAN, loaded.getParameters().get("runningMean").getType());
        }
    }

    @Test
    void anInPlaceReluAfterItRecordsAReluNotACopyOfAView() {
        try (NDManager m = NDManager.newBaseManager()) {
            String[] last = new String[2];
            Block[] blocks = {djl(), BatchNorm2d.torchDefaults()};
            for (int k = 0; k < 2; k++) {
                blocks[k].initialize(m, DataType.FLOAT32, IN);
                NDArray x = m.randomNormal(IN);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = blocks[k].forward(new ParameterStore(m, false), new NDList(x), true).head();
                    NDArray r = InPlace.relu(y);
                    last[k] = ai.djl.pytorch.jni.JniUtils.getGradientFunctionNames((ai.djl.pytorch.engine.PtNDArray) r);
                    gc.backward(r.sum());
                }
            }
            // DJL's block returns a transposed view: autograd replays it over a copy of the whole base (CopySlices).
            assertTrue(last[0].startsWith("AsStridedBackward"), last[0]);
            assertTrue(last[1].startsWith("ReluBackward"), last[1]);
        }
    }

    @Test
    void recognisesBothBatchNorms() {
        assertTrue(BatchNorm2d.isBatchNorm(BatchNorm2d.torchDefaults()));
        assertTrue(BatchNorm2d.isBatchNorm(djl()));
        assertTrue(!BatchNorm2d.isBatchNorm(InPlace.reluBlock()));
    }

    private static byte[] save(Block b) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream os = new DataOutputStream(bytes)) {
            b.saveParameters(os);
        }
        return bytes.toByteArray();
    }
}
