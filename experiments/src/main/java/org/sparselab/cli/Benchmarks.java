package org.sparselab.cli;

import org.sparselab.bench.BenchmarkRegistry;
import org.sparselab.methods.Methods;

/** The one listing of {@code sparselab bench}'s benchmarks: the project's own, then each method's. */
final class Benchmarks {
    private Benchmarks() {}

    static BenchmarkRegistry defaults() {
        BenchmarkRegistry r = new BenchmarkRegistry();
        DataBenchmark.register(r);
        TrainBenchmark.register(r);
        Methods.registerBenchmarks(r);
        return r;
    }

    /** The registered names, for picocli's {@code ${COMPLETION-CANDIDATES}} in {@code bench --help}. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return defaults().names().iterator();
        }
    }
}
