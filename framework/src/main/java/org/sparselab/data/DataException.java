package org.sparselab.data;

/**
 * A dataset file is missing, corrupt or unreachable: one line naming the file, what was expected and what to do.
 * The CLI maps it, like a config error, to a one-line message without a stack trace.
 */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
