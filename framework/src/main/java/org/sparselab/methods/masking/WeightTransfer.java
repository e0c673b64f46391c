package org.sparselab.methods.masking;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import java.util.function.BiPredicate;
import org.sparselab.nn.Conv2dBlock;
import org.sparselab.nn.LinearBlock;
import org.sparselab.nn.MaskedConv2d;
import org.sparselab.nn.MaskedLinear;

/**
 * Copies a trained model's parameters into its deployment form, rebuilt with other layers: the two block trees are
 * walked side by side; a pair of blocks that a method turns into something else is handled by its {@code special}
 * function (true when it copied that pair), a masked layer into a plain dense one gets {@code W ⊙ M}, a dense layer
 * into a masked one (a dense start) its weights with the mask untouched, and everything else must match parameter for
 * parameter.
 */
public final class WeightTransfer {
    private WeightTransfer() {}

    public static void copy(Block from, Block to, BiPredicate<Block, Block> special) {
        if (special.test(from, to)) return;
        if (from instanceof MaskedConv2d m && to instanceof Conv2dBlock d) {
            copyMasked(m.weight(), m.mask(), m.bias(), d.weight(), d.getDirectParameters().get("bias"));
            return;
        }
        if (from instanceof Conv2dBlock d && to instanceof MaskedConv2d m) { // a dense start: the mask stays as it is
            m.weight().getArray().set(d.weight().getArray().toByteBuffer());
            copyBias(d.getDirectParameters(), m.getDirectParameters());
            return;
        }
        if (from instanceof LinearBlock d && to instanceof MaskedLinear m) {
            m.weight().getArray().set(d.weight().getArray().toByteBuffer());
            copyBias(d.getDirectParameters(), m.getDirectParameters());
            return;
        }
        if (from instanceof MaskedLinear m && to instanceof LinearBlock d) {
            copyMasked(m.weight(), m.mask(), m.getDirectParameters().get("bias"), d.weight(),
                    d.getDirectParameters().get("bias"));
            return;
        }
        PairList<String, Parameter> fp = from.getDirectParameters();
        PairList<String, Parameter> tp = to.getDirectParameters();
        if (fp.size() != tp.size() || from.getChildren().size() != to.getChildren().size()) {
            throw new IllegalStateException("export: the rebuilt model differs from the trained one at "
                    + from.getClass().getSimpleName() + " / " + to.getClass().getSimpleName());
        }
        for (int i = 0; i < fp.size(); i++) {
            NDArray src = fp.valueAt(i).getArray();
            NDArray dst = tp.valueAt(i).getArray();
            if (!src.getShape().equals(dst.getShape())) {
                throw new IllegalStateException("export: parameter " + fp.keyAt(i) + " has shape " + src.getShape()
                        + " but its deployed twin " + dst.getShape());
            }
            dst.set(src.toByteBuffer());
        }
        for (int i = 0; i < from.getChildren().size(); i++) {
            copy(from.getChildren().valueAt(i), to.getChildren().valueAt(i), special);
        }
    }

    /** {@code W ⊙ M} of a trained masked layer. */
    public static float[] maskedWeight(Parameter weight, Parameter mask) {
        try (NDArray product = weight.getArray().mul(mask.getArray())) {
            return product.toFloatArray();
        }
    }

    private static void copyBias(PairList<String, Parameter> from, PairList<String, Parameter> to) {
        Parameter a = from.contains("bias") ? from.get("bias") : null;
        Parameter b = to.contains("bias") ? to.get("bias") : null;
        if ((a == null) != (b == null)) throw new IllegalStateException("export: bias of one form only");
        if (a != null) b.getArray().set(a.getArray().toByteBuffer());
    }

    private static void copyMasked(Parameter w, Parameter m, Parameter bias, Parameter toW, Parameter toBias) {
        toW.getArray().set(maskedWeight(w, m));
        if ((bias == null) != (toBias == null)) throw new IllegalStateException("export: bias of one form only");
        if (bias != null) toBias.getArray().set(bias.getArray().toByteBuffer());
    }
}
