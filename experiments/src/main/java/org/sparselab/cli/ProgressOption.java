package org.sparselab.cli;

import picocli.CommandLine.Option;

/** {@code --no-progress}, for commands that train. */
final class ProgressOption {
    @Option(names = "--no-progress", description = "Plain log lines instead of progress bars.")
    boolean noProgress;
}
