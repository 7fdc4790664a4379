package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.testing.rtp.RtpPackets.rtp;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import org.assertj.core.data.Offset;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G711;
import org.callrec.core.audio.WavFile;
import org.callrec.core.audio.WavHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Two calls, PCMA and PCMU, sent at once through real sockets with every impairment a real
 * network and a real phone produce — burst and single loss, reordering, duplicates (one of them
 * far beyond the reorder window), RFC 4733 DTMF events and a comfort-noise packet in the
 * stream's sequence space, packets with padding + CSRC list + header extension, garbage, an
 * 8-second hold with no RTP, an SSRC change mid-call, sequence number and timestamp wrapping —
 * and stored by two storage services at once: the default one (16-bit PCM) and one writing
 * G.711 WAV in 4-second segments. ffmpeg, an independent decoder, reads what was stored.
 */
@DisplayName("impaired calls, end to end")
class ImpairedCallEndToEndTest {

    private static final String G711_BUCKET = "recordings-g711";
    private static final int SLOTS = 750;              // 15 s of 20 ms packets
    private static final int PACKET = 160;
    private static final int HOLD_FROM = 150;          // slots 150..549: on hold, nothing sent but one CN packet
    private static final int HOLD_TO = 550;
    private static final int SSRC_CHANGE = 600;        // slots 600.. come from a new SSRC
    private static final int[] LOST = {40, 41, 42, 43, 44, 45, 46, 47, 130, 680, 681, 682, 683, 684, 700};
    private static final int DTMF_FROM = 110;
    private static final int DTMF_PACKETS = 7;

    private static RecordingStack stack;
    private static Archive pcmArchive;
    private static Archive g711Archive;

    @BeforeAll
    static void startTheSuite() throws Exception {
        stack = RecordingStack.start();
        // a second storage service, own group and bucket: G.711 as sent, 4 s per file
        stack.startExtraStorage(G711_BUCKET, Map.of("storage.output.format", "g711",
                "storage.segment.max-duration", "4s"));
        pcmArchive = new Archive(stack.s3Client(), RecordingStack.BUCKET);
        g711Archive = new Archive(stack.s3Client(), G711_BUCKET);
    }

