package org.callrec.core.audio;

/**
 * Turns one codec's RTP payload bytes into 16-bit linear samples at the codec's sample rate. For
 * every codec we take, one payload byte is one RTP timestamp unit; it yields
 * {@link #samplesPerUnit()} samples (1 for G.711 at 8 kHz, 2 for G.722 at 16 kHz on its 8 kHz
 * RTP clock). Stateful for G.722 (ADPCM): feed one stream's payloads in timeline order, and call
 * {@link #reset()} when a new stream starts.
 *
 * <p>What the state does at the edges of a stream (the decisions, see storage-service docs):
 * <ul>
 *   <li><b>loss</b> (silence written for missing packets): the state is kept and decoding
 *       continues with the next packet. The encoder's state moved on meanwhile, so the first
 *       milliseconds after a gap are approximate until the backward adaptation re-converges;
 *       measured on tones, sweep and noise with 13 % of 20 ms packets lost, continuing is
 *       ~10 dB closer to the lossless decode than resetting;</li>
 *   <li><b>new stream</b> (SSRC change, restart of the numbering): {@link #reset()}, because a
 *       new RTP stream comes from an encoder that starts from its reset state.</li>
 * </ul>
 * Not thread-safe.
 */
public interface PayloadDecoder {

    /** The codec decoded. */
    AudioCodec codec();

    /** Output samples per payload byte (= per RTP timestamp unit). */
    default int samplesPerUnit() {
        return codec().sampleRate() / codec().rtpClockRate();
    }

    /**
     * Decodes {@code len} payload bytes into {@code len × samplesPerUnit()} samples at
     * {@code dst[dstOff]}.
     *
     * @return samples written
     */
    int decode(byte[] src, int srcOff, int len, short[] dst, int dstOff);

    /** Forgets the stream's state: what follows is decoded as a new stream. */
    void reset();

    /** A decoder for {@code codec}, in its reset state. */
    static PayloadDecoder of(AudioCodec codec) {
        return switch (codec) {
            case PCMA, PCMU -> new G711Decoder(codec);
            case G722 -> new G722PayloadDecoder();
        };
    }

    /** G.711: stateless, one table look-up per byte. */
    final class G711Decoder implements PayloadDecoder {
        private final AudioCodec codec;
        private final short[] table = new short[256];

        private G711Decoder(AudioCodec codec) {
            this.codec = codec;
            for (int i = 0; i < 256; i++) {
                table[i] = codec == AudioCodec.PCMA ? G711.alawToLinear((byte) i) : G711.ulawToLinear((byte) i);
            }
        }

        @Override
        public AudioCodec codec() {
            return codec;
        }

        @Override
        public int decode(byte[] src, int srcOff, int len, short[] dst, int dstOff) {
            for (int i = 0; i < len; i++) {
                dst[dstOff + i] = table[src[srcOff + i] & 0xFF];
            }
            return len;
        }

        @Override
        public void reset() {
            // no state
        }
    }

    /** G.722 through {@link G722Decoder}. */
    final class G722PayloadDecoder implements PayloadDecoder {
        private final G722Decoder decoder = new G722Decoder();

        private G722PayloadDecoder() {
        }

        @Override
        public AudioCodec codec() {
            return AudioCodec.G722;
        }

        @Override
        public int decode(byte[] src, int srcOff, int len, short[] dst, int dstOff) {
            return decoder.decode(src, srcOff, len, dst, dstOff);
        }

        @Override
        public void reset() {
            decoder.reset();
        }
    }
}
