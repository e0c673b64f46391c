package org.sparselab.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A config section or key that does not change what a run computes (where it is tracked; how the engine executes
 * the same ops, {@code train.compile}), left out of the config's SHA-256 ({@link ConfigWriter#identitySha256}): a
 * sweep re-run with another MLflow parent run, tracking URI or compile mode finds the runs it already has, and a
 * checkpoint resumes under either. It is still written to the resolved YAML.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface NotHashed {}
