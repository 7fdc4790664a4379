package org.callrec.control.allocation;

/** No ingest node could take a recording; {@code reason} is the token answered to the phone. */
public final class AllocationFailure extends RuntimeException {
    private final String reason;

    public AllocationFailure(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
