package org.sparselab.tracking;

/**
 * A tracking-server call that failed: {@code retryable} for an unreachable or overloaded server (connection refused,
 * timeout, HTTP 5xx or 429), which a later attempt may fix; otherwise the server rejected the request (HTTP 4xx).
 */
public final class MlflowException extends RuntimeException {
    private final int httpStatus; // 0 when no response came
    private final String errorCode; // MLflow's error_code, e.g. INVALID_PARAMETER_VALUE; may be empty
    private final boolean retryable;

    public MlflowException(String message, int httpStatus, String errorCode, boolean retryable, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode == null ? "" : errorCode;
        this.retryable = retryable;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String errorCode() {
        return errorCode;
    }

    public boolean retryable() {
        return retryable;
    }
}
