/**
 * Tables and figures made from run records only (never from code): so far the per-run training curves that every
 * run stores and logs to MLflow. Comparison, ablation and per-layer tables follow with the studies work.
 */
package org.sparselab.report;
