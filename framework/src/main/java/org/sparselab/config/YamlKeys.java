package org.sparselab.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.RecordComponent;

/** The YAML spelling of a component name: camelCase in snake_case ({@code batchSize} → {@code batch_size}). */
public final class YamlKeys {
    // The one naming strategy of the project (style §2), so the YAML spelling matches Jackson wherever it is used.
    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private YamlKeys() {}

    public static String of(String componentName) {
        return SNAKE.translate(componentName);
    }

    public static String of(RecordComponent component) {
        return of(component.getName());
    }

    /** {@code parent.key}, or {@code key} at the top level. */
    static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }
}
