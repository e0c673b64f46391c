package org.sparselab.bench;

import java.io.IOException;

/**
 * One benchmark: measures, prints its table to {@link BenchContext#out()} and returns the fields of its JSON record.
 * Every comparison it reports should be a ratio of numbers measured in the same process (interleaved where it can),
 * so machine speed and load cancel out.
 */
@FunctionalInterface
public interface Benchmark {
    BenchResult run(BenchContext ctx) throws IOException;
}
