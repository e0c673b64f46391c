/**
 * The method plug-in API: a {@link org.sparselab.methods.Method} supplies the conv and shuffle factories a model is
 * built with and reacts to training through {@link org.sparselab.train.TrainingHooks}. One sub-package per method
 * ({@code strucspars}, {@code ssc}, {@code cci}, {@code dynshuffle}); {@code none} is dense training.
 */
package org.sparselab.methods;
