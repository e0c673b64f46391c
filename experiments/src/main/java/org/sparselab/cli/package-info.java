/**
 * The {@code sparselab} command line (picocli): each command parses its arguments and calls the framework or an
 * experiment pipeline; {@link org.sparselab.cli.ExitCodes} turns bad input into one clear line and exit code 2.
 */
package org.sparselab.cli;
