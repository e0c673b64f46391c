package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's forward pass, training or evaluation, as one TorchScript call ({@code train.compile: torchscript}),
 * written from its block tree: the same engine ops on the same arrays as DJL's block-by-block pass, so the outputs, the
 * gradients and BN's running statistics are the same bit for bit, and DJL's optimizer, hooks and checkpoints see
 * nothing different.
 *
 * <p>Why: with libtorch 2.7.1 a ResNet-20 forward at batch 128 runs 15–30 % faster as one call than as ~70 DJL
 * calls (the backward, one engine call either way, is equal), which is what separates DJL from PyTorch eager here
 * (`docs/architecture.md`, "Compiled forward").
 *
 * <p>Every block in the tree must be {@link Scriptable} (conv, BN, linear, channel shuffle), a {@link Scripted}
 * lambda or join (residual sum, concat), or a {@link SequentialBlock}; anything else, e.g. a method's masked conv or a
 * dynamic shuffle, leaves the model on DJL's path with the reason ({@link #compile}).
 */
public final class CompiledForward implements AutoCloseable {
    private final TorchScriptModule module;
    private final List<Parameter> parameters;
    private final String source;
    private final boolean training;

    private CompiledForward(TorchScriptModule module, List<Parameter> parameters, String source, boolean training) {
        this.module = module;
        this.parameters = parameters;
        this.source = source;
        this.training = training;
    }

    /** A block that can write its own forward pass as TorchScript. */
    public interface Scriptable {
        /** Writes this block applied to variable {@code input} and returns the variable holding its output. */
        String script(Writer out, String input);
    }

    /** Why a model stays on DJL's path. */
    public static final class Unsupported extends Exception {
        Unsupported(String why) {
            super(why);
        }
    }

    /**
     * The training forward of {@code model} compiled, or {@link Unsupported} naming the first block that cannot be
     * (or saying that the engine runs no TorchScript).
     */
    public static CompiledForward compile(Block model) throws Unsupported {
        return compile(model, true);
    }

    /**
     * The forward of {@code model} in training mode (batch statistics, BN's running statistics updated) or in
     * evaluation mode (running statistics), compiled; or {@link Unsupported}, as {@link #compile(Block)}.
     */
    public static CompiledForward compile(Block model, boolean training) throws Unsupported {
        if (!TorchScriptModule.supported()) throw new Unsupported("the engine runs no TorchScript");
        Writer w = new Writer(training);
        String out = w.block(model, "x", "model");
        for (Parameter p : w.parameters) {
            if (!TorchScriptModule.plainName(p.getName())) {
                throw new Unsupported("parameter '" + p.getName() + "' has a name DJL passes as a container");
            }
        }
        String source = "  def forward(self, x: Tensor" + w.arguments + ") -> Tensor:\n" + w.body
                + "    return " + out + "\n";
        return new CompiledForward(TorchScriptModule.compile("CompiledForward", source), List.copyOf(w.parameters),
                source, training);
    }

    /** The model's output for input {@code x} in this forward's mode, with the store's arrays on {@code x}'s device. */
    public NDList forward(ParameterStore ps, NDArray x) {
        NDList inputs = new NDList(1 + parameters.size());
        inputs.add(x);
        for (Parameter p : parameters) inputs.add(ps.getValue(p, x.getDevice(), training));
        return module.forward(inputs);
    }

    /** Frees the compiled module; the model's parameters are untouched. */
    @Override
    public void close() {
        module.close();
    }

    /** The TorchScript source (the {@code forward} method), for logs and tests. */
    public String source() {
        return source;
    }

    /** Ops written so far; blocks add theirs through {@link #let} and name their parameters with {@link #param}. */
    public static final class Writer {
        private final StringBuilder arguments = new StringBuilder();
        private final StringBuilder body = new StringBuilder();
        private final List<Parameter> parameters = new ArrayList<>();
        private final Map<Parameter, String> names = new IdentityHashMap<>();
        private final boolean training;
        private int vars;

        private Writer(boolean training) {
            this.training = training;
        }

        /** Whether the forward being written is the training one (else evaluation: BN uses running statistics). */
        public boolean training() {
            return training;
        }

        /** The argument that carries {@code p}'s array (one per parameter, however often it is used). */
        public String param(Parameter p) {
            return names.computeIfAbsent(p, k -> {
                String name = "p" + parameters.size();
                parameters.add(k);
                arguments.append(", ").append(name).append(": Tensor");
                return name;
            });
        }

        /** A new variable set to {@code expression}; returns its name. */
        public String let(String expression) {
            String v = "v" + vars++;
            body.append("    ").append(v).append(" = ").append(expression).append('\n');
            return v;
        }

        /** {@code values} as a TorchScript int list, {@code [a, b]}. */
        public static String ints(long... values) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < values.length; i++) s.append(i == 0 ? "" : ", ").append(values[i]);
            return s.append(']').toString();
        }

        /** {@code value} as a TorchScript float literal that parses back to the same double. */
        public static String real(double value) {
            return Double.toString(value).replace('E', 'e'); // Java's shortest round-trip digits
        }

        String block(Block b, String input, String path) throws Unsupported {
            if (b instanceof Scriptable s) return s.script(this, input);
            Scripted.Op op = b instanceof LambdaBlock l ? Scripted.op(l) : null;
            if (op != null) {
                String expression = op.script(input);
                return expression.equals(input) ? input : let(expression);
            }
            Scripted.Join join = b instanceof ParallelBlock p ? Scripted.join(p) : null;
            if (join != null) {
                List<String> outs = new ArrayList<>();
                for (var branch : b.getChildren()) outs.add(block(branch.getValue(), input, path + "/" + branch.getKey()));
                return let(join.script().apply(outs));
            }
            if (b.getClass() == SequentialBlock.class) {
                String h = input;
                for (var child : b.getChildren()) h = block(child.getValue(), h, path + "/" + child.getKey());
                return h;
            }
            throw new Unsupported(path + " is a " + b.getClass().getSimpleName() + ", which has no TorchScript form");
        }
    }
}
