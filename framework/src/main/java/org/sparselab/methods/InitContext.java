package org.sparselab.methods;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

/**
 * What a method sees when it prepares a freshly initialised model before the first training step (never on resume:
 * what it decides then is in the parameters and its checkpointed state).
 *
 * @param model the initialised model, built with the method's factories
 * @param run the same facts as {@link Method#attach}
 * @param data training batches for data-dependent criteria
 * @param manager a scope closed when the hook returns; the model's parameters live elsewhere
 */
public record InitContext(Block model, RunInfo run, InitData data, Device device, NDManager manager) {}
