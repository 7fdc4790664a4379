package org.callrec.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class FleetBenchmarkTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws InterruptedException {
        return FleetBenchmark.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void withoutAStackItFailsFastAndSaysWhy() throws IOException, InterruptedException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        long t0 = System.nanoTime();
        int code = run("--kafka", "127.0.0.1:" + closedPort, "--phones", "1", "--duration", "1s");

        assertThat(code).isEqualTo(3);
        assertThat(System.nanoTime() - t0).isLessThan(10_000_000_000L);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("benchmark cannot run: cannot reach Kafka at 127.0.0.1:" + closedPort)
                .contains("Is the stack running?");
    }

    @Test
    void usageErrorsExitTwo() throws InterruptedException {
        assertThat(run("--phones", "-3")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage:");
    }

    @Test
    void helpExitsZero() throws InterruptedException {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--completion-timeout");
    }
}
