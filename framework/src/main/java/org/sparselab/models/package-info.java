/**
 * Model families as DJL blocks, created by name through {@link org.sparselab.models.ModelRegistry}. Every
 * convolution comes from the {@link org.sparselab.nn.ConvFactory} and every channel shuffle from the
 * {@link org.sparselab.nn.ShuffleFactory} in the {@link org.sparselab.models.ModelContext}, so nothing here knows a
 * compression method.
 *
 * <p>Each family file is an architecture table to check against its paper; conv paths ({@code stem},
 * {@code stage1.block0.conv1}, {@code stage1.block0.shortcut}, {@code head}) are stable across factories. Inputs
 * of at most {@value org.sparselab.models.ModelContext#SMALL_INPUT_MAX} pixels make ImageNet-style stems skip their
 * downsampling; every model ends in global average pooling, so any input size from 28 up works.
 */
package org.sparselab.models;
