package org.sparselab.methods.strucspars;

import org.sparselab.config.ConfigLoader;

/** Builds StrucSpars configs from YAML the way runs do (defaults, validation). */
final class StrucSparsConfigs {
    private StrucSparsConfigs() {}

    static StrucSparsConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, StrucSparsConfig.class).config();
    }
}
