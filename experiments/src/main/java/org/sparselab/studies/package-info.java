/**
 * Studies: many runs as one. {@link org.sparselab.studies.SweepPlan} expands config files and their sweeps into child
 * configs; {@link org.sparselab.studies.SweepRunner} runs them idempotently ({@link org.sparselab.studies.RunIndex}
 * skips FINISHED and resumes interrupted runs) on worker processes ({@link org.sparselab.studies.ProcessExecutor})
 * under one MLflow parent run, recording each point in {@link org.sparselab.studies.SweepManifest}, or writes a Slurm
 * job array ({@link org.sparselab.studies.SlurmScript}); {@link org.sparselab.studies.Reproduction} runs a method's
 * {@link org.sparselab.studies.SuiteConfig} and writes its report with {@link org.sparselab.report.StudyReport}.
 */
package org.sparselab.studies;
