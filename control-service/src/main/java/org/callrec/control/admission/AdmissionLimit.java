package org.callrec.control.admission;

import org.callrec.core.protocol.RefusalReason;

/**
 * Each limit of the phone port, with the reason token its refusal is answered with. The
 * {@code limit} tag of {@code callrec_control_admission_refusals_total} is {@link #tag()}; its
 * {@code reason} tag is {@link #reason()}'s token.
 */
public enum AdmissionLimit {
    /** {@code control.admission.allowed-networks}: checked when a connection is accepted. */
    ALLOWED_NETWORKS("allowed-networks", RefusalReason.FORBIDDEN_SOURCE),
    /** The instance's connection cap ({@code control.admission.max-connections}, below the descriptor limit). */
    CONNECTIONS("connections", RefusalReason.TOO_MANY_CONNECTIONS),
    /** {@code control.admission.max-connections-per-source}. */
    SOURCE_CONNECTIONS("source-connections", RefusalReason.TOO_MANY_CONNECTIONS),
    /** {@code control.admission.max-open-recordings-per-source}. */
    SOURCE_RECORDINGS("source-recordings", RefusalReason.TOO_MANY_RECORDINGS),
    /** {@code control.protocol.max-open-recordings-per-connection}. */
    CONNECTION_RECORDINGS("connection-recordings", RefusalReason.TOO_MANY_RECORDINGS),
    /** {@code control.admission.start-rate} and {@code start-burst}. */
    SOURCE_START_RATE("source-start-rate", RefusalReason.RATE_LIMITED),
    /** {@code control.admission.max-queued-commands}: one read brought more commands than fit. */
    COMMAND_QUEUE("command-queue", RefusalReason.TOO_MANY_COMMANDS);

    private final String tag;
    private final RefusalReason reason;

    AdmissionLimit(String tag, RefusalReason reason) {
        this.tag = tag;
        this.reason = reason;
    }

    /** The metric tag value. */
    public String tag() {
        return tag;
    }

    /** What the peer is answered. */
    public RefusalReason reason() {
        return reason;
    }
}
