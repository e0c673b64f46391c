package org.sparselab.methods.ssc;

import org.sparselab.config.ConfigLoader;

/** SSC method configs from YAML, as a run's {@code method:} section gives them (defaults applied, validated). */
final class SscConfigs {
    private SscConfigs() {}

    static SscConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, SscConfig.class).config();
    }
}
