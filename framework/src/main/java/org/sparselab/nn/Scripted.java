package org.sparselab.nn;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.pooling.Pool;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * DJL's parameterless blocks ({@link LambdaBlock}, {@link ParallelBlock}'s residual sum and concat) built with functions that also
 * say what they compute in TorchScript, so {@link CompiledForward} can take them into a compiled forward pass; a
 * plain lambda is opaque. The blocks stay DJL's own classes, so saved models and parameter paths (which DJL derives
 * from class names) are unchanged.
 */
public final class Scripted {
    private Scripted() {}

    /**
     * A {@link LambdaBlock}'s function with its TorchScript form: an expression in which {@code %s} stands for the
     * input. It must call the same engine ops, so both paths give the same values bit for bit.
     */
    public record Op(Function<NDList, NDList> function, String script) implements Function<NDList, NDList> {
        @Override
        public NDList apply(NDList inputs) {
            return function.apply(inputs);
        }

        /** The expression applied to the variable {@code input}. */
        public String script(String input) {
            return String.format(Locale.ROOT, script, input);
        }
    }

    /** A single-input block named {@code name} (DJL's name, saved) computing {@code function}, scripted as {@code script}. */
    public static LambdaBlock lambda(String name, Function<NDList, NDList> function, String script) {
        return new LambdaBlock(new Op(function, script), name);
    }

    /** The input as it is: DJL's {@code Blocks.identityBlock()}. */
    public static LambdaBlock identity() {
        return lambda("identity", x -> x, "%s");
    }

    /** Global average pooling to (N, C): DJL's {@code Pool.globalAvgPool2dBlock()} (adaptive pooling, reshape). */
    public static LambdaBlock globalAvgPool() {
        return lambda("globalAvgPool2d", x -> new NDList(Pool.globalAvgPool2d(x.singletonOrThrow())),
                "torch.flatten(torch.adaptive_avg_pool2d(%s, [1, 1]), 1)");
    }

    /** (N, ...) to (N, rest): DJL's {@code Blocks.batchFlattenBlock()}. */
    public static LambdaBlock batchFlatten() {
        return lambda("batchFlatten", x -> new NDList(Blocks.batchFlatten(x.singletonOrThrow())), "torch.flatten(%s, 1)");
    }

    /**
     * {@code kernel}×{@code kernel} max-pooling with stride and padding (floor mode): DJL's
     * {@code Pool.maxPool2dBlock}, scripted as the {@code torch.max_pool2d} its engine calls.
     */
    public static LambdaBlock maxPool2d(int kernel, int stride, int padding) {
        Shape k = new Shape(kernel, kernel);
        Shape s = new Shape(stride, stride);
        Shape p = new Shape(padding, padding);
        return lambda("maxPool2d", x -> new NDList(Pool.maxPool2d(x.singletonOrThrow(), k, s, p, false)),
                "torch.max_pool2d(%s, " + CompiledForward.Writer.ints(k.getShape()) + ", "
                        + CompiledForward.Writer.ints(s.getShape()) + ", " + CompiledForward.Writer.ints(p.getShape())
                        + ", [1, 1], False)");
    }

    /**
     * 3×3 average pooling, stride 2, padding 1, zeros counted (PyTorch's {@code AvgPool2d} default): DJL's
     * {@code Pool.avgPool2dBlock}, scripted as the {@code torch.avg_pool2d} its engine calls.
     */
    public static LambdaBlock avgPool3x3s2() {
        Shape k = new Shape(3, 3);
        Shape s = new Shape(2, 2);
        Shape p = new Shape(1, 1);
        return lambda("avgPool2d", x -> new NDList(Pool.avgPool2d(x.singletonOrThrow(), k, s, p, false, true)),
                "torch.avg_pool2d(%s, [3, 3], [2, 2], [1, 1], False, True, None)");
    }

    /** Channels {@code [from, to)} of an (N, C, H, W) input, a view (ShuffleNet V2's channel split). */
    public static LambdaBlock channels(int from, int to) {
        return lambda("channels" + from + "to" + to,
                x -> new NDList(x.singletonOrThrow().get(new NDIndex(":, {}:{}", from, to))),
                "%s[:, " + from + ":" + to + "]");
    }

    /**
     * A {@link ParallelBlock}'s join with its TorchScript form: {@code script} turns the branches' output variables
     * into the expression of the joined output. It must call the same engine ops as {@code function}.
     */
    public record Join(Function<List<NDList>, NDList> function, Function<List<String>, String> script)
            implements Function<List<NDList>, NDList> {
        @Override
        public NDList apply(List<NDList> outs) {
            return function.apply(outs);
        }
    }

    /** The join of {@link #concat}: the branches' outputs along channels, in branch order. */
    private static final Join CONCAT = new Join(outs -> {
        NDList heads = new NDList(outs.size());
        for (NDList o : outs) heads.add(o.singletonOrThrow());
        return new NDList(NDArrays.concat(heads, 1));
    }, outs -> "torch.cat([" + String.join(", ", outs) + "], 1)");

    /** The branches' outputs concatenated along channels, in branch order. */
    public static ParallelBlock concat(List<Block> branches) {
        return new ParallelBlock(CONCAT, branches);
    }

    /** The join of {@link #sum}: the second branch's output added into the first's. */
    private static final Join SUM_INTO = new Join(
            outs -> new NDList(outs.get(0).singletonOrThrow().addi(outs.get(1).singletonOrThrow())),
            outs -> outs.get(0) + ".add_(" + outs.get(1) + ")");

    /**
     * {@code main(x) + shortcut(x)}, summed into main's output ({@code out += identity}, as torchvision's residual
     * blocks do): main must end in a layer whose backward does not need its output (BN, a conv) and must not return
     * its input.
     */
    public static ParallelBlock sum(Block main, Block shortcut) {
        return new ParallelBlock(SUM_INTO, List.of(main, shortcut));
    }

    /** {@code b}'s function where it is an {@link Op}, else null (a lambda without a TorchScript form). */
    static Op op(LambdaBlock b) {
        return field(LambdaBlock.class, "lambda", b) instanceof Op op ? op : null;
    }

    /** {@code b}'s join where it is a {@link Join}, else null (a join without a TorchScript form). */
    static Join join(ParallelBlock b) {
        return field(ParallelBlock.class, "function", b) instanceof Join j ? j : null;
    }

    // DJL keeps both functions private; a changed layout only means "no TorchScript form"
    private static Object field(Class<?> owner, String name, Object of) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(of);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
