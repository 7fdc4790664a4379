package org.callrec.simulator;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends the RTP packets of many simulated phones in real time with a few threads.
 *
 * <p>Each thread (a "lane") keeps its streams in a queue ordered by the next deadline, sleeps
 * until the earliest one is due and sends every packet that is due. Deadlines are absolute
 * ({@code start + i × ptime} on {@link System#nanoTime()}), so a late wake-up delays one packet
 * but never shifts the ones after it. Two lanes carry 200 phones × 50 packets/s with room to
 * spare; no thread per phone sleeps.
 *
 * <p>{@link #shared()} is a process-wide pacer with daemon threads, used by
 * {@link SimulatedPhone#call(PhoneConfig)}; create your own to isolate a load run.
 */
public final class RtpPacer implements AutoCloseable {

    private final Lane[] lanes;
    private final AtomicInteger next = new AtomicInteger();

    /** Starts a pacer with {@code threads} daemon threads. */
    public RtpPacer(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        lanes = new Lane[threads];
        for (int i = 0; i < threads; i++) {
            lanes[i] = new Lane();
            Thread t = new Thread(lanes[i], "rtp-pacer-" + i);
            t.setDaemon(true);
            t.start();
        }
    }

    /** The process-wide pacer (two daemon threads), created on first use. */
    public static RtpPacer shared() {
        return Shared.INSTANCE;
    }

    /** Number of pacing threads. */
    public int threads() {
        return lanes.length;
    }

    /** Hands a stream over; its first packet is due now. */
    void submit(MediaStream stream) {
        lanes[Math.floorMod(next.getAndIncrement(), lanes.length)].add(stream);
    }

    /** Stops the threads; streams still running end at once (their calls fail). */
    @Override
    public void close() {
        for (Lane lane : lanes) {
            lane.close();
        }
    }

    private static final class Shared {
        static final RtpPacer INSTANCE = new RtpPacer(2);
    }

    private static final class Lane implements Runnable {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final PriorityQueue<MediaStream> queue =
                new PriorityQueue<>(Comparator.comparingLong(MediaStream::nextDeadline));
        private boolean closed;

        void add(MediaStream stream) {
            lock.lock();
            try {
                if (closed) {
                    stream.abort(new CancellationException("RTP pacer closed"));
                    return;
                }
                stream.start(System.nanoTime());
                queue.add(stream);
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        void close() {
            lock.lock();
            try {
                closed = true;
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void run() {
            lock.lock();
            try {
                while (!closed) {
                    MediaStream stream = queue.peek();
                    if (stream == null) {
                        changed.await();
                        continue;
                    }
                    long now = System.nanoTime();
                    long wait = stream.nextDeadline() - now;
                    if (wait > 0) {
                        changed.awaitNanos(wait);
                        continue;
                    }
                    queue.poll();
                    boolean more;
                    lock.unlock();
                    try {
                        more = stream.fire(System.nanoTime());
                    } catch (RuntimeException | Error e) {
                        stream.abort(e);
                        more = false;
                    } finally {
                        lock.lock();
                    }
                    if (more) {
                        queue.add(stream);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                CancellationException cause = new CancellationException("RTP pacer closed");
                queue.forEach(s -> s.abort(cause));
                queue.clear();
                closed = true;
                lock.unlock();
            }
        }
    }
}
