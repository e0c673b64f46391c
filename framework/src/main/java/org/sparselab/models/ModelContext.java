package org.sparselab.models;

import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.LinearFactory;
import org.sparselab.nn.LinearFactory;
import org.sparselab.nn.ShuffleFactory;

/**
 * What a model needs to be built: the input it will see and the factories its layers come from.
 *
 * @param inChannels image channels (1 for Fashion-MNIST, 3 for CIFAR/ImageNet)
 * @param imageSize input height = width in pixels (28, 32, 64, 224, …)
 * @param numClasses classifier outputs
 * @param linears where the classifier comes from (a mask method may take it over)
 * @param classifierInit how the classifier is initialised ({@link ClassifierInit#AUTO}: the architecture's reference)
 */
public record ModelContext(int inChannels, int imageSize, int numClasses, ConvFactory convs, ShuffleFactory shuffles,
        LinearFactory linears, ClassifierInit classifierInit) {
    /** Largest image size that counts as "small" (Fashion-MNIST 28, CIFAR 32, Tiny-ImageNet 64). */
    public static final int SMALL_INPUT_MAX = 64;

    public ModelContext {
        if (inChannels <= 0 || imageSize <= 0 || numClasses <= 0) {
            throw new IllegalArgumentException("invalid model input: " + inChannels + "×" + imageSize + "×"
                    + imageSize + ", " + numClasses + " classes");
        }
        if (linears == null) linears = LinearFactory.dense();
        if (classifierInit == null) classifierInit = ClassifierInit.AUTO;
    }

    /** A context with dense classifiers that get the architecture's reference initialisation. */
    public ModelContext(int inChannels, int imageSize, int numClasses, ConvFactory convs, ShuffleFactory shuffles) {
        this(inChannels, imageSize, numClasses, convs, shuffles, LinearFactory.dense(), ClassifierInit.AUTO);
    }

    /** A context with dense classifiers initialised as {@code classifierInit} says. */
    public ModelContext(int inChannels, int imageSize, int numClasses, ConvFactory convs, ShuffleFactory shuffles,
            ClassifierInit classifierInit) {
        this(inChannels, imageSize, numClasses, convs, shuffles, LinearFactory.dense(), classifierInit);
    }

    /** This context with other factories (an export rebuilding the architecture); the linear factory is kept. */
    public ModelContext withFactories(ConvFactory newConvs, ShuffleFactory newShuffles) {
        return new ModelContext(inChannels, imageSize, numClasses, newConvs, newShuffles, linears, classifierInit);
    }

    /** This context with the classifier initialised as {@code init} says. */
    public ModelContext withClassifierInit(ClassifierInit init) {
        return new ModelContext(inChannels, imageSize, numClasses, convs, shuffles, linears, init);
    }

    /**
     * The classifier {@code fc} ({@code in → numClasses}) from the linear factory, initialised as configured or by
     * {@code reference}.
     */
    public ai.djl.nn.Block classifier(int in, ClassifierInit reference) {
        return linears.linear(ClassifierInit.spec(classifierInit, reference, in, numClasses));
    }

    /** A context whose classifier comes from {@code linears}, with the architecture's reference initialisation. */
    public ModelContext(int inChannels, int imageSize, int numClasses, ConvFactory convs, ShuffleFactory shuffles,
            LinearFactory linears) {
        this(inChannels, imageSize, numClasses, convs, shuffles, linears, ClassifierInit.AUTO);
    }

    public static ModelContext dense(int inChannels, int imageSize, int numClasses) {
        return new ModelContext(inChannels, imageSize, numClasses, ConvFactory.dense(), ShuffleFactory.fixed());
    }

    /**
     * Whether ImageNet-style models adapt to a small input: imageSize ≤ {@value #SMALL_INPUT_MAX}. Such models then
     * drop the stem's downsampling (stride 1, no max-pool), the usual CIFAR adaptation, so a 28×28 or 32×32 image
     * still has a few pixels left in the last stage.
     */
    public boolean smallInput() {
        return imageSize <= SMALL_INPUT_MAX;
    }
}
