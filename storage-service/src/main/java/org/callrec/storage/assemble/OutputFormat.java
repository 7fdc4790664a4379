package org.callrec.storage.assemble;

import org.callrec.core.audio.AudioCodec;

/** How the audio is stored ({@code storage.output.format}). */
public enum OutputFormat {
    /** 16-bit little-endian PCM at the codec's sample rate. */
    PCM16,
    /** G.711 as sent (format tag 6 or 7) for PCMA and PCMU; PCM16 for every other codec. */
    G711;

    /** The WAV format a recording in {@code codec} gets. */
    public WavFormat wavFormat(AudioCodec codec) {
        if (this == G711 && codec == AudioCodec.PCMA) {
            return WavFormat.ALAW;
        }
        if (this == G711 && codec == AudioCodec.PCMU) {
            return WavFormat.MULAW;
        }
        return WavFormat.pcm16(codec.sampleRate());
    }
}
