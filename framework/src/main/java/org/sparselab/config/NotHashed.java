package org.sparselab.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A top-level config section that does not change what a run computes (e.g. where it is tracked), left out of the
 * config's SHA-256 ({@link ConfigWriter#identitySha256}): a sweep re-run with another MLflow parent run or tracking
 * URI finds the runs it already has. The section is still written to the resolved YAML.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface NotHashed {}
