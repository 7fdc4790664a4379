package org.callrec.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCpuTest {

    @Test
    void utimePlusStimeAreFields14And15() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime …
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 9000 0 12 0 1234 567 89 10 20 0 40 0 100 0";

        assertThat(ProcessCpu.ticks(stat)).isEqualTo(1234 + 567);
        assertThat(new ProcessCpu(100).ticksPerSecond()).isEqualTo(100);
    }

    @Test
    void readsThisProcessAndToleratesMissingOnes(@TempDir Path dir) throws IOException {
        ProcessCpu cpu = ProcessCpu.system();
        Path self = dir.resolve("self.pid");
        Files.writeString(self, ProcessHandle.current().pid() + "\n");
        Path garbage = dir.resolve("garbage.pid");
        Files.writeString(garbage, "not a pid");

        assertThat(cpu.ticksPerSecond()).isPositive();
        assertThat(cpu.secondsFromPidFile(self)).isPresent();
        assertThat(cpu.secondsFromPidFile(self).getAsDouble()).isPositive();
        assertThat(cpu.secondsFromPidFile(dir.resolve("absent.pid"))).isEmpty();
        assertThat(cpu.secondsFromPidFile(garbage)).isEmpty();
        assertThat(cpu.seconds(Integer.MAX_VALUE)).isEmpty();
    }

    @Test
    void jitCompilerThreadsAreKnownByTheirNames() {
        assertThat(ProcessCpu.isJitCompiler("17 (C2 CompilerThre) S 1 1 1 0 -1 0 0 0 0 0 700 5 0 0")).isTrue();
        assertThat(ProcessCpu.isJitCompiler("18 (C1 CompilerThre) S 1 1 1 0 -1 0 0 0 0 0 70 1 0 0")).isTrue();
        assertThat(ProcessCpu.isJitCompiler("19 (vert.x-eventloo) R 1 1 1 0 -1 0 0 0 0 0 900 90 0 0")).isFalse();
        assertThat(ProcessCpu.isJitCompiler("20 (GC Thread#0) S 1 1 1 0 -1 0 0 0 0 0 9 9 0 0")).isFalse();
    }

    @Test
    void thisJvmsCompilersHaveUsedSomeOfItsCpu() {
        ProcessCpu cpu = ProcessCpu.system();
        long self = ProcessHandle.current().pid();

        // enough hot code for the compilers to work some ticks; they are part of the JVM's total
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += String.format(java.util.Locale.ROOT, "%d-%s", i, Integer.toHexString(i)).hashCode();
        }
        assertThat(sink).isNotEqualTo(1);
        assertThat(cpu.jitSeconds(self)).isPresent();
        assertThat(cpu.jitSeconds(self).getAsDouble()).isGreaterThan(0).isLessThanOrEqualTo(cpu.seconds(self).getAsDouble());
        assertThat(cpu.jitSeconds(Integer.MAX_VALUE)).isEmpty();
    }
}
