package org.sparselab.methods.masking;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The values of every parameter of a model (BatchNorm statistics included), to put back after a scoring pass that
 * changes them: a forward pass in training mode moves BN's running statistics, SynFlow takes absolute values.
 * Pruning-at-initialisation papers score a deep copy of the network for the same reason.
 */
public final class ParameterSnapshot {
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<ByteBuffer> values = new ArrayList<>();

    private ParameterSnapshot() {}

    public static ParameterSnapshot of(Block model) {
        ParameterSnapshot s = new ParameterSnapshot();
        for (Pair<String, Parameter> p : model.getParameters()) {
            s.parameters.add(p.getValue());
            s.values.add(p.getValue().getArray().toByteBuffer());
        }
        return s;
    }

    /** Writes the saved values back into the same arrays. */
    public void restore() {
        for (int i = 0; i < parameters.size(); i++) {
            ByteBuffer b = values.get(i);
            b.rewind();
            parameters.get(i).getArray().set(b);
        }
    }
}