    @AfterAll
    static void stopTheSuite() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("PCMA and PCMU with every impairment: the stored audio is the reference, in time, with silence where packets were lost; G.711 output is byte-exact with the wire")
    void everyImpairmentAtOnce() throws Exception {
        assumeThat(Ffmpeg.available()).as("ffmpeg decodes what is stored").isTrue();
        List<Call> calls = List.of(new Call(AudioCodec.PCMA, "imp-pcma", "0c383e00bb01", 0x11110001L, 0x22220002L),
                new Call(AudioCodec.PCMU, "imp-pcmu", "0c383e00bb02", 0x33330003L, 0x44440004L));

        // Both phones call at the same time.
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Call c : calls) {
                running.add(pool.submit(() -> {
                    c.place();
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        for (Call c : calls) {
            checkPcm16(c);
            checkG711(c);
        }
    }

    @Test
    @DisplayName("ffmpeg as an independent encoder and RTP sender: what it sent is what is stored, in time")
    void ffmpegAsTheSender() throws Exception {
        assumeThat(Ffmpeg.available()).as("ffmpeg sends and decodes").isTrue();
        for (AudioCodec codec : List.of(AudioCodec.PCMA, AudioCodec.PCMU)) {
            String id = "ffmpeg-" + codec.name().toLowerCase();
            String device = codec == AudioCodec.PCMA ? "0c383e00cc01" : "0c383e00cc02";
            java.nio.file.Path reference = java.nio.file.Files.createTempFile("callrec-e2e-ref", ".wav");
            try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort)) {
                Map<String, String> start = phone.send("cmd=RecordStartRequest&id=" + id + "&device=" + device
                        + "&codec=" + codec.name());
                assertThat(start).containsEntry("result", "success");
                // One source, two outputs: 20 ms G.711 RTP packets in real time to our port, and
                // the same audio as a 16-bit reference file. RTCP goes to a port nobody uses.
                Process ffmpeg = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-re",
                        "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=8000:duration=3,volume=0.5",
                        "-filter_complex", "[0:a]asetnsamples=n=160:p=0,asplit=2[net][ref]",
                        "-map", "[net]", "-acodec", codec == AudioCodec.PCMA ? "pcm_alaw" : "pcm_mulaw", "-ar", "8000",
                        "-f", "rtp", "rtp://" + start.get("server") + ":" + start.get("port")
                                + "?rtcpport=" + RecordingStack.freePort(),
                        "-map", "[ref]", "-acodec", "pcm_s16le", reference.toString())
                        .redirectErrorStream(true).start();
                String out = new String(ffmpeg.getInputStream().readAllBytes());
                assertThat(ffmpeg.waitFor()).as("ffmpeg: %s", out).isZero();
                assertThat(phone.send("cmd=RecordStopRequest&id=" + id)).containsEntry("result", "success");
            }
            short[] expected = WavFile.parse(java.nio.file.Files.readAllBytes(reference)).samples();
            java.nio.file.Files.deleteIfExists(reference);

            Archive.Stored stored = awaitStored(pcmArchive, id, device.replaceAll("(..)(?!$)", "$1:"));
            short[] decoded = Ffmpeg.decodeToPcm16(stored.wavBytes());
            assertThat(decoded.length / 8000.0).as("%s duration", codec).isCloseTo(expected.length / 8000.0,
                    Offset.offset(0.040));
            int bestLag = 0;
            double best = -2;
            for (int lag = -400; lag <= 400; lag++) {
                double r = correlation(expected, decoded, lag, expected.length);
                if (r > best) {
                    best = r;
                    bestLag = lag;
                }
            }
            assertThat(bestLag).as("%s alignment", codec).isZero();
            assertThat(best).as("%s correlation", codec).isGreaterThanOrEqualTo(0.97);
            assertThat(stored.metadata().path("quality").path("intact").asBoolean()).isTrue();
        }
    }

    /** Pearson correlation of {@code x} and {@code y} shifted by {@code lag}, over the first {@code n} samples of x. */
    static double correlation(short[] x, short[] y, int lag, int n) {
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        double sx = 0;
        double sy = 0;
        long count = 0;
        for (int i = 0; i < n; i++) {
            int d = i + lag;
            if (d < 0 || d >= y.length) {
                continue;
            }
            sx += x[i];
            sy += y[d];
            sxx += (double) x[i] * x[i];
            syy += (double) y[d] * y[d];
            sxy += (double) x[i] * y[d];
            count++;
        }
        double cov = sxy - sx * sy / count;
        double vx = sxx - sx * sx / count;
        double vy = syy - sy * sy / count;
        return vx <= 0 || vy <= 0 ? 0 : cov / Math.sqrt(vx * vy);
    }

