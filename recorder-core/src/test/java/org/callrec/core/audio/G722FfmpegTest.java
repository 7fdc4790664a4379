package org.callrec.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link G722Decoder} and {@link G722Encoder} against ffmpeg's {@code g722} codec, an independent
 * implementation, on 6 s of tones, sweep and noise at 16 kHz. Skipped when ffmpeg cannot be run,
 * unless {@code CALLREC_REQUIRE_FFMPEG=true} (CI), where that fails. Measured with ffmpeg 5.1.9:
 * both directions bit-exact (infinite SNR); the SNR figures are printed in the test output.
 */
class G722FfmpegTest {

    private static final short[] SOURCE = G722Signals.tonesSweepNoise(6.0);

    @TempDir
    Path dir;

    @BeforeAll
    static void ffmpegIsThere() {
        boolean found = canRunFfmpeg();
        if (!found && "true".equalsIgnoreCase(System.getenv("CALLREC_REQUIRE_FFMPEG"))) {
            throw new IllegalStateException("ffmpeg is required (CALLREC_REQUIRE_FFMPEG=true) but cannot be run");
        }
        assumeTrue(found, "ffmpeg not found: the G.722 comparison with ffmpeg is skipped");
    }

    @Test
    @DisplayName("decodes ffmpeg's encoding of tones, sweep and noise to ffmpeg's own decode (bit-exact)")
    void decoderMatchesFfmpegsDecoder() throws Exception {
        // ffmpeg encodes the source, then decodes its own bitstream
        byte[] bitstream = ffmpegEncode(SOURCE);
        short[] ffmpegDecoded = ffmpegDecode(bitstream);

        // we decode the same bitstream
        short[] ours = new short[2 * bitstream.length];
        new G722Decoder().decode(bitstream, 0, bitstream.length, ours, 0);

        double snr = G722Signals.snrDb(ours, ffmpegDecoded);
        System.out.printf("G.722 decoder: ours vs ffmpeg on ffmpeg's bitstream (%d bytes): SNR %s; "
                        + "ffmpeg's codec vs the source (best delay): SNR %.2f dB%n", bitstream.length,
                G722Signals.format(snr), G722Signals.bestDelaySnrDb(ffmpegDecoded, SOURCE, 64));
        assertThat(ours).hasSameSizeAs(ffmpegDecoded);
        assertThat(snr).isGreaterThanOrEqualTo(60.0);
        assertThat(ours).containsExactly(ffmpegDecoded);
    }

    @Test
    @DisplayName("encodes like ffmpeg's encoder, and ffmpeg decodes our bitstream to what our decoder gives")
    void encoderMatchesFfmpegsEncoder() throws Exception {
        // we encode the source
        byte[] ours = new byte[SOURCE.length / 2];
        int written = new G722Encoder().encode(SOURCE, 0, SOURCE.length, ours, 0);
        assertThat(written).isEqualTo(SOURCE.length / 2);

        // ffmpeg decodes our bitstream; so do we
        short[] ffmpegDecoded = ffmpegDecode(ours);
        short[] ourDecoded = new short[SOURCE.length];
        new G722Decoder().decode(ours, 0, ours.length, ourDecoded, 0);
        double decodeSnr = G722Signals.snrDb(ourDecoded, ffmpegDecoded);

        // and compare with ffmpeg's own encoding of the same source
        byte[] ffmpegEncoded = ffmpegEncode(SOURCE);
        int differing = 0;
        for (int i = 0; i < Math.min(ours.length, ffmpegEncoded.length); i++) {
            if (ours[i] != ffmpegEncoded[i]) {
                differing++;
            }
        }
        double codecSnr = G722Signals.bestDelaySnrDb(ourDecoded, SOURCE, 64);
        System.out.printf("G.722 encoder: %d of %d bytes differ from ffmpeg's encoder; ffmpeg's decode of our "
                        + "bitstream vs ours: SNR %s; our encode+decode vs the source (best delay): SNR %.2f dB%n",
                differing, ours.length, G722Signals.format(decodeSnr), codecSnr);
        assertThat(ffmpegDecoded).containsExactly(ourDecoded);
        assertThat(ours).containsExactly(ffmpegEncoded);
        assertThat(codecSnr).isGreaterThan(20.0);
    }

    private byte[] ffmpegEncode(short[] pcm) throws Exception {
        Path in = dir.resolve("in.s16le");
        Path out = dir.resolve("out.g722");
        Files.write(in, G722Signals.s16le(pcm));
        run(List.of("ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", "16000", "-ac", "1", "-i", in.toString(),
                "-acodec", "g722", "-f", "g722", out.toString()));
        return Files.readAllBytes(out);
    }

    private short[] ffmpegDecode(byte[] bitstream) throws Exception {
        Path in = dir.resolve("in.g722");
        Path out = dir.resolve("out.s16le");
        Files.write(in, bitstream);
        run(List.of("ffmpeg", "-v", "error", "-y", "-f", "g722", "-i", in.toString(), "-f", "s16le", "-ar", "16000",
                "-ac", "1", out.toString()));
        return G722DecoderTest.pcm(Files.readAllBytes(out));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ffmpeg finished").isTrue();
        assertThat(p.exitValue()).as("ffmpeg exit code; output: " + output).isZero();
    }

    private static boolean canRunFfmpeg() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
