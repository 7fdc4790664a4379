package org.callrec.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of a process from {@code /proc/<pid>/stat}: {@code utime + stime} (fields 14 and 15,
 * all threads, children not included) divided by the clock tick rate ({@code getconf CLK_TCK},
 * normally 100).
 */
final class ProcessCpu {

    private final long ticksPerSecond;

    ProcessCpu(long ticksPerSecond) {
        this.ticksPerSecond = ticksPerSecond;
    }

    /** Uses the system's {@code CLK_TCK}, 100 when it cannot be read. */
    static ProcessCpu system() {
        return new ProcessCpu(clockTicks());
    }

    long ticksPerSecond() {
        return ticksPerSecond;
    }

    /** CPU seconds the process has used so far, empty when it does not exist (or no /proc). */
    OptionalDouble seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            return OptionalDouble.of(ticks(stat) / (double) ticksPerSecond);
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /** CPU seconds of the process whose pid is in {@code pidFile}, empty when absent or gone. */
    OptionalDouble secondsFromPidFile(Path pidFile) {
        OptionalLong pid = readPid(pidFile);
        return pid.isPresent() ? seconds(pid.getAsLong()) : OptionalDouble.empty();
    }

    static OptionalLong readPid(Path pidFile) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * utime + stime, in ticks, from one {@code stat} line. The command name (field 2) is in
     * parentheses and may hold spaces or parentheses, so fields are counted after the last ')'.
     */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).strip().split("\\s+");
        // f[0] is field 3 (state): utime (field 14) is f[11], stime (field 15) is f[12].
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                long ticks = Long.parseLong(out);
                if (ticks > 0) {
                    return ticks;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall back below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
