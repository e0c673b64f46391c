package org.sparselab.methods;

import org.sparselab.config.Variants;

/** The {@code method:} section; {@code name} picks the variant (see {@link Methods#register}). */
@Variants(key = "name")
public interface MethodConfig {
    String name();

    /** A fresh method instance for one run. */
    Method create();
}
