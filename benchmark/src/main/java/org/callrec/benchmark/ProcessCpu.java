package org.callrec.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

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

    /**
     * CPU seconds the process's JIT compiler threads have used so far (HotSpot names them
     * {@code C1 CompilerThreadN} / {@code C2 CompilerThreadN}, cut to 15 characters in
     * {@code /proc/<pid>/task/<tid>/comm}), empty when the process does not exist. A compiler
     * thread that ended (HotSpot stops idle ones) is no longer counted: the figure can only be
     * compared over a window in which the JVM's compiler threads stay.
     */
    OptionalDouble jitSeconds(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long ticks = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                try {
                    String stat = Files.readString(thread.resolve("stat"), StandardCharsets.US_ASCII);
                    if (isJitCompiler(stat)) {
                        ticks += ticks(stat);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(ticks / (double) ticksPerSecond);
    }

    /** Whether a thread's {@code stat} line is that of a HotSpot JIT compiler thread. */
    static boolean isJitCompiler(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            return false;
        }
        String comm = stat.substring(open + 1, close);
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }

    /** CPU seconds of the process whose pid is in {@code pidFile}, empty when absent or gone. */
    OptionalDouble secondsFromPidFile(Path pidFile) {
        return ofPidFile(pidFile, this::seconds);
    }

    /** {@code perProcess} of the process whose pid is in {@code pidFile}, empty when there is no pid. */
    static OptionalDouble ofPidFile(Path pidFile, LongFunction<OptionalDouble> perProcess) {
        OptionalLong pid = readPid(pidFile);
        return pid.isPresent() ? perProcess.apply(pid.getAsLong()) : OptionalDouble.empty();
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
