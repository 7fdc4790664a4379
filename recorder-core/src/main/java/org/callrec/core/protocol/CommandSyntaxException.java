package org.callrec.core.protocol;

/** A control command that cannot be parsed; the message says why, for the log and the answer. */
public final class CommandSyntaxException extends Exception {
    public CommandSyntaxException(String message) {
        super(message, null, false, false);
    }
}
