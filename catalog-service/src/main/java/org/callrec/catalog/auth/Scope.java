package org.callrec.catalog.auth;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a tenant API key may do. Only {@link #TENANT_ADMIN} opens endpoints of this service today;
 * the others are granted now and honoured by the recordings API of the next issue.
 */
public enum Scope {
    RECORDINGS_READ("recordings:read"),
    AUDIO_LISTEN("audio:listen"),
    AUDIO_DOWNLOAD("audio:download"),
    RECORDINGS_DELETE("recordings:delete"),
    HOLDS_MANAGE("holds:manage"),
    /** Its own tenant (name, networks, unknown-device policy), devices, keys and usage. */
    TENANT_ADMIN("tenant:admin");

    private final String wire;

    Scope(String wire) {
        this.wire = wire;
    }

    /** The name in the API, e.g. {@code tenant:admin}. */
    public String wire() {
        return wire;
    }

    public static Optional<Scope> of(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst();
    }
}
