package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.WavFile;
import org.callrec.core.audio.WavHeader;
import org.callrec.simulator.CallResult;
import org.callrec.simulator.PhoneConfig;
import org.callrec.simulator.SimulatedPhone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * G.722 calls end to end (real sockets, broker, S3, the three services as processes): the stored
 * WAV is 16-bit PCM at 16 kHz with the call's duration and pitch — not the 8 kHz, "half length,
 * twice too fast" file a recorder makes when it takes G.722's 8 kHz RTP clock for its sample rate.
 * ffmpeg is the independent decoder of what we store and, in one test, the independent encoder
 * and RTP sender.
 */
class G722EndToEndTest {

    private static final int RATE = 16000;
    /** The reference's duration must be matched within this (issue 3). */
    private static final double DURATION_TOLERANCE_SECONDS = 0.040;
    private static final double MIN_CORRELATION = 0.97;

    private static RecordingStack stack;
    private static Archive archive;

    @TempDir
    Path dir;

    @BeforeAll
    static void startTheSuite() throws Exception {
        stack = RecordingStack.start();
        archive = new Archive(stack.s3Client(), RecordingStack.BUCKET);
    }

    @AfterAll
    static void stopTheSuite() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("a simulated phone's G.722 call is stored as 16 kHz PCM: sample-exact, right length, right pitch, ffmpeg agrees")
    void simulatedPhoneG722CallIsStoredAtSixteenKilohertz() throws Exception {
        // A phone sends 3 s of a 1 kHz tone as G.722: 150 packets of 160 bytes, timestamps +160
        PhoneConfig config = PhoneConfig.builder().control("127.0.0.1", stack.controlPort).codec(AudioCodec.G722)
                .toneHz(1000).duration(Duration.ofSeconds(3)).build();
        CallResult call = SimulatedPhone.call(config);
        assertThat(call.started()).as("start answered success: %s", call).isTrue();
        assertThat(call.payloadLength()).isEqualTo(150 * 160);

        Archive.Stored stored = awaitStored(config.sessionId(), config.device());

        // A 16-bit 16 kHz mono WAV holding exactly our decode of what the phone sent
        WavFile wav = stored.wav();
        assertThat(wav.formatTag()).isEqualTo(WavHeader.FORMAT_PCM);
        assertThat(wav.bitsPerSample()).isEqualTo(16);
        assertThat(wav.channels()).isEqualTo(1);
        assertThat(wav.sampleRate()).isEqualTo(RATE);
        assertThat(wav.samples()).isEqualTo(call.expectedPcm());
        assertThat(wav.durationSeconds()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(DURATION_TOLERANCE_SECONDS));
        JsonNode m = stored.metadata();
        assertThat(m.path("codec").asText()).isEqualTo("G722");
        assertThat(m.path("durationSeconds").asDouble()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.001));
        assertThat(m.path("quality").path("packetsLost").asLong()).isZero();

