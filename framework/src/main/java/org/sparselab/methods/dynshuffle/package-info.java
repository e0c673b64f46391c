/**
 * Dynamic shuffle (Gong, Yin, Li, Guo, Xu: "Dynamic Shuffle: An Efficient Channel Mixture Method", arXiv 2310.02776,
 * 2023; no official code): per-sample channel permutations generated from the input, each group's permutation the
 * Kronecker product of two small generated matrices, followed by ShuffleNet's cross-group shuffle; softmax,
 * orthogonality regularisation and binarisation make them (asymptotically) permutations. Static-dynamic shuffle adds
 * a learnable static matrix, a lightweight stand-in for a 1×1 convolution.
 *
 * <p>Only the abstract is public, so everything beyond it is a reconstruction ({@code docs/methods/dynshuffle.md}):
 * {@link org.sparselab.methods.dynshuffle.DynShuffleConfig} names every such choice with the specification's default,
 * except the layout: the default {@code compact} (small Kronecker factors chosen from the channel count, one small
 * generator shared by the blocks) keeps the abstract's "negligible extra computation and memory", which the spec's
 * {@code group_blocks} layout does not (it stays an option).
 * {@link org.sparselab.methods.dynshuffle.DynamicShuffle} is the layer, {@link
 * org.sparselab.methods.dynshuffle.FactoredPermutation} its tensor algebra, {@link
 * org.sparselab.methods.dynshuffle.PermutationRepair} the inference-time collision repair (StrucSpars' exact
 * assignment solvers), {@link org.sparselab.methods.dynshuffle.DynShuffle} the wiring into the trainer.
 */
package org.sparselab.methods.dynshuffle;
