package org.callrec.core.fuzz;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * What the fuzz properties share: generators of hostile bytes and text, a mutator of valid
 * inputs, and {@link #run}, which runs one call under a time limit (a loop that never ends fails
 * the property instead of hanging the build) and measures what the call allocated.
 *
 * <p>The properties of this package run 150–3,000 tries each, about 15 s in all on a loaded
 * 2-core box; {@link FuzzDepth} multiplies the tries for a deeper run (depth 60, 10⁵–2·10⁵
 * inputs per property, found nothing more).
 */
final class Fuzz {

    /** Longest any single call under test may take: far beyond what any of them needs. */
    static final Duration LIMIT = Duration.ofSeconds(10);

    /**
     * Allocation any call may make beyond its bound: class initialisation on a first call (a
     * replayed failing sample runs first, in a cold JVM) costs tens of KB.
     */
    static final long SLACK_BYTES = 512 * 1024;

    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-worker");
        t.setDaemon(true);
        return t;
    });

    private Fuzz() {
    }

    /** A call's result (or what it threw), with the bytes it allocated and the time it took. */
    record Outcome<T>(T value, Throwable thrown, long allocatedBytes, long nanos) {

        /**
         * Fails unless the call returned or threw one of the {@code documented} exceptions;
         * returns this outcome.
         */
        @SafeVarargs
        final Outcome<T> allowing(Class<? extends Throwable>... documented) {
            if (thrown != null && java.util.Arrays.stream(documented).noneMatch(c -> c.isInstance(thrown))) {
                throw new AssertionError("undocumented exception: " + thrown, thrown);
            }
            return this;
        }
    }

    /**
     * Runs {@code call} on a worker thread; fails (an {@link AssertionError}) when it does not
     * finish within {@link #LIMIT}. What it throws is returned in the outcome, not rethrown.
     */
    static <T> Outcome<T> run(Callable<T> call) {
        Future<Outcome<T>> f = WORKER.submit(() -> {
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long bytes = mx.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            T value = null;
            Throwable thrown = null;
            try {
                value = call.call();
            } catch (Throwable t) {
                thrown = t;
            }
            long nanos = System.nanoTime() - t0;
            return new Outcome<>(value, thrown, mx.getCurrentThreadAllocatedBytes() - bytes, nanos);
        });
        try {
            return f.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("did not finish within " + LIMIT + " (a loop that never ends?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    /** Text of any Unicode code point (supplementary ones included, never a lone surrogate). */
    static Arbitrary<String> text(int maxLength) {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x1F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0xE000, 0x10FFFF)));
        return codePoint.list().ofMaxSize(maxLength).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    /** Uniformly random bytes. */
    static Arbitrary<byte[]> bytes(int maxLength) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxLength);
    }

    /** Bytes drawn from {@code alphabet} (tokens of a format, mostly), joined. */
    static Arbitrary<byte[]> tokens(List<String> alphabet, int maxTokens) {
        return Arbitraries.of(alphabet).list().ofMaxSize(maxTokens)
                .map(ts -> String.join("", ts).getBytes(StandardCharsets.UTF_8));
    }

    /** One edit of a byte string. */
    record Mutation(int kind, int at, int value, int length) {
    }

    /** Up to {@code max} random edits. */
    static Arbitrary<List<Mutation>> mutations(int max) {
        return Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 64))
                .as(Mutation::new).list().ofMinSize(1).ofMaxSize(max);
    }

    /**
     * {@code seed} with {@code edits} applied in order: a bit flipped, a byte set to a boundary
     * value or a random one, bytes inserted, deleted or repeated, the tail cut.
     */
    static byte[] mutate(byte[] seed, List<Mutation> edits) {
        byte[] b = seed.clone();
        for (Mutation m : edits) {
            int at = b.length == 0 ? 0 : m.at() % b.length;
            b = switch (m.kind()) {
                case 0 -> set(b, at, b.length == 0 ? 0 : b[at] ^ (1 << (m.value() & 7)));
                case 1 -> set(b, at, new int[] {0, 0xFF, 0x7F, 0x80, 0x01, 0xFE}[m.value() % 6]);
                case 2 -> set(b, at, m.value());
                case 3 -> insert(b, at, m.length(), m.value());
                case 4 -> delete(b, at, m.length());
                case 5 -> repeat(b, at, m.length());
                default -> java.util.Arrays.copyOf(b, at);
            };
        }
        return b;
    }

    private static byte[] set(byte[] b, int at, int value) {
        if (b.length > 0) {
            b[at] = (byte) value;
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, int n, int value) {
        byte[] out = new byte[b.length + n];
        System.arraycopy(b, 0, out, 0, at);
        java.util.Arrays.fill(out, at, at + n, (byte) value);
        System.arraycopy(b, at, out, at + n, b.length - at);
        return out;
    }

    private static byte[] delete(byte[] b, int at, int n) {
        int k = Math.min(n, b.length - at);
        byte[] out = new byte[b.length - k];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + k, out, at, b.length - at - k);
        return out;
    }

    private static byte[] repeat(byte[] b, int at, int n) {
        int k = Math.min(n, b.length - at);
        byte[] out = new byte[b.length + k];
        System.arraycopy(b, 0, out, 0, at + k);
        System.arraycopy(b, at, out, at + k, b.length - at);
        return out;
    }
}