    /** The default store: 16-bit PCM, decoded by ffmpeg, compared with the reference signal. */
    private static void checkPcm16(Call c) throws Exception {
        Archive.Stored stored = awaitStored(pcmArchive, c.sessionId, c.deviceWithColons());
        WavFile wav = stored.wav();
        assertThat(wav.formatTag()).isEqualTo(WavHeader.FORMAT_PCM);
        short[] decoded = Ffmpeg.decodeToPcm16(stored.wavBytes());

        // Duration: the reference's, within 40 ms (the hold kept as silence, no packet's time lost or added).
        assertThat(decoded.length / 8000.0).as("%s duration", c.codec).isCloseTo(SLOTS * 0.020, Offset.offset(0.040));

        // One alignment for the whole call: the best lag is 0, and there the audio that arrived
        // correlates with the reference.
        int bestLag = 0;
        double best = -2;
        for (int lag = -400; lag <= 400; lag++) {
            double r = correlation(c.reference, decoded, lag);
            if (r > best) {
                best = r;
                bestLag = lag;
            }
        }
        assertThat(bestLag).as("%s alignment", c.codec).isZero();
        assertThat(best).as("%s correlation where nothing was lost", c.codec).isGreaterThanOrEqualTo(0.97);

        // Lost packets are silence at their place, not shifted audio; so is the hold.
        for (int k : LOST) {
            assertThat(maxAbs(decoded, k)).as("%s lost slot %d", c.codec, k).isLessThanOrEqualTo(16);
        }
        for (int k = HOLD_FROM; k < HOLD_TO; k += 37) {
            assertThat(maxAbs(decoded, k)).as("%s hold slot %d", c.codec, k).isLessThanOrEqualTo(16);
        }

        // The metadata tells what happened without listening.
        JsonNode m = stored.metadata();
        JsonNode q = m.path("quality");
        assertThat(m.path("durationSeconds").asDouble()).isCloseTo(15.0, Offset.offset(0.001));
        assertThat(q.path("intact").asBoolean()).isFalse();
        assertThat(q.path("packetsExpected").asLong()).as("audio packets sent").isEqualTo(350);
        assertThat(q.path("packetsLost").asLong()).isEqualTo(LOST.length);
        assertThat(q.path("packetsPlaced").asLong()).isEqualTo(350 - LOST.length);
        assertThat(q.path("packetsDuplicated").asLong()).isEqualTo(3);
        assertThat(q.path("packetsLate").asLong()).isZero();
        assertThat(q.path("ssrcChanges").asInt()).isEqualTo(1);
        assertThat(q.path("otherPayloadTypes").path("101").asLong()).as("DTMF events").isEqualTo(DTMF_PACKETS);
        assertThat(q.path("otherPayloadTypes").path("13").asLong()).as("comfort noise").isEqualTo(1);
        assertThat(q.path("droppedByReason").path("malformed").asLong()).isEqualTo(1);
        assertThat(q.path("gaps")).singleElement().satisfies(g -> {
            assertThat(g.path("atSeconds").asDouble()).isCloseTo(3.0, Offset.offset(0.001));
            assertThat(g.path("lengthSeconds").asDouble()).isCloseTo(8.0, Offset.offset(0.001));
            assertThat(g.path("keptSeconds").asDouble()).isCloseTo(8.0, Offset.offset(0.001));
            assertThat(g.path("action").asText()).isEqualTo("kept");
        });
    }

    /** The G.711 store: every segment's data bytes, joined, are the wire payloads, silence byte for what was never there. */
    private static void checkG711(Call c) throws Exception {
        Archive.Stored stored = awaitStored(g711Archive, c.sessionId, c.deviceWithColons());
        JsonNode audio = stored.metadata().path("audio");
        assertThat(audio.path("format").asText()).isEqualTo(c.codec == AudioCodec.PCMA ? "pcm_alaw" : "pcm_mulaw");
        JsonNode segments = audio.path("segments");
        assertThat(segments).as("15 s in files of at most 4 s").hasSize(4);

        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int ffmpegSamples = 0;
        double start = 0;
        for (JsonNode s : segments) {
            byte[] file = g711Archive.get(s.path("key").asText());
            WavFile wav = WavFile.parse(file);
            assertThat(wav.formatTag()).isEqualTo(c.codec == AudioCodec.PCMA ? WavHeader.FORMAT_ALAW : WavHeader.FORMAT_MULAW);
            assertThat(wav.bitsPerSample()).isEqualTo(8);
            assertThat(wav.durationSeconds()).isLessThanOrEqualTo(4.0);
            assertThat(s.path("startSeconds").asDouble()).isCloseTo(start, Offset.offset(0.001));
            start += s.path("durationSeconds").asDouble();
            joined.write(wav.data());
            // ffmpeg reads each segment as G.711 and decodes it exactly as the standard tables do
            short[] decoded = Ffmpeg.decodeToPcm16(file);
            assertThat(decoded).isEqualTo(decode(c.codec, wav.data()));
            ffmpegSamples += decoded.length;
        }
        assertThat(joined.toByteArray()).as("%s G.711 bytes", c.codec).isEqualTo(c.expectedWire());
        assertThat(ffmpegSamples / 8000.0).isCloseTo(SLOTS * 0.020, Offset.offset(0.040));
        assertThat(segments.get(1).path("key").asText()).endsWith(".part-002.wav");
    }

