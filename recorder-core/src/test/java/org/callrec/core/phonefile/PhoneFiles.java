package org.callrec.core.phonefile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G711;

/** Builds phone recordings for tests. */
final class PhoneFiles {

    private PhoneFiles() {
    }

    /** {@code n} bytes of a 400 Hz tone at 8 kHz, G.711-encoded (arbitrary bytes for G.722). */
    static byte[] tone(AudioCodec codec, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            short s = (short) Math.round(8000 * Math.sin(2 * Math.PI * 400 * i / 8000.0));
            b[i] = switch (codec) {
                case PCMA -> G711.linearToAlaw(s);
                case PCMU -> G711.linearToUlaw(s);
                case G722 -> (byte) (i * 31);
            };
        }
        return b;
    }

    /** A whole file: {@code payload} cut in units of {@code unitPayload} bytes, increment = unitPayload. */
    static byte[] write(String codecName, PhoneFileLayout layout, byte[] payload, int unitPayload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int units = payload.length / unitPayload;
        try (PhoneFileWriter w = new PhoneFileWriter(out, codecName, layout, unitPayload, unitPayload, units)) {
            for (int i = 0; i < units; i++) {
                w.writeUnit(payload, i * unitPayload);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
