/**
 * What every mask method shares: which layers it converts ({@link org.sparselab.methods.masking.LayerSelection},
 * the {@code layers:} option), the factories that build its masked layers and the list of them in model order
 * ({@link org.sparselab.methods.masking.MaskedLayers}), exact top-k selection of weights by score
 * ({@link org.sparselab.methods.masking.TopK}), and a snapshot that lets a scoring pass before training leave the
 * model as it found it ({@link org.sparselab.methods.masking.ParameterSnapshot}). StrucSpars, SSC, the pruning-at-
 * initialisation baselines and CCI are built on it; the masked layers themselves are in {@code nn}.
 */
package org.sparselab.methods.masking;