    // ---------------------------------------------------------------------------------------

    /** One phone's call: the reference signal, its packets as the network delivers them. */
    private static final class Call {
        final AudioCodec codec;
        final String sessionId;
        final String device;
        final long ssrcA;
        final long ssrcB;
        final short[] reference = referenceSignal();
        final byte[][] payloads = new byte[SLOTS][];

        Call(AudioCodec codec, String sessionId, String device, long ssrcA, long ssrcB) {
            this.codec = codec;
            this.sessionId = sessionId;
            this.device = device;
            this.ssrcA = ssrcA;
            this.ssrcB = ssrcB;
            for (int k = 0; k < SLOTS; k++) {
                payloads[k] = new byte[PACKET];
                for (int j = 0; j < PACKET; j++) {
                    short s = reference[k * PACKET + j];
                    payloads[k][j] = codec == AudioCodec.PCMA ? G711.linearToAlaw(s) : G711.linearToUlaw(s);
                }
            }
        }

        String deviceWithColons() {
            return device.replaceAll("(..)(?!$)", "$1:");
        }

        boolean onHold(int k) {
            return k >= HOLD_FROM && k < HOLD_TO;
        }

        /** What the G.711 store must hold: each slot's payload as sent, or the silence byte. */
        byte[] expectedWire() {
            byte silence = codec == AudioCodec.PCMA ? (byte) 0xD5 : (byte) 0xFF;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int k = 0; k < SLOTS; k++) {
                int kk = k;
                if (onHold(k) || Arrays.stream(LOST).anyMatch(l -> l == kk)) {
                    byte[] s = new byte[PACKET];
                    Arrays.fill(s, silence);
                    out.writeBytes(s);
                } else {
                    out.writeBytes(payloads[k]);
                }
            }
            return out.toByteArray();
        }

