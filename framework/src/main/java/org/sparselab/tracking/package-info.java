/**
 * Run records: every run writes {@code results/runs/<experiment>/<run-id>/} with the resolved config, per-epoch
 * metrics, a summary and its log, atomically, so a crashed or killed run is never mistaken for a finished one.
 * Provenance (git, versions, device, seed, config hash) is gathered here too.
 *
 * <p>Runs are also sent to MLflow through a {@link org.sparselab.tracking.Tracker} that
 * {@link org.sparselab.tracking.Trackers#open} picks from {@code tracking.uri}: a local MLflow file store written in
 * Java ({@link org.sparselab.tracking.FileStoreTracker}) or an MLflow server over REST
 * ({@link org.sparselab.tracking.RestTracker}), either behind a spool in the run directory and a background sender,
 * so training never waits for tracking and nothing is lost while the backend is down
 * ({@link org.sparselab.tracking.SpooledTracker}, {@link org.sparselab.tracking.Spool#sync}).
 */
package org.sparselab.tracking;