        if (Ffmpeg.available()) {
            // ffmpeg reads our file as 16 kHz, and what it reads matches its own decode of the
            // bitstream the phone sent, at a single alignment, with the tone's pitch
            assertThat(Ffmpeg.sampleRate(stored.wavBytes())).isEqualTo(RATE);
            short[] ours = Ffmpeg.decodeToPcm16(stored.wavBytes());
            short[] reference = Ffmpeg.decodeG722(call.payloadSent());
            checkAgainstReference("simulator", ours, reference, 1000);
        }
    }

    @Test
    @DisplayName("ffmpeg as the phone's RTP sender: its G.722 stream is stored at 16 kHz, length within 40 ms, correlation ≥ 0.97, pitch right")
    void ffmpegSentG722IsStoredFaithfully() throws Exception {
        assumeThat(Ffmpeg.available()).as("ffmpeg is the sender of this test").isTrue();
        // The reference: 4 s at 16 kHz, a 600 Hz tone under a little noise (so only one alignment fits)
        short[] reference = toneWithNoise(4.0, 600);
        Path wavFile = dir.resolve("reference.wav");
        Files.write(wavFile, wav(reference));

        try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort)) {
            // The phone asks for a G.722 recording over TCP and gets a UDP port
            Map<String, String> start = phone.send(
                    "cmd=RecordStartRequest&id=ffg722&device=0c383e00722f&codec=G722&dir=out&local_number=100");
            assertThat(start).containsEntry("result", "success").containsKeys("server", "port");

            // ffmpeg encodes the reference and sends it as real-time RTP from the phone's address
            Ffmpeg.sendG722Rtp(wavFile, start.get("server"), Integer.parseInt(start.get("port")));

            assertThat(phone.send("cmd=RecordStopRequest&id=ffg722&reason=hangup")).containsEntry("result", "success");
        }

        Archive.Stored stored = awaitStored("ffg722", "0c:38:3e:00:72:2f");
        WavFile wav = stored.wav();
        assertThat(wav.sampleRate()).isEqualTo(RATE);
        assertThat(wav.bitsPerSample()).isEqualTo(16);
        assertThat(stored.metadata().path("codec").asText()).isEqualTo("G722");
        assertThat(stored.metadata().path("quality").path("packetsLost").asLong()).isZero();

        // ffmpeg decodes what we stored; it must be the reference's audio, duration and pitch
        assertThat(Ffmpeg.sampleRate(stored.wavBytes())).isEqualTo(RATE);
        checkAgainstReference("ffmpeg sender", Ffmpeg.decodeToPcm16(stored.wavBytes()), reference, 600);
    }

    private static void checkAgainstReference(String what, short[] stored, short[] reference, double toneHz) {
        double storedSeconds = (double) stored.length / RATE;
        double referenceSeconds = (double) reference.length / RATE;
        // up to 50 ms either way: well beyond the codec's delay, far below a packet-sized shift
        Signals.Alignment a = Signals.bestAlignment(stored, reference, 800);
        double pitch = Signals.dominantHz(java.util.Arrays.copyOfRange(stored, RATE / 2, RATE / 2 + RATE), RATE);
        System.out.printf("G.722 e2e (%s): stored %.3f s, reference %.3f s, correlation %.5f at lag %d samples, "
                + "pitch %.0f Hz (tone %.0f Hz)%n", what, storedSeconds, referenceSeconds, a.correlation(), a.lag(), pitch, toneHz);
        assertThat(storedSeconds).as("duration").isCloseTo(referenceSeconds,
                org.assertj.core.data.Offset.offset(DURATION_TOLERANCE_SECONDS));
        assertThat(a.correlation()).as("correlation at the best single alignment").isGreaterThanOrEqualTo(MIN_CORRELATION);
        assertThat(pitch).as("dominant frequency").isCloseTo(toneHz, org.assertj.core.data.Offset.offset(10.0));
    }

    private static short[] toneWithNoise(double seconds, double hz) {
        short[] s = new short[(int) Math.round(seconds * RATE)];
        long noise = 0x2545F4914F6CDD1DL;
        for (int i = 0; i < s.length; i++) {
            noise ^= noise << 13;
            noise ^= noise >>> 7;
            noise ^= noise << 17;
            s[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * hz * i / RATE) + (noise >>> 40) % 1201 - 600);
        }
        return s;
    }

    private static byte[] wav(short[] samples) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(WavHeader.pcm16Mono(RATE, 2L * samples.length));
        ByteBuffer b = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(samples);
        out.writeBytes(b.array());
        return out.toByteArray();
    }

    private static Archive.Stored awaitStored(String sessionId, String device) {
        AtomicReference<Archive.Stored> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Optional<Archive.Stored> s = archive.find(sessionId, device);
            s.ifPresent(found::set);
            return s.isPresent();
        });
        return found.get();
    }
}
