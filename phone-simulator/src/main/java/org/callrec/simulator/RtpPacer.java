package org.callrec.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>The packets go out through an {@link RtpTransport}; after each wake-up ("tick") a lane
 * calls {@link RtpTransport#flush()} once, so a batching transport writes the tick's packets
 * together. With a {@code tick} above zero a lane wakes at most once per tick and sends
 * everything due by then: packets leave up to one tick late (never early), in larger batches.
 *
 * <p>{@link #shared()} is a process-wide pacer with daemon threads, used by
 * {@link SimulatedPhone#call(PhoneConfig)}; create your own to isolate a load run.
 */
public final class RtpPacer implements AutoCloseable {

    private final Lane[] lanes;
    private final RtpTransport transport;
    private final AtomicInteger next = new AtomicInteger();

    /** Starts a pacer with {@code threads} daemon threads, one UDP socket per phone, no tick. */
    public RtpPacer(int threads) {
        this(threads, RtpTransport.perPhoneSockets(), Duration.ZERO);
    }

    /**
     * Starts a pacer with {@code threads} daemon threads sending through {@code transport}.
     *
     * @param tick shortest time between two wake-ups of a lane; zero wakes for every deadline
     */
    public RtpPacer(int threads, RtpTransport transport, Duration tick) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        if (tick.isNegative()) {
            throw new IllegalArgumentException("tick must not be negative: " + tick);
        }
        this.transport = Objects.requireNonNull(transport, "transport");
        lanes = new Lane[threads];
        for (int i = 0; i < threads; i++) {
            lanes[i] = new Lane(transport, tick.toNanos());
            Thread t = new Thread(lanes[i], "rtp-pacer-" + i);
            t.setDaemon(true);
            t.start();
        }
    }

    /** The process-wide pacer (two daemon threads), created on first use. */
    public static RtpPacer shared() {
        return Shared.INSTANCE;
    }

    /** The transport the packets leave through (not closed by {@link #close()}). */
    public RtpTransport transport() {
        return transport;
    }

    /** Number of pacing threads. */
    public int threads() {
        return lanes.length;
    }

    /** Packets handed to the transport so far, by every lane (a send error counts too). */
    public long packetsSent() {
        long sum = 0;
        for (Lane lane : lanes) {
            sum += lane.sent.get();
        }
        return sum;
    }

    /** Hands a stream over; its first packet is due now. */
    void submit(MediaStream stream) {
        lanes[Math.floorMod(next.getAndIncrement(), lanes.length)].add(stream);
    }

    /** Stops the threads; streams still running end at once (their calls fail). The transport stays open. */
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
        // a comparator of its own: Comparator.comparingLong's code is shared with every other
        // user of it in the JVM, and its call of the key extractor is not inlined there
        private final PriorityQueue<MediaStream> queue =
                new PriorityQueue<>((a, b) -> Long.compare(a.nextDeadline(), b.nextDeadline()));
        private final List<MediaStream> due = new ArrayList<>();
        /** Packets fired by this lane; written once per tick by the lane's thread. */
        private final AtomicLong sent = new AtomicLong();
        private final RtpTransport transport;
        private final long tickNanos;
        private long lastTick = Long.MIN_VALUE / 2;
        private boolean closed;

        Lane(RtpTransport transport, long tickNanos) {
            this.transport = transport;
            this.tickNanos = tickNanos;
        }

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
                    long wait = Math.max(stream.nextDeadline(), lastTick + tickNanos) - now;
                    if (wait > 0) {
                        changed.awaitNanos(wait);
                        continue;
                    }
                    lastTick = now;
                    while ((stream = queue.peek()) != null && stream.nextDeadline() <= now) {
                        due.add(queue.poll());
                    }
                    lock.unlock();
                    try {
                        fireAll();
                    } finally {
                        lock.lock();
                    }
                    queue.addAll(due);
                    due.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                CancellationException cause = new CancellationException("RTP pacer closed");
                queue.addAll(due);
                due.clear();
                queue.forEach(s -> s.abort(cause));
                queue.clear();
                closed = true;
                lock.unlock();
            }
        }

        /** Sends every due packet, then flushes the transport once; keeps in {@code due} the streams that go on. */
        private void fireAll() {
            int kept = 0;
            for (int i = 0; i < due.size(); i++) {
                MediaStream s = due.get(i);
                boolean more;
                try {
                    more = s.fire(System.nanoTime());
                } catch (RuntimeException | Error e) {
                    s.abort(e);
                    more = false;
                }
                if (more) {
                    due.set(kept++, s);
                }
            }
            due.subList(kept, due.size()).clear();
            sent.addAndGet(kept);
            try {
                transport.flush();
            } catch (RuntimeException e) {
                // a transport that fails to flush loses this tick's packets; the streams go on
            }
        }
    }
}
