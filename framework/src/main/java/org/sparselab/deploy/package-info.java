/**
 * Deployment autotuning: given several blocks that compute the same function (the <em>forms</em> a method can deploy
 * one layer in: a grouped conv, a dense conv over the block-diagonal weight, per-group convs, masked vs decomposed,
 * …), {@link org.sparselab.deploy.FormTuner} times them interleaved on the run's device at the batch sizes the config
 * names ({@link org.sparselab.deploy.DeployTuning}) and keeps the fastest that is nowhere slower than the first form,
 * the reference; {@link org.sparselab.deploy.FormChoice} holds the choice and every timing for the run's record.
 * Methods call it from their export, per layer and, if they like, once more for the whole model.
 */
package org.sparselab.deploy;
