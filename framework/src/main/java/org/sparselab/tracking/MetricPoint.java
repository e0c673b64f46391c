package org.sparselab.tracking;

/** One metric observation as MLflow stores it: key, value, wall-clock time in ms and step. */
public record MetricPoint(String key, double value, long timestampMs, long step) {}
