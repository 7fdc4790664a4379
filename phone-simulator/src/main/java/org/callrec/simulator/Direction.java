package org.callrec.simulator;

import java.util.Locale;

/** Call direction as the phone announces it in {@code dir=}. */
public enum Direction {
    /** An incoming call: {@code dir=in}. */
    IN,
    /** An outgoing call: {@code dir=out}. */
    OUT;

    /** The value sent on the wire: {@code in} or {@code out}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code in}/{@code out}, case-insensitively. */
    public static Direction parse(String text) {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
    }
}
