package org.sparselab.train;

/**
 * How the forward passes of training and of each epoch's evaluation run ({@code train.compile}): block by block through DJL ({@code none}), or as one
 * TorchScript call written from the model ({@code torchscript}, {@link org.sparselab.nn.CompiledForward}): same
 * values bit for bit, faster on CPU; a model with a block that has no TorchScript form stays on DJL's path, and the
 * log says which block.
 */
public enum ForwardCompile {
    NONE,
    TORCHSCRIPT
}
