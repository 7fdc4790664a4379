package org.callrec.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** ffmpeg as the independent decoder of what we store. */
final class Ffmpeg {

    private Ffmpeg() {
    }

    /**
     * Whether ffmpeg can be run. When it cannot, the independent decode is skipped with a
     * warning, unless {@code CALLREC_REQUIRE_FFMPEG=true} (CI), where that is a failure.
     */
    static boolean available() {
        boolean found = probe();
        if (!found) {
            if ("true".equalsIgnoreCase(System.getenv("CALLREC_REQUIRE_FFMPEG"))) {
                throw new IllegalStateException("ffmpeg is required (CALLREC_REQUIRE_FFMPEG=true) but cannot be run");
            }
            System.err.println("WARNING: ffmpeg not found: the independent decode of stored files is skipped");
        }
        return found;
    }

    private static boolean probe() {
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

    /** Decodes a raw G.722 bitstream (one byte per 8 kHz unit) to 16-bit samples at 16 kHz. */
    static short[] decodeG722(byte[] bitstream) throws IOException, InterruptedException {
        Path in = Files.createTempFile("callrec-e2e", ".g722");
        try {
            Files.write(in, bitstream);
            return run("-v", "error", "-f", "g722", "-i", in.toString(), "-f", "s16le", "-acodec", "pcm_s16le",
                    "-ac", "1", "-");
        } finally {
            Files.deleteIfExists(in);
        }
    }

    /** The sample rate of a file as ffmpeg's prober reads it. */
    static int sampleRate(byte[] file) throws IOException, InterruptedException {
        Path in = Files.createTempFile("callrec-e2e", ".wav");
        try {
            Files.write(in, file);
            Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                    "stream=sample_rate", "-of", "default=noprint_wrappers=1:nokey=1", in.toString()).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            String err = new String(p.getErrorStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ffprobe failed: " + err);
            }
            return Integer.parseInt(out);
        } finally {
            Files.deleteIfExists(in);
        }
    }

    /**
     * ffmpeg as an independent RTP sender: reads {@code wav} in real time ({@code -re}), encodes
     * it with its own G.722 encoder and sends it as RTP to {@code host:port} (RFC 3551: PT 9,
     * 8 kHz timestamps, 20 ms per packet at 16 kHz). Returns when ffmpeg has sent everything.
     */
    static void sendG722Rtp(Path wav, String host, int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-nostdin", "-re", "-i", wav.toString(),
                "-ar", "16000", "-ac", "1", "-acodec", "g722", "-f", "rtp", "rtp://" + host + ":" + port)
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ffmpeg RTP sender failed: " + out);
            }
        } finally {
            p.destroy();
        }
    }

    private static short[] run(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "ffmpeg";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffmpeg failed: " + err);
        }
        short[] s = new short[out.length / 2];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }

    /** Decodes a file to mono 16-bit samples at its own rate, as ffmpeg reads it. */
    static short[] decodeToPcm16(byte[] file) throws IOException, InterruptedException {
        Path in = Files.createTempFile("callrec-e2e", ".wav");
        try {
            Files.write(in, file);
            Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", in.toString(), "-f", "s16le",
                    "-acodec", "pcm_s16le", "-ac", "1", "-").start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ffmpeg failed: " + err);
            }
            short[] s = new short[out.length / 2];
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
            return s;
        } finally {
            Files.deleteIfExists(in);
        }
    }
}
