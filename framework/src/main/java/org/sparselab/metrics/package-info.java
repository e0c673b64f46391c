/**
 * Model measurements: parameter and multiply-accumulate counts per layer ({@link org.sparselab.metrics.Profiler}),
 * dense and effective (masked weights and deployed groups taken into account).
 *
 * <p>Counts come from a traced forward pass over the layers that implement {@link org.sparselab.nn.CostedLayer},
 * so they follow whatever topology a method builds; as in Distiller's and thop's summaries, only convolutions and
 * linear layers cost MACs, while normalisation parameters are counted as "other" parameters.
 */
package org.sparselab.metrics;
