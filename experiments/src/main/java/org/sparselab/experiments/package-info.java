/**
 * Experiment pipelines: the root {@link org.sparselab.experiments.ExperimentConfig} and the pipeline that turns one
 * into a run (data → model built with the method's factories → trainer → run record). The CLI in
 * {@code org.sparselab.cli} only parses arguments and calls these.
 */
package org.sparselab.experiments;
