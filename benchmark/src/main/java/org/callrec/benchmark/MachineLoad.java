package org.callrec.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The whole machine's load while the benchmark measures: how busy all cores were (the
 * {@code cpu} line of {@code /proc/stat}, read at the start and the end: busy = everything but
 * {@code idle} and {@code iowait}) and the 1-minute load average ({@code /proc/loadavg}) sampled
 * every few seconds. Everything on the machine counts, the benchmark included.
 */
final class MachineLoad implements AutoCloseable {

    /**
     * What was seen between {@link #start} and {@link #stop}.
     *
     * @param cores        online CPUs ({@link Runtime#availableProcessors()})
     * @param busyFraction share of all cores' time spent busy, 0…1; NaN without /proc/stat
     * @param busySeconds  CPU seconds spent busy, all cores together (/proc/stat ticks are USER_HZ,
     *                     the same clock as a process's utime + stime)
     * @param loadMean     mean of the 1-minute load average samples; NaN without samples
     * @param loadMax      largest sample
     * @param samples      number of samples
     */
    record Figures(int cores, double busyFraction, double busySeconds, double loadMean, double loadMax, int samples) {
        static final Figures NONE = new Figures(Runtime.getRuntime().availableProcessors(), Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, 0);
    }

    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "machine-load");
        t.setDaemon(true);
        return t;
    });
    private final List<Double> loads = new ArrayList<>();
    private final long ticksPerSecond;
    private long[] startTicks;

    private MachineLoad(long ticksPerSecond) {
        this.ticksPerSecond = ticksPerSecond;
    }

    /**
     * Reads /proc/stat now and samples /proc/loadavg every {@code periodSeconds} from now on;
     * {@code ticksPerSecond} is {@code CLK_TCK} ({@link ProcessCpu#ticksPerSecond()}).
     */
    static MachineLoad start(int periodSeconds, long ticksPerSecond) {
        MachineLoad m = new MachineLoad(ticksPerSecond);
        m.startTicks = cpuTicks();
        m.sampler.scheduleAtFixedRate(m::sample, 0, periodSeconds, TimeUnit.SECONDS);
        return m;
    }

    private void sample() {
        try {
            double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
            synchronized (loads) {
                loads.add(load);
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: no samples
        }
    }

    /** Stops sampling and returns the figures. */
    Figures stop() {
        sampler.shutdownNow();
        long[] end = cpuTicks();
        double busy = Double.NaN;
        double busySeconds = Double.NaN;
        if (startTicks != null && end != null) {
            long total = end[0] - startTicks[0];
            long idle = end[1] - startTicks[1];
            busy = total > 0 ? (total - idle) / (double) total : Double.NaN;
            busySeconds = (total - idle) / (double) ticksPerSecond;
        }
        synchronized (loads) {
            return new Figures(Runtime.getRuntime().availableProcessors(), busy, busySeconds,
                    loads.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    loads.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), loads.size());
        }
    }

    /** {total, idle + iowait} ticks of all CPUs, or null without /proc/stat. */
    static long[] cpuTicks() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("cpu ")) {
                    return parseCpuLine(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return null;
    }

    /**
     * {@code cpu  user nice system idle iowait irq softirq steal guest guest_nice}: total is the sum
     * of the first eight (guest time is already in user), idle is idle + iowait.
     */
    static long[] parseCpuLine(String line) {
        String[] f = line.strip().split("\\s+");
        long total = 0;
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            total += Long.parseLong(f[i]);
        }
        return new long[] {total, Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0)};
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
