/**
 * Run records: every run writes {@code results/runs/<experiment>/<run-id>/} with the resolved config, per-epoch
 * metrics, a summary and its log, atomically, so a crashed or killed run is never mistaken for a finished one.
 * Provenance (git, versions, device, seed, config hash) is gathered here too.
 */
package org.sparselab.tracking;
