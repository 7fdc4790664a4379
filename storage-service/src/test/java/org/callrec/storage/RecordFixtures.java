package org.callrec.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G711;
import org.callrec.core.audio.G722Encoder;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.MediaChunkBuilder;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.registry.StoragePlacement;
import org.callrec.testing.rtp.RtpPackets;

/**
 * Builds the records an ingest node would publish for a recording (START, MEDIA chunks of RTP
 * datagrams, END) and the audio payloads they carry. The RTP packets themselves come from the
 * shared {@link RtpPackets}.
 */
public final class RecordFixtures {

    /** Samples (= bytes = RTP units) per 20 ms G.711 packet. */
    public static final int SAMPLES_PER_PACKET = RtpPackets.PACKET_UNITS;

    private RecordFixtures() {
    }

    /** One datagram as received: arrival time and bytes (RTP header included). */
    public record Datagram(long arrivalMicros, byte[] bytes) {
    }

    /** A START record value. */
    public static byte[] start(String recordingId, String tenant, AudioCodec codec, long startedAtMillis,
                               Map<String, String> fields) {
        return ChunkCodec.encodeStart(new RecordingStarted(recordingId, tenant, "phone-17", "00:15:65:aa:bb:cc", codec,
                "out", "10.1.2.3", "ingest-0", 40000, startedAtMillis, fields));
    }

    /** A START record value whose allocation carried {@code placement} (the tenant's, stamped by control). */
    public static byte[] start(String recordingId, String tenant, AudioCodec codec, long startedAtMillis,
                               StoragePlacement placement) {
        return ChunkCodec.encodeStart(new RecordingStarted(recordingId, tenant, "phone-17", "00:15:65:aa:bb:cc", codec,
                "out", "10.1.2.3", "ingest-0", 40000, startedAtMillis, Map.of(), placement, 0));
    }

    /** An END record value. */
    public static byte[] end(String recordingId, String reason, long endedAtMillis, long packetsAccepted,
                             Map<String, Long> dropped, long chunks, Map<String, String> fields) {
        return ChunkCodec.encodeEnd(new RecordingEnded(recordingId, reason, endedAtMillis, packetsAccepted, dropped,
                chunks, fields));
    }

    /** A G.711 payload of a 440 Hz-ish tone, different for every packet index. */
    public static byte[] tonePayload(AudioCodec codec, int packetIndex) {
        byte[] p = new byte[SAMPLES_PER_PACKET];
        for (int i = 0; i < p.length; i++) {
            int n = packetIndex * SAMPLES_PER_PACKET + i;
            short s = (short) (8000 * Math.sin(2 * Math.PI * 440 * n / 8000.0) + 37 * (packetIndex % 7));
            p[i] = codec == AudioCodec.PCMA ? G711.linearToAlaw(s) : G711.linearToUlaw(s);
        }
        return p;
    }

    /**
     * G.722 payloads of 20 ms each (160 bytes = 160 RTP units = 320 samples at 16 kHz) of a
     * {@code hz} tone, from one encoder running through all of them, as a phone sends them.
     */
    public static List<byte[]> g722TonePayloads(int packets, double hz) {
        short[] pcm = new short[2 * SAMPLES_PER_PACKET];
        G722Encoder encoder = new G722Encoder();
        List<byte[]> out = new ArrayList<>();
        for (int p = 0; p < packets; p++) {
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * hz * (p * pcm.length + i) / 16000.0));
            }
            byte[] payload = new byte[SAMPLES_PER_PACKET];
            encoder.encode(pcm, 0, pcm.length, payload, 0);
            out.add(payload);
        }
        return out;
    }

    /** MEDIA record values, {@code perChunk} datagrams each, in the order given. */
    public static List<byte[]> chunks(List<Datagram> datagrams, int perChunk) {
        List<byte[]> out = new ArrayList<>();
        MediaChunkBuilder builder = new MediaChunkBuilder(64 * 1024);
        int index = 0;
        for (Datagram d : datagrams) {
            builder.append(d.arrivalMicros(), d.bytes(), 0, d.bytes().length);
            if (builder.packetCount() == perChunk) {
                out.add(builder.drain(index++));
            }
        }
        if (builder.packetCount() > 0) {
            out.add(builder.drain(index));
        }
        return out;
    }

    /** The decoded samples of a G.711 payload. */
    public static short[] decode(AudioCodec codec, byte[] payload) {
        short[] s = new short[payload.length];
        for (int i = 0; i < payload.length; i++) {
            s[i] = codec == AudioCodec.PCMA ? G711.alawToLinear(payload[i]) : G711.ulawToLinear(payload[i]);
        }
        return s;
    }
}
