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
}
