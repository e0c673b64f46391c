/**
 * Tables and figures made from run records only (never from code). {@link org.sparselab.report.RunTable} reads runs
 * (records or an MLflow file store) into one Tablesaw row each with MLflow's {@code params.*}/{@code metrics.*}/
 * {@code tags.*} columns; {@link org.sparselab.report.RunGroups} groups them into settings (configs up to the seed)
 * with dense baselines; {@link org.sparselab.report.ComparisonTable}, {@link org.sparselab.report.AblationTable} and
 * {@link org.sparselab.report.LayerTable} build {@link org.sparselab.report.ReportTable}s that the writers of
 * {@link org.sparselab.report.TableWriters} print as Markdown, CSV, LaTeX or HTML;
 * {@link org.sparselab.report.AccuracyVsMacs} and {@link org.sparselab.report.TrainingCurves} draw figures (PNG, SVG);
 * {@link org.sparselab.report.ClaimConfig}s turn a paper's claims into verdicts; {@link
 * org.sparselab.report.StudyReport} writes all of it into one directory.
 */
package org.sparselab.report;
