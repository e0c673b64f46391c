package org.sparselab.models;

import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ShuffleFactory;

/**
 * What a model needs to be built: the input it will see and the factories its layers come from.
 *
 * @param inChannels image channels (1 for Fashion-MNIST, 3 for CIFAR/ImageNet)
 * @param imageSize input height = width in pixels (28, 32, 64, 224, …)
 * @param numClasses classifier outputs
 */
public record ModelContext(int inChannels, int imageSize, int numClasses, ConvFactory convs, ShuffleFactory shuffles) {
    public static ModelContext dense(int inChannels, int imageSize, int numClasses) {
        return new ModelContext(inChannels, imageSize, numClasses, ConvFactory.dense(), ShuffleFactory.fixed());
    }
}
