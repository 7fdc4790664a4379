package org.callrec.storage.assemble;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * Spill-file I/O with bounded retries: a create or a write that fails is tried again after a
 * backoff (doubling up to 2 s), at most {@code attempts} times; writes are positional, so a retry
 * rewrites exactly the same bytes. Once an operation failed every attempt, spill I/O is
 * {@link #failing()} (the {@code spill-io} readiness check is DOWN) and later operations get one
 * attempt each, so a full or broken disk never holds the consumer thread for long; the next
 * success, or a {@link #probe} of the work directory, clears it. Operations run on the consumer
 * thread; the state is read by health checks and metrics from other threads.
 */
public final class SpillIo {

    private static final Logger LOG = Logger.getLogger(SpillIo.class);
    private static final long MAX_BACKOFF_MILLIS = 2000;
    private static final String PROBE = ".probe";

    private final int attempts;
    private final long backoffMillis;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile boolean failing;
    private volatile String lastError = "";

    /**
     * @param attempts tries of one operation (at least one)
     * @param backoff  delay before the first retry
     */
    public SpillIo(int attempts, Duration backoff) {
        this.attempts = Math.max(1, attempts);
        this.backoffMillis = Math.max(0, backoff.toMillis());
    }

    /** Writes defaults: 5 attempts, 100 ms first backoff. */
    public static SpillIo defaults() {
        return new SpillIo(5, Duration.ofMillis(100));
    }

    /** An I/O step. */
    @FunctionalInterface
    interface Step<T> {
        T run(boolean retry) throws IOException;
    }

    /** Creates a new spill file for writing (on a retry, whatever the failed try left is truncated). */
    FileChannel create(Path file) throws IOException {
        return retry("create " + file, again -> FileChannel.open(file, again
                ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING}
                : new StandardOpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE}));
    }

    /** Writes {@code b[off, off+len)} at {@code position} of {@code channel}, all of it. */
    void write(FileChannel channel, byte[] b, int off, int len, long position) throws IOException {
        retry("write", again -> {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            long at = position;
            while (buf.hasRemaining()) {
                at += channel.write(buf, at);
            }
            return null;
        });
    }

    /**
     * Whether the work directory {@code dir} can be written now (a small file created, written
     * and deleted); a success clears {@link #failing()}.
     */
    public boolean probe(Path dir) {
        Path file = dir.resolve(PROBE);
        try {
            Files.write(file, new byte[] {1});
            Files.delete(file);
            recovered();
            return true;
        } catch (IOException | RuntimeException e) {
            lastError = e.toString();
            return false;
        }
    }

    /** Whether the last spill operation failed every attempt (and nothing succeeded since). */
    public boolean failing() {
        return failing;
    }

    /** The last error, empty if none. */
    public String lastError() {
        return lastError;
    }

    /** Failed attempts so far. */
    public long errors() {
        return errors.get();
    }

    /** Attempts that were retries. */
    public long retries() {
        return retries.get();
    }

    private <T> T retry(String what, Step<T> step) throws IOException {
        int tries = failing ? 1 : attempts;
        long delay = backoffMillis;
        for (int attempt = 1; ; attempt++) {
            try {
                T result = step.run(attempt > 1);
                recovered();
                return result;
            } catch (IOException e) {
                errors.incrementAndGet();
                lastError = e.toString();
                if (attempt >= tries) {
                    if (!failing) {
                        LOG.warnf("Spill I/O fails (%s, %d attempt(s)): %s", what, attempt, e.toString());
                    }
                    failing = true;
                    throw e;
                }
                retries.incrementAndGet();
                sleep(delay);
                delay = Math.min(MAX_BACKOFF_MILLIS, Math.max(1, delay * 2));
            }
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.infof("Spill I/O works again");
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while retrying spill I/O", e);
        }
    }
}
