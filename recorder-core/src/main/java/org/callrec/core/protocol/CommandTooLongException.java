package org.callrec.core.protocol;

/** Raised by {@link CommandFramer} when a peer sends more bytes than a command may hold. */
public final class CommandTooLongException extends RuntimeException {
    public CommandTooLongException(int limit) {
        super("command longer than " + limit + " bytes", null, false, false);
    }
}
