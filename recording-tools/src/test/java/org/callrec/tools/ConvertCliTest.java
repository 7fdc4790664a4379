package org.callrec.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.callrec.core.audio.G711;
import org.callrec.core.audio.WavFile;
import org.callrec.core.phonefile.PhoneFileLayout;
import org.callrec.core.phonefile.PhoneFileLayout.Framing;
import org.callrec.core.phonefile.PhoneFileWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter's command line, run on files in a temporary folder laid out like a phone's USB stick. */
class ConvertCliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private int run(String... args) {
        return ConvertCli.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    /** 400 Hz at 8 kHz, {@code seconds} long, A-law or µ-law. */
    private static byte[] tone(String codec, double seconds) {
        byte[] b = new byte[(int) (8000 * seconds)];
        for (int i = 0; i < b.length; i++) {
            short s = (short) Math.round(8000 * Math.sin(2 * Math.PI * 400 * i / 8000.0));
            b[i] = codec.equals("PCMA") ? G711.linearToAlaw(s) : G711.linearToUlaw(s);
        }
        return b;
    }

    private static void writePhoneFile(Path file, String codec, PhoneFileLayout layout, byte[] payload) throws IOException {
        Files.createDirectories(file.getParent());
        try (PhoneFileWriter w = new PhoneFileWriter(Files.newOutputStream(file), codec, layout, 160, 160,
                payload.length / 160)) {
            for (int off = 0; off < payload.length; off += 160) {
                w.writeUnit(payload, off);
            }
        }
    }

    private static short[] decode(String codec, byte[] payload) {
        short[] s = new short[payload.length];
        for (int i = 0; i < payload.length; i++) {
            s[i] = codec.equals("PCMA") ? G711.alawToLinear(payload[i]) : G711.ulawToLinear(payload[i]);
        }
        return s;
    }

