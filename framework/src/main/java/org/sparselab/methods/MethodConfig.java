package org.sparselab.methods;

import org.sparselab.config.Variants;

/** The {@code method:} section; {@code name} picks the variant (see {@link Methods#register}). */
@Variants(key = "name")
public interface MethodConfig {
    String name();

    /** Phases the method acts in; a run whose {@code train.phases} lacks one is rejected before it starts. */
    default java.util.List<String> requiredPhases() {
        return java.util.List.of();
    }

    /** A fresh method instance for one run. */
    Method create();
}
