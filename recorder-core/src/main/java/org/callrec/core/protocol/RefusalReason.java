package org.callrec.core.protocol;

import java.util.Optional;

/**
 * Why a command failed: the {@code reason} token of an answer with {@code result=failed} (a
 * refused {@code RecordStartRequest}, an unknown stop, an unknown or unreadable command) and the
 * {@code error} token of the internal ingest API's error body
 * ({@link org.callrec.core.allocation.ApiError}). control-service answers a node's 400 token to
 * the phone as it came, so a phone can also get a token that is not listed here ({@link #parse}
 * is then empty).
 */
public enum RefusalReason {
    /** The request is malformed: no {@code id}, a bad {@code device} or {@code dir}, unparsable bytes, a bad body. */
    BAD_REQUEST("bad-request"),
    /** The {@code codec} is missing, unknown or not enabled. */
    UNSUPPORTED_CODEC("unsupported-codec"),
    /** No ingest node could take the recording (full, failed, draining or silent). */
    NO_CAPACITY("no-capacity"),
    /** A stop (or release) of a recording that is not open. */
    UNKNOWN_RECORDING("unknown-recording"),
    /** An ingest node refuses an allocation for an id it just released (or released before it was allocated). */
    RECORDING_ENDED("recording-ended"),
    /**
     * An ingest node refuses an allocation whose recording id is not new: seen before, or not a
     * version-7 UUID minted within {@code ingest.recording-ids.window} of the node's clock.
     */
    DUPLICATE_RECORDING("duplicate-recording"),
    /** The instance (control-service) or the node (ingest) drains for shutdown: another may take the call. */
    SHUTTING_DOWN("shutting-down"),
    /** The connection already holds as many open recordings as it may. */
    TOO_MANY_RECORDINGS("too-many-recordings"),
    /** Anything else went wrong while allocating. */
    INTERNAL_ERROR("internal-error"),
    /** A {@code cmd} that is neither a start nor a stop. */
    UNKNOWN_COMMAND("unknown-command"),
    /** A command over the size limit; the connection is closed after the answer. */
    COMMAND_TOO_LONG("command-too-long"),
    /** A call to an internal API without the service credential, or with a wrong one (HTTP 401). */
    UNAUTHORIZED("unauthorized"),
    /** The source address started recordings faster than its start rate allows (control's admission). */
    RATE_LIMITED("rate-limited"),
    /** The source address, or the instance, holds as many connections as it may; the connection is closed. */
    TOO_MANY_CONNECTIONS("too-many-connections"),
    /**
     * The source address is outside the deployment's allowed networks (the connection is closed),
     * or outside the networks of the device's tenant (the start is refused; a possible clone).
     */
    FORBIDDEN_SOURCE("forbidden-source"),
    /** One read brought more commands than the connection's queue holds; the connection is closed. */
    TOO_MANY_COMMANDS("too-many-commands"),
    /** The {@code device} is registered to no tenant, and nothing takes unregistered devices from its source. */
    UNKNOWN_DEVICE("unknown-device"),
    /** The {@code device} is registered but disabled. */
    DEVICE_DISABLED("device-disabled"),
    /** The device's tenant is suspended. */
    TENANT_SUSPENDED("tenant-suspended"),
    /** The tenant holds as many open recordings as its {@code concurrentRecordings} limit allows. */
    QUOTA_EXCEEDED("quota-exceeded");

    private final String token;

    RefusalReason(String token) {
        this.token = token;
    }

    /** The token as it goes on the wire. */
    public String token() {
        return token;
    }

    /** The reason of a wire token, empty for a token not listed here (matched exactly). */
    public static Optional<RefusalReason> parse(String token) {
        for (RefusalReason r : values()) {
            if (r.token.equals(token)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
