package org.callrec.core.protocol;

/** One command's text as cut from the TCP byte stream, with the terminator it carried. */
public record Frame(String text, Terminator terminator) {
}
