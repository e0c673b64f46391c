/**
 * The training loop: phases run in sequence, each with its own optimizer and learning-rate schedule; end-of-epoch
 * evaluation, checkpoints that make resume exact, and {@link org.sparselab.train.TrainingHooks} through which a
 * compression method acts on training. Nothing here names a method.
 */
package org.sparselab.train;
