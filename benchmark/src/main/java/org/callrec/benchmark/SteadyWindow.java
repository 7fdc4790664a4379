package org.callrec.benchmark;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The part of a fleet run in which every call is in progress: from a little after the last
 * phone's start to a little before the first phone's stop. CPU per packet there is what the
 * pipeline spends per packet at that load, without its idle cost between runs, the starts and
 * stops of the ramp, the uploads of the tail and the JVMs' warm-up; the whole run's figures
 * keep all of that.
 *
 * <p>The JIT compilers' share ({@link ProcessCpu#jitSeconds}) is reported beside it: a JVM that
 * still compiles in the window has not reached its steady state yet (on a small machine that takes
 * minutes of load: see {@code BENCH_WARMUP}), and the figure without the JIT is the closer
 * estimate of the cost once it has.
 */
final class SteadyWindow {

    /** Left after the last phone's start for its start answer and first packets. */
    static final Duration AFTER_LAST_START = Duration.ofSeconds(3);
    /** Left before the first phone's stop. */
    static final Duration BEFORE_FIRST_STOP = Duration.ofSeconds(1);
    /** Shorter windows are not measured. */
    static final Duration SHORTEST = Duration.ofSeconds(5);

    private SteadyWindow() {
    }

    /** Where the window lies, as offsets from the fleet's start. */
    record Plan(Duration from, Duration to) {
        Duration length() {
            return to.minus(from);
        }
    }

    /**
     * The window of a fleet of {@code phones} started {@code stagger} apart, {@code concurrency}
     * at a time (0: all), each call lasting {@code call}; empty when the calls do not all overlap
     * for {@link #SHORTEST} (too short for the ramp, or run in waves).
     */
    static Optional<Plan> plan(int phones, int concurrency, Duration stagger, Duration call) {
        if (phones < 1 || (concurrency > 0 && concurrency < phones)) {
            return Optional.empty();
        }
        Duration from = stagger.multipliedBy(phones - 1L).plus(AFTER_LAST_START);
        Duration to = call.minus(BEFORE_FIRST_STOP);
        return to.minus(from).compareTo(SHORTEST) < 0 ? Optional.empty() : Optional.of(new Plan(from, to));
    }

    /** One reading at an end of the window: packets sent so far and each process's CPU seconds. */
    record Reading(long nanos, long packetsSent, Map<String, OptionalDouble> cpu, Map<String, OptionalDouble> jit) {
    }

    /** The window's figures: its length, the packets sent in it, each process's CPU and JIT seconds. */
    record Figures(double seconds, long packets, Map<String, Double> cpu, Map<String, Double> jit) {

        static Figures between(Reading first, Reading last) {
            return new Figures((last.nanos() - first.nanos()) / 1e9, last.packetsSent() - first.packetsSent(),
                    BenchmarkReport.cpuDelta(first.cpu(), last.cpu()), BenchmarkReport.cpuDelta(first.jit(), last.jit()));
        }

        /** CPU seconds without the JIT compilers' of each process; null where either is unknown. */
        Map<String, Double> withoutJit() {
            Map<String, Double> out = new LinkedHashMap<>();
            cpu.forEach((p, c) -> {
                Double j = jit.get(p);
                out.put(p, c == null || j == null ? null : c - j);
            });
            return out;
        }

        /** CPU microseconds per packet sent in the window; NaN when unknown or none was sent. */
        double microsPerPacket(Double seconds) {
            return seconds == null || packets <= 0 ? Double.NaN : seconds * 1e6 / packets;
        }
    }
}
