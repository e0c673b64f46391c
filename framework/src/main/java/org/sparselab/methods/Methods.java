package org.sparselab.methods;

import org.sparselab.config.ConfigTypes;

/** The one listing of methods: their config records and the benchmarks they contribute. */
public final class Methods {
    private Methods() {}

    public static void register(ConfigTypes types) {
        types.register(MethodConfig.class, "none", NoMethodConfig.class);
        types.register(MethodConfig.class, org.sparselab.methods.strucspars.StrucSparsConfig.NAME,
                org.sparselab.methods.strucspars.StrucSparsConfig.class);
        types.register(MethodConfig.class, org.sparselab.methods.dynshuffle.DynShuffleConfig.NAME,
                org.sparselab.methods.dynshuffle.DynShuffleConfig.class);
        types.register(MethodConfig.class, org.sparselab.methods.ssc.SscConfig.NAME,
                org.sparselab.methods.ssc.SscConfig.class);
        for (String name : org.sparselab.methods.cci.CciConfig.NAMES) {
            types.register(MethodConfig.class, name, org.sparselab.methods.cci.CciConfig.class);
        }
        for (String criterion : org.sparselab.methods.pruneinit.PruneAtInitConfig.CRITERIA) {
            types.register(MethodConfig.class, criterion, org.sparselab.methods.pruneinit.PruneAtInitConfig.class);
        }
    }

    /**
     * The benchmarks methods contribute to {@code sparselab bench}, each from its own package: a new method adds its
     * line here, next to its config record, and the command needs no change.
     */
    public static void registerBenchmarks(org.sparselab.bench.BenchmarkRegistry benchmarks) {
        org.sparselab.methods.strucspars.StrucSparsBenchmarks.register(benchmarks);
        org.sparselab.methods.dynshuffle.DynShuffleBenchmarks.register(benchmarks);
        org.sparselab.methods.ssc.SscBenchmarks.register(benchmarks);
    }
}
