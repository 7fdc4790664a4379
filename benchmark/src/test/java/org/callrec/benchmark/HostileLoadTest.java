package org.callrec.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the hostile load's main logic for a few hundred items against a fake control server (it
 * answers every line {@code bad-request}, except the load's own real starts, which get the port
 * of a UDP socket of the test, and each connection's last stop, whose answer names it) and no management ports: so the generator compiles, runs and
 * reports, without a stack and without the 10⁶ run.
 */
class HostileLoadTest {

    private final ServerSocket control = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final DatagramSocket media = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    private final AtomicInteger lines = new AtomicInteger();
    private final AtomicInteger datagrams = new AtomicInteger();
    /** Window marks answered, and those after which more bytes had come before the answer. */
    private final AtomicInteger marks = new AtomicInteger();
    private final AtomicInteger writtenPastMark = new AtomicInteger();

    HostileLoadTest() throws IOException {
    }

    @AfterEach
    void close() throws IOException {
        control.close();
        media.close();
    }

    @Test
    void sendsCountsAndReportsAgainstAFake() throws Exception {
        Thread server = new Thread(this::serve, "fake-control");
        server.setDaemon(true);
        server.start();
        Thread sink = new Thread(this::sink, "fake-media");
        sink.setDaemon(true);
        sink.start();
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        // the fake's one media port is the whole "range": the load sends to it as unallocated
        // and as the real recordings' port alike
        boolean noCrash = HostileLoad.run(HostileLoad.options(new String[] {
            "--control", "127.0.0.1:" + control.getLocalPort(), "--udp-range", media.getLocalPort() + "-" + media.getLocalPort(),
            "--management", "", "--pid-dir", "", "--spill-dir", "", "--log-dir", "", "--commands", "300", "--datagrams", "400",
            "--parallel", "2", "--batch", "50", "--recordings", "2", "--rate", "100000", "--settle", "0"}),
            new PrintStream(report, true, StandardCharsets.UTF_8));

        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(noCrash).isTrue();
        assertThat(text).contains("== Commands: 300 sent").contains("answered bad-request").contains("answered unknown-recording")
                .contains("== Datagrams: 400 sent").contains("to 2 real recordings").contains("Crashes: 0");
        assertThat(lines.get()).as("lines the fake read").isGreaterThan(200);
        assertThat(datagrams.get()).as("datagrams the fake got").isPositive();
    }

    @Test
    void aWindowKeepsFewCommandsInFlight() throws Exception {
        Thread server = new Thread(this::serve, "fake-control");
        server.setDaemon(true);
        server.start();
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        HostileLoad.run(HostileLoad.options(new String[] {
            "--control", "127.0.0.1:" + control.getLocalPort(), "--udp-range", media.getLocalPort() + "-" + media.getLocalPort(),
            "--management", "", "--pid-dir", "", "--spill-dir", "", "--log-dir", "", "--commands", "200", "--datagrams", "0",
            "--parallel", "2", "--batch", "50", "--window", "5", "--recordings", "0", "--rate", "100000", "--settle", "0"}),
            new PrintStream(report, true, StandardCharsets.UTF_8));

        assertThat(report.toString(StandardCharsets.UTF_8)).contains("== Commands: 200 sent");
        assertThat(marks.get()).as("window marks answered").isGreaterThan(20);
        assertThat(writtenPastMark.get()).as("marks after which the load wrote on before their answer").isZero();
    }

    /** One thread per connection: a reply per line, a start answer for the load's real starts. */
    private void serve() {
        while (!control.isClosed()) {
            try {
                Socket s = control.accept();
                Thread t = new Thread(() -> answer(s), "fake-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void answer(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c != '\n' && c != '\r' && c != 0) {
                    line.append((char) c);
                    if (line.length() > 4096) {
                        out.write("cmd=ErrorResponse&result=failed&reason=command-too-long".getBytes(StandardCharsets.US_ASCII));
                        return;
                    }
                    continue;
                }
                if (line.length() == 0) {
                    continue;
                }
                lines.incrementAndGet();
                String l = line.toString();
                line.setLength(0);
                String reply;
                if (l.contains("id=hostile-real-") && l.contains("RecordStartRequest")) {
                    reply = "cmd=RecordStartResponse&result=success&server=127.0.0.1&port=" + media.getLocalPort();
                } else if (l.contains("id=hostile-real-") && l.contains("RecordStopRequest")) {
                    reply = "cmd=RecordStopResponse&result=success";
                } else if (l.matches(".*id=hostile-sentinel-[0-9a-f]+-w[0-9]+.*")) {
                    // a window's mark: the load must wait for this answer before it writes on
                    Thread.sleep(20);
                    marks.incrementAndGet();
                    if (in.available() > 0) {
                        writtenPastMark.incrementAndGet();
                    }
                    reply = "cmd=RecordStopResponse&" + l.substring(l.indexOf("id=")) + "&result=failed&reason=unknown-recording";
                } else if (l.contains("id=hostile-sentinel-")) {
                    // the load's last command on a connection: its answer tells the load all are in
                    reply = "cmd=RecordStopResponse&" + l.substring(l.indexOf("id=")) + "&result=failed&reason=unknown-recording";
                } else {
                    reply = "cmd=ErrorResponse&result=failed&reason=bad-request";
                }
                out.write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            // the load closed first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sink() {
        byte[] buf = new byte[65_536];
        while (!media.isClosed()) {
            try {
                media.receive(new DatagramPacket(buf, buf.length));
                datagrams.incrementAndGet();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Test
    void refusesUnknownOptions() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HostileLoad.options(new String[] {"--comands", "1"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--comands");
        assertThat(HostileLoad.options(new String[] {"--commands", "5"})).isEqualTo(Map.of("commands", "5"));
    }

    @Test
    void readsPrometheusText() {
        Map<String, Double> m = StackProbe.parsePrometheus("""
                # HELP x
                callrec_ingest_packets_dropped_total{reason="foreign-source"} 12.0
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1024.0
                """);
        assertThat(m).containsEntry("callrec_ingest_packets_dropped_total{reason=\"foreign-source\"}", 12.0)
                .containsEntry("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}", 1024.0);
    }

}
