package org.sparselab.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * One training step as hooks see it.
 *
 * @param manager the batch's scope: anything a hook allocates here dies with the batch
 * @param parameters the store that holds the parameters on each device ({@code getValue(p, device, true)} gives the
 *     array whose {@code getGradient()} a hook may modify in place)
 * @param phase phase name; {@code phaseIndex} its position
 * @param epoch global epoch index (0-based, counted across phases)
 * @param epochInPhase epoch index within the phase
 * @param step global optimizer step (0-based, counted across phases)
 * @param predictions model outputs for the batch (logits), on the batch's device
 */
public record StepContext(NDManager manager, Block model, ParameterStore parameters, String phase, int phaseIndex,
        int epoch, int epochInPhase, long step, int iteration, int iterationsPerEpoch, double lr, NDList predictions) {}
