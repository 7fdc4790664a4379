package org.callrec.core.phonefile;

/**
 * A well-formed phone recording whose codec this build cannot convert to PCM (its header,
 * layout and duration are still readable).
 */
public class UnsupportedCodecException extends PhoneFileException {

    private static final long serialVersionUID = 1L;

    public UnsupportedCodecException(String message) {
        super(message);
    }
}
