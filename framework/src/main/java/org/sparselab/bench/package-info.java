/**
 * Benchmarks as plug-ins: a {@link org.sparselab.bench.Benchmark} is registered by name in a {@link
 * org.sparselab.bench.BenchmarkRegistry} (filled by one listing, as models and methods are; each method contributes
 * its own from its package), run by {@code sparselab bench <name>} with the command line's {@link
 * org.sparselab.bench.BenchOptions}, prints a table and returns the fields of its JSON record ({@link
 * org.sparselab.bench.BenchResult}). The command adds the machine header every record starts with.
 */
package org.sparselab.bench;
