package org.sparselab.methods;

import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/** Dense training, the baseline every method is compared with. */
@Doc("No compression: dense training (the baseline).")
public record NoMethodConfig(@Doc("Method name.") @Default("none") String name) implements MethodConfig {
    @Override
    public Method create() {
        return Method.NONE;
    }
}
