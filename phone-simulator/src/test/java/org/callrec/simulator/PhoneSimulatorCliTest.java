package org.callrec.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.Terminator;
import org.junit.jupiter.api.Test;

class PhoneSimulatorCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws InterruptedException {
        return PhoneSimulatorCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void callsSucceedAndExitZero() throws IOException, InterruptedException {
        try (FakeRecordingServer server = new FakeRecordingServer()) {
            int code = run("--control", "127.0.0.1:" + server.controlPort(), "--phones", "3", "--duration", "300ms",
                    "--stagger", "10ms", "--codec", "pcmu", "--terminator", "crlf", "--remote-name", "Zoë Müller",
                    "--extra", "x-site=lyon", "--dir=in");

            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(code).as(text + err).isZero();
            assertThat(text.lines().filter(l -> l.startsWith("OK "))).hasSize(3);
            assertThat(text).contains("summary: calls=3 succeeded=3 failed=0 packets=45");
            assertThat(server.commandsNamed(Command.START_REQUEST)).hasSize(3).allSatisfy(c -> {
                assertThat(c.getOr("codec", "")).isEqualTo("PCMU");
                assertThat(c.getOr("remote_name", "")).isEqualTo("Zoë Müller");
                assertThat(c.getOr("dir", "")).isEqualTo("in");
                assertThat(c.getOr("x-site", "")).isEqualTo("lyon");
            });
            assertThat(server.commands).allSatisfy(r -> assertThat(r.frame().terminator()).isEqualTo(Terminator.CRLF));
        }
    }

    @Test
    void unreachableServerExitsOne() throws IOException, InterruptedException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        int code = run("--control", "127.0.0.1:" + closedPort, "--duration", "1s");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("FAIL ").contains("failed=1");
    }

    @Test
    void badUsageExitsTwo() throws InterruptedException {
        assertThat(run("--phones", "zero")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--phones wants a number").contains("Usage:");
        assertThat(run("--codec", "G729")).isEqualTo(2);
        assertThat(run("--bogus")).isEqualTo(2);
    }

    @Test
    void helpExitsZero() throws InterruptedException {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--control HOST:PORT");
    }
}
