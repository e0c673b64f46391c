package org.sparselab.nn;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * BatchNorm over the channels of an (N, C, H, W) input, as {@code torch.nn.BatchNorm2d}: γ = 1, β = 0, running mean
 * and variance updated in training. The engine call and the saved form are those of DJL's {@link BatchNorm} with
 * axis 1 (same parameters in the same order, same version and metadata, so either loads the other's files), but
 * PyTorch gets the input as it is: DJL's block passes it through {@code swapAxes(1, 1)} and returns a transposed
 * view, and an in-place op on a view (an in-place ReLU after the BN) makes autograd copy the whole base tensor in
 * the backward pass, which doubled ResNet-20's backward time.
 */
public final class BatchNorm2d extends AbstractBlock implements CompiledForward.Scriptable {
    private static final byte VERSION = 2; // DJL BatchNorm's, whose saved form this keeps

    private final float epsilon;
    private final float momentum; // DJL's convention: the weight of the old running value (PyTorch's 1 - momentum)
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private long channels;

    /**
     * @param epsilon added to the variance
     * @param torchMomentum PyTorch's momentum, the weight of the batch statistic in the running ones (0.1)
     */
    public BatchNorm2d(float epsilon, float torchMomentum) {
        super(VERSION);
        this.epsilon = epsilon;
        this.momentum = 1f - torchMomentum; // DJL's engine hands PyTorch 1 - this again
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optRequiresGrad(true).optInitializer(Initializer.ONES).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optRequiresGrad(true).optInitializer(Initializer.ZEROS).build());
        runningMean = addParameter(Parameter.builder().setName("runningMean").setType(Parameter.Type.RUNNING_MEAN)
                .optRequiresGrad(false).optInitializer(Initializer.ZEROS).build());
        runningVar = addParameter(Parameter.builder().setName("runningVar").setType(Parameter.Type.RUNNING_VAR)
                .optRequiresGrad(false).optInitializer(Initializer.ONES).build());
    }

    /** PyTorch's defaults: eps 1e-5, momentum 0.1. */
    public static BatchNorm2d torchDefaults() {
        return new BatchNorm2d(1e-5f, 0.1f);
    }

    /** Whether {@code b} is a batch norm, this one or DJL's. */
    public static boolean isBatchNorm(Block b) {
        return b instanceof BatchNorm2d || b instanceof BatchNorm;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Device d = x.getDevice();
        // PyTorch's batch_norm normalises dim 1 whatever it is told; DJL's engine reads axis -1 as "pass the input
        // as it is". Another engine takes the axis literally.
        int axis = TorchEngine.active() ? -1 : 1;
        return x.getNDArrayInternal().batchNorm(x, ps.getValue(runningMean, d, training),
                ps.getValue(runningVar, d, training), ps.getValue(gamma, d, training), ps.getValue(beta, d, training),
                axis, momentum, epsilon, training);
    }

    /**
     * {@code torch.batch_norm} in the writer's mode, with the momentum DJL's engine hands PyTorch ({@code 1 - momentum}
     * in float, widened) and the epsilon widened from float, as DJL's call passes them.
     */
    @Override
    public String script(CompiledForward.Writer out, String input) {
        return out.let("torch.batch_norm(" + input + ", " + out.param(gamma) + ", " + out.param(beta) + ", "
                + out.param(runningMean) + ", " + out.param(runningVar) + (out.training() ? ", True, " : ", False, ")
                + CompiledForward.Writer.real((double) (1f - momentum)) + ", " + CompiledForward.Writer.real(epsilon)
                + ", False)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        channels = inputShapes[0].get(1);
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        Shape s = new Shape(inputShapes[0].get(1));
        for (Parameter p : new Parameter[] {gamma, beta, runningMean, runningVar}) p.setShape(s);
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeLong(channels);
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion == VERSION) {
            readInputShapes(is);
        } else if (loadVersion != 1) {
            throw new MalformedModelException("Unsupported encoding version: " + loadVersion);
        }
        channels = is.readLong();
    }
}
