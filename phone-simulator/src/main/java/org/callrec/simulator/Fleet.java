package org.callrec.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Many simulated phones calling at once.
 *
 * <p>Phone {@code i} starts no earlier than {@code i × stagger} after the fleet starts, and only
 * when fewer than {@code maxConcurrent} calls are running. Each running call holds one thread
 * blocked on its control connection; the RTP of all of them is paced by an {@link RtpPacer}
 * (two threads carry 200 phones × 50 packets/s).
 */
public final class Fleet {

    private Fleet() {
    }

    /** Runs every phone at once (bounded by {@code maxConcurrent}), no stagger. */
    public static List<CallResult> run(List<PhoneConfig> phones, int maxConcurrent) throws InterruptedException {
        return run(phones, maxConcurrent, Duration.ZERO, r -> { }, RtpPacer.shared());
    }

    /** Runs the phones with staggered starts. */
    public static List<CallResult> run(List<PhoneConfig> phones, int maxConcurrent, Duration stagger)
            throws InterruptedException {
        return run(phones, maxConcurrent, stagger, r -> { }, RtpPacer.shared());
    }

    /** Runs the phones with staggered starts; {@code onResult} sees each result as its call ends. */
    public static List<CallResult> run(List<PhoneConfig> phones, int maxConcurrent, Duration stagger,
                                       Consumer<CallResult> onResult) throws InterruptedException {
        return run(phones, maxConcurrent, stagger, onResult, RtpPacer.shared());
    }

    /**
     * Runs the phones and returns their results in the order of {@code phones}.
     *
     * @param phones        one configuration per phone (see {@link #phones(PhoneConfig, int)})
     * @param maxConcurrent most calls running at the same time
     * @param stagger       delay between two consecutive starts
     * @param onResult      called (serialised, from the phones' threads) as each call ends
     * @param pacer         the pacer sending the RTP
     */
    public static List<CallResult> run(List<PhoneConfig> phones, int maxConcurrent, Duration stagger,
                                       Consumer<CallResult> onResult, RtpPacer pacer) throws InterruptedException {
        Objects.requireNonNull(onResult, "onResult");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be >= 1: " + maxConcurrent);
        }
        if (phones.isEmpty()) {
            return List.of();
        }
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(maxConcurrent, phones.size()), r -> {
            Thread t = new Thread(r, "phone-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Object callbackLock = new Object();
        List<Future<CallResult>> futures = new ArrayList<>(phones.size());
        try {
            long t0 = System.nanoTime();
            long staggerNanos = stagger.toNanos();
            for (int i = 0; i < phones.size(); i++) {
                long due = t0 + i * staggerNanos;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
                PhoneConfig config = phones.get(i);
                futures.add(executor.submit(() -> {
                    CallResult result = SimulatedPhone.call(config, pacer);
                    synchronized (callbackLock) {
                        onResult.accept(result);
                    }
                    return result;
                }));
            }
            List<CallResult> results = new ArrayList<>(phones.size());
            for (Future<CallResult> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("result callback failed", e.getCause());
                }
            }
            return results;
        } finally {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /**
     * {@code count} distinct phones made from {@code template}: each gets a random session id, its
     * own MAC address (the template's first three bytes, then a random base plus its index), a
     * local number counting up from the template's (when it is numeric) and a slightly different
     * tone. Everything else is the template's.
     */
    public static List<PhoneConfig> phones(PhoneConfig template, int count) {
        String oui = template.device().length() >= 8 && template.device().charAt(2) == ':'
                ? template.device().substring(0, 8) : PhoneConfig.FANVIL_OUI;
        int base = ThreadLocalRandom.current().nextInt(1 << 24);
        List<PhoneConfig> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int low = (base + i) & 0xFF_FFFF;
            list.add(template.toBuilder()
                    .sessionId(PhoneConfig.randomSessionId())
                    .device(String.format("%s:%02x:%02x:%02x", oui, (low >> 16) & 0xFF, (low >> 8) & 0xFF, low & 0xFF))
                    .localNumber(numberPlus(template.localNumber(), i))
                    .toneHz(template.toneHz() + 10 * (i % 40))
                    .build());
        }
        return list;
    }

    private static String numberPlus(String number, int i) {
        if (i == 0 || !number.matches("\\d{1,15}")) {
            return number;
        }
        String next = Long.toString(Long.parseLong(number) + i);
        return "0".repeat(Math.max(0, number.length() - next.length())) + next;
    }
}
