package org.callrec.storage.assemble;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * The work directory holding one spill file per open recording. Spill file names carry a
 * per-process sequence number, so a recording that is assembled again (after a rebalance) while
 * an earlier copy is still being uploaded never shares a file with it.
 */
public final class SpillFiles {

    /** Extension of spill files (they hold WAV files since 2026-12-04; the name stays, so leftovers of older versions are still deleted at startup). */
    public static final String EXTENSION = ".pcm";

    private static final Logger LOG = Logger.getLogger(SpillFiles.class);

    private final Path dir;
    private final SpillIo io;
    private final AtomicLong sequence = new AtomicLong();

    public SpillFiles(Path dir) {
        this(dir, SpillIo.defaults());
    }

    /** @param io how spill files are created and written (retries, health) */
    public SpillFiles(Path dir, SpillIo io) {
        this.dir = dir.toAbsolutePath().normalize();
        this.io = io;
    }

    /** How spill files are created and written. */
    public SpillIo io() {
        return io;
    }

    /** The work directory. */
    public Path dir() {
        return dir;
    }

    /**
     * Creates the directory and deletes spill files left by an earlier run (their recordings were
     * not committed, so they are read again from Kafka).
     *
     * @return how many leftover files were deleted
     */
    public int prepare() throws IOException {
        Files.createDirectories(dir);
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + EXTENSION)) {
            for (Path file : files) {
                if (Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** A new, not yet existing path for a recording's spill file. */
    public Path newFile(String recordingId) {
        return dir.resolve(safe(recordingId) + "-" + sequence.incrementAndGet() + EXTENSION);
    }

    /** Deletes a spill file; failures are logged, never thrown. */
    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("Cannot delete spill file %s: %s", file, e.toString());
        }
    }

    private static String safe(String id) {
        String s = id == null ? "" : id.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() ? "recording" : s.substring(0, Math.min(s.length(), 100));
    }
}
