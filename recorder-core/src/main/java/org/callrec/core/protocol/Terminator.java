package org.callrec.core.protocol;

/**
 * How a command was terminated on the wire; answers mirror it ({@code docs/PROTOCOL.md},
 * "Framing — decisions").
 */
public enum Terminator {
    /** No terminator: the command was taken once the connection went quiet. */
    NONE(""),
    /** Line feed. */
    LF("\n"),
    /** Carriage return + line feed. */
    CRLF("\r\n"),
    /** A NUL byte (C-string style). */
    NUL("\0");

    private final String text;

    Terminator(String text) {
        this.text = text;
    }

    /** The terminator's characters, empty for {@link #NONE}. */
    public String text() {
        return text;
    }
}