        void place() throws Exception {
            try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort)) {
                Map<String, String> start = phone.send("cmd=RecordStartRequest&id=" + sessionId + "&device=" + device
                        + "&codec=" + codec.name() + "&dir=out");
                assertThat(start).containsEntry("result", "success");
                phone.sendScheduled(start.get("server"), Integer.parseInt(start.get("port")), datagrams());
                assertThat(phone.send("cmd=RecordStopRequest&id=" + sessionId + "&reason=hangup"))
                        .containsEntry("result", "success");
            }
        }

        /** Every datagram the phone sends, with its send time after the network's reordering. */
        List<RawPhone.Timed> datagrams() {
            List<RawPhone.Timed> out = new ArrayList<>();
            int seqA = 1000;
            long tsA = 5000;
            int seqB = 65_500;                     // wraps after 36 packets of the new SSRC
            long tsB = (1L << 32) - 50L * PACKET;  // wraps after 50
            int pt = codec.payloadType();
            for (int k = 0; k < SLOTS; k++) {
                boolean b = k >= SSRC_CHANGE;
                long ssrc = b ? ssrcB : ssrcA;
                long ts = b ? tsB + (long) (k - SSRC_CHANGE) * PACKET : tsA + (long) k * PACKET;
                if (onHold(k)) {
                    if (k == HOLD_FROM) {
                        // RFC 3389 comfort noise at the start of the hold, then nothing for 8 s
                        out.add(new RawPhone.Timed(k * 20L, rtp(13, false, seqA++, ts, ssrc, new byte[] {0x40}, false)));
                    }
                    continue;
                }
                int seq = b ? seqB++ : seqA++;
                boolean fancy = k % 7 == 3;        // padding + 2 CSRCs + header extension
                byte[] packet = rtp(pt, k == HOLD_TO, seq & 0xFFFF, ts & 0xFFFF_FFFFL, ssrc, payloads[k], fancy);
                long at = k * 20L;
                if (k == 60 || k == 620) {
                    at += 25;                      // arrives after its successor
                } else if (k == 90) {
                    at += 200;                     // late, within the window
                } else if (k == 650) {
                    at += 300;
                }
                int kk = k;
                if (Arrays.stream(LOST).noneMatch(l -> l == kk)) {
                    out.add(new RawPhone.Timed(at, packet));
                    if (k == 100 || k == 710) {
                        out.add(new RawPhone.Timed(at + 5, packet));     // duplicated at once
                    } else if (k == 120) {
                        out.add(new RawPhone.Timed(at + 1000, packet));  // and one copy a second later
                    }
                }
                if (k >= DTMF_FROM && k < DTMF_FROM + DTMF_PACKETS) {
                    // RFC 4733 telephone-event (digit 5) in the same SSRC and sequence space
                    int i = k - DTMF_FROM;
                    boolean end = i == DTMF_PACKETS - 1;
                    int duration = PACKET * (i + 1);
                    byte[] event = {5, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >> 8), (byte) duration};
                    out.add(new RawPhone.Timed(at + 10, rtp(101, i == 0, seqA++, tsA + (long) DTMF_FROM * PACKET, ssrc, event, false)));
                }
                if (k == 20) {
                    out.add(new RawPhone.Timed(at + 3, new byte[] {(byte) 0xFF, 0, 1, 2, 3})); // garbage
                }
            }
            return out;
        }
    }

    /** Speech-like reference: a voiced sound whose pitch glides and whose loudness swells, silent on hold. */
    static short[] referenceSignal() {
        short[] s = new short[SLOTS * PACKET];
        double phase = 0;
        for (int n = 0; n < s.length; n++) {
            int k = n / PACKET;
            double t = n / 8000.0;
            double f0 = 180 + 90 * Math.sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * f0 / 8000.0;
            double env = 0.35 + 0.65 * Math.abs(Math.sin(2 * Math.PI * 1.3 * t));
            double v = Math.sin(phase) + 0.5 * Math.sin(2 * phase + 0.3) + 0.3 * Math.sin(3 * phase + 1.1)
                    + 0.15 * Math.sin(7 * phase);
            s[n] = k >= HOLD_FROM && k < HOLD_TO ? 0 : (short) Math.round(7000 * env * v);
        }
        return s;
    }

    /** Pearson correlation of reference and decoded (shifted by {@code lag}) over the slots that arrived. */
    static double correlation(short[] reference, short[] decoded, int lag) {
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        double sx = 0;
        double sy = 0;
        long n = 0;
        for (int k = 0; k < SLOTS; k++) {
            int kk = k;
            if ((k >= HOLD_FROM && k < HOLD_TO) || Arrays.stream(LOST).anyMatch(l -> l == kk)) {
                continue;
            }
            for (int j = 0; j < PACKET; j++) {
                int i = k * PACKET + j;
                int d = i + lag;
                if (d < 0 || d >= decoded.length) {
                    continue;
                }
                double x = reference[i];
                double y = decoded[d];
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
                n++;
            }
        }
        double cov = sxy - sx * sy / n;
        double vx = sxx - sx * sx / n;
        double vy = syy - sy * sy / n;
        return vx <= 0 || vy <= 0 ? 0 : cov / Math.sqrt(vx * vy);
    }

    private static int maxAbs(short[] decoded, int slot) {
        int max = 0;
        for (int j = 0; j < PACKET && slot * PACKET + j < decoded.length; j++) {
            max = Math.max(max, Math.abs(decoded[slot * PACKET + j]));
        }
        return max;
    }

    private static short[] decode(AudioCodec codec, byte[] g711) {
        short[] s = new short[g711.length];
        for (int i = 0; i < g711.length; i++) {
            s[i] = codec == AudioCodec.PCMA ? G711.alawToLinear(g711[i]) : G711.ulawToLinear(g711[i]);
        }
        return s;
    }

    private static Archive.Stored awaitStored(Archive archive, String sessionId, String device) {
        AtomicReference<Archive.Stored> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            Optional<Archive.Stored> s = archive.find(sessionId, device);
            s.ifPresent(found::set);
            return s.isPresent();
        });
        return found.get();
    }
}
