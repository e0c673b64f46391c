/**
 * Optimizers with PyTorch's update rules ({@code torch.optim.SGD}, {@code Adam}, {@code AdamW}) as DJL
 * {@link ai.djl.training.optimizer.Optimizer}s, and their config records.
 *
 * <p>DJL's own optimizers differ from PyTorch in small ways (weight decay, momentum buffer start, rescaling), which
 * would make our numbers incomparable with published PyTorch baselines; these reproduce the PyTorch formulas and keep
 * their state in a form a checkpoint can restore exactly. The learning rate is set from outside each step by the
 * trainer from an {@link org.sparselab.train.schedule.LrSchedule}.
 */
package org.sparselab.train.optim;
