package org.sparselab.bench;

import java.io.PrintWriter;

/**
 * What a running benchmark gets: where its table goes and the command line's options.
 *
 * @param out the table's destination (the command's standard output)
 */
public record BenchContext(PrintWriter out, BenchOptions options) {}
