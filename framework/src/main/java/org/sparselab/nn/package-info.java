/**
 * Reusable layers and the two factories every model builds through: {@link org.sparselab.nn.ConvFactory} (every
 * convolution) and {@link org.sparselab.nn.ShuffleFactory} (every channel shuffle). A method swaps layers by
 * supplying its own factory; models never construct a convolution themselves. Layers that cost parameters or MACs
 * implement {@link org.sparselab.nn.CostedLayer} so the profiler can count them, masks and groups included.
 */
package org.sparselab.nn;
