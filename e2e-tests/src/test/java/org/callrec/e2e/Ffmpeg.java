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
