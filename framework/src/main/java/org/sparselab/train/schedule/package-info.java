/**
 * Learning-rate schedules as pure functions of the training position (epoch, iteration), and their config records.
 *
 * <p>A pure function of position, rather than a stateful {@code scheduler.step()} as in PyTorch, makes a resumed run
 * use exactly the learning rates of an uninterrupted one with nothing to checkpoint; the values equal PyTorch's
 * closed forms ({@code MultiStepLR}, {@code CosineAnnealingLR}, {@code LinearLR}).
 */
package org.sparselab.train.schedule;
