package org.sparselab.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.List;
import java.util.Map;

/**
 * The end of one epoch as hooks see it: after training and evaluation of that epoch.
 *
 * @param manager a scope that closes when the hook returns
 * @param metrics the rows just recorded for this epoch (train and eval)
 * @param lastEpochOfPhase true when this is the phase's final epoch
 * @param scalars where a hook puts the scalars it reports for this epoch (name → value); they go to
 *     {@code scalars.csv} and to the tracker as metrics with step = epoch
 */
public record EpochContext(NDManager manager, Block model, String phase, int phaseIndex, int epoch, int epochInPhase,
        boolean lastEpochOfPhase, List<EpochMetrics> metrics, Map<String, Double> scalars) {}
