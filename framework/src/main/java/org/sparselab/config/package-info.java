/**
 * Configuration: YAML files become immutable, validated records. {@link org.sparselab.config.ConfigLoader} reads a
 * file with its {@code extends:} bases ({@link org.sparselab.config.ConfigFiles}), applies {@code --set} overrides
 * ({@link org.sparselab.config.Overrides}) and {@code ${env:VAR}} references
 * ({@link org.sparselab.config.EnvInterpolation}), then {@link org.sparselab.config.ConfigBinder} builds the record,
 * filling {@link org.sparselab.config.Default}s and turning every mistake into a one-line
 * {@link org.sparselab.config.ConfigException} with file, line and key path.
 * {@link org.sparselab.config.ConfigWriter} writes the bound record back as canonical YAML whose SHA-256 is the
 * run's config provenance, and {@link org.sparselab.config.ConfigDocs} generates the key reference from the
 * {@link org.sparselab.config.Doc} texts. Nothing here knows a concrete config: records and
 * {@link org.sparselab.config.ConfigTypes} come from the packages that own them.
 */
package org.sparselab.config;
