package org.sparselab.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface whose YAML form is chosen by a discriminator key (e.g. {@code method.name: strucspars}); the
 * concrete record for each value is registered in {@link ConfigTypes}. The record must itself declare the key as a
 * String component so the value round-trips into the resolved config.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Variants {
    /** The discriminator key, in YAML spelling. */
    String key() default "name";
}