    @Test
    @DisplayName("a USB stick's folder: every Record_* file becomes a WAV beside it; a broken one is reported, exit 1")
    void usbStick() throws IOException {
        // Two recordings in two layouts, one truncated recording, and a file that is not a recording.
        byte[] a = tone("PCMA", 2.0);
        byte[] u = tone("PCMU", 1.5);
        writePhoneFile(dir.resolve("Record_20251126093000.wav"), "PCMA",
                new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD), a);
        writePhoneFile(dir.resolve("sub/Record_20251126094500.wav"), "PCMU",
                new PhoneFileLayout(ByteOrder.BIG_ENDIAN, Framing.RTP_COUNTED), u);
        Path broken = dir.resolve("Record_20251126100000.wav");
        writePhoneFile(broken, "PCMA", new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD), a);
        Files.write(broken, java.util.Arrays.copyOf(Files.readAllBytes(broken), 1000));
        Files.writeString(dir.resolve("notes.txt"), "not a recording");

        int code = run(dir.toString());

        // The two good files are converted, sample for sample; the broken one is named with its reason.
        assertThat(code).isEqualTo(ConvertCli.SOME_FAILED);
        WavFile wa = WavFile.parse(Files.readAllBytes(dir.resolve("Record_20251126093000.converted.wav")));
        assertThat(wa.sampleRate()).isEqualTo(8000);
        assertThat(wa.samples()).containsExactly(decode("PCMA", a));
        WavFile wu = WavFile.parse(Files.readAllBytes(dir.resolve("sub/Record_20251126094500.converted.wav")));
        assertThat(wu.samples()).containsExactly(decode("PCMU", u));
        assertThat(stdout.toString()).contains(
                "Record_20251126093000.wav: PCMA, 00:00:02.000 (2.000 s), 8000 Hz, little-endian, no RTP header",
                "Record_20251126094500.wav: PCMU, 00:00:01.500 (1.500 s), 8000 Hz, big-endian, RTP header in rtpLen",
                "3 file(s): 2 converted or skipped, 1 failed");
        assertThat(stderr.toString()).contains("Record_20251126100000.wav: not converted: truncated");
        assertThat(dir.resolve("Record_20251126100000.converted.wav")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    @DisplayName("--out writes <name>.wav into another folder; a second run skips, --force overwrites")
    void outDirAndRerun() throws IOException {
        Path in = dir.resolve("stick/Record_1.wav");
        writePhoneFile(in, "PCMU", new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.RTP_UNCOUNTED), tone("PCMU", 0.2));
        Path out = dir.resolve("wavs");

        assertThat(run("--out", out.toString(), in.toString())).isEqualTo(ConvertCli.OK);
        assertThat(WavFile.parse(Files.readAllBytes(out.resolve("Record_1.wav"))).durationSeconds()).isEqualTo(0.2);

        assertThat(run("--out", out.toString(), in.toString())).isEqualTo(ConvertCli.OK);
        assertThat(stdout.toString()).contains("skipped, " + out.resolve("Record_1.wav") + " exists");

        Files.writeString(out.resolve("Record_1.wav"), "stale");
        assertThat(run("--force", "--out", out.toString(), in.toString())).isEqualTo(ConvertCli.OK);
        assertThat(WavFile.parse(Files.readAllBytes(out.resolve("Record_1.wav"))).durationSeconds()).isEqualTo(0.2);
    }

    @Test
    @DisplayName("exit codes: 2 for a bad command line or a missing path, 3 when no Record_* file is found")
    void exitCodes() throws IOException {
        assertThat(run()).isEqualTo(ConvertCli.USAGE);
        assertThat(run("--bogus", dir.toString())).isEqualTo(ConvertCli.USAGE);
        assertThat(run("--out")).isEqualTo(ConvertCli.USAGE);
        assertThat(run(dir.resolve("missing").toString())).isEqualTo(ConvertCli.USAGE);
        assertThat(run(dir.toString())).isEqualTo(ConvertCli.NOTHING_FOUND);
        assertThat(run("--help")).isEqualTo(ConvertCli.OK);
        assertThat(stdout.toString()).contains("Exit codes: 0 all converted, 1 some file failed");
    }

    @Test
    @DisplayName("a file named on the command line that is garbage fails with a reason, not a stack trace")
    void garbage() throws IOException {
        Path junk = dir.resolve("junk.bin");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52,
            53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76});
        assertThat(run(junk.toString())).isEqualTo(ConvertCli.SOME_FAILED);
        assertThat(stderr.toString()).contains("junk.bin: not converted: not a phone recording").doesNotContain("Exception");
    }

    @Test
    @DisplayName("ffmpeg, an independent decoder, reads the WAV with the right rate, length and samples")
    void ffmpegDecodes() throws Exception {
        assumeTrue(ffmpegAvailable(), "ffmpeg not found (set CALLREC_REQUIRE_FFMPEG=true to make this a failure)");
        byte[] a = tone("PCMA", 3.0);
        Path in = dir.resolve("Record_ffmpeg.wav");
        writePhoneFile(in, "PCMA", new PhoneFileLayout(ByteOrder.BIG_ENDIAN, Framing.RTP_UNCOUNTED), a);
        assertThat(run(in.toString())).isEqualTo(ConvertCli.OK);

        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", dir.resolve("Record_ffmpeg.converted.wav").toString(),
                "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", "8000", "-").start();
        byte[] pcm = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        short[] samples = new short[pcm.length / 2];
        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        assertThat(samples.length / 8000.0).isEqualTo(3.0);
        assertThat(samples).containsExactly(decode("PCMA", a));
    }

    private static boolean ffmpegAvailable() {
        boolean found;
        try {
            Process p = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            found = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            found = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            found = false;
        }
        if (!found && "true".equalsIgnoreCase(System.getenv("CALLREC_REQUIRE_FFMPEG"))) {
            throw new IllegalStateException("ffmpeg is required (CALLREC_REQUIRE_FFMPEG=true) but cannot be run");
        }
        return found;
    }
}
