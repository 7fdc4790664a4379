package org.callrec.ingest.allocation;

/** An allocation that cannot be made; {@code error} is an {@link org.callrec.core.allocation.ApiError} token. */
public final class AllocationException extends RuntimeException {
    private final String error;
    private final int status;

    public AllocationException(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public String error() {
        return error;
    }

    public int status() {
        return status;
    }
}
