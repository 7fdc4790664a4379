package org.callrec.core.audio;

import java.util.Locale;
import java.util.Optional;

/**
 * The codecs a phone may announce in {@code codec=}, with their static RTP payload type and
 * clock (RFC 3551). For every one of them one payload byte covers one RTP timestamp unit.
 */
public enum AudioCodec {
    /** G.711 µ-law, 8 kHz. */
    PCMU(0, 8000, 8000),
    /** G.711 A-law, 8 kHz. */
    PCMA(8, 8000, 8000),
    /** G.722: 16 kHz audio, RTP clock 8000 (RFC 3551 §4.5.2). */
    G722(9, 8000, 16000);

    private final int payloadType;
    private final int rtpClockRate;
    private final int sampleRate;

    AudioCodec(int payloadType, int rtpClockRate, int sampleRate) {
        this.payloadType = payloadType;
        this.rtpClockRate = rtpClockRate;
        this.sampleRate = sampleRate;
    }

    /** Static RTP payload type. */
    public int payloadType() {
        return payloadType;
    }

    /** RTP timestamp units per second. */
    public int rtpClockRate() {
        return rtpClockRate;
    }

    /** Audio samples per second once decoded. */
    public int sampleRate() {
        return sampleRate;
    }

    /**
     * Parses a codec name as phones and people write it: {@code PCMA}, {@code alaw},
     * {@code G.711a}, {@code G711 A-law}, {@code PCMU}, {@code ulaw}, {@code mulaw},
     * {@code G.711u}, {@code G722}, {@code G.722} — case, dots, dashes, underscores and spaces
     * ignored.
     */
    public static Optional<AudioCodec> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[\\s._\\-/]", "");
        return switch (n) {
            case "pcma", "alaw", "g711a", "g711alaw", "pcma8000" -> Optional.of(PCMA);
            case "pcmu", "ulaw", "mulaw", "g711u", "g711ulaw", "g711mulaw", "g711mu", "pcmu8000" -> Optional.of(PCMU);
            case "g722", "g7228000", "g72216000" -> Optional.of(G722);
            default -> Optional.empty();
        };
    }
}
