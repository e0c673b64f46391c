package org.sparselab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Saves and restores every parameter of a block (learned weights and BN running statistics) by name, shape and exact
 * bytes.
 *
 * <p>Unlike DJL's {@code Block.loadParameters}, loading copies values <em>into</em> the existing arrays, so the
 * arrays keep their gradient attachment and their place in any {@code ParameterStore}; a mismatch in names or shapes
 * is an error naming the parameter instead of a silently different model.
 */
public final class ParameterIO {
    private static final int MAGIC = 0x534c5031; // "SLP1"
    private static final NDIndex ALL = new NDIndex("...");

    private ParameterIO() {}

    public static void save(Block block, DataOutputStream out) throws IOException {
        var params = block.getParameters();
        out.writeInt(MAGIC);
        out.writeInt(params.size());
        for (Pair<String, Parameter> p : params) {
            NDArray a = p.getValue().getArray();
            out.writeUTF(p.getKey());
            out.writeUTF(a.getDataType().name());
            long[] shape = a.getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) out.writeLong(d);
            byte[] bytes = a.toByteArray(); // native byte order of the engine: little-endian on x86/ARM
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    public static void load(Block block, DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) throw new IOException("not a sparselab parameter block (bad magic)");
        var params = block.getParameters();
        int n = in.readInt();
        if (n != params.size()) {
            throw new IOException("saved model has " + n + " parameters, this model " + params.size());
        }
        for (Pair<String, Parameter> p : params) {
            String name = in.readUTF();
            DataType type = DataType.valueOf(in.readUTF());
            long[] shape = new long[in.readInt()];
            for (int i = 0; i < shape.length; i++) shape[i] = in.readLong();
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            NDArray a = p.getValue().getArray();
            if (!name.equals(p.getKey()) || !a.getShape().equals(new Shape(shape)) || a.getDataType() != type) {
                throw new IOException("parameter mismatch: saved " + name + " " + new Shape(shape) + " " + type
                        + ", model has " + p.getKey() + " " + a.getShape() + " " + a.getDataType());
            }
            // Copied through a whole-array index put: NDArray.set(Buffer) on an array that requires a gradient goes
            // through libtorch's deprecated AutoNonVariableTypeMode, which prints a warning on stderr at every resume.
            try (NDManager scope = a.getManager().newSubManager()) {
                NDArray saved = scope.create(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()), a.getShape(), type);
                a.set(ALL, saved);
            }
        }
    }
}
