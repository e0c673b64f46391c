package org.sparselab.methods;

import org.sparselab.config.ConfigTypes;

/** The one listing of methods and their config records. */
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
        for (String criterion : org.sparselab.methods.pruneinit.PruneAtInitConfig.CRITERIA) {
            types.register(MethodConfig.class, criterion, org.sparselab.methods.pruneinit.PruneAtInitConfig.class);
        }
    }
}
