package org.sparselab.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a key takes when the YAML omits it, written as YAML ({@code "0.1"}, {@code "[]"}, {@code "{}"},
 * {@code "null"} for "unset"). A record component without {@code @Default} is required, except a nested record
 * whose own components all have defaults: that section may be omitted as a whole.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Default {
    String value();
}
