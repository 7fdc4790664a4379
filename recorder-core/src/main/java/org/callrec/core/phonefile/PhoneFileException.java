package org.callrec.core.phonefile;

import java.io.IOException;

/**
 * A file that is not a readable phone recording: garbage, a RIFF file, an unknown codec, a
 * header that fits no layout, a file shorter or longer than its header says. The message says
 * which, in words a user can act on.
 */
public class PhoneFileException extends IOException {

    private static final long serialVersionUID = 1L;

    public PhoneFileException(String message) {
        super(message);
    }
}
